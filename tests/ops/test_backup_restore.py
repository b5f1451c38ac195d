"""``fieldlog backup`` and ``fieldlog restore`` as an operator runs them (issue 16 §1)."""

from __future__ import annotations

import os
import stat
import subprocess
from datetime import timedelta

import pytest
import sqlalchemy as sa

from fieldlog import create_app
from fieldlog.db import utcnow
from fieldlog.extensions import db as _db
from fieldlog.ops import backup as backup_module
from tests.fixtures.app import TEST_DATABASE_URL, base_config

postgres_only = pytest.mark.skipif(not TEST_DATABASE_URL, reason="pg_dump / pg_restore: PostgreSQL only")


def visits_of(url: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT id, rev, deleted, notes FROM visit ORDER BY id")).all()
    finally:
        engine.dispose()


@pytest.fixture
def restored_app(scratch_database, tmp_path):
    """An app of its own on a fresh, empty database (nothing migrated: the backup brings the schema)."""
    app = create_app(base_config(scratch_database("restore"), str(tmp_path / "restored-instance")))
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def with_visits(officer, hotspot, make_visit):
    for days_ago in range(1, 6):
        make_visit(hotspot, officer, started_at=utcnow() - timedelta(days=days_ago), minutes=12, notes=f"n{days_ago}")
    make_visit(hotspot, officer, started_at=utcnow() - timedelta(days=2), minutes=15, deleted=True, rev=2)


def test_backup_then_restore_gives_the_same_visits_and_passes_the_coverage_check(
    app, runner, with_visits, restored_app, tmp_path
):
    file = tmp_path / "fieldlog.backup"
    result = runner.invoke(args=["backup", str(file)])
    assert result.exit_code == 0, result.output
    assert "Backed up the" in result.output
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600  # password hashes and notes: its owner's only
    assert not (tmp_path / "fieldlog.backup.partial").exists()

    result = restored_app.test_cli_runner().invoke(args=["restore", str(file)])
    assert result.exit_code == 0, result.output
    assert "Coverage check: all" in result.output
    source = visits_of(app.config["DATABASE_URL"])
    assert len(source) == 6
    assert visits_of(restored_app.config["DATABASE_URL"]) == source


def test_restore_refuses_a_database_that_holds_data_unless_forced(app, runner, with_visits, tmp_path):
    file = tmp_path / "fieldlog.backup"
    assert runner.invoke(args=["backup", str(file)]).exit_code == 0
    result = runner.invoke(args=["restore", str(file)])
    assert result.exit_code == 1
    assert "The database holds data" in result.output and "--force" in result.output
    result = runner.invoke(args=["restore", str(file), "--force"])
    assert result.exit_code == 0, result.output
    assert len(visits_of(app.config["DATABASE_URL"])) == 6


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path, area):
    file = tmp_path / "notes.txt"
    file.write_text("not a backup")
    result = runner.invoke(args=["restore", str(file), "--force"])
    assert result.exit_code == 1
    assert "not a fieldlog backup" in result.output


def test_restore_takes_a_migrated_but_empty_database(app, runner, with_visits, restored_app, tmp_path):
    file = tmp_path / "fieldlog.backup"
    assert runner.invoke(args=["backup", str(file)]).exit_code == 0
    assert restored_app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    result = restored_app.test_cli_runner().invoke(args=["restore", str(file)])
    assert result.exit_code == 0, result.output
    assert len(visits_of(restored_app.config["DATABASE_URL"])) == 6


def test_restore_moves_the_change_counter_past_any_cursor_handed_out_since_the_backup(
    app, runner, with_visits, restored_app, tmp_path
):
    file = tmp_path / "fieldlog.backup"
    assert runner.invoke(args=["backup", str(file)]).exit_code == 0
    with app.app_context():
        before = _db.session.execute(sa.text("SELECT value FROM change_counter")).scalar_one()
    assert restored_app.test_cli_runner().invoke(args=["restore", str(file)]).exit_code == 0
    with restored_app.app_context():
        after = _db.session.execute(sa.text("SELECT value FROM change_counter")).scalar_one()
    assert after == before + backup_module.JUMP


def test_libpq_environment_carries_the_connection_and_password():
    url = sa.make_url("postgresql+psycopg://fieldlog:s3cret@db.internal:6543/fieldlog?sslmode=require")
    env = backup_module.libpq_env(url)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGPASSWORD"], env["PGDATABASE"], env["PGSSLMODE"]) == (
        "db.internal",
        "6543",
        "fieldlog",
        "s3cret",
        "fieldlog",
        "require",
    )


@postgres_only
def test_postgres_backup_and_restore_never_put_the_password_on_a_command_line(
    app, with_visits, scratch_database, tmp_path, monkeypatch
):
    password = "pw-on-no-command-line"  # trust authentication ignores it; the tools still receive it
    source = sa.make_url(app.config["DATABASE_URL"]).set(password=password).render_as_string(hide_password=False)
    target = sa.make_url(scratch_database("restore")).set(password=password).render_as_string(hide_password=False)
    commands = []
    real_run = subprocess.run

    def recording_run(command, *args, **kwargs):
        commands.append(command)
        if "env" in kwargs and command[-1] != "--version":
            assert kwargs["env"]["PGPASSWORD"] == password
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(backup_module.subprocess, "run", recording_run)
    backup_module.backup(source, tmp_path / "b.dump")
    backup_module.restore(target, tmp_path / "b.dump")
    assert any("pg_dump" in c[0] for c in commands) and any("pg_restore" in c[0] for c in commands)
    assert not [c for c in commands if any(password in part for part in c)]
    assert len(visits_of(target)) == 6


@postgres_only
def test_postgres_backup_refuses_a_pg_dump_of_another_version(app, runner, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 99.1'\n")
    fake.chmod(0o755)
    app.config["PG_BIN_DIR"] = str(bin_dir)
    result = runner.invoke(args=["backup", str(tmp_path / "b.dump")])
    assert result.exit_code == 1
    assert "is version 99, the server" in result.output and "server's own version" in result.output
    assert not (tmp_path / "b.dump").exists()
