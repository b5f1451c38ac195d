"""Backup and restore at scale (issue 16): how long `fieldlog backup` and `fieldlog restore` take at 1,000,000 visits.

Usage:  .venv/bin/python bench/backup.py [--sqlite] [--postgres URL] [--visits 1000000]

For each database the script builds a database the way bench/coverage.py does (bench/harness.py's seeding and bulk
loaders: 500 hot spots, the visits spread over a year), brings the coverage days up to date (`fieldlog coverage
refresh`), then times what the commands do: the backup (SQLite's online backup API / pg_dump -Fc), the restore into a
fresh empty database (backup API / pg_restore in one transaction, then ANALYZE), and the coverage check that
`fieldlog restore` runs after it. PostgreSQL's restore target is a database of the same server named
``<database>_restore`` (created when missing, wiped); both databases of ``--postgres`` are wiped.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from bench.harness import (  # noqa: E402
    PERIOD_END,
    YEAR_START,
    Database,
    add_database_arguments,
    app_for,
    chosen_databases,
    fresh_database,
    run_each,
    visit_rows,
)
from fieldlog.extensions import db  # noqa: E402
from fieldlog.ops import backup as ops_backup  # noqa: E402
from loadkit.database import ensure_postgres_database, reset_database  # noqa: E402


def build(database: Database, visits: int) -> tuple[float, float]:
    """(seconds to load, seconds to refresh the coverage days) for a fresh database of ``visits`` visits."""
    from fieldlog.areas.models import Area
    from fieldlog.coverage import days

    app, _area_id, spots, officers = fresh_database(database.url)
    rows = visit_rows(random.Random(42), visits, spots, officers, YEAR_START, PERIOD_END)
    t0 = time.perf_counter()
    for i in range(0, len(rows), 200_000):
        database.load(rows[i : i + 200_000])
    loaded = time.perf_counter() - t0
    with app.app_context():
        t0 = time.perf_counter()
        for area in db.session.scalars(sa.select(Area)):
            days.refresh(db.session, area.id, area.timezone)
        db.session.commit()
        refreshed = time.perf_counter() - t0
        db.engine.dispose()
    return loaded, refreshed


def restore_target(database: Database, folder: str) -> str:
    """Where the backup is restored: a second SQLite file, or ``<database>_restore`` of the same server."""
    if database.name == "sqlite":
        return "sqlite:///" + os.path.join(folder, "restored.sqlite3")
    ensure_postgres_database(database.url)
    target = sa.make_url(database.url)
    target = target.set(database=f"{target.database}_restore").render_as_string(hide_password=False)
    ensure_postgres_database(target)
    return target


def measure(database: Database, visits: int, folder: str) -> dict:
    from fieldlog.coverage.check import check

    name, url, restore_url = database.name, database.url, restore_target(database, folder)
    loaded, refreshed = build(database, visits)
    file = os.path.join(folder, f"fieldlog-{name}.backup")
    made = ops_backup.backup(url, file)
    reset_database(restore_url)
    restored = ops_backup.restore(restore_url, file)
    app = app_for(restore_url, tempfile.mkdtemp(prefix="fieldlog-bench-"))
    with app.app_context():
        count = db.session.execute(sa.text("SELECT COUNT(*) FROM visit")).scalar_one()
        t0 = time.perf_counter()
        report = check(db.session)
        checked = time.perf_counter() - t0
        db.engine.dispose()
    assert count == visits, (count, visits)
    assert not report.differences, report.differences[:3]
    return {
        "database": name,
        "visits": count,
        "coverage_days": report.days,
        "load_s": round(loaded, 1),
        "refresh_s": round(refreshed, 1),
        "backup_s": round(made.seconds, 1),
        "backup_mib": round(made.bytes / 2**20, 1),
        "restore_s": round(restored.seconds, 1),
        "coverage_check_s": round(checked, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="fieldlog-bench-backup-")
    databases = chosen_databases(args, folder, sqlite_file="source.sqlite3")
    results = run_each(databases, lambda database: measure(database, args.visits, folder))
    for r in results:
        print(
            f"{r['database']:>10}: {r['visits']:,} visits, {r['coverage_days']:,} coverage days — backup "
            f"{r['backup_s']} s ({r['backup_mib']} MiB), restore {r['restore_s']} s, coverage check after it "
            f"{r['coverage_check_s']} s (load {r['load_s']} s, coverage refresh {r['refresh_s']} s)"
        )


if __name__ == "__main__":
    main()
