"""The app as installed software: offline from the first visit, an update prompt that waits for a tap,
accessible views at 320 px."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.officer import WAIT, arrive_and_leave, choose_pin, open_app, reload_app, sign_in, status, unlock
from tests.fixtures.users import PASSWORD


def test_signed_in_app_opens_offline_and_logs_a_visit_before_any_sync(page, context, live_server, officer, hotspot):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    context.set_offline(True)
    page.close()
    page = context.new_page()
    open_app(page, live_server + "/app")
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    arrive_and_leave(page, "Torget")
    expect(status(page)).to_contain_text("1 väntar på uppladdning", timeout=WAIT)


def test_new_version_shows_the_update_prompt_and_reloads_only_on_tap(page, live_server, app, officer, hotspot):
    sign_in(page, live_server)
    expect(page.get_by_role("button", name="Ladda om")).to_have_count(0)
    old = page.evaluate("document.documentElement.dataset.version")

    app.config["OFFICER_APP_VERSION"] = "next"
    reload_app(page)
    prompt = page.get_by_role("button", name="Ladda om")
    expect(page.get_by_text("En ny version finns.")).to_be_visible(timeout=WAIT)
    # The new worker waits for the officer: the page stays controlled by the old one.
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => !!r.waiting)")

    prompt.click()
    page.wait_for_function(
        "() => navigator.serviceWorker.getRegistration()"
        ".then((r) => !r.waiting && r.active && r.active.state === 'activated')",
        timeout=WAIT,
    )
    unlock(page)  # the reload is a cold start
    expect(page.get_by_role("heading", name="Hot spots", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name="Ladda om")).to_have_count(0)
    assert page.evaluate("document.documentElement.dataset.version") != old


def test_manifest_makes_the_app_installable(page, live_server):
    page.goto(live_server + "/app")
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())")
    assert manifest["start_url"] == "/app" and manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert page.request.get(live_server + icon["src"]).ok


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 320, "height": 640}}


def check_view(page, name: str) -> None:
    """No axe-core violations, nothing wider than 320 px, every control at least 44 px tall."""
    results = Axe().run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"{name}: wider than 320 px"
    small = page.evaluate(
        """() => [...document.querySelectorAll(
              'button, a.button, .tabs a, input:not([type=checkbox]):not([type=radio]), select, .chip')]
          .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
          .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert small == [], f"{name}: touch targets under 44 px: {small}"


def test_every_view_passes_axe_at_320_px_with_large_touch_targets(page, live_server, officer, hotspot):
    page.goto(live_server + "/app")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible(timeout=WAIT)
    check_view(page, "sign-in")
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Välj en PIN-kod")).to_be_visible(timeout=WAIT)
    check_view(page, "choose a PIN")
    choose_pin(page)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    check_view(page, "hot spots")
    page.get_by_role("button", name="Lås appen").click()
    expect(page.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
    check_view(page, "lock screen")
    unlock(page)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)

    page.get_by_role("button", name="Anländ vid Torget").click()
    expect(page.locator("#clock")).to_be_visible(timeout=WAIT)
    expect(page.locator("#koper")).to_contain_text("min kvar till 10 minuter")
    check_view(page, "visit timer")
    page.get_by_role("button", name="Lämna", exact=True).click()
    expect(page.get_by_role("button", name="Ta bort besöket")).to_be_visible(timeout=WAIT)
    check_view(page, "finished visit")

    page.get_by_role("link", name="Idag").click()
    expect(page.get_by_role("heading", name="Dagens besök")).to_be_visible(timeout=WAIT)
    check_view(page, "today")
    page.get_by_role("link", name="Efterhand", exact=True).click()
    expect(page.get_by_role("heading", name="Logga i efterhand")).to_be_visible(timeout=WAIT)
    check_view(page, "after the fact")
    page.get_by_role("link", name="Aktiviteter", exact=True).click()
    expect(page.get_by_role("heading", name="Aktiviteter", exact=True)).to_be_visible(timeout=WAIT)
    check_view(page, "activities")
    page.get_by_role("link", name="Ny aktivitet").click()
    expect(page.get_by_role("heading", name="Ny aktivitet")).to_be_visible(timeout=WAIT)
    page.get_by_text("Andra årskurser").click()  # the grades folded away, open
    check_view(page, "new activity")
    page.get_by_label("Skollektion").check()
    page.get_by_label("Skola", exact=True).fill("Kindbergskolan")
    page.get_by_label("Åk 4").check()
    page.get_by_label("Från", exact=True).fill("08:00")
    page.get_by_label("Planerad", exact=True).check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("button", name="Markera som genomförd")).to_be_visible(timeout=WAIT)
    check_view(page, "an activity")
    page.get_by_role("link", name="Karta").click()
    expect(page.locator(".leaflet-container")).to_be_visible(timeout=WAIT)
    check_view(page, "map")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Map")).to_be_visible(timeout=WAIT)
    page.get_by_role("link", name="Hot spots").click()
    expect(page.get_by_role("button", name="Arrive at Torget")).to_be_visible(timeout=WAIT)
    expect(page.locator("html")).to_have_attribute("lang", "en")


RANK = """async () => {
  const { isHotNow, overdueRatio, rank } = await import('/static/js/hotspots.js');
  const friday2130 = new Date('2026-11-27T20:30:00Z');   // Friday 21:30 in Stockholm
  const saturday0130 = new Date('2026-11-28T00:30:00Z'); // the small hours after Friday
  const monday2130 = new Date('2026-11-30T20:30:00Z');
  const evening = { hot_hours: [{ days: [5], from: '20:00', to: '02:00' }] };
  const day = (h) => new Date(friday2130.getTime() - h * 3600 * 1000).toISOString();
  const spot = (id, lat, perWeek, priority = 2) =>
    ({ id, name: id, lat, lon: 13.1, priority, target_visits_per_week: perWeek, hot_hours: [], active: true });
  const spots = [spot('near-fresh', 57.5, 7), spot('far-overdue', 57.6, 7), spot('near-overdue', 57.501, 7),
                 spot('never', 57.7, 1), spot('no-target', 57.5, null)];
  const status = { 'far-overdue': { last_visit_at: day(70) }, 'near-fresh': { last_visit_at: day(2) } };
  const own = [{ hotspot_id: 'near-overdue', started_at: day(66), deleted: false }];
  return {
    hot: [isHotNow(evening, friday2130), isHotNow(evening, saturday0130), isHotNow(evening, monday2130)],
    ratio: overdueRatio(spots[0], day(36), friday2130.getTime()),
    order: rank(spots, status, own, { lat: 57.5, lon: 13.1 }, friday2130).map((r) => r.hotspot.id),
  };
}"""


def test_hot_spots_rank_by_how_overdue_then_by_distance_and_know_their_hot_hours(page, live_server):
    page.goto(live_server + "/app")
    result = page.evaluate(RANK)
    assert result["hot"] == [True, True, False]
    assert result["ratio"] == pytest.approx(1.5)
    # Never visited first; the two overdue ones (own visit counted offline, server status online) nearest first.
    assert result["order"] == ["never", "near-overdue", "far-overdue", "near-fresh", "no-target"]
