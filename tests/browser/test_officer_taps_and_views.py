"""Issue 10, on a phone (390 × 844) with realistic data: every tap acts once (B2), each view opens at its top and
messages are seen (B3), the states and messages say the right thing (B6), hot spot names stay text on the map (B8),
and server rejections read in the officer's language (C1)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from tests.browser.officer import (
    WAIT,
    fill_after_the_fact,
    in_viewport,
    local_visits,
    shot,
    sign_in,
    status,
    wait_uploaded,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SPOTS = [
    # name, lat, lon, priority, hot hours
    ("Torget", 57.4955, 13.1090, 1, [{"days": [5, 6], "from": "20:00", "to": "02:00"}]),
    ("ICA-området", 57.4978, 13.1125, 1, [{"days": [1, 2, 3, 4, 5], "from": "15:00", "to": "19:00"}]),
    ("Thilanderska parken", 57.4931, 13.1060, 2, [{"days": [5, 6, 7], "from": "21:00", "to": "01:00"}]),
    ("Busstationen", 57.4990, 13.1120, 2, [{"days": [1, 2, 3, 4, 5, 6, 7], "from": "06:00", "to": "09:00"}]),
    ("Skolgården", 57.4960, 13.1000, 2, []),
    ("Idrottsplatsen", 57.5010, 13.1150, 3, [{"days": [6], "from": "18:00", "to": "23:00"}]),
    ("Badplatsen", 57.5050, 13.0950, 3, [{"days": [6, 7], "from": "13:00", "to": "22:00"}]),
    ("Kyrkparken", 57.4940, 13.1110, 3, []),
]
POSITION = {"latitude": 57.49555, "longitude": 13.10905, "accuracy": 12}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "geolocation": POSITION,
        "permissions": ["geolocation"],
    }


@pytest.fixture
def spots(make_hotspot, area):
    return {
        name: make_hotspot(area, name, lat=lat, lon=lon, priority=priority, hot_hours=hours)
        for name, lat, lon, priority, hours in SPOTS
    }


def server_visits(app, officer):
    from fieldlog.extensions import db
    from fieldlog.visits.models import Visit

    with app.app_context():
        rows = list(db.session.scalars(select(Visit).where(Visit.officer_id == officer.id, Visit.deleted.is_(False))))
        db.session.expunge_all()
        return rows


def last_card_arrive(page):
    return page.locator(".spot").last.get_by_role("button", name="Anländ")


# --- B2: every action button acts once ---


def test_double_tap_on_arrive_starts_one_visit(page, live_server, app, officer, spots):
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(len(SPOTS), timeout=WAIT)
    page.get_by_role("button", name="Anländ vid Torget").dblclick()
    expect(page.locator("#clock")).to_be_visible(timeout=WAIT)
    page.wait_for_timeout(700)  # let a second, racing Arrive finish if there was one
    assert len(local_visits(page)) == 1
    wait_uploaded(page)
    assert len(server_visits(app, officer)) == 1


def test_double_tap_on_save_after_the_fact_stores_one_visit(page, live_server, app, officer, spots):
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(len(SPOTS), timeout=WAIT)
    start = datetime.now(STOCKHOLM).replace(second=0, microsecond=0) - timedelta(hours=2)
    fill_after_the_fact(page, "ICA-området", start)
    page.get_by_role("checkbox", name="Ungdomar i grupp").check()
    page.get_by_role("button", name="Spara").dblclick()
    expect(page.get_by_role("heading", name="Besök: ICA-området")).to_be_visible(timeout=WAIT)
    page.wait_for_timeout(700)
    assert len(local_visits(page)) == 1
    wait_uploaded(page)
    assert len(server_visits(app, officer)) == 1


# --- B3: each view starts at its top; messages are seen ---


def test_after_arrive_far_down_the_list_the_timer_and_leave_are_on_screen(page, live_server, officer, spots):
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(len(SPOTS), timeout=WAIT)
    last_card_arrive(page).scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 400
    last_card_arrive(page).click()
    expect(page.locator("#clock")).to_be_visible(timeout=WAIT)
    assert page.evaluate("window.scrollY") == 0
    assert in_viewport(page, "#clock")
    assert in_viewport(page, "#leave")


def test_saved_notice_is_on_screen_after_saving_at_the_foot_of_the_form(page, live_server, officer, spots):
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(len(SPOTS), timeout=WAIT)
    start = datetime.now(STOCKHOLM).replace(second=0, microsecond=0) - timedelta(hours=3)
    fill_after_the_fact(page, "Busstationen", start)
    page.get_by_role("button", name="Spara").scroll_into_view_if_needed()
    page.get_by_role("button", name="Spara").click()
    notice = page.locator("#visit-notice")
    expect(notice).to_contain_text("Sparat", timeout=WAIT)
    assert in_viewport(page, "#visit-notice")

    # Saving an edit at the foot of the visit's own form: the notice comes back into view.
    page.get_by_role("button", name="Spara").scroll_into_view_if_needed()
    before = notice.element_handle()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_function("(el) => !el.isConnected", arg=before, timeout=WAIT)  # the view was drawn again
    expect(notice).to_contain_text("Sparat", timeout=WAIT)
    assert in_viewport(page, "#visit-notice")


def test_signed_out_banner_is_seen_wherever_the_officer_is(page, context, live_server, app, officer, spots):
    from fieldlog.auth.models import Device
    from fieldlog.db import utcnow
    from fieldlog.extensions import db

    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(len(SPOTS), timeout=WAIT)
    last_card_arrive(page).scroll_into_view_if_needed()
    with app.app_context():
        db.session.execute(update(Device).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    context.set_offline(True)
    context.set_offline(False)  # back online: the app syncs, and hears that the sign-in has expired
    banner = page.get_by_role("alert").filter(has_text="Inloggningen har gått ut")
    expect(banner).to_be_visible(timeout=WAIT)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 400
    box = banner.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844


# --- B6: states and messages that say the right thing ---


def test_ongoing_visit_started_offline_says_in_progress(page, context, live_server, officer, spots):
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(len(SPOTS), timeout=WAIT)
    context.set_offline(True)
    page.get_by_role("button", name="Anländ vid Torget").click()
    expect(page.locator("#visit-state")).to_contain_text("Pågår", timeout=WAIT)
    page.get_by_role("link", name="Idag").click()
    expect(page.locator(".visit-item").first).to_contain_text("Pågår", timeout=WAIT)


def test_saved_notice_follows_the_upload_and_today_has_no_empty_attention_box(
    page, live_server, app, client, officer, supervisor, auth, spots, make_visit
):
    # A visit of this shift that the supervisor flagged: it is listed once, with its flag, and no box stays empty.
    flagged = make_visit(spots["Torget"], officer, started_at=datetime.now(STOCKHOLM) - timedelta(hours=1))
    response = client.post(
        f"/api/v1/visits/{flagged.id}/flag", json={"comment": "Ange antal poliser"}, headers=auth(supervisor)
    )
    assert response.status_code in (200, 201)
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(len(SPOTS), timeout=WAIT)
    page.get_by_role("link", name="Idag").click()
    expect(page.locator(".visit-item")).to_have_count(1, timeout=WAIT)
    expect(page.locator(".visit-item")).to_contain_text("Ange antal poliser")
    expect(page.locator("section.attention:not(:has(li))")).to_have_count(0)

    start = datetime.now(STOCKHOLM).replace(second=0, microsecond=0) - timedelta(hours=2)
    fill_after_the_fact(page, "ICA-området", start)
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#visit-state")).to_contain_text("Uppladdad", timeout=WAIT)
    expect(page.locator("#visit-notice")).to_contain_text("Sparat")
    expect(page.locator("#visit-notice")).not_to_contain_text("Väntar")


def test_to_before_from_says_the_end_is_before_the_start(page, live_server, officer, spots):
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(len(SPOTS), timeout=WAIT)
    start = datetime.now(STOCKHOLM).replace(second=0, microsecond=0) - timedelta(hours=3)
    fill_after_the_fact(page, "Torget", start)
    page.get_by_label("Till", exact=True).fill((start - timedelta(hours=1)).strftime("%H:%M"))
    page.get_by_role("button", name="Spara").click()
    alert = page.locator("#form-errors")
    expect(alert).to_contain_text("Till är före Från")
    expect(alert).not_to_contain_text("högst 12 timmar")
    assert local_visits(page) == []


def test_after_the_fact_visit_says_nothing_about_location_services(page, live_server, officer, spots):
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(len(SPOTS), timeout=WAIT)
    start = datetime.now(STOCKHOLM).replace(second=0, microsecond=0) - timedelta(hours=2)
    fill_after_the_fact(page, "Torget", start)
    page.get_by_role("button", name="Spara").click()
    line = page.locator("#position-line")
    expect(line).to_contain_text("efterhand", timeout=WAIT)
    expect(line).not_to_contain_text("platstjänster")


def test_rejection_reads_in_swedish_and_fix_focuses_the_field_it_names(page, context, live_server, app, officer, spots):
    sign_in(page, live_server)
    expect(page.locator(".spot")).to_have_count(len(SPOTS), timeout=WAIT)
    app.config["VISIT_MAX_HOURS"] = 0.1  # the server now takes visits of at most 6 minutes
    start = datetime.now(STOCKHOLM).replace(second=0, microsecond=0) - timedelta(hours=2)
    fill_after_the_fact(page, "Torget", start, minutes=15)
    page.get_by_role("button", name="Spara").click()
    expect(status(page)).to_contain_text("1 behöver åtgärd", timeout=WAIT)
    attention = page.get_by_role("region", name="Behöver åtgärd")
    expect(attention).to_contain_text("Slut: sluttiden godtas inte", timeout=WAIT)
    expect(attention).not_to_contain_text("hours")  # the server's English message is not shown
    expect(attention).not_to_contain_text("ended_at")

    shot(page, "error-sv")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("region", name="Needs attention")).to_contain_text("End: the end is not accepted")
    shot(page, "error-en")
    page.get_by_role("button", name="Svenska").click()
    attention = page.get_by_role("region", name="Behöver åtgärd")
    attention.get_by_role("button", name="Rätta").click()
    assert page.evaluate("document.activeElement.id") == "to"
    app.config["VISIT_MAX_HOURS"] = 12
    page.get_by_label("Till", exact=True).fill((start + timedelta(minutes=5)).strftime("%H:%M"))
    page.get_by_role("button", name="Spara").click()
    wait_uploaded(page)
    [visit] = server_visits(app, officer)
    assert visit.ended_at - visit.started_at == timedelta(minutes=5)


ERRORS = """async () => {
  const { errorSentence, fieldSentences, setLang } = await import('/static/js/i18n.js');
  const codes = ['validation_error', 'not_found', 'forbidden', 'conflict', 'mutation_id_reused',
                 'unknown_mutation_type', 'token_expired', 'token_revoked', 'unauthorized', 'payload_too_large',
                 'too_many_requests', 'bad_request', 'unsupported_protocol', 'unsupported_media_type', 'network'];
  const fields = { hotspot_id: ['x'], started_at: ['x'], ended_at: ['x'], mode: ['x'], officers: ['x'],
                   observations: ['x'], activities: ['x'], contacts: ['x'], notes: ['x'], position: ['x'] };
  const out = {};
  for (const lang of ['sv', 'en']) {
    setLang(lang);
    out[lang] = {
      codes: codes.map((c) => errorSentence(c)),
      statuses: [errorSentence(undefined, 413), errorSentence(undefined, 429), errorSentence(undefined, 503),
                 errorSentence('service_unavailable', 503)],
      unknown: errorSentence('something_new'),
      fields: fieldSentences(fields).map(([, text]) => text),
    };
  }
  setLang('sv');
  return out;
}"""


def test_every_error_code_and_field_has_a_sentence_in_both_languages(page, live_server):
    page.goto(live_server + "/app")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible(timeout=WAIT)
    out = page.evaluate(ERRORS)
    for lang in ("sv", "en"):
        texts = out[lang]["codes"] + out[lang]["statuses"] + out[lang]["fields"]
        generic = out[lang]["unknown"]
        assert "something_new" in generic  # an unknown code is still named, in a sentence
        for text in texts:
            assert text and text != generic and "err_code" not in text and "_" not in text, (lang, text)
        assert len(set(out[lang]["codes"])) >= len(out[lang]["codes"]) - 3  # auth codes may share a sentence
    assert out["sv"]["codes"] != out["en"]["codes"]
    assert out["sv"]["fields"][2].startswith("Slut:")
    assert out["en"]["fields"][2].startswith("End:")


# --- B8: hot spot names are text on the map ---


def test_hostile_hot_spot_name_is_text_in_the_map_tooltip_and_popup(page, live_server, officer, make_hotspot, area):
    hostile = '<img src=x onerror="window.__xss=1">Torget'
    make_hotspot(area, hostile)
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name=hostile)).to_be_visible(timeout=WAIT)
    page.get_by_role("link", name="Karta").click()
    marker = page.locator("path.leaflet-interactive").first
    expect(marker).to_be_visible(timeout=WAIT)
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(hostile, timeout=WAIT)
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(hostile, timeout=WAIT)
    assert page.locator("#map img[src='x'], .leaflet-tooltip img, .leaflet-popup-content img").count() == 0
    assert page.evaluate("window.__xss") is None


def test_the_after_the_fact_form_takes_hot_spots_that_arrive_while_it_is_open(page, live_server, officer, spots):
    """An officer who opens "Efterhand" straight after signing in, before the first pull has answered, sees the hot
    spots arrive in the list, and what they chose or typed stays."""
    held = []

    def hold(route):
        held.append(route)

    page.context.route("**/api/v1/sync/pull*", hold)
    sign_in(page, live_server)
    page.get_by_role("link", name="Efterhand", exact=True).click()
    spot = page.get_by_label("Hot spot")
    expect(spot.locator("option")).to_have_count(1, timeout=WAIT)  # only "choose a hot spot" so far
    page.get_by_label("Från", exact=True).fill("10:15")
    page.context.unroute("**/api/v1/sync/pull*", hold)
    for route in held:
        route.fallback()  # let the held pulls through, now that the handler is gone
    expect(spot.locator("option")).to_have_count(len(SPOTS) + 1, timeout=WAIT)
    spot.select_option(label="Busstationen")
    expect(page.get_by_label("Från", exact=True)).to_have_value("10:15")
