"""Column types and helpers shared by every feature's models, and the bulk insert of the sync push."""

from __future__ import annotations

import contextlib
import statistics
import uuid
from datetime import UTC, datetime
from operator import itemgetter

from sqlalchemy import DateTime, Table, bindparam, event, types
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
    """WAL for concurrent readers, durable commits, enforced foreign keys, waiting rather than failing on a busy
    database, temporary storage in memory, and the median aggregate."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: in WAL mode each commit syncs the log to disk before it returns, so a push answered "applied" survives a
    # power cut or a kernel crash (the phone has then dropped it from its outbox). NORMAL syncs only at checkpoints:
    # consistent, but the last commits may roll back after a power loss — that would lose visits. Measured on these
    # machines an fsync costs about 0.25 ms, once per push (a batch of 500 pays it once).
    cursor.execute("PRAGMA synchronous=FULL")
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


class ByIds:
    """A SELECT of the rows whose ``column`` is one of some ids (a push's mutation ids, records, hot spots), built
    once in two forms: ``IN (...)`` for several ids, and ``= :id`` for one — what a phone's push after each save
    names. An expanding ``IN`` is rewritten for every execution (its list length decides the SQL), which cost more
    than SQLite's own work on one row. Executed on the session's connection: Core statements, no ORM objects."""

    def __init__(self, statement, column):
        self.many = statement.where(column.in_(bindparam("ids", expanding=True)))
        self.one = statement.where(column == bindparam("ids"))

    def rows(self, session, ids, **params):
        ids = list(ids)
        if len(ids) == 1:
            return session.connection().execute(self.one, {**params, "ids": ids[0]})
        return session.connection().execute(self.many, {**params, "ids": ids})


_INSERT_PLANS: dict[tuple[str, str], tuple[str, bool, list]] = {}


def insert_many(session, table: Table, rows: list[dict]) -> None:
    """One INSERT of many rows (executemany) on the session's connection. The values go through the columns' own
    bind processors, so they are stored exactly as through the ORM; only SQLAlchemy's per-row parameter bookkeeping
    is skipped, which at 500 rows a push cost about as much as the database's own work (bench/ingest.py --profile).

    The parameters are built column by column: the rows' values are picked and transposed in C (itemgetter, zip),
    and each column with a bind processor is mapped through it — once in all when every row holds the very same
    object (a push's rows share one ``now``, one device id, the same empty error)."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    plan = _INSERT_PLANS.get((table.name, dialect.name))
    if plan is None:
        compiled = table.insert().compile(dialect=dialect)
        names = list(compiled.positiontup) if compiled.positional else [c.name for c in table.columns]
        processors = [(name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names]
        plan = _INSERT_PLANS[(table.name, dialect.name)] = (str(compiled), compiled.positional, processors)
    sql, positional, processors = plan
    names = [name for name, _process in processors]
    try:
        values = list(map(itemgetter(*names), rows))
    except KeyError:  # a row without some column: NULL, as before
        values = [tuple([row.get(name) for name in names]) for row in rows]
    columns = list(zip(*values, strict=True))
    for i, (_name, process) in enumerate(processors):
        if process is not None:
            column = columns[i]
            if len(set(map(id, column))) == 1:
                columns[i] = [process(column[0])] * len(column)
            else:
                columns[i] = list(map(process, column))
    params = zip(*columns, strict=True)
    connection.exec_driver_sql(sql, list(params) if positional else [dict(zip(names, v, strict=True)) for v in params])
