"""Issue 15 item 4: the service worker uploads a LOCKED phone's outbox without reading it.

Each outbox entry is sealed for the server when it is saved (seal.js: the token and the mutation inside, ECDH P-256 +
AES-GCM); the worker, which has no data key while the app is locked, posts the envelopes to /api/v1/sync/sealed and
keeps the server's answer sealed for the phone's inbox key. After the unlock the page opens the answers and applies
them as its own push's: uploaded visits show uploaded, a rejected one needs attention, and nothing goes twice.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.officer import (
    WAIT,
    eventually,
    read_raw,
    server_visits,
    sign_in,
    status,
    unlock,
    wait_uploaded,
)
from tests.browser.test_officer_background_sync import registration_id

POSITION = {"latitude": 57.49555, "longitude": 13.10905, "accuracy": 12}
SECRET_NOTE = "Hemligt-låst-4711"

# Visits saved as the app saves them (outbox.js): `bad` ones carry 99 officers, which the server rejects (at most 20).
QUEUE = """async ({ hotspotId, good, bad, note, position }) => {
  const { newVisit, saveVisit } = await import('/static/js/outbox.js');
  const { getSession } = await import('/static/js/session.js');
  const userId = getSession().user.id;
  const ids = { good: [], bad: [] };
  for (let i = 0; i < good + bad; i += 1) {
    const start = new Date(Date.now() - (80 + i) * 60_000);
    const visit = newVisit({ hotspot_id: hotspotId, started_at: start.toISOString(),
      ended_at: new Date(start.getTime() + 12 * 60_000).toISOString(), notes: `${note} ${i}`,
      position, officers: i < good ? 2 : 99 }, userId);
    await saveVisit(visit);
    (i < good ? ids.good : ids.bad).push(visit.id);
  }
  return ids;
}"""

MUTATION_IDS = """() => import('/static/js/storage.js')
  .then((s) => s.getAll('outbox')).then((all) => all.map((e) => e.mutation_id))"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "geolocation": POSITION, "permissions": ["geolocation"]}


def fire_sync(cdp, live_server: str, registration: str) -> None:
    """What Chromium does when the connection returns: the "fieldlog-sync" event at the worker."""
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": live_server, "registrationId": registration, "tag": "fieldlog-sync", "lastChance": False},
    )


def stored_mutations(app) -> int:
    from fieldlog.extensions import db
    from fieldlog.sync.models import SyncMutation

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(SyncMutation))


def test_the_worker_uploads_a_locked_phone_s_outbox_without_reading_it(
    page, context, live_server, app, officer, hotspot
):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    wait_uploaded(page)
    context.set_offline(True)
    position = {"lat": 57.49555, "lon": 13.10905, "accuracy_m": 12}
    ids = page.evaluate(
        QUEUE, {"hotspotId": str(hotspot.id), "good": 3, "bad": 1, "note": SECRET_NOTE, "position": position}
    )
    expect(status(page)).to_contain_text("4 väntar på uppladdning", timeout=WAIT)
    token = page.evaluate("() => import('/static/js/session.js').then((m) => m.getSession().token)")
    mutation_ids = set(page.evaluate(MUTATION_IDS))
    assert len(mutation_ids) == 4
    # Every entry carries its envelope, sealed for the server's key (the config's kid).
    kid = json.loads(page.evaluate("() => document.documentElement.dataset.config"))["sealed"]["kid"]
    outbox = read_raw(page)["outbox"]
    assert len(outbox) == 4 and all(entry["envelope"]["kid"] == kid for _seq, entry in outbox)

    page.get_by_role("button", name="Lås appen").click()
    expect(page.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
    page.close()  # locked, and put away: no page of the app is open

    blank = context.new_page()
    cdp = context.new_cdp_session(blank)
    registration = registration_id(cdp, live_server + "/app")
    assert server_visits(app, officer) == []
    context.set_offline(False)
    fire_sync(cdp, live_server, registration)
    stored = eventually(lambda: server_visits(app, officer), lambda v: len(v) >= 3, timeout=15)
    assert sorted(str(v.id) for v in stored) == sorted(ids["good"])
    assert eventually(lambda: stored_mutations(app), lambda n: n >= 4, timeout=15) == 4

    # The phone, still locked: the answers are kept, but nothing of them — nor the token, notes or positions — in
    # the clear.
    phone = context.new_page()
    phone.goto(live_server + "/app")
    expect(phone.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
    raw = read_raw(phone)
    meta = dict(raw["meta"])
    assert len(meta["locked_answers"]) == 1
    assert sorted(entry["locked"] for _seq, entry in raw["outbox"]) == ["answered"] * 4
    text = json.dumps(raw)
    for secret in (token, SECRET_NOTE, "57.49555", "13.10905", "Torget", *mutation_ids, "applied", "rejected"):
        assert secret not in text, secret

    # Unlocked: the page applies the worker's answers as its own push's and sends none of them again.
    pushed: list[str] = []
    phone.on(
        "request",
        lambda request: pushed.append(request.post_data or "") if request.url.endswith("/sync/push") else None,
    )
    unlock(phone)
    expect(status(phone)).to_contain_text("1 behöver åtgärd", timeout=WAIT)
    phone.get_by_role("link", name="Idag").click()
    expect(phone.locator(".visit-item").filter(has_text="Uppladdad")).to_have_count(3, timeout=WAIT)
    expect(phone.locator(".visit-item").filter(has_text="Behöver åtgärd")).to_have_count(1, timeout=WAIT)
    assert not any(mutation_id in body for body in pushed for mutation_id in mutation_ids)
    assert dict(read_raw(phone)["meta"]).get("locked_answers") == []

    # A second sync adds nothing.
    fire_sync(cdp, live_server, registration)
    phone.wait_for_timeout(500)
    assert len(server_visits(app, officer)) == 3 and stored_mutations(app) == 4


EDIT = """async ({ id, notes }) => {
  const { saveVisit } = await import('/static/js/outbox.js');
  const { getOne } = await import('/static/js/storage.js');
  await saveVisit({ ...(await getOne('visits', id)), notes });
}"""

# IndexedDB written directly, as the app's storage would hold it: an entry queued before sealing existed (no
# envelope), and the worker's answers lost (stopped after the upload, before it kept them).
STRIP_ENVELOPE = """async (recordId) => {
  const db = await new Promise((resolve) => {
    const o = indexedDB.open('fieldlog');
    o.onsuccess = () => resolve(o.result);
  });
  const store = db.transaction('outbox', 'readwrite').objectStore('outbox');
  const entries = await new Promise((resolve) => { const r = store.index('record_id').getAll(recordId);
    r.onsuccess = () => resolve(r.result); });
  for (const e of entries) { delete e.envelope; store.put(e); }
  await new Promise((resolve) => { store.transaction.oncomplete = resolve; });
  db.close();
  return entries.length;
}"""
DROP_ANSWERS = """async () => {
  const db = await new Promise((resolve) => {
    const o = indexedDB.open('fieldlog');
    o.onsuccess = () => resolve(o.result);
  });
  const t = db.transaction('meta', 'readwrite');
  t.objectStore('meta').delete('locked_answers');
  await new Promise((resolve) => { t.oncomplete = resolve; });
  db.close();
}"""


def test_an_edit_uploads_locked_an_unsealed_entry_waits_and_a_lost_answer_costs_nothing(
    page, context, live_server, app, officer, hotspot
):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    position = {"lat": 57.49555, "lon": 13.10905, "accuracy_m": 12}
    args = {"hotspotId": str(hotspot.id), "good": 1, "bad": 0, "note": "först", "position": position}
    [edited] = page.evaluate(QUEUE, args)["good"]
    wait_uploaded(page)
    assert eventually(lambda: [v.rev for v in server_visits(app, officer)], lambda revs: revs == [1]) == [1]

    context.set_offline(True)
    page.evaluate(EDIT, {"id": edited, "notes": "ändrad medan låst"})  # sealed with base_rev 1
    [old] = page.evaluate(QUEUE, {**args, "note": "gammal"})["good"]
    assert page.evaluate(STRIP_ENVELOPE, old) == 1  # as if queued by the app before this change
    expect(status(page)).to_contain_text("2 väntar på uppladdning", timeout=WAIT)
    page.get_by_role("button", name="Lås appen").click()
    expect(page.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
    page.close()

    blank = context.new_page()
    cdp = context.new_cdp_session(blank)
    registration = registration_id(cdp, live_server + "/app")
    context.set_offline(False)
    fire_sync(cdp, live_server, registration)
    visits = eventually(
        lambda: {str(v.id): (v.rev, v.notes) for v in server_visits(app, officer)},
        lambda found: found.get(edited, (0,))[0] == 2,
        timeout=15,
    )
    # The edit went while locked; the entry without an envelope waits for the unlock.
    assert visits == {edited: (2, "ändrad medan låst")}

    phone = context.new_page()
    phone.goto(live_server + "/app")
    expect(phone.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
    phone.evaluate(DROP_ANSWERS)
    unlock(phone)
    # The page pushes the edit again (its answer was lost): the same mutation, answered as a duplicate — nothing
    # needs attention — and the waiting entry goes too.
    wait_uploaded(phone)
    expect(status(phone)).not_to_contain_text("behöver åtgärd")
    visits = eventually(
        lambda: {str(v.id): (v.rev, v.notes) for v in server_visits(app, officer)}, lambda found: len(found) == 2
    )
    assert visits == {edited: (2, "ändrad medan låst"), old: (1, "gammal 0")}
    assert stored_mutations(app) == 3


def test_a_revoked_device_s_worker_uploads_nothing_and_keeps_the_entries(
    page, context, live_server, app, officer, hotspot
):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    wait_uploaded(page)
    context.set_offline(True)
    position = {"lat": 57.49555, "lon": 13.10905, "accuracy_m": 12}
    page.evaluate(QUEUE, {"hotspotId": str(hotspot.id), "good": 2, "bad": 0, "note": "kvar", "position": position})
    expect(status(page)).to_contain_text("2 väntar på uppladdning", timeout=WAIT)
    page.get_by_role("button", name="Lås appen").click()
    expect(page.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
    page.close()

    from fieldlog.auth.models import Device
    from fieldlog.auth.services import revoke_device
    from fieldlog.extensions import db

    with app.app_context():  # a supervisor revokes the phone meanwhile
        for device in db.session.scalars(sa.select(Device).where(Device.user_id == officer.id)):
            revoke_device(device)
        db.session.commit()

    blank = context.new_page()
    cdp = context.new_cdp_session(blank)
    registration = registration_id(cdp, live_server + "/app")
    context.set_offline(False)
    fire_sync(cdp, live_server, registration)
    phone = context.new_page()
    phone.goto(live_server + "/app")
    expect(phone.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
    # The worker tried (the entries went out, refused: 401) and kept them; nothing was stored, no answer kept.
    raw = eventually(
        lambda: read_raw(phone), lambda r: [e.get("locked") for _s, e in r["outbox"]] == ["sent", "sent"], timeout=15
    )
    assert [e.get("locked") for _s, e in raw["outbox"]] == ["sent", "sent"]
    assert dict(raw["meta"]).get("locked_answers") in (None, [])
    assert server_visits(app, officer) == []
