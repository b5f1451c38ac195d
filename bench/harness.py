"""What the benches share beyond ``loadkit`` (the app under gunicorn, which the tests drive too): a year of visits
bulk-loaded without ORM objects (bench/coverage.py, bench/backup.py), the databases a bench runs on
(``--sqlite``, ``--postgres URL``), and the JSON line each run prints.

Benches import this module; tests never do (what they share with benches is in ``loadkit``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import tempfile
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from fieldlog import create_app
from fieldlog.extensions import db

HOTSPOTS = 500
OFFICERS = 60
LAST_DAY = date(2026, 11, 22)
FIRST_DAY = LAST_DAY - timedelta(days=27)
YEAR_START = datetime(2025, 11, 23, tzinfo=UTC)
PERIOD_START = datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # 26 October 00:00 CET
PERIOD_END = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # 23 November 00:00 CET
HOT_HOURS = [
    [{"days": [5, 6], "from": "20:00", "to": "02:00"}],
    [{"days": [1, 2, 3, 4, 5], "from": "15:00", "to": "18:00"}],
    [{"days": [6, 7], "from": "11:00", "to": "15:00"}, {"days": [5], "from": "22:00", "to": "03:00"}],
]


def app_for(url: str, instance: str):
    return create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance, "RATELIMIT_STORAGE_URI": "memory://"}
    )


def reset_and_migrate(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()


def seed(app) -> tuple[int, list[uuid.UUID], list[int]]:
    """One area, its officers and 500 hot spots (through the models: few rows)."""
    from fieldlog.areas.models import Area
    from fieldlog.auth.models import User
    from fieldlog.hotspots.models import HotSpot

    rnd = random.Random(7)
    with app.app_context():
        area = Area(slug="region", name="Region", timezone="Europe/Stockholm", public_report=True)
        db.session.add(area)
        db.session.flush()
        officers = []
        for i in range(OFFICERS):
            user = User(username=f"officer{i}", display_name=f"Officer {i}", role="officer", area_id=area.id)
            user.password_hash = "x"  # never signs in
            officers.append(user)
        db.session.add_all(officers)
        now = datetime.now(UTC)
        spots = [
            HotSpot(
                id=uuid.UUID(int=rnd.getrandbits(128), version=4),
                area_id=area.id,
                name=f"Hot spot {i:03d}",
                lat=57.0 + rnd.random(),
                lon=13.0 + rnd.random(),
                priority=rnd.randint(1, 3),
                target_visits_per_week=rnd.choice([None, 3, 5, 10, 20]),
                hot_hours=HOT_HOURS[i % len(HOT_HOURS)],
                created_at=now,
                updated_at=now,
                change_seq=1,
            )
            for i in range(HOTSPOTS)
        ]
        db.session.add_all(spots)
        db.session.commit()
        return area.id, [s.id for s in spots], [u.id for u in officers]


def visit_rows(rnd: random.Random, n: int, spots, officers, start: datetime, end: datetime, avoid=None):
    """n random visits starting in [start, end), skipping [avoid) (the period) when given."""
    span = (end - start).total_seconds()
    rows = []
    while len(rows) < n:
        started = start + timedelta(seconds=rnd.random() * span)
        if avoid and avoid[0] <= started < avoid[1]:
            continue
        minutes = rnd.choice((2, 5, 8, 10, 12, 12, 14, 15, 16, 20, 30))
        ended = started + timedelta(minutes=minutes, seconds=rnd.randint(0, 59))
        deleted = rnd.random() < 0.01
        rows.append(
            (
                uuid.UUID(int=rnd.getrandbits(128), version=4),
                rnd.choice(spots),
                rnd.choice(officers),
                started,
                ended if rnd.random() > 0.002 else None,
                rnd.randint(1, 3),
                rnd.random() < 0.8,
                deleted,
            )
        )
    return rows


def load_sqlite(path: str, rows) -> None:
    import sqlite3

    def ts(value):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if value else None

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    now = ts(datetime.now(UTC))
    sql = (
        "INSERT INTO visit (id, hotspot_id, officer_id, started_at, ended_at, mode, officers, observations, activities,"
        " contacts, notes, on_site, rev, deleted, created_at, updated_at, change_seq)"
        " VALUES (?, ?, ?, ?, ?, 'foot', ?, '[]', '[\"visible_presence\"]', 0, '', ?, 1, ?, ?, ?, 1)"
    )
    for i in range(0, len(rows), 50_000):
        conn.executemany(
            sql,
            [
                (r[0].hex, r[1].hex, r[2], ts(r[3]), ts(r[4]), r[5], int(r[6]), int(r[7]), now, now)
                for r in rows[i : i + 50_000]
            ],
        )
        conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def load_postgres(url: str, rows) -> None:
    import psycopg

    now = datetime.now(UTC)
    copy_sql = (
        "COPY visit (id, hotspot_id, officer_id, started_at, ended_at, mode, officers, observations, activities,"
        " contacts, notes, on_site, rev, deleted, created_at, updated_at, change_seq) FROM STDIN"
    )
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        with conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for r in rows:
                copy.write_row(
                    (
                        r[0],
                        r[1],
                        r[2],
                        r[3],
                        r[4],
                        "foot",
                        r[5],
                        "[]",
                        '["visible_presence"]',
                        0,
                        "",
                        r[6],
                        1,
                        r[7],
                        now,
                        now,
                        1,
                    )
                )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE visit")


@contextmanager
def area_in_fresh_database(url: str, instance: str, slug: str, name: str):
    """In an app context on an empty database just migrated: a new area (Europe/Stockholm), which the block fills;
    committed after it."""
    from fieldlog.areas.models import Area

    app = app_for(url, instance)
    with app.app_context():
        reset_and_migrate(app)
        area = Area(slug=slug, name=name, timezone="Europe/Stockholm")
        db.session.add(area)
        db.session.flush()
        yield area
        db.session.commit()
        db.engine.dispose()


def fresh_database(url: str):
    """An empty database migrated, then seeded (``seed``): (app, area id, hot spot ids, officer ids)."""
    app = app_for(url, tempfile.mkdtemp(prefix="fieldlog-bench-"))
    reset_and_migrate(app)
    return (app, *seed(app))


@dataclass
class Database:
    """One database a bench runs on: its name in the figures, its URL, and its bulk loader of ``visit_rows``."""

    name: str
    url: str
    load: Callable[[list], None]


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite (default when nothing is chosen)")
    parser.add_argument("--postgres", metavar="URL", help="postgresql+psycopg://… of a database to wipe and use")
    parser.add_argument("--visits", type=int, default=1_000_000)


def chosen_databases(args: argparse.Namespace, folder: str, sqlite_file: str = "bench.sqlite3") -> list[Database]:
    """SQLite (a file of ``folder``) when ``--sqlite`` or nothing is chosen, then PostgreSQL when ``--postgres``."""
    chosen = []
    if args.sqlite or not args.postgres:
        path = os.path.join(folder, sqlite_file)
        chosen.append(Database("sqlite", "sqlite:///" + path, lambda rows: load_sqlite(path, rows)))
    if args.postgres:
        url = args.postgres
        chosen.append(Database("postgresql", url, lambda rows: load_postgres(url, rows)))
    return chosen


def run_each(databases: list[Database], measure: Callable[[Database], dict]) -> list[dict]:
    """``measure`` on each database in turn; each result printed as a JSON line as soon as it is known."""
    results = []
    for database in databases:
        results.append(measure(database))
        print(json.dumps(results[-1]), flush=True)
    return results


def profiled_pushes(client, headers: dict, bodies: list) -> pstats.Stats:
    """The push bodies through the app's test client under cProfile (each must be accepted): where the server's time
    goes. Bodies built beforehand, so that only the pushes are profiled."""
    profiler = cProfile.Profile()
    profiler.enable()
    for body in bodies:
        response = client.post("/api/v1/sync/push", data=body, headers=headers)
        assert response.status_code == 200, response.get_data()
    profiler.disable()
    return pstats.Stats(profiler)
