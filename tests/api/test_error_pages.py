"""Error pages of the site (issue 10 C3): in the layout and the user's language, with a way back; the API keeps its
JSON envelope."""

from __future__ import annotations

import pytest


def test_an_unknown_supervisor_page_is_a_swedish_404_page_in_the_layout(client, supervisor, login):
    login("sven")
    response = client.get("/supervisor/no-such-page", headers={"Referer": "http://localhost/supervisor/visits"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="sv">' in html and 'class="topbar"' in html  # the site's layout
    assert "Sidan finns inte" in html and "Fel 404" in html
    assert 'href="/supervisor/visits"' in html and "Tillbaka" in html
    assert 'href="/"' in html and "Till startsidan" in html


def test_an_english_supervisor_gets_the_404_page_in_english(client, make_user, area, login):
    make_user("supervisor", area, username="eve", locale="en")
    login("eve")
    html = client.get("/supervisor/no-such-page").get_data(as_text=True)
    assert "Page not found" in html and "To the start page" in html


def test_a_back_link_never_leads_to_another_site(client, supervisor, login):
    login("sven")
    html = client.get("/supervisor/nope", headers={"Referer": "https://evil.example/x"}).get_data(as_text=True)
    assert "evil.example" not in html and "Tillbaka" not in html


def test_a_server_error_on_a_page_renders_the_500_page(app, client, supervisor, login):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/supervisor/broken-for-test", "broken_for_test", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login("sven")
    response = client.get("/supervisor/broken-for-test")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Något gick fel" in html and 'class="topbar"' in html and "boom" not in html


def test_a_server_error_on_the_api_keeps_the_envelope(app, client):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/api/v1/broken-for-test", "api_broken_for_test", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/api/v1/broken-for-test")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"


def test_a_forbidden_page_is_a_403_page(client, officer, login):
    login("anna")
    response = client.get("/supervisor/")
    assert response.status_code in (403, 404)
    html = response.get_data(as_text=True)
    assert 'class="topbar"' in html and "Till startsidan" in html


def test_method_not_allowed_is_a_405_page_with_allow(client, officer, login):
    login("anna")
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Går inte här" in response.get_data(as_text=True)


def test_a_form_without_csrf_is_a_400_page_that_says_so(client, officer, login):
    login("anna")
    response = client.post("/locale", data={"locale": "en"})
    assert response.status_code == 400
    assert "Formuläret hade gått ut" in response.get_data(as_text=True)


def test_throttled_page_outside_sign_in_is_a_429_page(app, client):
    from werkzeug.exceptions import TooManyRequests

    def limited():
        raise TooManyRequests(retry_after=30)

    app.add_url_rule("/limited-for-test", "limited_for_test", limited)
    response = client.get("/limited-for-test")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert "För många försök" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/public/nowhere", "/public/%00"])
def test_public_error_pages_set_no_cookie(client, area, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "Set-Cookie" not in response.headers
    assert "csrf_token" not in response.get_data(as_text=True)


def test_nul_on_a_page_is_a_400_page_naming_the_input(client, supervisor, login):
    login("sven")
    response = client.get("/supervisor/visits?officer=a%00b")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Får inte innehålla ett NUL-tecken. (officer)" in html and 'class="topbar"' in html


def test_unknown_api_path_is_still_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
