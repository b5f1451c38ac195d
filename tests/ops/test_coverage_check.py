"""``fieldlog coverage check``: equal days pass, a changed day is found, and the check changes nothing."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from fieldlog.db import utcnow


def counts(db) -> tuple[int, int]:
    day = db.session.execute(sa.text("SELECT COUNT(*) FROM coverage_day")).scalar_one()
    queue = db.session.execute(sa.text("SELECT COUNT(*) FROM coverage_stale")).scalar_one()
    db.session.rollback()
    return day, queue


def test_coverage_check_passes_when_the_days_equal_the_visits(app, runner, officer, hotspot, make_visit, db):
    for days_ago in (1, 2, 2, 5):
        make_visit(hotspot, officer, started_at=utcnow() - timedelta(days=days_ago), minutes=14)
    runner.invoke(args=["coverage", "refresh"])
    result = runner.invoke(args=["coverage", "check"])
    assert result.exit_code == 0, result.output
    assert "svenljunga: all 3 coverage days equal a rebuild" in result.output


def test_coverage_check_counts_queued_changes_as_what_the_next_read_shows(app, runner, officer, hotspot, make_visit):
    make_visit(hotspot, officer, minutes=14)  # queued, not yet refreshed
    result = runner.invoke(args=["coverage", "check", "--area", "svenljunga"])
    assert result.exit_code == 0, result.output


def test_coverage_check_finds_a_day_that_differs_and_changes_nothing(app, runner, officer, hotspot, make_visit, db):
    make_visit(hotspot, officer, started_at=utcnow() - timedelta(days=3), minutes=14)
    runner.invoke(args=["coverage", "refresh"])
    db.session.execute(sa.text("UPDATE coverage_day SET visits = visits + 1, presence_sec = presence_sec + 60"))
    db.session.commit()
    before = counts(db)
    result = runner.invoke(args=["coverage", "check"])
    assert result.exit_code == 1
    assert "1 of 1 coverage days differ" in result.output
    assert f"hot spot {hotspot.id}" in result.output
    assert "stored visits=2" in result.output and "rebuilt visits=1" in result.output
    assert counts(db) == before
    assert db.session.execute(sa.text("SELECT visits FROM coverage_day")).scalar_one() == 2


def test_coverage_check_of_an_unknown_area_is_a_usage_error(app, runner, area):
    result = runner.invoke(args=["coverage", "check", "--area", "nowhere"])
    assert result.exit_code == 2
    assert "No area 'nowhere'" in result.output
