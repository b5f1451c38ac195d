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
"""

from __future__ import annotations

import argparse

from officer_support import PIN, launch, queue_and_upload, running_app, sign_in, stored_visits
from playwright.sync_api import sync_playwright

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


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
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

        queue_s, upload_s = queue_and_upload(page, context, args.visits, timeout_ms=180_000)
        browser.close()

    stored, distinct = stored_visits(url)
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


if __name__ == "__main__":
    main()
