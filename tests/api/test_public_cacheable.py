"""Public pages are cacheable by anyone (issue 10 B9): no cookie set, none read, nothing personal; /favicon.ico."""

from __future__ import annotations

import pytest

from tests.fixtures.users import PASSWORD


@pytest.mark.parametrize("path", ["/public/svenljunga", "/public/svenljunga.json", "/public/svenljunga?lang=en"])
def test_public_report_sets_no_cookie_and_does_not_vary_by_one(client, area, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert response.headers["Cache-Control"].startswith("public, max-age=")


def test_public_report_of_a_signed_in_supervisor_is_the_same_as_anyones(client, area, supervisor, login):
    anonymous = client.application.test_client().get("/public/svenljunga")
    login("sven", PASSWORD)
    response = client.get("/public/svenljunga")
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert 'class="who"' not in html and "csrf_token" not in html
    assert html == anonymous.get_data(as_text=True)


def test_public_report_is_swedish_and_offers_english_by_link(client, area):
    html = client.get("/public/svenljunga").get_data(as_text=True)
    assert '<html lang="sv">' in html and 'href="/public/svenljunga?lang=en"' in html
    english = client.get("/public/svenljunga?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english


def test_unknown_public_area_is_a_404_without_a_cookie(client, area):
    response = client.get("/public/nowhere")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


def test_favicon_is_the_app_icon(client):
    response = client.get("/favicon.ico")
    body = response.get_data()
    response.close()
    assert response.status_code == 200
    assert response.mimetype.startswith("image/")
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Set-Cookie" not in response.headers
