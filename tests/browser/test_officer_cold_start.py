"""Issue 14: what a cold start waits for, and the status line's count over many saves in a row.

Since the app lock (issue 15) a cold start shows the lock screen first: it is drawn from its own few modules and the
lock's plain record, and the rest of the app (main.js: routing, sync, the outbox, the views) loads after it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.officer import WAIT, eventually, sign_in, status, unlock

# Every script the page asked for before the lock screen was ready (its own mark), and every one it asked for at all.
REQUESTED = """() => {
  const ready = performance.getEntriesByName('fieldlog-lock-ready')[0].startTime;
  const scripts = performance.getEntriesByType('resource').filter((e) => e.name.includes('/static/js/'));
  const name = (e) => new URL(e.name).pathname.replace('/static/', '');
  return { before: scripts.filter((e) => e.startTime < ready).map(name), all: scripts.map(name) };
}"""
# The modules of the app beyond the lock screen: none of them may hold it up.
NOT_BEFORE_THE_LOCK = {"js/main.js", "js/sync.js", "js/api.js", "js/kiosk.js", "js/views/hotspots.js"}


def restarted_browser(browser_type, launch_args, live_server, tmp_path):
    """A browser whose profile has signed in to the app once, closed and started again (the phone put away and
    the browser restarted): its context, the caller's to close."""
    profile = tmp_path / "profile"
    context = browser_type.launch_persistent_context(profile, **launch_args)
    page = context.pages[0] if context.pages else context.new_page()
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    context.close()
    # The phone closed the browser; it starts again.
    return browser_type.launch_persistent_context(profile, **launch_args)


def open_offline(context, live_server):
    """With no network, the app opened in a new tab of ``context``: its page, once the lock screen shows."""
    context.set_offline(True)
    page = context.new_page()
    page.goto(live_server + "/app")
    expect(page.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
    return page


def test_after_a_browser_restart_offline_the_lock_screen_draws_before_the_rest_of_the_app_loads(
    browser_type, browser_type_launch_args, live_server, officer, hotspot, tmp_path
):
    context = restarted_browser(browser_type, browser_type_launch_args, live_server, tmp_path)
    try:
        page = open_offline(context, live_server)
        expect(page.get_by_label("PIN-kod", exact=True)).to_be_focused()
        page.wait_for_selector("html[data-ready='1']", timeout=WAIT)
        requested = page.evaluate(REQUESTED)
        assert "js/app.js" in requested["before"] and "js/views/lock.js" in requested["before"]
        assert not NOT_BEFORE_THE_LOCK & set(requested["before"]), requested["before"]
        # ... and the rest of the app came after it, from the service worker's cache (offline).
        assert set(requested["all"]) >= NOT_BEFORE_THE_LOCK, requested["all"]
        # The whole app works behind it: the PIN opens the hot spots the phone holds.
        unlock(page)
        expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
        expect(page.get_by_role("link", name="Hot spots")).to_be_visible()
    finally:
        context.close()


# How the navigation to the app was answered: "cache" by the browser's static route, "worker" by its fetch handler.
ANSWERED_BY = """() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  return navigation.workerMatchedSourceType || (navigation.workerStart > 0 ? 'worker' : 'no worker');
}"""


def test_after_a_browser_restart_the_browser_answers_the_app_from_the_cache_without_waiting_for_the_worker(
    browser_type, browser_type_launch_args, live_server, officer, hotspot, tmp_path
):
    context = restarted_browser(browser_type, browser_type_launch_args, live_server, tmp_path)
    try:
        page = open_offline(context, live_server)
        # The worker was not running: the browser's static route (sw.js) served the cached shell itself.
        assert page.evaluate(ANSWERED_BY) == "cache"
        page.wait_for_selector("html[data-ready='1']", timeout=WAIT)
        # Once the worker runs, a navigation goes to its fetch handler again (network first): online, the server's.
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=WAIT)
        context.set_offline(False)
        page.goto(live_server + "/app")
        expect(page.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
        assert page.evaluate(ANSWERED_BY) == "worker"
        unlock(page)
        expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    finally:
        context.close()


# `count` saves in a row through the outbox (as the Arrive/Leave buttons do), then the first `changed` of them changed
# again (their entry is rewritten in place) and the next `deleted` deleted (never sent: their entries go).
SAVE_MANY = """async ([count, changed, deleted]) => {
  const { deleteVisit, newVisit, saveVisit } = await import('/static/js/outbox.js');
  const { getMeta, getAll } = await import('/static/js/storage.js');
  const session = await getMeta('session');
  const [spot] = await getAll('hotspots');
  const now = Date.now();
  const saved = [];
  for (let i = 0; i < count; i += 1) {
    const start = now - 11 * 3600 * 1000 + i * 60 * 1000;
    saved.push(await saveVisit(newVisit({
      hotspot_id: spot.id, started_at: new Date(start).toISOString(),
      ended_at: new Date(start + 10 * 60 * 1000).toISOString(), mode: 'foot', officers: 2,
    }, session.user.id)));
  }
  for (const visit of saved.slice(0, changed)) await saveVisit({ ...visit, officers: 3 });
  for (const visit of saved.slice(changed, changed + deleted)) await deleteVisit(visit.id);
}"""
OUTBOX_SIZE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('fieldlog');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const request = open.result.transaction('outbox').objectStore('outbox').count();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
  };
})"""


def test_the_waiting_count_stays_right_over_many_saves_changes_and_deletions_in_a_row(
    page, context, live_server, officer, hotspot
):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    expect(status(page)).to_contain_text("Allt uppladdat", timeout=WAIT)
    context.set_offline(True)
    page.evaluate(SAVE_MANY, [80, 5, 7])
    kept = 80 - 7
    line = status(page)
    expect(line).to_have_attribute("data-waiting", str(kept), timeout=WAIT)
    expect(line).to_contain_text(f"{kept} väntar på uppladdning")
    assert page.evaluate(OUTBOX_SIZE) == kept
    # No later read brings back an older figure.
    page.wait_for_timeout(1500)
    expect(line).to_have_attribute("data-waiting", str(kept))
    # One more save after the burst shows at once, and the upload brings it to nothing waiting.
    page.evaluate(SAVE_MANY, [1, 0, 0])
    expect(line).to_have_attribute("data-waiting", str(kept + 1), timeout=WAIT)
    context.set_offline(False)
    expect(line).to_have_attribute("data-waiting", "0", timeout=WAIT * 2)
    expect(line).to_contain_text("Allt uppladdat")
    assert eventually(lambda: page.evaluate(OUTBOX_SIZE), lambda n: n == 0) == 0
