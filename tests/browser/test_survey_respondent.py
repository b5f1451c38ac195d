"""The respondent's page in real Chromium on a 390 px phone (SPEC §7): marks placed on the map with when and why,
the named places without JavaScript, the named list kept when the map tiles fail, keyboard only, axe clean and no
sideways scrolling on every page a respondent can meet."""

from __future__ import annotations

import base64
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_supervisor_layout import LAYOUT_PROBLEMS, PHONE

# A 1×1 grey PNG: what the tile server answers here (no network in tests).
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)
TILES = "https://tile.openstreetmap.org/**"


@pytest.fixture
def wave(area, make_hotspot, make_survey):
    make_hotspot(area, "Torget", public=True, lat=57.4955, lon=13.1090)
    make_hotspot(area, "Busstationen", public=True, lat=57.4969, lon=13.1042)
    make_hotspot(area, "Skolgården", public=False, lat=57.4990, lon=13.1150)
    return make_survey(area, title="Trygghetsundersökning Svenljunga 2026")


def _phone(browser, **kwargs):
    return browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="sv-SE", **kwargs
    )


def _url(live_server, survey) -> str:
    return f"{live_server}/survey/svenljunga/{survey.year}"


def _stored(app):
    from fieldlog.extensions import db
    from fieldlog.surveys.models import SurveyMark, SurveyResponse

    with app.app_context():
        responses = list(db.session.scalars(select(SurveyResponse)))
        marks = list(db.session.scalars(select(SurveyMark).order_by(SurveyMark.id)))
        db.session.expunge_all()
    return responses, marks


def _fits_and_passes_axe(page, label: str) -> None:
    problems = page.evaluate(LAYOUT_PROBLEMS, PHONE["width"])
    assert not problems, f"{label}: " + "\n".join(problems)
    results = Axe().run(page)
    assert results.violations_count == 0, f"{label}: " + results.generate_report()


def test_marks_on_the_map_with_when_and_why_are_sent(browser, live_server, app, wave):
    context = _phone(browser)
    try:
        context.route(TILES, lambda route: route.fulfill(status=200, content_type="image/png", body=TILE))
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(_url(live_server, wave))
        # Once the map's background loads, the map replaces the named places.
        expect(page.locator("#places-map .leaflet-tile-loaded").first).to_be_attached()
        expect(page.locator("#places-list")).to_be_hidden()
        expect(page.get_by_role("button", name="Markera kartans mitt")).to_be_visible()
        page.get_by_role("group", name=re.compile("sent en kväll")).get_by_label("Ganska otrygg").check()
        mapbox = page.locator("#places-map").bounding_box()
        page.locator("#places-map").tap(position={"x": mapbox["width"] / 3, "y": mapbox["height"] / 3})
        place1 = page.get_by_role("group", name="Plats 1", exact=True)
        expect(place1).to_be_visible()
        place1.get_by_role("radio", name="Kväll").check()
        place1.get_by_role("checkbox", name="Dålig belysning").check()
        page.locator("#places-map").tap(position={"x": mapbox["width"] * 2 / 3, "y": mapbox["height"] / 2})
        place2 = page.get_by_role("group", name="Plats 2", exact=True)
        place2.get_by_role("radio", name="Natt").check()
        # A third, removed again: the others keep their numbers and answers.
        page.get_by_role("button", name="Markera kartans mitt").click()
        page.get_by_role("button", name="Ta bort plats 3").click()
        expect(page.get_by_role("group", name="Plats 3", exact=True)).to_have_count(0)
        expect(page.locator("#map-status")).to_have_text("Platsen togs bort.")
        _fits_and_passes_axe(page, "the map with two marks")
        page.get_by_role("button", name="Skicka mina svar").click()
        expect(page.get_by_role("heading", name="Tack för dina svar!")).to_be_visible()
        _fits_and_passes_axe(page, "thanks")
        assert errors == []  # no script error, nothing the page's Content-Security-Policy refused
    finally:
        context.close()
    (response,), marks = _stored(app)
    assert response.evening_safety == "fairly_unsafe" and response.channel == "web"
    assert [(m.when, m.reasons, m.hotspot_id) for m in marks] == [
        ("evening", ["poor_lighting"], None),
        ("night", [], None),
    ]
    assert all(57.3 < m.lat < 57.7 and 12.9 < m.lon < 13.3 for m in marks)
    assert marks[0].lon < marks[1].lon  # the first tap was left of the second


def test_without_javascript_the_named_places_are_sent(browser, live_server, app, wave):
    context = _phone(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(_url(live_server, wave))
        expect(page.get_by_role("checkbox", name="Torget")).to_be_visible()
        expect(page.get_by_role("checkbox", name="Skolgården")).to_have_count(0)  # not a public hot spot
        expect(page.locator("#places-map-ui")).to_be_hidden()
        page.get_by_role("group", name=re.compile("sent en kväll")).get_by_label("Mycket otrygg").check()
        page.get_by_role("group", name="Narkotikaförsäljning och narkotikabruk").get_by_label(
            "Ett stort problem"
        ).check()
        page.get_by_role("checkbox", name="Busstationen").check()
        # When and why open under the ticked place (a style sheet rule, no script).
        when = page.get_by_role("group", name="När? (Busstationen)")
        expect(when).to_be_visible()
        when.get_by_label("Natt").check()
        page.get_by_role("group", name=re.compile(r"Varför\? \(Busstationen\)")).get_by_label("Narkotika").check()
        page.get_by_role("group", name="Kön").get_by_label("Kvinna").check()
        page.get_by_label(re.compile("Vad skulle få dig att känna dig tryggare")).fill("Mer ljus vid busstationen.")
        page.get_by_role("button", name="Skicka mina svar").click()
        expect(page.get_by_role("heading", name="Tack för dina svar!")).to_be_visible()
    finally:
        context.close()
    (response,), marks = _stored(app)
    assert response.evening_safety == "very_unsafe" and response.problems == {"drugs": "big"}
    assert response.gender == "woman" and response.improvements == "Mer ljus vid busstationen."
    assert [(m.when, m.reasons) for m in marks] == [("night", ["drugs"])]
    assert marks[0].hotspot_id is not None


def test_when_the_tiles_fail_the_named_places_stay(browser, live_server, wave):
    context = _phone(browser)
    try:
        context.route(TILES, lambda route: route.abort())
        page = context.new_page()
        page.goto(_url(live_server, wave))
        expect(page.get_by_text("Kartan kunde inte laddas")).to_be_visible()
        expect(page.get_by_role("checkbox", name="Torget")).to_be_visible()
        expect(page.locator("#places-map-ui")).to_be_hidden()
        _fits_and_passes_axe(page, "tiles failed")
    finally:
        context.close()


def _tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element is focused, as a keyboard user moves through the page."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} is never reached with Tab")


def test_the_form_can_be_answered_with_the_keyboard_alone(browser, live_server, app, wave):
    context = _phone(browser)
    try:
        context.route(TILES, lambda route: route.fulfill(status=200, content_type="image/png", body=TILE))
        page = context.new_page()
        page.goto(_url(live_server, wave))
        expect(page.locator("#places-list")).to_be_hidden()
        _tab_to(page, "input[name=evening_safety][value=very_safe]")
        page.keyboard.press("ArrowDown")  # to "fairly safe"
        _tab_to(page, "#mark-centre")
        page.keyboard.press("Enter")
        expect(page.get_by_role("group", name="Plats 1", exact=True)).to_be_visible()
        _tab_to(page, "input[name='mark-0-when'][value=day]")
        page.keyboard.press("ArrowRight")  # to "evening"
        _tab_to(page, "input[name='mark-0-reasons'][value=isolated]")
        page.keyboard.press("Space")
        _tab_to(page, "button.send")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Tack för dina svar!")).to_be_visible()
    finally:
        context.close()
    (response,), (mark,) = _stored(app)
    assert response.evening_safety == "fairly_safe"
    assert (mark.when, mark.reasons) == ("evening", ["isolated"])


def test_errors_are_announced_and_linked_to_their_questions(browser, live_server, app, wave):
    context = _phone(browser)  # the named list (no tiles), with a script to forge an answer as a robot would
    try:
        context.route(TILES, lambda route: route.abort())
        page = context.new_page()
        page.goto(_url(live_server, wave))
        for name in ("Torget", "Busstationen"):
            page.get_by_role("checkbox", name=name).check()
        # Every choice a person can make is valid: a forged answer code is what comes back with a message.
        page.evaluate("document.querySelector('input[name=overall_safety]').value = 'nonsense'")
        page.locator("input[name=overall_safety]").first.check()
        page.get_by_role("button", name="Skicka mina svar").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Dina svar är inte skickade än")
        expect(page.get_by_text("Kartan kunde inte laddas")).to_be_visible()
        alert.get_by_role("link").first.click()
        assert page.url.endswith("#q-overall_safety")
        expect(page.get_by_role("checkbox", name="Torget")).to_be_checked()
        _fits_and_passes_axe(page, "the form with an error")
    finally:
        context.close()
    assert _stored(app)[0] == []


def test_closed_and_code_pages_fit_a_phone_and_pass_axe(browser, live_server, area, make_survey):
    from datetime import timedelta

    from fieldlog.db import utcnow

    closed = make_survey(
        area, year=2019, opens_at=utcnow() - timedelta(days=60), closes_at=utcnow() - timedelta(days=30)
    )
    coded = make_survey(area, year=2020, mode="codes")
    context = _phone(browser)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/survey/svenljunga/{closed.year}")
        expect(page.get_by_role("heading", name="Enkäten har stängt")).to_be_visible()
        _fits_and_passes_axe(page, "closed")
        page.goto(f"{live_server}/survey/svenljunga/{coded.year}")
        page.get_by_label("Kod från brevet").fill("FEL-KOD")
        page.get_by_role("button", name="Börja").click()
        expect(page.get_by_role("alert")).to_contain_text("Vi känner inte igen koden")
        _fits_and_passes_axe(page, "code refused")
    finally:
        context.close()


def test_the_language_switch_keeps_the_page_and_english_passes_axe(browser, live_server, wave):
    context = _phone(browser)
    try:
        context.route(TILES, lambda route: route.abort())
        page = context.new_page()
        page.goto(_url(live_server, wave))
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("button", name="Send my answers")).to_be_visible()
        assert page.url == _url(live_server, wave)
        expect(page.get_by_text("The map could not be loaded")).to_be_visible()
        _fits_and_passes_axe(page, "the form in English")
    finally:
        context.close()
