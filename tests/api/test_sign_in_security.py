"""Sign-in security (issue 10, B8): a password reset signs the officer's phones out, signing out ends the session
cookie, throttling holds across app instances, 429 says when to retry, and failed sign-ins are logged."""

from __future__ import annotations

import logging
import re

import pytest

from fieldlog import create_app
from tests.fixtures.app import IsolatedClient, base_config
from tests.fixtures.users import PASSWORD, csrf_token


def post_token(client, username, password=PASSWORD, **kwargs):
    body = {"username": username, "password": password, "device_name": "Pixel 7"}
    return client.post("/api/v1/auth/token", json=body, **kwargs)


def _form_token(html: str, action: str) -> str:
    match = re.search(r'action="' + re.escape(action) + r'".*?name="csrf_token"[^>]*value="([^"]+)"', html, re.S)
    assert match, f"no form posting to {action}"
    return match.group(1)


def test_a_supervisors_password_reset_signs_the_officers_devices_out(client, login, supervisor, officer):
    token = post_token(client, "anna").get_json()["token"]
    phone = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=phone).status_code == 200

    supervisor_client = client.application.test_client()
    token_form = csrf_token(supervisor_client, "/login")
    supervisor_client.post("/login", data={"username": "sven", "password": PASSWORD, "csrf_token": token_form})
    html = supervisor_client.get(f"/supervisor/people/{officer.id}").get_data(as_text=True)
    csrf = _form_token(html, f"/supervisor/people/{officer.id}/password")
    response = supervisor_client.post(
        f"/supervisor/people/{officer.id}/password", data={"csrf_token": csrf, "password": "ett nytt lösenord"}
    )
    assert response.status_code == 303

    refused = client.get("/api/v1/me", headers=phone)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "token_revoked"
    page = supervisor_client.get(f"/supervisor/people/{officer.id}").get_data(as_text=True)
    assert "utloggad överallt" in page


def test_a_replayed_session_cookie_is_not_signed_in_after_sign_out(client, officer, login):
    login("anna")
    assert client.get("/").status_code == 200
    cookie = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/").status_code == 302

    thief = client.application.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_signing_in_again_after_sign_out_works(client, officer, login):
    login("anna")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login("anna").status_code == 302
    assert client.get("/").status_code == 200


@pytest.fixture
def second_app(database_url, tmp_path):
    """A second app instance on the same database: another gunicorn worker, or another app server."""
    other = create_app(base_config(database_url, str(tmp_path / "instance2")))
    other.test_client_class = IsolatedClient
    yield other
    with other.app_context():
        from fieldlog.extensions import db

        db.session.remove()
        db.engine.dispose()


FAIL_IN_ANOTHER_PROCESS = """
import sys
from fieldlog import create_app
from tests.fixtures.app import base_config
app = create_app(base_config(sys.argv[1], sys.argv[2]))
client = app.test_client()
for _ in range(int(sys.argv[3])):
    body = {"username": "anna", "password": "wrong", "device_name": "x"}
    assert client.post("/api/v1/auth/token", json=body).status_code == 401
"""


def test_the_eleventh_failure_is_refused_across_worker_processes(client, second_app, officer, database_url, tmp_path):
    """Two gunicorn workers are two processes: nothing but the database is shared between them."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-c", FAIL_IN_ANOTHER_PROCESS, database_url, str(tmp_path / "worker"), "5"],
        cwd=root,
        check=True,
        timeout=120,
    )
    other = second_app.test_client()
    for i in range(5):
        assert post_token(client if i % 2 else other, "anna", password="wrong").status_code == 401
    for app_client in (client, other):
        response = post_token(app_client, "anna")
        assert response.status_code == 429
        assert response.get_json()["error"]["code"] == "too_many_requests"


def test_address_failures_add_up_across_app_instances_and_entry_points(client, second_app, officer, area):
    other = second_app.test_client()
    addr = {"REMOTE_ADDR": "10.1.2.3"}
    for i in range(5):
        post_token(client, f"guess{i}", password="wrong", environ_base=addr)
    for i in range(5):
        token = csrf_token(other, "/login")
        data = {"username": f"page{i}", "password": "wrong", "csrf_token": token}
        assert other.post("/login", data=data, environ_base=addr).status_code == 401
    assert post_token(other, "anna", environ_base=addr).status_code == 429
    assert post_token(client, "anna", environ_base={"REMOTE_ADDR": "10.1.2.4"}).status_code == 201


def test_api_429_carries_retry_after_in_seconds(client, officer):
    for _ in range(10):
        post_token(client, "anna", password="wrong")
    response = post_token(client, "anna")
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 15 * 60


def test_sign_in_page_429_carries_retry_after(client, supervisor, login):
    for _ in range(10):
        login("sven", "wrong")
    response = login("sven")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "För många misslyckade inloggningar" in response.get_data(as_text=True)


def test_failures_older_than_the_window_no_longer_count(client, officer, app):
    from datetime import timedelta

    from fieldlog.auth.models import LoginFailure
    from fieldlog.extensions import db

    for _ in range(10):
        post_token(client, "anna", password="wrong")
    with app.app_context():
        for row in db.session.scalars(db.select(LoginFailure)):
            row.at = row.at - timedelta(minutes=16)
        db.session.commit()
    assert post_token(client, "anna").status_code == 201


def test_the_failure_table_holds_no_username_or_address(client, officer, app):
    from fieldlog.auth.models import LoginFailure
    from fieldlog.extensions import db

    post_token(client, "anna", password="wrong", environ_base={"REMOTE_ADDR": "10.7.7.7"})
    with app.app_context():
        keys = [row.key for row in db.session.scalars(db.select(LoginFailure))]
    assert len(keys) == 2
    assert not any("anna" in k or "10.7.7.7" in k for k in keys)


def test_failed_sign_ins_are_logged_as_warnings_with_username_and_address(client, officer, login, caplog):
    caplog.set_level(logging.WARNING)
    post_token(client, "anna", password="secret-wrong-1", environ_base={"REMOTE_ADDR": "10.3.3.3"})
    login("Anna", "secret-wrong-2")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "sign-in" in r.getMessage()]
    assert len(warnings) == 2
    assert "'anna'" in warnings[0].getMessage() and "10.3.3.3" in warnings[0].getMessage()
    assert "'anna'" in warnings[1].getMessage() and "127.0.0.1" in warnings[1].getMessage()
    text = caplog.text
    assert "secret-wrong-1" not in text and "secret-wrong-2" not in text


def test_a_limits_storage_uri_counts_there_instead(app, client, officer):
    """FIELDLOG_RATELIMIT_STORAGE_URI=redis://… keeps the failures in Redis via ``limits``; memory:// (one process)
    takes the same path."""
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    for _ in range(10):
        assert post_token(client, "anna", password="wrong").status_code == 401
    response = post_token(client, "anna")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    with app.app_context():
        from fieldlog.auth.models import LoginFailure
        from fieldlog.extensions import db

        assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) == 0
