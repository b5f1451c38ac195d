"""``fieldlog backup FILE`` and ``fieldlog restore FILE``: a consistent copy of a serving database, and back.

SQLite: SQLite's online backup API copies every page in one step inside one read transaction, so the copy is the
database as of one moment while writers carry on (WAL); never a file copy, which can tear under writes. The copy is a
plain SQLite file (rollback journal, no -wal beside it).

PostgreSQL: ``pg_dump --format=custom``, which reads everything in one REPEATABLE READ snapshot, and ``pg_restore``
in one transaction. The tools must have the server's major version (an older pg_dump refuses a newer server, and a
newer one writes archives an older pg_restore cannot read). The connection comes from ``FIELDLOG_DATABASE_URL``,
given to the tools as libpq environment variables: the password never appears on a command line.

Restore refuses a database that holds data unless forced. After it, the change counter jumps ahead (``JUMP``): a
phone that pulled after the backup was taken holds a cursor beyond the restored counter, and without the jump the
first writes after the restore would be numbered below that cursor and never reach it.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Far more writing transactions than a server makes between a nightly backup and a restore (each push is one).
JUMP = 1_000_000_000
# Left alone by "does it hold data?": the migrations' own bookkeeping and the seeded counter row.
_BOOKKEEPING = {"alembic_version", "change_counter"}
# URL query parameters that libpq takes as environment variables.
_LIBPQ_QUERY = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslpassword": "PGSSLPASSWORD",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    database: str  # "sqlite" | "postgresql"
    seconds: float
    bytes: int


def backup(url: str, destination: str | os.PathLike, pg_bin_dir: str | None = None) -> Outcome:
    """Copy the database at ``url`` into ``destination`` (written beside it first, then renamed: never half a file
    under the final name; readable by its owner only — it holds password hashes and notes)."""
    target = sa.make_url(url)
    destination = Path(destination)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        if _kind(target) == "sqlite":
            _sqlite_backup(_sqlite_path(target), partial)
        else:
            _pg_backup(target, partial, pg_bin_dir)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return Outcome(destination, _kind(target), time.perf_counter() - started, destination.stat().st_size)


def restore(url: str, source: str | os.PathLike, force: bool = False, pg_bin_dir: str | None = None) -> Outcome:
    """Load a backup made by ``backup`` into the database at ``url``, which must hold no data unless ``force``
    (then everything in it is replaced). Stop the app servers first: a restore is not a thing to serve through."""
    target = sa.make_url(url)
    source = Path(source)
    kind = _kind(target)
    found = sniff(source)
    if found != kind:
        raise BackupError(f"{source} is {_describe(found)}, but FIELDLOG_DATABASE_URL names a {kind} database.")
    started = time.perf_counter()
    engine = sa.create_engine(target)
    try:
        holding = tables_with_data(engine)
        if holding and not force:
            raise BackupError(
                f"The database holds data (in {', '.join(holding[:5])}{' …' if len(holding) > 5 else ''}); "
                "restore only into an empty database, or pass --force to replace everything in it."
            )
        if kind == "sqlite":
            engine.dispose()
            _sqlite_restore(source, _sqlite_path(target))
        else:
            _pg_restore(engine, target, source, pg_bin_dir)
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE change_counter SET value = value + :jump"), {"jump": JUMP})
    finally:
        engine.dispose()
    return Outcome(source, kind, time.perf_counter() - started, source.stat().st_size)


def sniff(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        raise BackupError(f"No file {path}.") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return None


def tables_with_data(engine: sa.Engine) -> list[str]:
    """The tables (besides migration bookkeeping) that hold at least one row."""
    with engine.connect() as connection:
        names = sorted(set(sa.inspect(connection).get_table_names()) - _BOOKKEEPING)
        preparer = engine.dialect.identifier_preparer
        return [
            name
            for name in names
            if connection.execute(sa.text(f"SELECT 1 FROM {preparer.quote(name)} LIMIT 1")).first()  # noqa: S608
        ]


def _describe(kind: str | None) -> str:
    return {"sqlite": "a SQLite backup", "postgresql": "a PostgreSQL backup (pg_dump custom format)"}.get(
        kind, "not a fieldlog backup"
    )


def _kind(url: sa.URL) -> str:
    backend = url.get_backend_name()
    if backend == "sqlite":
        return "sqlite"
    if backend == "postgresql":
        return "postgresql"
    raise BackupError(f"Backups of {backend} databases are not supported (SQLite and PostgreSQL are).")


# ---------------------------------------------------------------------------------------------------------- SQLite


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("Back up and restore a SQLite database by its file: sqlite:////path/to/fieldlog.sqlite3.")
    return Path(url.database)


def _sqlite_backup(path: Path, destination: Path) -> None:
    if not path.exists():
        raise BackupError(f"No SQLite database at {path}.")
    source = sqlite3.connect(path)
    try:
        source.execute("PRAGMA busy_timeout=10000")
        copy = _owner_only(destination)
        try:
            source.backup(copy)  # pages=-1: every page in one step, one read transaction
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            _sqlite_verify(copy, destination)
        finally:
            copy.close()
    finally:
        source.close()


def _owner_only(path: Path) -> sqlite3.Connection:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return sqlite3.connect(path)


def _sqlite_verify(connection: sqlite3.Connection, path: Path) -> None:
    result = connection.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {result}")


def _sqlite_restore(source: Path, path: Path) -> None:
    copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _sqlite_verify(copy, source)
        path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(path)
        try:
            target.execute("PRAGMA busy_timeout=10000")
            copy.backup(target)  # replaces every page of the target, under its write lock
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
    finally:
        copy.close()


# ------------------------------------------------------------------------------------------------------ PostgreSQL


def libpq_env(url: sa.URL) -> dict[str, str]:
    """The environment that points pg_dump / pg_restore at the database of ``url`` (password included), over the
    PG* variables the app's own connections see as well (a PGPASSFILE, a PGSSLMODE)."""
    env = dict(os.environ)
    for key, value in {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }.items():
        if value is not None:
            env[key] = str(value)
    for key, value in url.query.items():
        if key in _LIBPQ_QUERY:
            env[_LIBPQ_QUERY[key]] = value if isinstance(value, str) else value[0]
    return env


def _tool(name: str, pg_bin_dir: str | None) -> str:
    path = os.path.join(pg_bin_dir, name) if pg_bin_dir else shutil.which(name)
    if not path or not os.access(path, os.X_OK):
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client of the server's version "
            "(Debian: postgresql-client-<major>), or set FIELDLOG_PG_BIN_DIR to its bin directory."
        )
    return path


def _matching_tool(name: str, engine: sa.Engine, pg_bin_dir: str | None) -> str:
    path = _tool(name, pg_bin_dir)
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True, timeout=30).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    tool_major = int(match.group(1)) if match else None
    with engine.connect() as connection:
        server_major = int(connection.execute(sa.text("SHOW server_version_num")).scalar_one()) // 10000
    if tool_major != server_major:
        raise BackupError(
            f"{path} is version {tool_major}, the server {server_major}: use the server's own version "
            f"(Debian: postgresql-client-{server_major}; FIELDLOG_PG_BIN_DIR=/usr/lib/postgresql/{server_major}/bin)."
        )
    return path


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-2000:]}")


def _pg_backup(url: sa.URL, destination: Path, pg_bin_dir: str | None) -> None:
    engine = sa.create_engine(url)
    try:
        pg_dump = _matching_tool("pg_dump", engine, pg_bin_dir)
    finally:
        engine.dispose()
    os.close(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    _run(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={destination}"],
        libpq_env(url),
        "pg_dump",
    )


def _pg_restore(engine: sa.Engine, url: sa.URL, source: Path, pg_bin_dir: str | None) -> None:
    pg_restore = _matching_tool("pg_restore", engine, pg_bin_dir)
    with engine.begin() as connection:
        # Whatever is there goes (only empty tables, unless forced): the archive brings the whole schema.
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={url.database}",
            str(source),
        ],
        libpq_env(url),
        "pg_restore",
    )
    with engine.connect() as connection:
        # pg_restore leaves the planner without statistics; coverage's plans need them from the first read.
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
