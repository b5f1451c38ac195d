import os
import stat

from fieldlog import create_app


def test_secret_key_is_generated_once_and_kept_private(tmp_path, database_url):
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url})
    second = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url})
    key_file = instance / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_environment_variables_configure_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDLOG_SECRET_KEY", "from-env")
    monkeypatch.setenv("FIELDLOG_TOKEN_TTL_DAYS", "7")
    monkeypatch.delenv("FIELDLOG_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["TOKEN_TTL_DAYS"] == 7
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/fieldlog.sqlite3"


def test_the_sqlite_database_and_instance_folder_are_private(tmp_path, monkeypatch):
    """Issue 10 B8: the database file is created 0600 (its WAL files follow it) and the instance folder is not
    readable by other users."""
    import sqlalchemy as sa

    from fieldlog.extensions import db

    monkeypatch.delenv("FIELDLOG_DATABASE_URL", raising=False)
    old = os.umask(0o022)
    try:
        instance = tmp_path / "instance"
        app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x", "DATABASE_URL": None})
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
                conn.execute(sa.text("INSERT INTO t VALUES (1)"))
            assert stat.S_IMODE(os.stat(instance / "fieldlog.sqlite3").st_mode) == 0o600
            assert stat.S_IMODE(os.stat(instance / "fieldlog.sqlite3-wal").st_mode) == 0o600
            db.engine.dispose()
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(instance).st_mode) & 0o077 == 0


def test_an_existing_world_readable_instance_folder_is_closed_to_others(tmp_path, monkeypatch):
    monkeypatch.delenv("FIELDLOG_DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    assert stat.S_IMODE(os.stat(instance).st_mode) & 0o007 == 0


def test_sql_parameters_are_hidden_from_logs_and_errors(app, caplog):
    """Issue 10 B8: a failing statement's error, and SQLAlchemy's statement log, name no parameter values."""
    import logging

    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import DBAPIError

    from fieldlog.extensions import db

    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    with app.app_context():
        assert db.engine.hide_parameters
        db.engine.echo = True
        try:
            db.session.execute(sa.text("SELECT username FROM user_account WHERE username = :u"), {"u": "secret-42"})
            with pytest.raises(DBAPIError) as error:
                db.session.execute(sa.text("SELECT x FROM no_such_table WHERE x = :u"), {"u": "secret-42"})
        finally:
            db.engine.echo = False
            db.session.rollback()
    assert "parameters hidden" in str(error.value)
    assert "secret-42" not in str(error.value)
    assert "secret-42" not in caplog.text
