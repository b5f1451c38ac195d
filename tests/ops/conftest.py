"""Scratch databases for the backup, restore and upgrade tests: each test makes its own and drops it.

On PostgreSQL (FIELDLOG_TEST_DATABASE_URL set) they are databases of the same server named ``ops_<purpose>_<random>``,
so that runs beside each other never share one; on SQLite, files in the test's temporary folder.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tests.fixtures.app import TEST_DATABASE_URL


@pytest.fixture
def scratch_database(tmp_path):
    """``make(purpose)`` → the URL of a new, empty database, dropped after the test."""
    made: list[sa.URL] = []

    def make(purpose: str) -> str:
        name = f"ops_{purpose}_{uuid.uuid4().hex[:12]}"
        if not TEST_DATABASE_URL:
            return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        url = sa.make_url(TEST_DATABASE_URL).set(database=name)
        with _server(url) as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(url)
        return url.render_as_string(hide_password=False)

    yield make
    for url in made:
        with _server(url) as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))


class _server:
    """An AUTOCOMMIT connection to the server's ``postgres`` database (CREATE / DROP DATABASE)."""

    def __init__(self, url: sa.URL):
        self.engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def __enter__(self):
        self.conn = self.engine.connect()
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()
        self.engine.dispose()
