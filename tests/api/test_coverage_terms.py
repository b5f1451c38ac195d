"""The coverage terms are defined once (``fieldlog/coverage/terms.py``): the database's triggers, which the frozen
migration 0003 installed with SQL of its own, and the words of the pages must not drift from them."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from fieldlog.coverage import triggers
from fieldlog.coverage.models import CoverageDay
from fieldlog.coverage.terms import DAY_FIGURES, KOPER_MINUTES

ROOT = Path(__file__).resolve().parents[2]


def _drop_installed(conn, found: dict[str, str]) -> None:
    for name in (n for n in found if not n.endswith("()")):
        table = conn.execute(
            sa.text("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = :name"), {"name": name}
        ).scalar_one()
        conn.execute(sa.text(f"DROP TRIGGER {name} ON {table}"))
    for function in (n for n in found if n.endswith("()")):
        conn.execute(sa.text(f"DROP FUNCTION {function}"))


def test_the_migrated_database_holds_the_coverage_triggers_that_fieldlog_coverage_declares(db):
    with db.engine.connect() as conn:
        found = triggers.installed(conn)
        if conn.dialect.name == "postgresql":
            # PostgreSQL shows a trigger in its own words: install the declared ones in place of the migrated ones,
            # read them back the same way, and roll the swap back.
            _drop_installed(conn, found)
            for statement in triggers.statements("postgresql"):
                conn.execute(sa.text(statement))
            declared = triggers.installed(conn)
            conn.rollback()
            assert triggers.installed(conn) == found
        else:
            declared = triggers.SQLITE
    assert set(found) == set(declared)
    for name, definition in declared.items():
        assert found[name] == definition, f"{name} in the database differs from fieldlog/coverage/triggers.py"


def test_the_words_for_koper_visits_name_the_bounds_the_terms_define():
    sources = [
        *(ROOT / "fieldlog").rglob("*.py"),
        *(ROOT / "fieldlog").rglob("*.po"),
        *(ROOT / "templates").rglob("*.html"),
        *(ROOT / "static").rglob("*.js"),
    ]
    said = {
        (str(path.relative_to(ROOT)), match.group(0))
        for path in sources
        for match in re.finditer(r"\b(\d+)\s*(?:–|to|till)\s*(\d+)\s*min", path.read_text(encoding="utf-8"))
        if (int(match.group(1)), int(match.group(2))) != KOPER_MINUTES
    }
    assert not said, f"minute ranges other than Koper's {KOPER_MINUTES}: {sorted(said)}"


def test_the_day_rows_hold_the_day_figures_the_terms_name():
    assert tuple(c.name for c in CoverageDay.__table__.columns if not c.primary_key) == DAY_FIGURES
