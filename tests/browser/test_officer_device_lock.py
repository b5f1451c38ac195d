"""Issue 15: a lost or shared phone gives nothing away — the app lock, encryption at rest, recovery without loss."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.officer import (
    PIN,
    WAIT,
    arrive_and_leave,
    choose_pin,
    fill_after_the_fact,
    fill_sign_in,
    local_visit_ids,
    read_raw,
    reload_app,
    server_visits,
    shot,
    sign_in,
    status,
    unlock,
    wait_uploaded,
)
from tests.fixtures.users import PASSWORD

STOCKHOLM = ZoneInfo("Europe/Stockholm")
POSITION = {"latitude": 57.49555, "longitude": 13.10905, "accuracy": 12}


def test_indexeddb_read_directly_holds_no_token_notes_or_positions(page, context, live_server, officer, hotspot):
    context.grant_permissions(["geolocation"])
    context.set_geolocation(POSITION)
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    wait_uploaded(page)
    context.set_offline(True)
    arrive_and_leave(page, "Torget")
    expect(status(page)).to_contain_text("1 väntar på uppladdning", timeout=WAIT)
    fill_after_the_fact(page, "Torget", datetime.now(STOCKHOLM).replace(second=0, microsecond=0) - timedelta(hours=2))
    page.get_by_label("Anteckningar").fill("Hemligt-anteckning-12345")
    page.get_by_role("button", name="Spara").click()
    expect(status(page)).to_contain_text("2 väntar på uppladdning", timeout=WAIT)
    token = page.evaluate("() => import('/static/js/session.js').then((m) => m.getSession().token)")
    assert token and len(token) > 20
    text = json.dumps(read_raw(page))
    for secret in (token, "Hemligt-anteckning-12345", "57.49555", "13.10905", "Torget", "anna", PIN):
        assert secret not in text, secret
    # The app itself, unlocked, reads them all.
    assert "Hemligt-anteckning-12345" in json.dumps(
        page.evaluate("() => import('/static/js/storage.js').then((m) => m.getAll('outbox'))")
    )


HIDE = """(hidden) => {
  const state = hidden ? 'hidden' : 'visible';
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}"""
LOCKED = "Appen är låst"
NEW_PIN = "97531864"

# 20 visits saved as the app saves them (outbox.js, sealed by storage.js): ended an hour ago, 12 minutes long.
QUEUE_VISITS = """async ({ hotspotId, count }) => {
  const { newVisit, saveVisit } = await import('/static/js/outbox.js');
  const { getSession } = await import('/static/js/session.js');
  const userId = getSession().user.id;
  const ids = [];
  for (let i = 0; i < count; i += 1) {
    const start = new Date(Date.now() - (80 + i) * 60_000);
    const visit = newVisit({ hotspot_id: hotspotId, started_at: start.toISOString(),
      ended_at: new Date(start.getTime() + 12 * 60_000).toISOString(), notes: `kö ${i}` }, userId);
    await saveVisit(visit);
    ids.push(visit.id);
  }
  return ids.sort();
}"""


def locked(page) -> None:
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible(timeout=WAIT)
    # Nothing of the officer's is left on the screen or readable through the app's storage.
    expect(page.locator("#tabs")).to_be_hidden()
    assert "Torget" not in page.locator("body").inner_text()
    error = page.evaluate(
        "() => import('/static/js/storage.js').then((s) => s.getMeta('session')).then(() => null, (e) => e.name)"
    )
    assert error == "LockedError"


def test_the_app_locks_after_ten_minutes_in_the_background_not_before(page, live_server, officer, hotspot):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    page.clock.install()
    # Nine minutes away: still open when the officer comes back.
    page.evaluate(HIDE, True)
    page.clock.fast_forward("09:00")
    page.evaluate(HIDE, False)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible()
    # Eleven minutes away, with the page's timers not run meanwhile (a background tab): locked on coming back.
    page.evaluate(HIDE, True)
    page.clock.set_system_time(page.evaluate("Date.now()") + 11 * 60_000)
    page.evaluate(HIDE, False)
    locked(page)
    unlock(page)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    # Still hidden after ten minutes: the timer locks it (and takes the key back from the service worker).
    page.evaluate(HIDE, True)
    page.clock.fast_forward("10:01")
    locked(page)


def test_ten_wrong_pins_need_the_password_and_the_sign_in_keeps_everything(
    page, context, live_server, app, officer, hotspot
):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    context.set_offline(True)
    ids = page.evaluate(QUEUE_VISITS, {"hotspotId": str(hotspot.id), "count": 3})
    page.get_by_role("button", name="Lås appen").click()
    locked(page)
    shot(page, "lock-screen")
    for left in range(9, 0, -1):
        page.get_by_label("PIN-kod", exact=True).fill("000000")
        page.get_by_role("button", name="Lås upp").click()
        expect(page.locator("#pin-error")).to_have_text(f"Fel PIN-kod. {left} försök kvar.", timeout=WAIT)
    page.get_by_label("PIN-kod", exact=True).fill("000000")
    page.get_by_role("button", name="Lås upp").click()
    expect(page.get_by_text("För många fel PIN-koder.")).to_be_visible(timeout=WAIT)
    shot(page, "lock-blocked")
    # A cold start does not reset the count, and the right PIN no longer opens anything.
    page.reload()
    expect(page.get_by_text("För många fel PIN-koder.")).to_be_visible(timeout=WAIT)
    expect(page.get_by_label("PIN-kod", exact=True)).to_have_count(0)
    tried = page.evaluate("(pin) => import('/static/js/vault.js').then((v) => v.unlock(pin))", PIN)
    assert tried == {"ok": False, "left": 0, "blocked": True}
    # The password needs the network.
    page.get_by_role("link", name="Logga in").click()
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#signin-error")).to_contain_text("Ingen anslutning", timeout=WAIT)
    context.set_offline(False)
    fill_sign_in(page, pin=NEW_PIN)
    wait_uploaded(page)
    assert sorted(str(v.id) for v in server_visits(app, officer)) == ids
    reload_app(page, NEW_PIN)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)


def test_a_forgotten_pin_keeps_twenty_queued_visits_and_they_upload_exactly_once(
    page, context, live_server, app, officer, hotspot
):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    device_id = page.evaluate("() => import('/static/js/session.js').then((m) => m.getSession().device_id)")
    context.set_offline(True)
    ids = page.evaluate(QUEUE_VISITS, {"hotspotId": str(hotspot.id), "count": 20})
    expect(status(page)).to_contain_text("20 väntar på uppladdning", timeout=WAIT)
    page.close()

    # A cold start, the PIN forgotten: the password, on the same phone, online.
    page = context.new_page()
    page.goto(live_server + "/app")
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible(timeout=WAIT)
    context.set_offline(False)
    page.get_by_role("link", name="Glömt PIN-koden? Logga in med lösenordet").click()
    fill_sign_in(page, pin=NEW_PIN)
    wait_uploaded(page)
    stored = server_visits(app, officer)
    assert sorted(str(v.id) for v in stored) == ids
    assert {v.rev for v in stored} == {1}
    assert {str(v.device_id) for v in stored} == {device_id}  # the same device, signed in again
    assert sorted(local_visit_ids(page)) == ids
    # A second sync sends nothing again.
    page.evaluate("() => import('/static/js/sync.js').then((s) => s.syncNow())")
    wait_uploaded(page)
    assert len(server_visits(app, officer)) == 20


def test_a_revoked_device_cannot_recover(page, context, live_server, app, officer, hotspot):
    from fieldlog.auth.models import Device, DeviceRecovery
    from fieldlog.auth.services import revoke_device
    from fieldlog.extensions import db

    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    context.set_offline(True)
    page.evaluate(QUEUE_VISITS, {"hotspotId": str(hotspot.id), "count": 3})
    page.close()
    # The phone is reported lost: its supervisor revokes it.
    with app.app_context():
        for device in db.session.scalars(db.select(Device)):
            revoke_device(device)
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(DeviceRecovery)) == 0

    page = context.new_page()
    page.goto(live_server + "/app")
    context.set_offline(False)
    page.get_by_role("link", name="Glömt PIN-koden? Logga in med lösenordet").click()
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("gick inte att låsa upp", exact=False)).to_be_visible(timeout=WAIT)
    shot(page, "choose-pin-after-revoke")
    choose_pin(page, NEW_PIN)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    wait_uploaded(page)
    assert server_visits(app, officer) == []
    assert local_visit_ids(page) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Device)) == 2


def test_a_sealed_value_opens_only_where_it_was_stored_and_the_key_cannot_be_read_out(page, live_server, officer):
    sign_in(page, live_server)
    result = page.evaluate(
        """async () => {
          const { currentKey, seal, unseal } = await import('/static/js/cipher.js');
          const sealed = await seal({ notes: 'x' }, 'visits\\u0000a');
          const same = await unseal(sealed, 'visits\\u0000a');
          const moved = await unseal(sealed, 'visits\\u0000b').then(() => 'opened', (e) => e.name);
          const exported = await crypto.subtle.exportKey('raw', currentKey()).then(() => 'exported', (e) => e.name);
          return { same: same.notes, moved, exported, extractable: currentKey().extractable };
        }"""
    )
    assert result == {"same": "x", "moved": "OperationError", "exported": "InvalidAccessError", "extractable": False}
