"""Column types and helpers shared by every feature's models, the bulk insert of the sync push, and the push's own
transaction (``own_transaction``)."""

from __future__ import annotations

import contextlib
import statistics
import uuid
from collections import namedtuple
from datetime import UTC, datetime
from functools import wraps
from operator import itemgetter

from sqlalchemy import DateTime, Table, bindparam, event, types
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError


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

    # On SQLite, the conversion to the stored text in one step: SQLAlchemy's (process_bind_param, then SQLite's
    # DATETIME formatting with ``%``) costs twice as much, and a visit has five times to store. The text is the same:
    # ``YYYY-MM-DD HH:MM:SS.ffffff``. (Reading back, SQLAlchemy's compiled parser is as fast as any.)

    def bind_processor(self, dialect):
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        return _sqlite_utc_text


def _sqlite_utc_text(value):
    """An aware time as SQLite stores it here: naive UTC text with microseconds (SQLAlchemy's DATETIME format)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


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


class OwnTransaction:
    """One transaction on a pooled connection of the request's own, for the push a phone sends after each save.

    The ORM session's transaction costs a one-visit push about as much Python as its own work (issue 14: its
    autobegin, the connection checkout through it, a commit that first looks for objects to flush and then expires
    them, the session's removal at the end of the request): the push reads and writes with Core statements on the
    connection, and needs none of that. This is the connection's own transaction (``Connection.begin``), committed
    or rolled back by ``own_transaction`` around the view.

    Code that uses ``db.session`` meanwhile (a push of activities or survey responses, the usernames of a conflict's
    server copy) is not left out: while a request runs one, the session is bound to its connection
    (``own_connection``, fieldlog.extensions.Session) and joins its transaction without ever committing it — one
    transaction, whatever reads or writes. ``info`` is what the session's ``info`` is to the session's transaction:
    the change counter value this transaction drew (fieldlog.sync.changes), forgotten when it ends.
    """

    __slots__ = ("connection", "info", "_root")

    def __init__(self, engine: Engine):
        self.connection = engine.connect()
        self.info: dict = {}
        try:
            self._root = self.connection.begin()
        except BaseException:
            self.connection.close()
            raise

    def restart(self, session) -> None:
        """Roll back and begin again (a push that lost a race to a concurrent one does its work again). The joined
        ``session`` (the scoped one) is rolled back first, so that it forgets what it loaded."""
        if session.registry.has():
            session.rollback()
        if self._root.is_active:
            self._root.rollback()
        self.info = {}
        self._root = self.connection.begin()

    def commit(self, session) -> None:
        """What the joined session still holds is written (flush), then the transaction commits."""
        if session.registry.has():
            session.flush()
        self._root.commit()

    def rollback_quietly(self, session) -> None:
        """As ``rollback_quietly``: a connection the database dropped cannot roll back (its work is gone anyway)."""
        with contextlib.suppress(SQLAlchemyError):
            if session.registry.has():
                session.rollback()
        with contextlib.suppress(SQLAlchemyError):
            if self._root.is_active:
                self._root.rollback()

    def close(self, session) -> None:
        """The connection back to the pool; the joined session, bound to it, goes too (the request boundary then has
        nothing left to commit: fieldlog._init_request_boundary)."""
        if session.registry.has():
            with contextlib.suppress(SQLAlchemyError):
                session.remove()
        with contextlib.suppress(SQLAlchemyError):
            self.connection.close()


_OWN = "fieldlog_own_transaction"


def own_transaction(view):
    """Route decorator: the view runs in an ``OwnTransaction``, committed when it returns, rolled back when it raises.

    A failed commit or a database that is gone raises SQLAlchemy's ``OperationalError``, which the API answers
    ``503 service_unavailable`` (fieldlog.api.errors) as the request boundary answers a failed commit: nothing of the
    request was stored."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        from flask import g

        from fieldlog.extensions import db

        session = db.session
        transaction = OwnTransaction(db.engine)
        setattr(g, _OWN, transaction)  # noqa: B010  (the name is the module's constant)
        try:
            rv = view(*args, **kwargs)
            transaction.commit(session)
            return rv
        except BaseException:
            transaction.rollback_quietly(session)
            raise
        finally:
            g.pop(_OWN, None)
            transaction.close(session)

    return wrapped


def own() -> OwnTransaction | None:
    """The request's ``OwnTransaction``, if it runs one (outside a request or app context: None)."""
    from flask import g, has_app_context

    return g.get(_OWN) if has_app_context() else None


def own_connection() -> Connection | None:
    """The connection of the request's own transaction, if it runs one (else None: the session's, as always)."""
    transaction = own()
    return transaction.connection if transaction is not None else None


def request_connection(session) -> Connection:
    """The connection this request's work runs on: its own transaction's, else ``session``'s (a page, the CLI, a
    test: the push run from a supervisor's page is the session's work)."""
    connection = own_connection()
    return connection if connection is not None else session.connection()


class ByIds:
    """A SELECT of the rows whose ``column`` is one of some ids (a push's mutation ids, records, hot spots), built
    once in two forms: ``IN (...)`` for several ids, and ``= :id`` for one — what a phone's push after each save
    names. An expanding ``IN`` is rewritten for every execution (its list length decides the SQL), which cost more
    than SQLite's own work on one row. Executed on the session's connection: Core statements, no ORM objects."""

    def __init__(self, statement, column):
        self.many = statement.where(column.in_(bindparam("ids", expanding=True)))
        self.one = Prepared(statement.where(column == bindparam("ids")))

    def rows(self, connection, ids, **params):
        """The rows, on ``connection`` (a session's: its ``connection()``); one id runs on the DB-API cursor."""
        if not isinstance(connection, Connection):
            connection = connection.connection()
        ids = list(ids)
        if len(ids) == 1:
            return self.one.execute(connection, {**params, "ids": ids[0]})
        return connection.execute(self.many, {**params, "ids": ids})


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
    connection = session if isinstance(session, Connection) else session.connection()
    dialect = connection.dialect
    plan = _INSERT_PLANS.get((table.name, dialect.name))
    if plan is None:
        compiled = table.insert().compile(dialect=dialect)
        names = list(compiled.positiontup) if compiled.positional else [c.name for c in table.columns]
        processors = [(name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names]
        plan = _INSERT_PLANS[(table.name, dialect.name)] = (str(compiled), compiled.positional, processors)
    sql, positional, processors = plan
    names = [name for name, _process in processors]
    if len(rows) == 1:
        # A phone's push after each save: one row, converted value by value (no transposing).
        row = rows[0]
        one = [row.get(name) if process is None else process(row.get(name)) for name, process in processors]
        run_driver_sql(connection, sql, tuple(one) if positional else dict(zip(names, one, strict=True)))
        return
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
    run_driver_sql(
        connection, sql, list(params) if positional else [dict(zip(names, v, strict=True)) for v in params], many=True
    )


class Prepared:
    """A Core statement compiled once per dialect and run on the connection's DB-API cursor (issue 14).

    SQLAlchemy's own execution of an already compiled statement costs ~50–100 µs of Python per statement (execution
    context, parameter and result set-up), more than SQLite's work on one row; a one-visit push runs about eight.
    Here the statement is compiled once per dialect with its bind processors and its columns' result processors, so
    each execution is the driver's ``execute`` with the values converted exactly as SQLAlchemy converts them (a UTC
    time as naive text on SQLite, a UUID as hex, JSON as text, ...) and the rows converted back the same way.

    What SQLAlchemy adds is kept: a DB-API error is raised as SQLAlchemy's exception (``IntegrityError``,
    ``OperationalError``, ...) through the connection's own error handling, which also invalidates a connection the
    database dropped. When the engine or connection has event listeners (``before_cursor_execute``: tests that fail
    a statement on purpose), the statement runs through ``exec_driver_sql`` instead, so that they see it.

    Only plain bind parameters: no expanding ``IN`` lists or post-compile parameters (``ByIds`` gives ``= :id``).
    """

    __slots__ = ("statement", "_plans")

    def __init__(self, statement):
        self.statement = statement
        self._plans: dict = {}

    def _plan(self, dialect):
        plan = self._plans.get(dialect)
        if plan is None:
            compiled = self.statement.compile(dialect=dialect)
            processors = compiled._bind_processors
            if compiled.positional:
                binds = [(name, processors.get(name)) for name in compiled.positiontup]
            else:
                binds = [(name, processors.get(name)) for name in compiled.binds]
            columns = compiled._result_columns or []
            types = tuple(entry[3] for entry in columns)
            keys = tuple(entry[0] for entry in columns)
            # The result processors are made at the first execution: some need the driver's type codes (PostgreSQL's
            # numeric types), which only the cursor's description gives.
            plan = self._plans[dialect] = [compiled.string, compiled.positional, binds, keys, types, None]
        return plan

    def parameters(self, dialect, params: dict):
        """The DB-API parameters for ``params``: a tuple (positional dialects) or a dict, values converted."""
        _sql, positional, binds = self._plan(dialect)[:3]
        values = [params[name] if process is None else process(params[name]) for name, process in binds]
        if positional:
            return tuple(values)
        return dict(zip([name for name, _process in binds], values, strict=True))

    def execute(self, connection, params: dict | None = None) -> Rows:
        """Run on ``connection`` (a SQLAlchemy Connection, in the session's transaction): the rows it returns,
        converted, and the row count."""
        dialect = connection.dialect
        plan = self._plan(dialect)
        sql, _positional, _binds, keys, types, results = plan
        parameters = self.parameters(dialect, params or {})
        raw, rowcount, description = run_driver_sql(connection, sql, parameters, fetch=bool(keys))
        if results is None and description is not None:
            results = plan[5] = tuple(
                type_._cached_result_processor(dialect, column[1])
                for type_, column in zip(types, description, strict=True)
            )
        if raw and any(results):
            raw = [tuple(v if p is None else p(v) for v, p in zip(row, results, strict=True)) for row in raw]
        return Rows(keys, raw or [], rowcount)


def run_driver_sql(connection, sql: str, parameters, *, fetch: bool = False, many: bool = False):
    """``sql`` with DB-API ``parameters`` (a list of them with ``many``) on the connection's DB-API cursor: its rows
    (with ``fetch``), row count and description. SQLAlchemy's ``exec_driver_sql`` instead when event listeners want
    to see it; errors raised as SQLAlchemy's (see ``Prepared``)."""
    if connection._has_events or connection.engine._has_events:
        result = connection.exec_driver_sql(sql, parameters)
        description = result.cursor.description if fetch else None
        return (result.fetchall() if fetch else None), result.rowcount, description
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        if fetch:
            return cursor.fetchall(), cursor.rowcount, cursor.description
        return None, cursor.rowcount, None
    except Exception as e:  # noqa: BLE001  (re-raised by SQLAlchemy, wrapped)
        connection._handle_dbapi_exception(e, sql, parameters, cursor, None)
    finally:
        cursor.close()


class Rows:
    """What ``Prepared.execute`` returns: iterate for the rows (named tuples); ``first()``, ``scalar_one()``,
    ``rowcount``."""

    __slots__ = ("keys", "raw", "rowcount")

    def __init__(self, keys: tuple[str, ...], raw: list, rowcount: int):
        self.keys, self.raw, self.rowcount = keys, raw, rowcount

    def __iter__(self):
        row_class = _row_class(self.keys)
        return map(row_class, self.raw)

    def first(self):
        return _row_class(self.keys)(self.raw[0]) if self.raw else None

    def scalar_one(self):
        if len(self.raw) != 1:
            raise ValueError(f"expected one row, got {len(self.raw)}")
        return self.raw[0][0]


_ROW_CLASSES: dict[tuple[str, ...], type] = {}


def _row_class(keys: tuple[str, ...]) -> type:
    """A named tuple per set of column names: values by position or name (``row.id``) and ``_asdict()``, as
    SQLAlchemy's rows give them."""
    cls = _ROW_CLASSES.get(keys)
    if cls is None:
        cls = _ROW_CLASSES[keys] = namedtuple("Row", keys)._make
    return cls
