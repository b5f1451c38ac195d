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
