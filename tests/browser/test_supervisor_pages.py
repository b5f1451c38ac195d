"""Supervisor pages in real Chromium: dashboard, hot spot editing with a conflict, flagging, revoking, public page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from fieldlog.db import utcnow
from tests.fixtures.users import PASSWORD


def sign_in(page, base: str, username: str = "sven") -> None:
    page.goto(base + "/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def assert_accessible(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def svenljunga(area, supervisor, officer, make_hotspot, make_visit):
    """Torget got one visit last week against a target of 5; Busstationen had no target."""
    torget = make_hotspot(area, "Torget", target_visits_per_week=5)
    make_hotspot(area, "Busstationen", target_visits_per_week=None, lat=57.497, lon=13.112, public=True)
    visit = make_visit(
        torget,
        officer,
        utcnow() - timedelta(days=1),
        12,
        lat=57.4956,
        lon=13.1091,
        accuracy_m=6.0,
        distance_m=11.0,
        on_site=True,
    )
    return torget, visit


def test_dashboard_shows_shortfalls_and_sorts(page, live_server, svenljunga):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Täckning i Svenljunga")).to_be_visible()
    page.get_by_role("textbox", name="Från").fill("2026-11-01")
    expect(page.get_by_label("Eget val")).to_be_checked()  # a changed day means a custom period
    page.get_by_label("Senaste 4 veckorna").check()
    page.get_by_role("button", name="Visa").first.click()
    expect(page.get_by_role("status").filter(has_text="nådde inte målet")).to_contain_text("Torget")
    table = page.locator("table.coverage")
    expect(table.get_by_text("Under målet")).to_be_visible()
    page.get_by_role("button", name="Besök", exact=True).click()
    expect(table.locator("thead th").nth(2)).to_have_attribute("aria-sort", "ascending")
    expect(table.locator("tbody tr").first).to_contain_text("Busstationen")
    page.get_by_role("button", name="Besök", exact=True).click()
    expect(table.locator("tbody tr").first).to_contain_text("Torget")
    # No tile server configured here: the map still shows its markers and says why the background is blank.
    expect(page.locator("#coverage-map .spot-marker")).to_have_count(2)
    expect(page.get_by_text("Kartbakgrunden är inte tillgänglig")).to_be_visible()
    assert_accessible(page)


def test_hot_spot_page_shows_the_grid(page, live_server, svenljunga):
    torget, _visit = svenljunga
    sign_in(page, live_server)
    page.goto(f"{live_server}/supervisor/hotspots/{torget.id}")
    expect(page.get_by_role("heading", name="Närvaro per veckodag och timme")).to_be_visible()
    expect(page.locator("table.grid td.hot").first).to_be_visible()
    assert_accessible(page)


def test_two_supervisors_editing_the_same_spot_get_changed_meanwhile(browser, live_server, svenljunga, make_user, area):
    torget, _visit = svenljunga
    make_user("supervisor", area, username="sara")
    first, second = browser.new_page(), browser.new_page()
    try:
        sign_in(first, live_server, "sven")
        sign_in(second, live_server, "sara")
        url = f"{live_server}/supervisor/hotspots/{torget.id}/edit"
        first.goto(url)
        second.goto(url)
        first.get_by_label("Namn").fill("Torget norra")
        first.get_by_role("button", name="Spara").click()
        expect(first.get_by_text("Hot spot Torget norra är sparad.")).to_be_visible()

        second.get_by_label("Namn").fill("Torget södra")
        second.get_by_role("button", name="Spara").click()
        alert = second.get_by_role("alert").filter(has_text="Ändrad under tiden")
        expect(alert).to_be_visible()
        expect(alert).to_contain_text("Torget norra")
        expect(second.get_by_label("Namn")).to_have_value("Torget södra")  # nothing typed is lost
        assert_accessible(second)
        # Saving again, now knowing the other change, goes through.
        second.get_by_role("button", name="Spara").click()
        expect(second.get_by_role("heading", name="Torget södra")).to_be_visible()
    finally:
        first.close()
        second.close()


def test_hot_hours_are_edited_on_the_form(page, live_server, svenljunga):
    torget, _visit = svenljunga
    sign_in(page, live_server)
    page.goto(f"{live_server}/supervisor/hotspots/{torget.id}/edit")
    expect(page.locator("#hotspot-map")).to_be_visible()
    window = page.get_by_role("group", name="Tidsfönster 1")
    window.get_by_label("Från").fill("19:00")
    window.get_by_label("Sön").check()
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("dl.facts").get_by_text("fre–sön 19:00–02:00", exact=False)).to_be_visible()


def test_flagging_a_visit(page, live_server, svenljunga):
    _torget, visit = svenljunga
    sign_in(page, live_server)
    page.goto(f"{live_server}/supervisor/visits?period=last_4_weeks")
    page.locator(f'a[href="/supervisor/visits/{visit.id}"]').click()
    expect(page.get_by_text("på plats", exact=True)).to_be_visible()
    page.get_by_label("Kommentar till polisen").fill("Besöket var kort – stämmer tiden?")
    page.get_by_role("button", name="Flagga till polisen").click()
    expect(page.get_by_role("status").filter(has_text="Flaggad")).to_contain_text("stämmer tiden?")
    assert_accessible(page)


def test_revoking_a_lost_phone(page, live_server, svenljunga, officer, make_token, client):
    token = make_token(officer, "Annas telefon")
    sign_in(page, live_server)
    page.goto(f"{live_server}/supervisor/people")
    page.get_by_role("link", name="Anna").click()
    row = page.get_by_role("row").filter(has_text="Annas telefon")
    expect(row).to_contain_text("inloggad")
    assert_accessible(page)
    row.get_by_role("checkbox").check()
    row.get_by_role("button", name="Logga ut enheten Annas telefon").click()
    expect(page.get_by_text("Enheten Annas telefon är utloggad.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Annas telefon")).to_contain_text("utloggad")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["error"]["code"] == "token_revoked"


def test_public_page_needs_no_sign_in(page, live_server, svenljunga):
    page.goto(f"{live_server}/public/svenljunga")
    expect(page.get_by_role("heading", name="Polisnärvaro i Svenljunga")).to_be_visible()
    expect(page.get_by_role("table", name="Busstationen")).to_be_visible()
    expect(page.get_by_text("Torget")).to_have_count(0)  # not marked public
    assert_accessible(page)
