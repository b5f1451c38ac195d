"""Coverage at scale (SPEC §5): 500 hot spots, 1,000,000 visits, the 28-day coverage query on SQLite and PostgreSQL.

Usage:  .venv/bin/python bench/coverage.py [--sqlite] [--postgres URL] [--visits 1000000] [--repeat 7]

For each database the script migrates an empty schema with the real migrations, loads 500 hot spots and bulk-loads
visits (executemany on SQLite, COPY on PostgreSQL — no ORM objects), then times the coverage query exactly as the API
runs it (``fieldlog.coverage.services.coverage``) in two stages of one run:

1. 100,000 stored visits: the 28-day period's visits plus the rest spread over the year before it;
2. 1,000,000 stored visits: the same table after loading the remaining 900,000 visits outside the period.

Both stages hold the very same visits inside the period (the answers are checked to be equal), so the ratio shows
whether the cost follows the period asked for or the size of the table. Figures: median of ``--repeat`` warm runs.

Coverage reads per-day figures that triggers keep current (``fieldlog/coverage/days.py``). The bulk loads go through
the triggers like any write; after each, the script brings every day up to date as ``fieldlog coverage refresh``
does (the README's step after a bulk load) and reports that time apart, and it reports the first read after 500
visits of the period were edited — the price a supervisor pays after a busy shift's pushes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from fieldlog import create_app  # noqa: E402
from fieldlog.db import UTCDateTime  # noqa: E402
from fieldlog.extensions import db  # noqa: E402

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


def time_coverage(app, area_id: int, repeat: int) -> tuple[float, float, list]:
    """(ms to bring the day rows up to date after a load, as ``fieldlog coverage refresh`` does; median ms of warm
    reads; rows)."""
    from fieldlog.areas.models import Area
    from fieldlog.coverage import days, queries, services

    with app.app_context():
        area = db.session.get(Area, area_id)
        p = queries.period(FIRST_DAY, LAST_DAY, area.timezone)
        assert (p.start, p.end) == (PERIOD_START, PERIOD_END), (p.start, p.end)
        t0 = time.perf_counter()
        days.refresh(db.session, area.id, area.timezone)
        db.session.commit()
        refresh_ms = (time.perf_counter() - t0) * 1000
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does within its naptime after a load drained ~1M queue rows (migration 0003 sets the
            # queue to be vacuumed after every thousand); until then reads wade through the dead index entries.
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    sa.text("VACUUM ANALYZE coverage_stale, coverage_day")
                )
        result = services.coverage(area, p)  # warm-up (caches, statement compilation)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = services.coverage(area, p)
            db.session.commit()
            times.append((time.perf_counter() - t0) * 1000)
        return refresh_ms, statistics.median(times), result["hotspots"]


def time_after_changes(app, area_id: int, changed: int) -> float:
    """ms of the first read after ``changed`` visits of the period were edited (as a busy shift's pushes would)."""
    from fieldlog.areas.models import Area
    from fieldlog.coverage import queries, services

    with app.app_context():
        ids = db.session.execute(
            sa.text(
                "SELECT id FROM visit WHERE started_at >= :s AND started_at < :e AND ended_at IS NOT NULL"
                " ORDER BY id LIMIT :n"
            )
            .bindparams(sa.bindparam("s", type_=UTCDateTime), sa.bindparam("e", type_=UTCDateTime))
            .columns(id=sa.Uuid),
            {"s": PERIOD_START, "e": PERIOD_END, "n": changed},
        ).scalars()
        visit = sa.table("visit", sa.column("id", sa.Uuid), sa.column("officers"))
        db.session.execute(
            visit.update().where(visit.c.id.in_(list(ids))).values(officers=sa.case((visit.c.officers < 3, 3), else_=1))
        )
        db.session.commit()
        area = db.session.get(Area, area_id)
        p = queries.period(FIRST_DAY, LAST_DAY, area.timezone)
        t0 = time.perf_counter()
        services.coverage(area, p)
        db.session.commit()
        return (time.perf_counter() - t0) * 1000


def count_visits(app) -> int:
    with app.app_context():
        return db.session.execute(sa.text("SELECT COUNT(*) FROM visit")).scalar_one()


def run(name: str, url: str, loader, total: int, repeat: int) -> dict:
    instance = tempfile.mkdtemp(prefix="fieldlog-bench-")
    app = app_for(url, instance)
    reset_and_migrate(app)
    area_id, spots, officers = seed(app)
    rnd = random.Random(42)
    period_share = total * 28 // 365
    period_rows = visit_rows(rnd, period_share, spots, officers, PERIOD_START, PERIOD_END)
    small_rest = visit_rows(
        rnd, total // 10 - period_share, spots, officers, YEAR_START, PERIOD_END, (PERIOD_START, PERIOD_END)
    )
    big_rest = visit_rows(rnd, total - total // 10, spots, officers, YEAR_START, PERIOD_END, (PERIOD_START, PERIOD_END))

    t0 = time.perf_counter()
    loader(period_rows + small_rest)
    small_n = count_visits(app)
    small_refresh, small_ms, small_result = time_coverage(app, area_id, repeat)
    loader(big_rest)
    load_s = time.perf_counter() - t0
    big_n = count_visits(app)
    big_refresh, big_ms, big_result = time_coverage(app, area_id, repeat)
    assert small_result == big_result, "the period's figures must not depend on visits outside it"
    visits_in_period = sum(h["visits"] for h in big_result)
    after_changes_ms = time_after_changes(app, area_id, 500)
    with app.app_context():
        db.engine.dispose()
    return {
        "database": name,
        "visits_stored_small": small_n,
        "visits_stored_big": big_n,
        "counting_visits_in_period": visits_in_period,
        "coverage_ms_small": round(small_ms, 1),
        "coverage_ms_big": round(big_ms, 1),
        "ratio_big_over_small": round(big_ms / small_ms, 2),
        "target_ms": 150,
        "target_ratio": 1.3,
        "refresh_after_loading_small_ms": round(small_refresh),
        "refresh_after_loading_900k_more_ms": round(big_refresh),
        "first_read_after_500_visits_changed_ms": round(after_changes_ms, 1),
        "load_seconds": round(load_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite (default when nothing is chosen)")
    parser.add_argument("--postgres", metavar="URL", help="postgresql+psycopg://… of a database to wipe and use")
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    results = []
    if args.sqlite or not args.postgres:
        path = os.path.join(tempfile.mkdtemp(prefix="fieldlog-bench-"), "bench.sqlite3")
        results.append(
            run("sqlite", "sqlite:///" + path, lambda rows: load_sqlite(path, rows), args.visits, args.repeat)
        )
        print(json.dumps(results[-1]), flush=True)
    if args.postgres:
        url = args.postgres
        results.append(run("postgresql", url, lambda rows: load_postgres(url, rows), args.visits, args.repeat))
        print(json.dumps(results[-1]), flush=True)
    for r in results:
        ok = r["coverage_ms_big"] <= r["target_ms"] and r["ratio_big_over_small"] <= r["target_ratio"]
        print(
            f"{r['database']:>10}: 28-day coverage, {HOTSPOTS} hot spots, {r['counting_visits_in_period']:,} counting "
            f"visits in the period: {r['coverage_ms_small']} ms with {r['visits_stored_small']:,} stored, "
            f"{r['coverage_ms_big']} ms with {r['visits_stored_big']:,} stored → ratio {r['ratio_big_over_small']} "
            f"({'meets' if ok else 'MISSES'} ≤ {r['target_ms']} ms and ≤ {r['target_ratio']}×); refresh after the "
            f"loads {r['refresh_after_loading_small_ms']:,} ms and {r['refresh_after_loading_900k_more_ms']:,} ms; "
            f"first read after 500 edited visits {r['first_read_after_500_visits_changed_ms']} ms"
        )


if __name__ == "__main__":
    main()
