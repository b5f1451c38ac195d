"""Helpers for the officer app's browser tests: sign in, log visits, read what the phone holds."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.fixtures.users import PASSWORD

# Most of these tests pull hot spots and push visits: they need the sync API of SPEC §3 (built on branch `sync`).

WAIT = 15_000  # ms: generous for a shared 2-core machine; expect() returns as soon as the condition holds
PIN = "246813"  # the app lock's PIN the tests choose after signing in (issue 15)

READ_LOCAL_VISITS = """async () => {
  const { getAll } = await import('/static/js/storage.js');
  return (await getAll('visits')).filter((v) => !v.deleted).map((v) => v.id).sort();
}"""


# Every store of the app's IndexedDB as stored: values as they are (ArrayBuffers as their bytes in hex), read with
# IndexedDB itself, not through the app's modules.
READ_RAW = """async () => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('fieldlog');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const plain = (value) => {
    if (value instanceof ArrayBuffer) return { buffer: hex(value) };
    if (ArrayBuffer.isView(value)) return { bytes: hex(value.buffer) };
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
  };
  const out = {};
  for (const name of db.objectStoreNames) {
    const t = db.transaction(name, 'readonly').objectStore(name);
    const [keys, values] = await Promise.all([t.getAllKeys(), t.getAll()].map((r) => new Promise((res, rej) => {
      r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
    })));
    out[name] = keys.map((k, i) => [k, plain(values[i])]);
  }
  db.close();
  return out;
}"""


def read_raw(page: Page) -> dict:
    """Every store of the app's IndexedDB as stored (for: no plaintext at rest, issue 15)."""
    return page.evaluate(READ_RAW)


def sign_in(page: Page, base: str, username: str = "anna", password: str = PASSWORD) -> None:
    """Open the app, sign in on its own form, and wait until the service worker controls the page."""
    page.goto(base + "/app")
    fill_sign_in(page, username, password)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=WAIT)


def fill_sign_in(page: Page, username: str = "anna", password: str = PASSWORD, pin: str = PIN) -> None:
    """Sign in on the app's form; when the app asks for a new PIN (a new device, or a recovery), choose ``pin``."""
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    after = page.get_by_role("heading", name=re.compile(r"^(Hot spots|Välj en PIN-kod)$"))
    expect(after).to_be_visible(timeout=WAIT)
    if after.text_content() == "Välj en PIN-kod":
        choose_pin(page, pin)
        expect(page.get_by_role("heading", name="Hot spots", exact=True)).to_be_visible(timeout=WAIT)


def choose_pin(page: Page, pin: str = PIN) -> None:
    page.get_by_label("PIN-kod", exact=True).fill(pin)
    page.get_by_label("Upprepa PIN-koden").fill(pin)
    page.get_by_role("button", name="Spara PIN-koden").click()


def unlock(page: Page, pin: str = PIN) -> None:
    """The lock screen of a cold start (a reload, a new page): unlock it with the PIN."""
    expect(page.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
    page.get_by_label("PIN-kod", exact=True).fill(pin)
    page.get_by_role("button", name="Lås upp", exact=True).click()
    expect(page.get_by_role("heading", name="Appen är låst")).to_have_count(0, timeout=WAIT)


def open_app(page: Page, url: str, pin: str = PIN) -> None:
    """Open the app (a cold start) and unlock it."""
    page.goto(url)
    unlock(page, pin)


def reload_app(page: Page, pin: str = PIN) -> None:
    page.reload()
    unlock(page, pin)


def status(page: Page):
    return page.locator("#sync-status")


def arrive_and_leave(page: Page, hotspot: str) -> None:
    """One visit through the real flow: Arrive at the spot, see the timer, Leave."""
    page.get_by_role("link", name="Hot spots").click()
    page.get_by_role("button", name=f"Anländ vid {hotspot}").click()
    expect(page.get_by_role("heading", name=f"Besök: {hotspot}")).to_be_visible(timeout=WAIT)
    expect(page.locator("#clock")).to_have_text("00:00", timeout=WAIT)
    page.get_by_role("button", name="Lämna", exact=True).click()
    # The finished visit: its times are editable and it can be deleted.
    expect(page.get_by_role("button", name="Ta bort besöket")).to_be_visible(timeout=WAIT)


def local_visit_ids(page: Page) -> list[str]:
    return page.evaluate(READ_LOCAL_VISITS)


def eventually(read, check, timeout: float = 5.0):
    """Re-read server state until ``check(value)`` holds (the app's own "synced" can be seen a moment before the
    test's separate database connection sees the commit); returns the last value read."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if check(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def wait_uploaded(page: Page) -> None:
    """Everything on the phone is uploaded: the outbox is empty, and the status line says so."""
    page.wait_for_function(
        "() => import('/static/js/storage.js').then(({getAll}) => getAll('outbox')).then((o) => o.length === 0)",
        timeout=WAIT,
        polling=100,
    )
    expect(status(page)).to_contain_text("Allt uppladdat", timeout=WAIT)


READ_LOCAL_VISIT_RECORDS = """async () => {
  const { getAll } = await import('/static/js/storage.js');
  return (await getAll('visits')).filter((v) => !v.deleted);
}"""


def local_visits(page: Page) -> list[dict]:
    return page.evaluate(READ_LOCAL_VISIT_RECORDS)


def fill_after_the_fact(page: Page, hotspot: str, start, minutes: int = 15) -> None:
    """Fill the "Logga i efterhand" form (not saved): hot spot, date, from, to."""
    from datetime import timedelta

    page.get_by_role("link", name="Efterhand", exact=True).click()
    # The view before (a visit's done view) has a form with the same labels: fill only once this one is drawn.
    expect(page.get_by_role("heading", name="Logga i efterhand")).to_be_visible(timeout=WAIT)
    page.get_by_label("Hot spot").select_option(label=hotspot)
    page.get_by_label("Datum").fill(start.strftime("%Y-%m-%d"))
    page.get_by_label("Från", exact=True).fill(start.strftime("%H:%M"))
    page.get_by_label("Till", exact=True).fill((start + timedelta(minutes=minutes)).strftime("%H:%M"))


def in_viewport(page: Page, selector: str) -> bool:
    """The element's box lies inside the window and is not hidden under the sticky top bar or the bottom tabs."""
    return page.evaluate(
        """(selector) => {
          const el = document.querySelector(selector);
          if (!el) return false;
          const r = el.getBoundingClientRect();
          const top = document.querySelector('.top')?.getBoundingClientRect().bottom
            ?? document.getElementById('bar').getBoundingClientRect().bottom;
          const bottom = document.getElementById('tabs').getBoundingClientRect().top;
          return r.height > 0 && r.top >= Math.max(0, top) - 1 && r.bottom <= bottom + 1;
        }""",
        selector,
    )


def shot(page: Page, name: str, full_page: bool = False) -> None:
    """A screenshot for people to look at, only when FIELDLOG_SCREENSHOTS names a folder (off in CI)."""
    import os

    folder = os.environ.get("FIELDLOG_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=full_page)


def server_visits(app, officer) -> list:
    """Every visit of the officer the server stores (deleted ones too)."""
    from sqlalchemy import select

    from fieldlog.extensions import db
    from fieldlog.visits.models import Visit

    with app.app_context():
        return list(db.session.scalars(select(Visit).where(Visit.officer_id == officer.id)))
