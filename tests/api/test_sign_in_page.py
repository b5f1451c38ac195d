"""The server-rendered sign-in page: sessions, CSRF, throttling shared with the API, language."""

from tests.fixtures.users import PASSWORD, csrf_token


def test_sign_in_page_is_swedish_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Logga in" in html and "Användarnamn" in html and "Lösenord" in html


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/")


def test_sign_in_with_right_password_opens_start_page(client, officer, hotspot, login):
    response = login("anna")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "Välkommen, Anna" in html and "Torget" in html


def test_supervisors_start_page_is_their_dashboard(client, supervisor, hotspot, login):
    login("sven")
    assert client.get("/").headers["Location"] == "/supervisor/"
    assert "Torget" in client.get("/supervisor/").get_data(as_text=True)


def test_username_is_case_insensitive(client, supervisor, login):
    assert login("SVEN").status_code == 302


def test_wrong_password_stays_on_page_with_message(client, supervisor, login):
    response = login("sven", "wrong")
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_sign_in(client, make_user, area, login):
    make_user("officer", area, username="gone", active=False)
    assert login("gone").status_code == 401


def test_form_without_csrf_token_is_refused(client, supervisor):
    response = client.post("/login", data={"username": "sven", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_next_only_redirects_within_the_site(client, supervisor):
    token = csrf_token(client, "/login")
    data = {"username": "sven", "password": PASSWORD, "csrf_token": token}
    response = client.post("/login", data={**data, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_sign_out_needs_post_with_csrf(client, officer, login):
    login("anna")
    assert client.get("/logout").status_code == 405
    token = csrf_token(client, "/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_language_switch_changes_page_and_is_kept_for_the_user(client, officer, login, db):
    from fieldlog.auth.models import User

    login("anna")
    client.post("/locale", data={"locale": "en", "next": "/", "csrf_token": csrf_token(client, "/")})
    assert "Welcome, Anna" in client.get("/").get_data(as_text=True)
    assert db.session.get(User, officer.id).locale == "en"


def test_user_locale_applies_at_sign_in(client, make_user, area, login):
    make_user("officer", area, username="eve", locale="en")
    login("eve")
    assert "Welcome, Eve" in client.get("/").get_data(as_text=True)


def test_page_failures_are_throttled_and_shared_with_api(client, supervisor, login):
    for _ in range(5):
        login("sven", "wrong")
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"username": "sven", "password": "wrong", "device_name": "x"})
    response = login("sven")
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.get_data(as_text=True)
    api = client.post("/api/v1/auth/token", json={"username": "sven", "password": PASSWORD, "device_name": "x"})
    assert api.status_code == 429


def test_password_change_ends_existing_sessions(client, officer, login, db):
    from fieldlog.auth.models import User

    login("anna")
    assert client.get("/").status_code == 200
    user = db.session.get(User, officer.id)
    user.set_password("a whole new password")
    db.session.commit()
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, supervisor):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "sven", "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_over_https(client, supervisor):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"username": "sven", "password": PASSWORD, "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
    )
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"]
