"""The triggers that keep ``coverage_day`` true, as the app's reference: SQLite and PostgreSQL, built from the terms.

They queue (hot spot, visit starts from, to) in ``coverage_stale`` in the very transaction that writes a counting
visit, changes a figure column of a visit, removes a counting visit, or gives a hot spot new hot hours (its first to
its last visit); ``coverage.days.refresh`` drains the queue. Whatever code writes (the sync push, the ORM, a bulk
load, a hand-made fix), the days cannot fall behind.

Migration 0003 installs them. Migrations are frozen history and never import the app, so it spells the same SQL out
for itself; ``tests/ops/test_coverage_triggers.py`` compares what a migrated database holds (``installed``) with what
this module declares, and fails on any drift in either.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from fieldlog.coverage.terms import FIGURE_COLUMNS, counts

_QUEUE = "INSERT INTO coverage_stale (hotspot_id, start_from, start_to)"


def _queue_start(row: str) -> str:
    return f"{_QUEUE} VALUES ({row}.hotspot_id, {row}.started_at, {row}.started_at);"


# New hot hours change the hot-hour minutes of every day the spot has: from its first visit to its last.
_QUEUE_ALL_DAYS = (
    f"{_QUEUE}\n"  # noqa: S608 (constant SQL)
    "  SELECT NEW.id, MIN(started_at), MAX(started_at) FROM visit WHERE hotspot_id = NEW.id HAVING COUNT(*) > 0;"
)
# PostgreSQL's visit function: queue the new start too where a row is new or its hot spot or start moved.
_MOVED = "(NEW.hotspot_id, NEW.started_at) IS DISTINCT FROM (OLD.hotspot_id, OLD.started_at)"

# Trigger name → CREATE TRIGGER statement.
SQLITE: dict[str, str] = {
    "trg_visit_coverage_insert": f"""CREATE TRIGGER trg_visit_coverage_insert AFTER INSERT ON visit
WHEN {counts("NEW")}
BEGIN
  {_queue_start("NEW")}
END""",
    "trg_visit_coverage_update": f"""CREATE TRIGGER trg_visit_coverage_update AFTER UPDATE ON visit
WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in FIGURE_COLUMNS)}
BEGIN
  {_queue_start("OLD")}
  {_QUEUE} SELECT NEW.hotspot_id, NEW.started_at, NEW.started_at
  WHERE NEW.hotspot_id IS NOT OLD.hotspot_id OR NEW.started_at IS NOT OLD.started_at;
END""",
    "trg_visit_coverage_delete": f"""CREATE TRIGGER trg_visit_coverage_delete AFTER DELETE ON visit
WHEN {counts("OLD")}
BEGIN
  {_queue_start("OLD")}
END""",
    "trg_hotspot_coverage_hot_hours": "CREATE TRIGGER trg_hotspot_coverage_hot_hours"
    f""" AFTER UPDATE OF hot_hours ON hotspot
WHEN OLD.hot_hours IS NOT NEW.hot_hours
BEGIN
  {_QUEUE_ALL_DAYS}
END""",
}

# Function name → CREATE FUNCTION statement (installed before the triggers that call them).
POSTGRES_FUNCTIONS: dict[str, str] = {
    "coverage_mark_visit": f"""CREATE FUNCTION coverage_mark_visit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    {_queue_start("OLD")}
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND {_MOVED}) THEN
    {_queue_start("NEW")}
  END IF;
  RETURN NULL;
END $$""",
    "coverage_mark_hot_hours": f"""CREATE FUNCTION coverage_mark_hot_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_QUEUE_ALL_DAYS}
  RETURN NULL;
END $$""",
}

# Trigger name → CREATE TRIGGER statement.
POSTGRES: dict[str, str] = {
    "trg_visit_coverage_insert": f"""CREATE TRIGGER trg_visit_coverage_insert AFTER INSERT ON visit FOR EACH ROW
WHEN ({counts("NEW")}) EXECUTE FUNCTION coverage_mark_visit()""",
    "trg_visit_coverage_update": f"""CREATE TRIGGER trg_visit_coverage_update AFTER UPDATE ON visit FOR EACH ROW
WHEN (({", ".join(f"OLD.{c}" for c in FIGURE_COLUMNS)}) IS DISTINCT FROM ({", ".join(f"NEW.{c}" for c in FIGURE_COLUMNS)})) EXECUTE FUNCTION coverage_mark_visit()""",  # noqa: E501
    "trg_visit_coverage_delete": f"""CREATE TRIGGER trg_visit_coverage_delete AFTER DELETE ON visit FOR EACH ROW
WHEN ({counts("OLD")}) EXECUTE FUNCTION coverage_mark_visit()""",
    "trg_hotspot_coverage_hot_hours": "CREATE TRIGGER trg_hotspot_coverage_hot_hours"
    """ AFTER UPDATE OF hot_hours ON hotspot FOR EACH ROW
WHEN (OLD.hot_hours::text IS DISTINCT FROM NEW.hot_hours::text) EXECUTE FUNCTION coverage_mark_hot_hours()""",
}


def statements(dialect: str) -> list[str]:
    """The statements that install the triggers on ``dialect`` (``sqlite`` or ``postgresql``), in order."""
    if dialect == "postgresql":
        return [*POSTGRES_FUNCTIONS.values(), *POSTGRES.values()]
    return list(SQLITE.values())


def installed(conn: Connection) -> dict[str, str]:
    """The coverage triggers a database holds (every trigger with ``coverage`` in its name), and on PostgreSQL the
    functions they call (named ``name()``): name → definition.

    SQLite keeps each CREATE TRIGGER as it was written: compare with ``SQLITE``. PostgreSQL keeps a function's body
    as written but a trigger in its own normalised words (``pg_get_triggerdef``): compare with what the same database
    makes of ``statements``."""
    if conn.dialect.name != "postgresql":
        rows = conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%coverage%' ORDER BY name")
        )
        return dict(rows.all())
    rows = conn.execute(
        text(
            "SELECT t.tgname, pg_get_triggerdef(t.oid), p.proname, p.prosrc"
            " FROM pg_trigger AS t JOIN pg_proc AS p ON p.oid = t.tgfoid"
            " JOIN pg_class AS c ON c.oid = t.tgrelid JOIN pg_namespace AS n ON n.oid = c.relnamespace"
            " WHERE NOT t.tgisinternal AND n.nspname = current_schema() AND t.tgname LIKE '%coverage%'"
            " ORDER BY t.tgname"
        )
    )
    found: dict[str, str] = {}
    for name, definition, function, source in rows:
        found[name] = definition
        found[f"{function}()"] = source
    return found
