"""The database unreachable for a while during pushes: the server answers ``503`` (the error envelope, with
Retry-After), never a 500; nothing is half-written; after recovery every visit is stored exactly once, as the phones
retry the same batches. Runs on both databases, with the outage each can have:

- PostgreSQL: a TCP proxy between the app and PostgreSQL is cut (open connections dropped, new ones refused) and
  restored, three times.
- SQLite: the folder holding the database file is moved away (the app then cannot open the file) and moved back,
  three times; the server runs without a connection pool (tests/faults/wsgi.py) so that each request opens the file.
"""

from __future__ import annotations

import os
import time

import pytest
import sqlalchemy as sa

from loadkit.database import prepare
from loadkit.load import run_load
from tests.faults.proxy import CuttableProxy

pytestmark = pytest.mark.slow

OUTAGES = 3


def wait_for_pushes(tally, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while tally.pushes_in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.005)


def check(report) -> None:
    print("\n".join(report.lines()))
    assert report.unavailable > 0, "the outage was answered with 503"
    assert report.server_errors == report.unavailable, "no 5xx other than 503"
    assert report.expected > 0
    assert report.stored == report.expected
    assert report.lost == 0
    assert report.duplicated == 0
    assert report.mutations_stored == report.expected  # every visit with its idempotency record, and no other
    assert report.tally.problems == []
    assert report.tally.pull_mismatches == []


def database_consistent(url: str) -> None:
    """Nothing half-written: every stored visit has its mutation record, and the change counter covers every row."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            orphans = conn.execute(
                sa.text(
                    "SELECT count(*) FROM visit v WHERE NOT EXISTS "
                    "(SELECT 1 FROM sync_mutation m WHERE m.record_id = v.id)"
                )
            ).scalar_one()
            counter = conn.execute(sa.text("SELECT value FROM change_counter")).scalar_one()
            newest = conn.execute(sa.text("SELECT max(change_seq) FROM visit")).scalar_one()
    finally:
        engine.dispose()
    assert orphans == 0
    assert newest <= counter


def test_database_unreachable_during_pushes_gives_503_and_every_visit_once_after(server_database, workers, tmp_path):
    url = sa.make_url(server_database)
    if url.get_backend_name() == "sqlite":
        used = run_sqlite_outage(server_database, workers, tmp_path)
    else:
        used = run_postgres_outage(server_database, workers, tmp_path)
    database_consistent(used)


def run_postgres_outage(database: str, workers: int, tmp_path) -> str:
    url = sa.make_url(database)
    proxy = CuttableProxy((url.host or "127.0.0.1", url.port or 5432))
    try:
        through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)

        def outages(server, tally, stop):
            for _ in range(OUTAGES):
                wait_for_pushes(tally)
                time.sleep(0.3)
                proxy.cut()
                time.sleep(2)
                proxy.restore()
                time.sleep(1)

        report = run_load(
            database,
            str(tmp_path),
            visits=20_000,
            clients=8,
            workers=workers,
            batch=25,
            readers=1,
            pullers=2,
            deadline=300,
            server_app="tests.faults.wsgi:create_app()",
            server_url=through_proxy,
            fault=outages,
            until_fault_done=True,
        )
    finally:
        proxy.close()
    check(report)
    return database


def run_sqlite_outage(database: str, workers: int, tmp_path) -> str:
    # The database in a folder of its own, which the outage moves away.
    folder = tmp_path / "dbdir"
    folder.mkdir()
    moved = tmp_path / "dbdir-away"
    database = f"sqlite:///{folder / 'fieldlog.sqlite3'}"
    instance = str(tmp_path / "instance")
    os.makedirs(instance)
    fleet = prepare(database, instance, 8)

    def outages(server, tally, stop):
        for _ in range(OUTAGES):
            wait_for_pushes(tally)
            time.sleep(0.3)
            os.rename(folder, moved)
            time.sleep(2)
            os.rename(moved, folder)
            time.sleep(1)

    report = run_load(
        database,
        instance,
        visits=20_000,
        clients=8,
        workers=workers,
        batch=25,
        readers=1,
        pullers=2,
        deadline=300,
        server_app="tests.faults.wsgi:create_app()",
        server_env_extra={"PROOF_NULL_POOL": "1"},
        fault=outages,
        until_fault_done=True,
        fleet=fleet,
    )
    check(report)
    return database
