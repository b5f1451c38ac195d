"""The load of SPEC §5 at CI size: bench/load.py's run (``loadkit.load.run_load``) at 5,000 visits — gunicorn workers,
concurrent phones pushing with retries, supervisors reading, phones pulling — and the database checked afterwards.

Runs on the database under test: PostgreSQL (4 workers, 50 phones, database ``<test db>_load``) when
FIELDLOG_TEST_DATABASE_URL is set, else a SQLite file (2 workers, 20 phones). The full 100,000 is the bench.
"""

from __future__ import annotations

import pytest

from loadkit.load import run_load
from tests.fixtures.server import is_postgres

pytestmark = pytest.mark.slow


def test_5000_visits_from_concurrent_retrying_phones_are_stored_exactly_once(server_database, workers, tmp_path):
    clients = 50 if is_postgres() else 20
    report = run_load(
        server_database, str(tmp_path), visits=5000, clients=clients, workers=workers, batch=100, deadline=600
    )
    print("\n".join(report.lines()))
    assert report.expected == 5000
    assert report.stored == 5000
    assert report.lost == 0
    assert report.duplicated == 0
    assert report.server_errors == 0
    assert report.tally.problems == []
    assert report.tally.pull_mismatches == []
    assert report.tally.pulls > 0 and report.tally.reads > 0
