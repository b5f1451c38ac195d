"""The app lock's costs (issue 15): unlocking with the PIN and with the device's passkey, sealing and opening one
record, and 1,000 visits queued offline uploading once back online (SPEC §5: ≤ 5 s) with everything stored encrypted.

    .venv/bin/python bench/device_lock.py [--visits 1000] [--rounds 5]

The app runs under gunicorn (2 workers) on a fresh SQLite database; system Chromium signs in through the app and
chooses a PIN. Unlock: the app's own vault.unlock (PBKDF2-SHA-256 of the PIN, then unwrapping the data key), after
vault.lock. Passkey: Chromium's virtual platform authenticator (DevTools protocol, CTAP2 with PRF) is added after the
PIN, the passkey set up through vault.addPasskey, and vault.unlockWithPasskey timed the same way, alternating with the
PIN's unlocks in one run — the app's part (WebAuthn through the browser, HKDF, unwrapping); on a phone the officer's
finger or screen lock comes on top. The app is opened at localhost (an IP address is no WebAuthn relying party).
PBKDF2 alone is timed at several iteration counts, to show how PBKDF2_ITERATIONS was chosen: a mid-range
Android phone runs it about 3–4 times slower than this machine's Chromium (README, threat model). Per record: the
app's cipher.seal / unseal of a visit as the outbox stores it. Then the upload, timed as bench/offline_upload.py does.

Sealed for the server (issue 15 item 4): seal.js's sealForServer of the same visit's mutation with a token (ECDH
P-256 with a fresh key, HKDF, AES-GCM), one after the other as saves do; then --locked visits queued offline, the app
locked (Lås) and its page closed, the connection back and the worker's sync event fired (as Chromium does, through the
DevTools protocol): the time until the server stores them all and until the worker has kept every answer (sealed for
the phone's inbox), all read from outside the app; then the unlock, until the page has applied the answers.
"""

from __future__ import annotations

import argparse
import time

from officer_support import PIN, launch, queue_and_upload, running_app, sign_in, stored_visits, unlock
from playwright.sync_api import sync_playwright

from loadkit.chromium import registration_id

UNLOCK = """async ({ pin, rounds }) => {
  const vault = await import('/static/js/vault.js');
  const times = [];
  for (let i = 0; i < rounds; i += 1) {
    vault.lock();
    const t0 = performance.now();
    const result = await vault.unlock(pin);
    times.push(performance.now() - t0);
    if (!result.ok) throw new Error('unlock failed');
  }
  return times;
}"""

# The PIN's unlock and the passkey's, alternating, so that both see the same load.
BOTH = """async ({ pin, rounds }) => {
  const vault = await import('/static/js/vault.js');
  const times = { pin: [], passkey: [] };
  for (let i = 0; i < rounds; i += 1) {
    for (const [name, open] of [['pin', () => vault.unlock(pin)], ['passkey', () => vault.unlockWithPasskey()]]) {
      vault.lock();
      const t0 = performance.now();
      const result = await open();
      times[name].push(performance.now() - t0);
      if (!result.ok) throw new Error(`${name} unlock failed`);
    }
  }
  return times;
}"""

VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "hasPrf": True,
    "automaticPresenceSimulation": True,
}

PBKDF2 = """async ({ counts, rounds }) => {
  const { pinKey } = await import('/static/js/vault.js');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const out = {};
  for (const iterations of counts) {
    const times = [];
    for (let i = 0; i < rounds; i += 1) {
      const t0 = performance.now();
      await pinKey('246813', salt, iterations).then((key) => crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: new Uint8Array(12) }, key, new Uint8Array(32)));
      times.push(performance.now() - t0);
    }
    out[iterations] = times;
  }
  return out;
}"""

PER_RECORD = """async (count) => {
  const { seal, unseal } = await import('/static/js/cipher.js');
  const start = new Date().toISOString();
  const record = { mutation_id: crypto.randomUUID(), type: 'visit.upsert', record_id: crypto.randomUUID(),
    base_rev: null, user_id: 1, state: 'pending', sent: false, created_at: start,
    data: { hotspot_id: crypto.randomUUID(), started_at: start, ended_at: start, mode: 'foot', officers: 2,
      observations: ['youth_gathering', 'littering'], activities: ['visible_presence', 'dialogue'], contacts: 3,
      notes: 'Lugnt vid kiosken, några ungdomar vid busskuren. '.repeat(3), entry: 'live',
      position: { lat: 57.49555, lon: 13.10905, accuracy_m: 12 } } };
  let t0 = performance.now();
  const sealed = await Promise.all(Array.from({ length: count }, (_, i) => seal(record, `outbox\\u0000${i}`)));
  const sealMs = performance.now() - t0;
  t0 = performance.now();
  await Promise.all(sealed.map((s, i) => unseal(s, `outbox\\u0000${i}`)));
  const openMs = performance.now() - t0;
  return { sealMs, openMs, bytes: JSON.stringify(record).length, sealedBytes: sealed[0].ct.byteLength + 12 };
}"""


SEAL_FOR_SERVER = """async (count) => {
  const { sealForServer } = await import('/static/js/seal.js');
  const start = new Date().toISOString();
  const mutation = { mutation_id: crypto.randomUUID(), type: 'visit.upsert', record_id: crypto.randomUUID(),
    base_rev: null, data: { hotspot_id: crypto.randomUUID(), started_at: start, ended_at: start, mode: 'foot',
      officers: 2, observations: ['youth_gathering', 'littering'], activities: ['visible_presence', 'dialogue'],
      contacts: 3, notes: 'Lugnt vid kiosken, några ungdomar vid busskuren. '.repeat(3), entry: 'live',
      position: { lat: 57.49555, lon: 13.10905, accuracy_m: 12 } } };
  const token = 'k'.repeat(43);
  const times = [];
  let envelope;
  for (let i = 0; i < count; i += 1) {
    const t0 = performance.now();
    envelope = await sealForServer(token, mutation);
    times.push(performance.now() - t0);
  }
  return { times, bytes: JSON.stringify({ token, mutation }).length, sealedBytes: JSON.stringify(envelope).length };
}"""

# Read from outside the app (IndexedDB itself): how many outbox entries the worker has answered, of how many.
ANSWERED = """async () => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('fieldlog');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const all = await new Promise((resolve, reject) => {
    const r = db.transaction('outbox', 'readonly').objectStore('outbox').getAll();
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  db.close();
  return [all.filter((e) => e.locked === 'answered').length, all.length];
}"""


def upload_while_locked(page, context, base: str, url: str, count: int) -> dict[str, float]:
    """Queue ``count`` visits offline, lock, close the page, fire the worker's sync: seconds until the server has
    them, until the worker kept every answer, and (unlocked again) until the page applied them."""
    from officer_support import QUEUE

    before, _ = stored_visits(url)
    context.set_offline(True)
    started = time.perf_counter()
    page.evaluate(QUEUE, count)
    queue_s = time.perf_counter() - started
    page.wait_for_selector(f'#sync-status[data-waiting="{count}"]', timeout=180_000)
    page.get_by_role("button", name="Lås appen").click()
    page.get_by_role("heading", name="Appen är låst").wait_for()
    page.close()
    blank = context.new_page()
    cdp = context.new_cdp_session(blank)
    registration = registration_id(cdp, base + "/app")
    context.set_offline(False)
    started = time.perf_counter()
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": base, "registrationId": registration, "tag": "fieldlog-sync", "lastChance": False},
    )
    deadline = started + 120
    while stored_visits(url)[0] < before + count and time.perf_counter() < deadline:
        time.sleep(0.02)
    server_s = time.perf_counter() - started
    phone = context.new_page()
    phone.goto(base + "/app")
    phone.get_by_role("heading", name="Appen är låst").wait_for()
    while (answered := phone.evaluate(ANSWERED))[0] < count and time.perf_counter() < deadline:
        time.sleep(0.05)
    answered_s = time.perf_counter() - started
    assert answered == [count, count], answered
    started = time.perf_counter()
    unlock(phone)
    # Applied: every answered entry has left the outbox (read from outside the app, as above).
    while phone.evaluate(ANSWERED)[1] and time.perf_counter() < started + 120:
        time.sleep(0.05)
    applied_s = time.perf_counter() - started
    assert phone.evaluate(ANSWERED) == [0, 0]
    return {"queue": queue_s, "server": server_s, "answered": answered_s, "applied": applied_s}


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--locked", type=int, default=1000, help="visits uploaded by the worker while locked")
    args = parser.parse_args()
    with running_app() as (base, url), sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, base.replace("127.0.0.1", "localhost"))

        unlocks = page.evaluate(UNLOCK, {"pin": PIN, "rounds": args.rounds})
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})
        added = page.evaluate("(pin) => import('/static/js/vault.js').then((v) => v.addPasskey(pin, 'bench'))", PIN)
        assert added == {"ok": True}, added
        both = page.evaluate(BOTH, {"pin": PIN, "rounds": args.rounds})
        counts = [100_000, 300_000, 600_000]
        pbkdf2 = page.evaluate(PBKDF2, {"counts": counts, "rounds": args.rounds})
        per_record = page.evaluate(PER_RECORD, 1000)
        iterations = page.evaluate("() => import('/static/js/vault.js').then((v) => v.PBKDF2_ITERATIONS)")

        sealing = page.evaluate(SEAL_FOR_SERVER, 1000)

        queue_s, upload_s = queue_and_upload(page, context, args.visits, timeout_ms=180_000)
        stored, distinct = stored_visits(url)
        locked = upload_while_locked(page, context, base, url, args.locked) if args.locked else None
        browser.close()

    print(
        f"unlock with the PIN ({iterations} PBKDF2 iterations): median {median(unlocks):.0f} ms over "
        f"{len(unlocks)}  ({' '.join(f'{x:.0f}' for x in unlocks)})"
    )
    print(
        f"same run, alternating: PIN median {median(both['pin']):.0f} ms, passkey (virtual authenticator) median "
        f"{median(both['passkey']):.0f} ms over {len(both['pin'])} each  "
        f"(PIN {' '.join(f'{x:.0f}' for x in both['pin'])}; passkey {' '.join(f'{x:.0f}' for x in both['passkey'])})"
    )
    print(
        "PBKDF2-SHA-256 alone, ms (min/median): "
        + "  ".join(f"{n:,}: {min(pbkdf2[str(n)]):.0f}/{median(pbkdf2[str(n)]):.0f}" for n in counts)
    )
    print(
        f"seal one outbox record ({per_record['bytes']} B JSON → {per_record['sealedBytes']} B): "
        f"{per_record['sealMs'] * 1000 / 1000:.0f} µs each (1,000 at once); open: "
        f"{per_record['openMs'] * 1000 / 1000:.0f} µs each"
    )
    print(f"visits queued offline:        {args.visits}  ({queue_s:.2f} s to queue, sealed, one save each)")
    print(f"stored on the server:         {stored} ({distinct} distinct)")
    print(f"upload once online:           {upload_s:.2f} s  (target ≤ 5 s)")
    times = sealing["times"]
    print(
        f"seal one mutation for the server ({sealing['bytes']} B JSON with its token → {sealing['sealedBytes']} B "
        f"envelope): median {median(times) * 1000:.0f} µs, mean {sum(times) / len(times) * 1000:.0f} µs "
        f"(1,000 one after the other)"
    )
    if locked:
        total, distinct_all = stored_visits(url)
        print(f"visits queued offline, then locked: {args.locked}  ({locked['queue']:.2f} s to queue, sealed twice)")
        print(
            f"uploaded by the worker while locked: server has them after {locked['server']:.2f} s, every answer "
            f"kept (sealed) after {locked['answered']:.2f} s  (target ≤ 5 s)"
        )
        print(f"stored on the server in all:  {total} ({distinct_all} distinct)")
        print(f"unlock (PIN typed) until every answer is applied and the outbox empty: {locked['applied']:.2f} s")


if __name__ == "__main__":
    main()
