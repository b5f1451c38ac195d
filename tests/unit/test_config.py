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
