"""What the load and fault tests share: a database of their own beside the suite's, and the test-only app factory.

They drive the app under real gunicorn processes (``loadkit``), so they never use the suite's own database:
on PostgreSQL they use ``<test database>_load`` (created when missing, its schema dropped and migrated by each
test), on SQLite a temporary file.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from loadkit.database import ensure_postgres_database

TEST_DATABASE_URL = os.environ.get("FIELDLOG_TEST_DATABASE_URL")


def is_postgres() -> bool:
    return bool(TEST_DATABASE_URL)


@pytest.fixture
def server_database(tmp_path) -> str:
    """A database URL for tests that run gunicorn: PostgreSQL ``<test db>_load``, or a SQLite file."""
    if TEST_DATABASE_URL:
        url = sa.make_url(TEST_DATABASE_URL)
        url = url.set(database=f"{url.database}_load").render_as_string(hide_password=False)
        ensure_postgres_database(url)
        return url
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture
def workers() -> int:
    """gunicorn workers: 4 on PostgreSQL (SPEC §5); 2 on SQLite, where writers take turns anyway."""
    return 4 if TEST_DATABASE_URL else 2
