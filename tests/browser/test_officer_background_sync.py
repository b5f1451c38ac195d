"""Issue 10 D2: uploads without the app open. Where Background Sync exists, the service worker itself pushes the
outbox with the page's own sync module — same mutation ids, one sync at a time — not only wakes open pages."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from loadkit.chromium import registration_id
from tests.browser.officer import (
    WAIT,
    arrive_and_leave,
    local_visit_ids,
    open_app,
    server_visits,
    sign_in,
    status,
    wait_uploaded,
)

POSITION = {"latitude": 57.49555, "longitude": 13.10905, "accuracy": 12}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "geolocation": POSITION, "permissions": ["geolocation"]}


def test_service_worker_uploads_visits_saved_offline_after_the_page_is_closed(
    page, context, live_server, app, officer, hotspot
):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    wait_uploaded(page)
    context.set_offline(True)
    arrive_and_leave(page, "Torget")
    arrive_and_leave(page, "Torget")
    expect(status(page)).to_contain_text("2 väntar på uppladdning", timeout=WAIT)
    ids = local_visit_ids(page)
    page.close()  # the officer puts the phone away: no page of the app is open

    blank = context.new_page()
    cdp = context.new_cdp_session(blank)
    registration = registration_id(cdp, live_server + "/app")
    assert server_visits(app, officer) == []
    context.set_offline(False)
    # What Chromium does when the connection returns: fire the "fieldlog-sync" event at the worker.
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": live_server, "registrationId": registration, "tag": "fieldlog-sync", "lastChance": False},
    )
    deadline = time.monotonic() + 15
    while len(server_visits(app, officer)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    stored = server_visits(app, officer)
    assert sorted(str(v.id) for v in stored) == ids
    assert blank.url == "about:blank"

    # The phone's copy agrees: opened again, the app shows both uploaded, and a second sync adds nothing.
    again = context.new_page()
    open_app(again, live_server + "/app")
    wait_uploaded(again)
    again.get_by_role("link", name="Idag").click()
    expect(again.locator(".visit-item").filter(has_text="Uppladdad")).to_have_count(2, timeout=WAIT)
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": live_server, "registrationId": registration, "tag": "fieldlog-sync", "lastChance": False},
    )
    time.sleep(0.5)
    assert len(server_visits(app, officer)) == 2
