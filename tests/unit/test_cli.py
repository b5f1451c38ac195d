import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldlog.areas.models import Area
from fieldlog.auth.models import User
from fieldlog.hotspots.models import HotSpot
from fieldlog.visits.models import Visit


def test_areas_create(runner, db):
    result = runner.invoke(args=["areas", "create", "tranemo", "--name", "Tranemo", "--public-report"])
    assert result.exit_code == 0, result.output
    area = db.session.scalars(db.select(Area)).one()
    assert (area.slug, area.name, area.timezone, area.public_report) == ("tranemo", "Tranemo", "Europe/Stockholm", True)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["areas", "create", "Bad Slug", "--name", "X"], "SLUG"),
        (["areas", "create", "ok", "--name", "X", "--timezone", "Mars/Olympus"], "--timezone"),
        (["areas", "create", "ok", "--name", " "], "--name"),
    ],
)
def test_areas_create_rejects_bad_input_naming_it(runner, db, args, field):
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert field in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Area)) == 0


def test_areas_create_refuses_duplicate(runner, area):
    result = runner.invoke(args=["areas", "create", "svenljunga", "--name", "Again"])
    assert result.exit_code == 2 and "exists already" in result.output


def test_users_create_with_password(runner, area, db):
    result = runner.invoke(
        args=["users", "create", "Kim", "--role", "officer", "--area", "svenljunga", "--password", "long enough"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(db.select(User)).one()
    assert user.username == "kim" and user.role == "officer" and user.area_id == area.id
    assert user.check_password("long enough") and "long enough" not in user.password_hash


def test_users_create_prompts_for_password(runner, area, db):
    result = runner.invoke(
        args=["users", "create", "kim", "--role", "supervisor", "--area", "svenljunga"],
        input="secret pass\nsecret pass\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalars(db.select(User)).one().check_password("secret pass")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["users", "create", "kim", "--role", "officer", "--password", "long enough"], "--area"),
        (["users", "create", "kim", "--role", "admin", "--area", "svenljunga", "--password", "long enough"], "--area"),
        (["users", "create", "kim", "--role", "officer", "--area", "nowhere", "--password", "long enough"], "--area"),
        (["users", "create", "kim", "--role", "officer", "--area", "svenljunga", "--password", "short"], "--password"),
        (
            ["users", "create", "k m", "--role", "officer", "--area", "svenljunga", "--password", "long enough"],
            "USERNAME",
        ),
        (["users", "create", "kim", "--role", "chief", "--area", "svenljunga", "--password", "long enough"], "--role"),
    ],
)
def test_users_create_rejects_bad_input_naming_it(runner, area, db, args, field):
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert field in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_users_create_refuses_taken_username(runner, officer):
    result = runner.invoke(
        args=["users", "create", "anna", "--role", "officer", "--area", "svenljunga", "--password", "long enough"]
    )
    assert result.exit_code == 2 and "taken" in result.output


def test_demo_loads_svenljunga(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "lena" in result.output and "svenljunga2019" in result.output
    names = set(db.session.scalars(db.select(HotSpot.name)))
    assert {"Torget", "ICA-området", "Thilanderska parken", "Busstationen"} <= names and len(names) >= 6
    roles = sorted(db.session.scalars(db.select(User.role)))
    assert roles.count("officer") >= 2 and "supervisor" in roles and "admin" in roles
    visits = db.session.scalars(db.select(Visit)).all()
    assert len(visits) > 100
    span = max(v.started_at for v in visits) - min(v.started_at for v in visits)
    assert span.days >= 38
    modes = {v.mode for v in visits}
    assert "drive_through" in modes and "foot" in modes
    minutes = sorted((v.ended_at - v.started_at).total_seconds() / 60 for v in visits if v.ended_at)
    assert 10 <= minutes[len(minutes) // 2] <= 16
    assert any(o != ["nothing_to_report"] for o in (v.observations for v in visits))


def test_demo_holds_what_real_use_leaves_behind(runner, db):
    """Issue 10: every code, flags, after-the-fact and forgotten open visits, a new and an archived hot spot,
    signed-out phones, a deactivated officer, two supervisors — so that the pages are tried on real data."""
    from datetime import timedelta

    from fieldlog.auth.models import Device
    from fieldlog.db import utcnow
    from fieldlog.visits.models import ACTIVITIES, MODES, OBSERVATIONS

    assert runner.invoke(args=["demo"]).exit_code == 0
    now = utcnow()
    visits = db.session.scalars(db.select(Visit)).all()
    live = [v for v in visits if not v.deleted]
    assert {v.mode for v in live} == set(MODES)
    assert {o for v in live for o in v.observations} == set(OBSERVATIONS)
    assert {a for v in live for a in v.activities} == set(ACTIVITIES)
    assert sum(1 for v in live if v.observations != ["nothing_to_report"]) > 50
    assert sum(1 for v in live if len(v.activities) > 1) > 50
    flagged = [v for v in live if v.flag_at is not None]
    assert len(flagged) >= 3 and all(v.flag_comment and v.flag_by_id for v in flagged)
    assert sum(1 for v in live if v.entry == "after") >= 5
    assert any(v.ended_at is None and now - v.started_at > timedelta(hours=12) for v in live)
    assert any(v.deleted for v in visits)
    assert any(now - v.started_at < timedelta(hours=1) for v in live) and any(
        now - v.started_at > timedelta(days=40) for v in live
    )
    spots = db.session.scalars(db.select(HotSpot)).all()
    archived = [s for s in spots if s.deleted]
    assert len(archived) == 1 and archived[0].deleted_at is not None
    assert any(timedelta(days=7) <= now - s.created_at <= timedelta(days=14) for s in spots if not s.deleted)
    assert any(w["to"] < w["from"] for s in spots for w in s.hot_hours)  # hot hours past midnight
    people = db.session.scalars(db.select(User)).all()
    assert sorted(u.username for u in people if u.role == "supervisor") == ["johan", "lena"]
    assert sum(1 for u in people if u.role == "officer" and u.active) >= 4
    assert any(u.role == "officer" and not u.active for u in people)
    devices = db.session.scalars(db.select(Device)).all()
    assert sum(1 for d in devices if d.revoked_at) >= 2 and sum(1 for d in devices if not d.revoked_at) >= 3


def test_demo_twice_changes_nothing(runner, db):
    from fieldlog.audit.models import AuditEntry
    from fieldlog.auth.models import Device

    models = (Area, User, HotSpot, Visit, Device, AuditEntry)
    runner.invoke(args=["demo"])
    counts = [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in models]
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0 and "already loaded" in result.output
    db.session.expire_all()
    assert [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in models] == counts


def test_console_script_migrates_and_loads_demo(tmp_path):
    """The installed `fieldlog` script, as a person runs it: db upgrade, then demo, on a fresh SQLite file."""
    script = Path(sys.executable).with_name("fieldlog")
    env = {**os.environ, "FIELDLOG_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    env.pop("FIELDLOG_TEST_DATABASE_URL", None)
    upgrade = subprocess.run([script, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    demo = subprocess.run([script, "demo"], env=env, capture_output=True, text=True, timeout=120)
    assert demo.returncode == 0, demo.stderr
    assert "Svenljunga demo: 7 hot spots (and 1 archived)" in demo.stdout
    flask = subprocess.run(
        [Path(sys.executable).with_name("flask"), "--app", "fieldlog", "areas", "create", "x", "--name", "X"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert flask.returncode == 0, flask.stderr
