from datetime import timedelta

from fieldlog.db import utcnow
from fieldlog.visits.models import Visit


def test_purge_blanks_old_notes_only(runner, db, hotspot, officer, make_visit):
    old = make_visit(hotspot, officer, started_at=utcnow() - timedelta(days=400), notes="Ungdomar vid bänken.")
    recent = make_visit(hotspot, officer, started_at=utcnow() - timedelta(days=20), notes="Lugnt.")
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "1 visits older than 12 months" in result.output
    stored_old, stored_recent = db.session.get(Visit, old.id), db.session.get(Visit, recent.id)
    assert stored_old.notes == "" and stored_old.rev == 2 and stored_old.change_seq > old.change_seq
    assert stored_recent.notes == "Lugnt." and stored_recent.rev == 1


def test_purge_age_is_configurable(runner, db, hotspot, officer, make_visit):
    visit = make_visit(hotspot, officer, started_at=utcnow() - timedelta(days=100), notes="Klotter.")
    assert "0 visits" in runner.invoke(args=["purge"]).output
    assert "1 visits older than 3 months" in runner.invoke(args=["purge", "--older-than-months", "3"]).output
    assert db.session.get(Visit, visit.id).notes == ""


def test_purge_dry_run_changes_nothing(runner, db, hotspot, officer, make_visit):
    visit = make_visit(hotspot, officer, started_at=utcnow() - timedelta(days=400), notes="Klotter.")
    result = runner.invoke(args=["purge", "--dry-run"])
    assert "1 visits older than 12 months have notes that would be removed" in result.output
    assert db.session.get(Visit, visit.id).notes == "Klotter."


def test_purge_rejects_zero_months(runner):
    result = runner.invoke(args=["purge", "--older-than-months", "0"])
    assert result.exit_code == 2 and "--older-than-months" in result.output
