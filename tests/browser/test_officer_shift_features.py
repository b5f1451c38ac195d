"""Issue 10 D1, D3 and D6 on a 390 px phone: the timer's 10 and 16 minute notices (vibration, screen kept awake),
the done view after Lämna, a drive-through offer for short visits, Idag as the shift, hot spots that are hot now
first with their hot hours on the card, the on-site verdict on the phone (offline too), the dark theme, visits
logged after the fact sent and marked as such, and devices named by what they are."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.officer import WAIT, fill_after_the_fact, local_visits, reload_app, shot, sign_in, wait_uploaded

STOCKHOLM = ZoneInfo("Europe/Stockholm")
POSITION = {"latitude": 57.49555, "longitude": 13.10905, "accuracy": 12}  # at Torget
PIXEL_7 = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
# Vibration and the screen wake lock, recorded (headless Chromium has neither a motor nor a screen to keep on).
RECORD = """
window.__vibrations = [];
navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
window.__wake = { requested: 0, released: 0 };
Object.defineProperty(navigator, 'wakeLock', { configurable: true, value: {
  request: async () => { window.__wake.requested += 1;
    return { released: false, release: async function () { this.released = true; window.__wake.released += 1; } }; },
} });
"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "geolocation": POSITION,
        "permissions": ["geolocation"],
        "user_agent": PIXEL_7,
        "timezone_id": "Europe/Stockholm",  # a Swedish phone: hot hours need no zone named
    }


def hours_around_now(before: int, after: int) -> dict:
    now = datetime.now(STOCKHOLM)
    start = (now - timedelta(hours=before)).strftime("%H:00")
    end = (now + timedelta(hours=after)).strftime("%H:00")
    return {"days": [1, 2, 3, 4, 5, 6, 7], "from": start, "to": end}


@pytest.fixture
def spots(make_hotspot, area):
    now = datetime.now(STOCKHOLM)
    far_off = (now + timedelta(hours=6)).strftime("%H:00"), (now + timedelta(hours=8)).strftime("%H:00")
    cold = [{"days": [1, 2, 3, 4, 5, 6, 7], "from": far_off[0], "to": far_off[1]}]
    return {
        "Ahlbergsgatan": make_hotspot(area, "Ahlbergsgatan", lat=57.5100, lon=13.1300, priority=1, hot_hours=cold),
        "Torget": make_hotspot(area, "Torget", priority=1, hot_hours=[hours_around_now(1, 2)]),
        "Busstationen": make_hotspot(
            area, "Busstationen", lat=57.4990, lon=13.1120, priority=2, hot_hours=[hours_around_now(1, 1)]
        ),
        "ICA-området": make_hotspot(
            area,
            "ICA-området",
            lat=57.4978,
            lon=13.1125,
            priority=2,
            hot_hours=[{"days": [5, 6], "from": "20:00", "to": "02:00"}],
        ),
    }


def server_visits(app, officer):
    from fieldlog.extensions import db
    from fieldlog.visits.models import Visit

    with app.app_context():
        rows = list(db.session.scalars(select(Visit).where(Visit.officer_id == officer.id, Visit.deleted.is_(False))))
        db.session.expunge_all()
        return rows


def shift_start_back(page, minutes: float, seconds: float = 0) -> None:
    """Move the open visit's start back in the phone's copy (as if the officer had been on site that long)."""
    page.evaluate(
        """async (ms) => {
          const { getAll } = await import('/static/js/storage.js');
          const { saveVisit } = await import('/static/js/outbox.js');
          const [open] = (await getAll('visits')).filter((v) => !v.ended_at);
          await saveVisit({ ...open, started_at: new Date(Date.now() - ms).toISOString() });
          location.hash = '#/today';
          await new Promise((r) => setTimeout(r, 200));
          location.hash = '#/visit/' + open.id;
        }""",
        (minutes * 60 + seconds) * 1000,
    )


def test_timer_vibrates_and_tells_at_10_and_16_minutes_and_keeps_the_screen_on(page, live_server, officer, spots):
    page.add_init_script(RECORD)
    sign_in(page, live_server)
    page.get_by_role("button", name="Anländ vid Torget").click()
    expect(page.locator("#clock")).to_be_visible(timeout=WAIT)
    assert page.evaluate("window.__wake.requested") >= 1
    assert page.evaluate("window.__vibrations") == []

    shift_start_back(page, 9, 58)
    expect(page.locator("#timer-alert")).to_contain_text("10 minuter", timeout=WAIT)
    assert len(page.evaluate("window.__vibrations")) == 1
    shift_start_back(page, 15, 58)
    expect(page.locator("#timer-alert")).to_contain_text("16 minuter", timeout=WAIT)
    assert len(page.evaluate("window.__vibrations")) == 2

    page.get_by_role("button", name="Lämna", exact=True).click()
    expect(page.get_by_role("heading", name="Besöket är avslutat")).to_be_visible(timeout=WAIT)
    assert page.evaluate("window.__wake.released") >= 1
    done = page.locator("#done")
    expect(done).to_contain_text("16 min")
    expect(done).to_contain_text("Kvar att fylla i: Iakttagelser, Åtgärder.")
    expect(done.get_by_role("button", name="Ja, genomkörning")).to_have_count(0)  # not a short visit
    shot(page, "done", full_page=False)


def test_short_visit_is_offered_as_a_drive_through(page, live_server, app, officer, spots):
    sign_in(page, live_server)
    page.get_by_role("button", name="Anländ vid Torget").click()
    expect(page.locator("#clock")).to_be_visible(timeout=WAIT)
    shot(page, "timer", full_page=False)
    page.get_by_role("checkbox", name="Inget att rapportera").check()
    page.get_by_role("button", name="Lämna", exact=True).click()
    done = page.locator("#done")
    expect(done).to_contain_text("kortare än 2 minuter", timeout=WAIT)
    expect(done).to_contain_text("Kvar att fylla i: Åtgärder.")
    done.get_by_role("button", name="Ja, genomkörning").click()
    expect(page.locator("#visit-notice")).to_contain_text("genomkörning", timeout=WAIT)
    expect(page.get_by_role("radio", name="Genomkörning")).to_be_checked()
    wait_uploaded(page)
    [visit] = server_visits(app, officer)
    assert (visit.mode, visit.entry, visit.observations) == ("drive_through", "live", ["nothing_to_report"])


def test_today_is_the_shift_of_16_hours_and_marks_visits_logged_after_the_fact(
    page, live_server, app, officer, spots, make_visit
):
    now = datetime.now(STOCKHOLM)
    make_visit(spots["Torget"], officer, started_at=now - timedelta(hours=15, minutes=50), observations=["drugs"])
    make_visit(spots["ICA-området"], officer, started_at=now - timedelta(hours=16, minutes=30))
    sign_in(page, live_server)
    start = now.replace(second=0, microsecond=0) - timedelta(hours=1)
    fill_after_the_fact(page, "Busstationen", start, minutes=12)
    page.get_by_role("checkbox", name="Klotter").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#visit-state")).to_contain_text("I efterhand", timeout=WAIT)
    wait_uploaded(page)

    page.get_by_role("link", name="Idag").click()
    items = page.locator(".visit-item")
    expect(items).to_have_count(2, timeout=WAIT)
    expect(items.filter(has_text="Torget")).to_have_count(1)
    expect(items.filter(has_text="ICA-området")).to_have_count(0)
    expect(items.filter(has_text="Busstationen")).to_contain_text("I efterhand")
    expect(items.filter(has_text="Torget")).not_to_contain_text("I efterhand")
    shot(page, "today", full_page=True)
    entries = {str(v.hotspot_id): v.entry for v in server_visits(app, officer)}
    assert entries[str(spots["Busstationen"].id)] == "after"


def test_hot_spots_hot_now_come_first_within_their_priority_and_cards_say_when(page, live_server, officer, spots):
    sign_in(page, live_server)
    names = page.locator(".spot h2")
    expect(names).to_have_count(4, timeout=WAIT)
    # Priority 1 before 2; within each, the spot that is hot now first (all four were never visited).
    assert names.all_text_contents() == ["Torget", "Ahlbergsgatan", "Busstationen", "ICA-området"]
    ica = page.locator(".spot").filter(has_text="ICA-området")
    expect(ica.locator(".hot-hours")).to_have_text("Het: fre, lör 20:00–02:00")
    torget = page.locator(".spot").filter(has_text="Torget")
    expect(torget).to_contain_text("Het nu")
    expect(torget.locator(".hot-hours")).to_contain_text("Het: alla dagar")
    shot(page, "hotspots", full_page=True)


def test_on_site_verdict_is_shown_offline_from_the_phones_copy(page, context, live_server, officer, spots):
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(4, timeout=WAIT)
    context.set_offline(True)
    page.get_by_role("button", name="Anländ vid Torget").click()
    expect(page.locator("#position-line")).to_contain_text("På platsen", timeout=WAIT)
    page.get_by_role("button", name="Lämna", exact=True).click()
    expect(page.locator("#done")).to_be_visible(timeout=WAIT)
    page.get_by_role("link", name="Hot spots").first.click()
    page.get_by_role("button", name="Anländ vid Ahlbergsgatan").click()
    expect(page.locator("#position-line")).to_contain_text("Utanför platsen", timeout=WAIT)


def test_dark_theme_follows_the_phone_and_passes_axe(page, live_server, officer, spots):
    page.emulate_media(color_scheme="dark")
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(4, timeout=WAIT)
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    shot(page, "dark-hotspots", full_page=False)
    page.get_by_role("button", name="Anländ vid Torget").click()
    expect(page.locator("#clock")).to_be_visible(timeout=WAIT)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    shot(page, "dark-timer", full_page=False)
    page.get_by_role("button", name="Lämna", exact=True).click()
    expect(page.locator("#done")).to_be_visible(timeout=WAIT)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    shot(page, "dark-done", full_page=False)


def test_device_is_named_by_what_it_is_and_the_officer_can_rename_it(page, live_server, app, officer, spots):
    from fieldlog.auth.models import Device
    from fieldlog.extensions import db

    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(4, timeout=WAIT)
    with app.app_context():
        assert [d.name for d in db.session.scalars(select(Device))] == ["Chrome på Android (Pixel 7)"]
    page.get_by_role("link", name="Idag").click()
    field = page.get_by_label("Enhetens namn")
    expect(field).to_have_value("Chrome på Android (Pixel 7)", timeout=WAIT)
    field.fill("   ")
    page.get_by_role("button", name="Spara namnet").click()
    expect(page.locator("#device-message")).to_contain_text("Namn:")
    field.fill("Annas tjänstetelefon")
    page.get_by_role("button", name="Spara namnet").click()
    expect(page.locator("#device-message")).to_contain_text("Namnet är sparat", timeout=WAIT)
    with app.app_context():
        assert [d.name for d in db.session.scalars(select(Device))] == ["Annas tjänstetelefon"]
    reload_app(page)
    expect(page.get_by_label("Enhetens namn")).to_have_value("Annas tjänstetelefon", timeout=WAIT)


USER_AGENTS = [
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
        "Safari/537.36",
        "sv",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
        "Safari/537.36",
        "sv",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
        "sv",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Mobile/15E148 Safari/604.1",
        "sv",
    ),
    ("Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0", "en"),
]
NAMES = """async (agents) => {
  const { deviceName } = await import('/static/js/views/signin.js');
  return agents.map(([ua, lang]) => deviceName(ua, lang));
}"""


def test_device_names_from_user_agents(page, live_server):
    page.goto(live_server + "/app")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible(timeout=WAIT)
    assert page.evaluate(NAMES, USER_AGENTS) == [
        "Chrome på Android (Pixel 7)",
        "Chrome på Android",
        "Samsung Internet på Android (SAMSUNG SM-S911B)",
        "Safari på iPhone",
        "Firefox on Android",
    ]


def test_visit_logged_after_the_fact_is_sent_as_after_and_live_ones_as_live(page, live_server, app, officer, spots):
    sign_in(page, live_server)
    page.get_by_role("button", name="Anländ vid Torget").click()
    page.get_by_role("button", name="Lämna", exact=True).click()
    expect(page.locator("#done")).to_be_visible(timeout=WAIT)
    start = datetime.now(STOCKHOLM).replace(second=0, microsecond=0) - timedelta(hours=2)
    fill_after_the_fact(page, "ICA-området", start)
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#visit-notice")).to_contain_text("Sparat", timeout=WAIT)
    wait_uploaded(page)
    entries = sorted((v.entry, str(v.hotspot_id)) for v in server_visits(app, officer))
    assert entries == sorted([("live", str(spots["Torget"].id)), ("after", str(spots["ICA-området"].id))])
    assert sorted(v["entry"] for v in local_visits(page)) == ["after", "live"]
