"""The officer app's modules at work: the visit as the server declares it, one error banner, a database that comes
back after it was closed under the app."""

from __future__ import annotations

from playwright.sync_api import expect

from fieldlog.visits.models import ACTIVITIES, MODES, OBSERVATIONS
from fieldlog.visits.schemas import VisitInputSchema
from tests.browser.officer import WAIT, sign_in

WHAT_THE_APP_USES = """async () => {
  const { newVisit, wireData } = await import('/static/js/outbox.js');
  const { codes, setLang, t } = await import('/static/js/i18n.js');
  const fresh = newVisit({ hotspot_id: 'h', started_at: '2026-12-01T10:00:00Z' }, 1);
  const out = { wire: Object.keys(wireData({})), fresh: Object.keys(fresh), labels: {} };
  for (const lang of ['sv', 'en']) {
    setLang(lang);
    out.labels[lang] = {
      codes: Object.fromEntries(['mode', 'observations', 'activities'].map((l) => [l, codes(l)])),
      fields: Object.fromEntries(out.wire.map((f) => [f, t(`field_${f}`)])),
    };
  }
  setLang('sv');
  return out;
}"""


def test_the_outbox_and_the_words_follow_the_python_declaration_of_a_visit(page, live_server):
    """A field or code added on the server is sent by the outbox at once, and fails here until the app has words
    for it in both languages."""
    page.goto(live_server + "/app")
    page.wait_for_selector("html[data-ready='1']")
    used = page.evaluate(WHAT_THE_APP_USES)
    fields = list(VisitInputSchema().load_fields)
    assert used["wire"] == fields
    assert set(fields) <= set(used["fresh"])
    for lang, labels in used["labels"].items():
        for name, declared in (("mode", MODES), ("observations", OBSERVATIONS), ("activities", ACTIVITIES)):
            pairs = labels["codes"][name]
            assert [code for code, _ in pairs] == list(declared), (lang, name)
            assert all(label != code for code, label in pairs), (lang, name, pairs)
        assert all(label != f"field_{field}" for field, label in labels["fields"].items()), (lang, labels["fields"])


def test_a_failed_save_shows_the_error_banner_in_swedish(page, live_server, officer, hotspot):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    # The phone's storage refuses the write (quota, a broken disk): the tap must not fail silently.
    page.evaluate(
        """() => {
          const full = function () { throw new DOMException('full', 'QuotaExceededError'); };
          // Sealed records are written with put (storage.js commits a snapshot's writes), new or not.
          IDBObjectStore.prototype.add = full;
          IDBObjectStore.prototype.put = full;
        }"""
    )
    page.get_by_role("button", name="Anländ vid Torget").click()
    banner = page.locator("#error-banner")
    expect(banner).to_contain_text("Det gick inte att spara på telefonen", timeout=WAIT)
    expect(page.get_by_role("button", name="Anländ vid Torget")).to_be_enabled()
    banner.get_by_role("button", name="Stäng").click()
    expect(banner).to_have_count(0)


def test_an_unhandled_rejection_shows_the_same_banner(page, live_server):
    page.goto(live_server + "/app")
    page.wait_for_selector("html[data-ready='1']")
    page.evaluate(
        """() => import('/static/js/api.js').then(({ ApiError }) => {
          Promise.reject(new ApiError('client', 409, { code: 'conflict', message: 'Conflict' }));
        })"""
    )
    expect(page.locator("#error-banner")).to_contain_text("Besöket har ändrats på servern", timeout=WAIT)


def test_storage_reopens_after_the_database_was_closed_under_the_app(page, live_server):
    page.goto(live_server + "/app")
    page.wait_for_selector("html[data-ready='1']")
    result = page.evaluate(
        """async () => {
          const storage = await import('/static/js/storage.js');
          // Stored values are sealed (issue 15): a data key in memory, as after an unlock.
          const { setKey } = await import('/static/js/cipher.js');
          setKey(await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']));
          await storage.setMeta('probe', 1);
          const first = await storage.openDb();
          first.close();  // as the browser does when it lets go of a connection
          await storage.setMeta('probe', 2);
          // Another tab asks for a newer version: this connection lets go, and the next use reopens.
          const second = await storage.openDb();
          second.onversionchange();
          const value = await storage.getMeta('probe');
          return { value, reopened: (await storage.openDb()) !== second && second !== first };
        }"""
    )
    assert result == {"value": 2, "reopened": True}
