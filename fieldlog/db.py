"""Column types and helpers shared by every feature's models."""

from __future__ import annotations

import contextlib
import statistics
import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, event, types
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


class UTCDateTime(types.TypeDecorator):
    """An aware UTC datetime on every database.

    PostgreSQL stores ``timestamptz``; SQLite stores naive UTC text (``YYYY-MM-DD HH:MM:SS.ffffff``), which sorts
    and compares correctly and which ``julianday()`` reads. Naive values are refused: a time without an offset is
    a bug, never a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL for concurrent readers, enforced foreign keys, waiting rather than failing on a busy database, temporary
    storage in memory, and the median aggregate."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Statement journals, sorts and temporary tables in memory: a statement that fires triggers (every visit write
    # queues coverage work, migration 0003) otherwise writes a statement journal to a temporary file, which nearly
    # tripled the cost of inserting a visit.
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()
    dbapi_connection.create_aggregate("fieldlog_median", 1, _Median)


class _Median:
    """``fieldlog_median(x)``: the median of the non-NULL values (mean of the middle two), as PostgreSQL's
    ``percentile_cont(0.5)``; SQLite has none built in (the coverage statements use it). ``step`` is the list's own
    ``append``: SQLite calls it once per row, and a C method costs far less per call than a Python one."""

    def __init__(self):
        self.values: list = []
        self.step = self.values.append

    def finalize(self):
        values = [v for v in self.values if v is not None]
        return statistics.median(values) if values else None


def rollback_quietly(session) -> None:
    """Roll the session back after a failure. When the database has dropped the connection, the rollback itself
    fails (its work is gone anyway): then let go of the connection instead, so that answering "unavailable" never
    turns into a server error of its own."""
    try:
        session.rollback()
    except DBAPIError:
        with contextlib.suppress(DBAPIError):
            session.close()
