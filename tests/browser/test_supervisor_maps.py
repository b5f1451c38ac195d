"""Supervisor maps in Chromium: hot spot names reach Leaflet's tooltips and popups as text, never as HTML."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from fieldlog.db import utcnow
from tests.browser.test_supervisor_pages import sign_in

HOSTILE = 'Torget <img src=x onerror="window.__pwned=1"><b>fet</b>'


def test_hostile_hot_spot_name_is_text_on_the_maps(
    page, live_server, area, supervisor, officer, make_hotspot, make_visit
):
    spot = make_hotspot(area, HOSTILE, target_visits_per_week=5)
    visit = make_visit(spot, officer, utcnow() - timedelta(days=1), 12, lat=57.4956, lon=13.1091, accuracy_m=5.0)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, live_server)
    for url in (f"/supervisor/hotspots/{spot.id}", f"/supervisor/visits/{visit.id}"):
        page.goto(live_server + url)
        circle = page.locator("#spot-map path.leaflet-interactive").first
        expect(circle).to_be_visible()
        circle.hover(force=True)
        tooltip = page.locator("#spot-map .leaflet-tooltip")
        expect(tooltip).to_have_text(HOSTILE)
        assert page.locator("#spot-map img[src='x'], #spot-map b").count() == 0
    page.goto(live_server + "/supervisor/?period=last_4_weeks")
    marker = page.locator("#coverage-map .spot-marker").first
    expect(marker).to_be_visible()
    marker.click()
    expect(page.locator("#coverage-map .leaflet-popup-content")).to_contain_text(HOSTILE)
    assert page.locator("#coverage-map img[src='x'], #coverage-map b").count() == 0
    assert page.evaluate("window.__pwned") is None and dialogs == []


def test_coverage_table_keeps_names_in_view_and_is_cards_on_a_phone(
    browser, live_server, area, supervisor, officer, make_hotspot, make_visit
):
    for i, name in enumerate(("Torget", "Busstationen", "ICA-området")):
        spot = make_hotspot(area, name, lat=57.495 + i / 1000)
        make_visit(spot, officer, utcnow() - timedelta(days=1 + i), 12)
    wide = browser.new_page(viewport={"width": 1000, "height": 800})
    sign_in(wide, live_server)
    wide.goto(live_server + "/supervisor/?period=last_4_weeks")
    region = wide.get_by_role("region", name="Täckning per hot spot")
    name_cell = wide.locator("table.coverage tbody th[scope=row]").first
    before = name_cell.bounding_box()["x"]
    region.evaluate("el => { el.scrollLeft = 400; }")
    assert region.evaluate("el => el.scrollLeft") > 0  # the figures do scroll sideways
    assert abs(name_cell.bounding_box()["x"] - before) < 5  # the name stays in view at the left edge
    wide.close()
    phone = browser.new_page(viewport={"width": 390, "height": 800})
    sign_in(phone, live_server)
    phone.goto(live_server + "/supervisor/?period=last_4_weeks")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    card = phone.locator("table.coverage tbody tr").first
    assert card.evaluate("el => getComputedStyle(el).display") == "block"
    visits = card.locator("td[data-label='Besök']")
    assert visits.evaluate("el => getComputedStyle(el, '::before').content") == '"Besök"'
    expect(visits).to_contain_text("förra:")
