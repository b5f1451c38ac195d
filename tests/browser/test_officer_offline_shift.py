"""A shift without signal: sign in once, go offline, log visits, close and reopen, come back online."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.officer import (
    WAIT,
    arrive_and_leave,
    local_visit_ids,
    open_app,
    reload_app,
    server_visits,
    sign_in,
    status,
    wait_uploaded,
)

POSITION = {"latitude": 57.49555, "longitude": 13.10905, "accuracy": 12}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "geolocation": POSITION, "permissions": ["geolocation"]}


def test_visits_logged_offline_survive_a_restart_and_upload_exactly_once_when_online(
    page, context, live_server, app, officer, hotspot, make_hotspot, area
):
    make_hotspot(area, "Busstationen", lat=57.4990, lon=13.1120)
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    wait_uploaded(page)

    context.set_offline(True)
    reload_app(page)
    expect(page.get_by_role("heading", name="Busstationen")).to_be_visible(timeout=WAIT)
    for name in ("Torget", "Busstationen", "Torget"):
        arrive_and_leave(page, name)
    expect(status(page)).to_contain_text("3 väntar på uppladdning", timeout=WAIT)
    expect(status(page)).to_contain_text("Offline")

    # The phone closes the app; it opens again, still without signal.
    page.close()
    page = context.new_page()
    open_app(page, live_server + "/app")
    expect(status(page)).to_contain_text("3 väntar på uppladdning", timeout=WAIT)
    page.get_by_role("link", name="Idag").click()
    expect(page.locator(".visit-item")).to_have_count(3, timeout=WAIT)
    expect(page.locator(".visit-item").filter(has_text="Väntar på uppladdning")).to_have_count(3)
    ids = local_visit_ids(page)
    assert server_visits(app, officer) == []

    context.set_offline(False)
    wait_uploaded(page)
    expect(page.locator(".visit-item").filter(has_text="Uppladdad")).to_have_count(3, timeout=WAIT)

    stored = server_visits(app, officer)
    assert sorted(str(v.id) for v in stored) == ids
    assert all(v.ended_at is not None and v.ended_at >= v.started_at for v in stored)
    # The fix taken at Arrive (online or not) travelled with each visit.
    assert all(v.lat is not None and v.accuracy_m == pytest.approx(12) for v in stored)
    assert len({uuid.UUID(i) for i in ids}) == 3
