"""A SQLite database that cannot be written — opened read-only, or full — gives a clear error envelope (``503
service_unavailable``, Retry-After) and loses nothing: nothing half-written, and the same batch retried once the
database is writable again is stored exactly once.

SQLite only (these are SQLite's own failure modes); each test makes its own SQLite file, so it runs in both CI
passes. "Read-only" is the database opened with SQLite's ``mode=ro`` (the tests run as root, for whom a read-only
file or folder is still writable); "full" is SQLite's ``PRAGMA max_page_count`` capped at the file's current size
on every connection, through an engine event added by the test — the production code has no such hook.
"""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest
from sqlalchemy import event

from fieldlog import create_app
from fieldlog.extensions import db
from loadkit.database import prepare
from loadkit.load import make_visits

pytestmark = pytest.mark.slow


@pytest.fixture
def sqlite_fleet(tmp_path):
    path = tmp_path / "fieldlog.sqlite3"
    instance = tmp_path / "instance"
    instance.mkdir()
    fleet = prepare(f"sqlite:///{path}", str(instance), officers=1, supervisors=1)
    return path, str(instance), fleet


def make_app(url: str, instance: str):
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "faults", "INSTANCE_PATH": instance})


def body_for(fleet, count: int, seed: int) -> tuple[bytes, list[str]]:
    visits = make_visits(count, fleet.hotspots, seed=seed)
    for _, data in visits:
        data["notes"] = "x" * 1500  # rows that need fresh pages
    mutations = [
        {"mutation_id": str(uuid.uuid4()), "type": "visit.upsert", "record_id": rid, "base_rev": None, "data": data}
        for rid, data in visits
    ]
    return json.dumps({"protocol": 1, "mutations": mutations}).encode(), [rid for rid, _ in visits]


def push(app, token: str, body: bytes):
    return app.test_client().post(
        "/api/v1/sync/push",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


def stored(path) -> tuple[set[str], int, set[int]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT id, rev FROM visit").fetchall()
        mutations = conn.execute("SELECT count(*) FROM sync_mutation").fetchone()[0]
    finally:
        conn.close()
    return {str(uuid.UUID(r[0])) for r in rows}, mutations, {r[1] for r in rows}


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    error = response.get_json()["error"]
    assert error["code"] == "service_unavailable"
    assert "Inget sparades" in error["message"]  # the officer reads Swedish (issue 10 C1)


def assert_applied_once(response, record_ids: list[str]) -> None:
    assert response.status_code == 200, response.get_data()
    results = response.get_json()["results"]
    assert [r["record_id"] for r in results] == record_ids
    assert {(r["status"], r["rev"]) for r in results} == {("applied", 1)}


def test_read_only_sqlite_answers_503_and_the_retry_stores_the_batch_once(sqlite_fleet):
    path, instance, fleet = sqlite_fleet
    token = fleet.officers[0].token
    body, ids = body_for(fleet, 40, seed=1)

    read_only = make_app(f"sqlite:///file:{path}?mode=ro&uri=true", instance)
    for _ in range(2):
        assert_unavailable(push(read_only, token, body))
    with read_only.app_context():
        db.engine.dispose()
    assert stored(path) == (set(), 0, set())

    writable = make_app(f"sqlite:///{path}", instance)
    assert_applied_once(push(writable, token, body), ids)
    assert_applied_once(push(writable, token, body), ids)  # a second retry is a replay
    with writable.app_context():
        db.engine.dispose()
    assert stored(path) == (set(ids), len(ids), {1})


def test_full_sqlite_answers_503_keeps_what_was_stored_and_the_retry_stores_the_batch_once(sqlite_fleet):
    path, instance, fleet = sqlite_fleet
    token = fleet.officers[0].token
    first_body, first_ids = body_for(fleet, 30, seed=1)
    body, ids = body_for(fleet, 200, seed=2)
    app = make_app(f"sqlite:///{path}", instance)
    assert_applied_once(push(app, token, first_body), first_ids)

    # The disk is full: no page may be added to the file beyond the ones it has now.
    probe = sqlite3.connect(path)
    pages = probe.execute("PRAGMA page_count").fetchone()[0]
    probe.close()

    def cap(dbapi_connection, connection_record):
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    with app.app_context():
        engine = db.engine
        engine.dispose()
        event.listen(engine, "connect", cap)
        try:
            for _ in range(2):
                assert_unavailable(push(app, token, body))
        finally:
            event.remove(engine, "connect", cap)
            engine.dispose()
    assert stored(path) == (set(first_ids), len(first_ids), {1})

    # Space again: the same batch goes in once.
    assert_applied_once(push(app, token, body), ids)
    with app.app_context():
        db.engine.dispose()
    assert stored(path) == (set(first_ids) | set(ids), len(first_ids) + len(ids), {1})
