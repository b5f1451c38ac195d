"""The survey kiosk in the officer app (issue 13, SPEC §7 "Kiosk"), in real Chromium: the officer starts it, the
signal goes, three residents answer; a reload keeps the kiosk and the officer's own data stays out of reach; back
online the three responses arrive once; leaving needs the app lock's PIN (issue 15 item 5), and a cold start shows
the lock screen, then the kiosk again."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.officer import (
    PIN,
    WAIT,
    arrive_and_leave,
    eventually,
    fill_sign_in,
    read_raw,
    reload_app,
    server_visits,
    shot,
    sign_in,
    unlock,
    wait_uploaded,
)

READ_OUTBOX = """async () => {
  const { getAll } = await import('/static/js/storage.js');
  return (await getAll('outbox')).map((e) => ({type: e.type, record_id: e.record_id, data: e.data}));
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


def server_responses(app, survey) -> list:
    from fieldlog.extensions import db
    from fieldlog.surveys.models import SurveyResponse

    with app.app_context():
        rows = db.session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)).all()
        return [
            {
                "id": str(r.id),
                "channel": r.channel,
                "evening_safety": r.evening_safety,
                "problems": r.problems,
                "gender": r.gender,
                "improvements": r.improvements,
                "marks": [(str(m.hotspot_id), m.when, m.reasons) for m in r.marks],
            }
            for r in rows
        ]


def question(page: Page, name: str):
    return page.locator(f"[data-question={name}]")


def answer(page: Page, evening: str | None, gender: str | None, place: str | None = None, problem: bool = True):
    """One resident, through every screen of the kiosk; None skips the question."""
    page.get_by_role("button", name="Börja").click()
    expect(page.get_by_text("Steg 1 av 5")).to_be_visible(timeout=WAIT)
    # Nothing of an earlier resident is left on the screen.
    expect(page.locator(".kiosk input:checked")).to_have_count(0)
    if evening:
        question(page, "evening_safety").get_by_label(evening).check()
    shot(page, "kiosk-1-safety", full_page=True)
    page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_role("heading", name="Problem i området")).to_be_visible(timeout=WAIT)
    expect(page.locator(".kiosk input:checked")).to_have_count(0)
    if problem:
        page.locator("[data-item=drugs]").get_by_label("Ett stort problem").check()
    page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_role("heading", name="Platser")).to_be_visible(timeout=WAIT)
    if place:
        question(page, "avoids_places").get_by_label("Ja").check()
        page.get_by_label(place, exact=True).check()
        spot = page.locator(".kiosk-place").filter(has_text=place)
        spot.get_by_label("Kväll").check()
        spot.get_by_label("Dålig belysning").check()
        shot(page, "kiosk-3-places", full_page=True)
    page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_role("heading", name="Vad kan bli bättre?")).to_be_visible(timeout=WAIT)
    expect(page.locator(".kiosk textarea")).to_have_value("")
    if place:
        page.locator(".kiosk textarea").fill("Mer ljus vid torget")
    page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_role("heading", name="Om dig")).to_be_visible(timeout=WAIT)
    if gender:
        question(page, "gender").get_by_label(gender).check()
    page.get_by_role("button", name="Skicka svaren").click()
    expect(page.get_by_role("heading", name="Tack för dina svar!")).to_be_visible(timeout=WAIT)
    shot(page, "kiosk-thanks")
    page.get_by_role("button", name="Nästa person").click()
    expect(page.get_by_role("button", name="Börja")).to_be_visible(timeout=WAIT)


def start_kiosk(page: Page) -> None:
    """From the Today view: no password is asked — the app lock's PIN guards the exit."""
    page.get_by_role("link", name="Idag", exact=True).click()
    page.get_by_role("link", name="Starta enkätkiosk").click()
    expect(page.get_by_text("Du avslutar kiosken med appens PIN-kod")).to_be_visible(timeout=WAIT)
    expect(page.locator("input[type=password]")).to_have_count(0)
    page.get_by_role("button", name="Starta kiosken").click()
    expect_kiosk_only(page)


def expect_lock_screen_only(page: Page) -> None:
    """A cold start while the kiosk runs: the lock screen, with nothing of the officer's nor of the kiosk's."""
    expect(page.get_by_role("heading", name="Appen är låst")).to_be_visible(timeout=WAIT)
    expect(page.locator("#tabs")).to_be_hidden()
    expect(page.locator("#sync-status, #lock, .visit-item, .spot, .kiosk")).to_have_count(0)
    text = page.locator("body").inner_text()
    assert "Torget" not in text and "anna" not in text.lower()


def expect_kiosk_only(page: Page) -> None:
    """The kiosk's welcome, and nothing of the officer's: no tabs, no sync status, no visits."""
    expect(page.get_by_role("button", name="Börja")).to_be_visible(timeout=WAIT)
    expect(page.locator("#tabs")).to_be_hidden()
    expect(page.locator("#sync-status")).to_have_count(0)
    expect(page.locator(".visit-item, .spot, #device-name")).to_have_count(0)


def test_kiosk_collects_three_responses_offline_keeps_the_officers_data_out_of_reach_and_uploads_them_once(
    page, context, live_server, app, officer, area, make_area, make_hotspot, make_survey, survey
):
    from fieldlog.db import utcnow

    # Waves the kiosk must not offer: closed, a codes wave (answers need a letter's code), another area's.
    make_survey(area, 2020, opens_at=utcnow() - timedelta(days=60), closes_at=utcnow() - timedelta(days=1))
    make_survey(area, 2099, mode="codes")
    make_survey(make_area("tranemo"), survey.year)
    torget = make_hotspot(area, "Torget", public=True)
    make_hotspot(area, "Busstationen", lat=57.4990, lon=13.1120, public=True)
    make_hotspot(area, "Lagret", lat=57.4970, lon=13.1000)  # not public: not offered to residents
    sign_in(page, live_server)
    arrive_and_leave(page, "Torget")  # the officer's own visit, which the kiosk must hide
    wait_uploaded(page)
    [visit] = server_visits(app, officer)

    # The officer starts the kiosk from the Today view (no password: the PIN guards the exit).
    page.get_by_role("link", name="Idag", exact=True).click()
    page.get_by_role("link", name="Starta enkätkiosk").click()
    expect(page.get_by_label("Enkät", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.locator("#kiosk-survey option")).to_have_text([survey.title])
    shot(page, "kiosk-start")
    page.get_by_role("button", name="Starta kiosken").click()
    expect_kiosk_only(page)
    stored = page.evaluate("() => import('/static/js/storage.js').then(({getMeta}) => getMeta('kiosk'))")
    assert stored["survey"]["id"] == str(survey.id) and set(stored) == {"survey", "user_id", "started_at"}

    context.set_offline(True)
    answer(page, "Ganska trygg", "Kvinna", place="Torget")
    shot(page, "kiosk-welcome-390")
    answer(page, None, "Man", problem=False)
    answer(page, "Mycket trygg", None)
    expect(page.get_by_label("Lagret")).to_have_count(0)

    queued = page.evaluate(READ_OUTBOX)
    responses = [e for e in queued if e["type"] == "survey_response.create"]
    assert len(responses) == 3 and len(queued) == 3
    assert all(e["data"]["survey_id"] == str(survey.id) for e in responses)
    assert responses[0]["data"]["answers"] == {
        "evening_safety": "fairly_safe",
        "problems": {"drugs": "big"},
        "avoids_places": "yes",
        "places": [{"hotspot_id": str(torget.id), "when": "evening", "reasons": ["poor_lighting"]}],
        "improvements": "Mer ljus vid torget",
        "gender": "woman",
    }
    assert server_responses(app, survey) == []
    # IndexedDB read directly, the kiosk running: its state and the queued answers are sealed like every record.
    raw = json.dumps(read_raw(page), ensure_ascii=False)
    for secret in ("fairly_safe", "very_safe", "poor_lighting", "Mer ljus vid torget", "woman", "Torget", survey.title):
        assert secret not in raw, secret
    assert str(survey.id) not in raw

    # A reload, still without signal: the lock screen (nothing of the officer's on it), then the kiosk again; asking
    # for the officer's views gives the kiosk — and a cold start on one of them the lock screen, then the kiosk.
    page.reload()
    expect_lock_screen_only(page)
    shot(page, "kiosk-locked")
    unlock(page)
    expect_kiosk_only(page)
    for view in ("#/today", f"#/visit/{visit.id}", "#/activities", "#/map", "#/signin", "#/"):
        page.goto(f"{live_server}/app{view}")
        expect_kiosk_only(page)
    expect(page.get_by_text("Torget")).to_have_count(0)
    page.goto(f"{live_server}/app#/today")
    reload_app(page)
    expect_kiosk_only(page)

    # Back online: the three responses arrive once, as kiosk responses.
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        "() => import('/static/js/storage.js').then(({getAll}) => getAll('outbox')).then((o) => o.length === 0)",
        timeout=WAIT,
        polling=200,
    )
    stored = eventually(lambda: server_responses(app, survey), lambda rows: len(rows) == 3)
    assert sorted(r["id"] for r in stored) == sorted(e["record_id"] for e in responses)
    assert {r["channel"] for r in stored} == {"kiosk"}
    first = next(r for r in stored if r["id"] == responses[0]["record_id"])
    assert first["evening_safety"] == "fairly_safe" and first["gender"] == "woman"
    assert first["marks"] == [(str(torget.id), "evening", ["poor_lighting"])]
    # Another sync sends nothing again.
    reload_app(page)
    expect_kiosk_only(page)
    page.evaluate("() => import('/static/js/sync.js').then(({syncNow}) => syncNow())")
    assert len(server_responses(app, survey)) == 3

    # Leaving needs the app's PIN: a wrong one is refused (counted against the lock's ten tries), the right one opens
    # the officer's app again.
    page.get_by_role("button", name="Avsluta kiosken").click()
    expect(page.get_by_text("skriv appens PIN-kod")).to_be_visible(timeout=WAIT)
    page.get_by_label("PIN-kod").fill("000000")
    page.get_by_role("button", name="Avsluta", exact=True).click()
    shot(page, "kiosk-exit")
    expect(page.locator("#kiosk-exit-error")).to_have_text("Fel PIN-kod. 9 försök kvar.", timeout=WAIT)
    expect(page.locator("#tabs")).to_be_hidden()
    page.get_by_label("PIN-kod").fill(PIN)
    page.get_by_role("button", name="Avsluta", exact=True).click()
    expect(page.get_by_role("heading", name="Dagens besök")).to_be_visible(timeout=WAIT)
    expect(page.locator(".visit-item")).to_have_count(1)
    reload_app(page)
    expect(page.locator("#tabs")).to_be_visible(timeout=WAIT)


def test_kiosk_starts_without_signal_and_ten_wrong_pins_at_the_exit_need_the_password_which_ends_the_kiosk(
    page, context, live_server, app, officer, area, make_hotspot, survey
):
    from axe_playwright_python.sync_playwright import Axe

    make_hotspot(area, "Torget", public=True)
    sign_in(page, live_server)
    wait_uploaded(page)
    page.get_by_role("link", name="Idag", exact=True).click()
    expect(page.get_by_role("link", name="Starta enkätkiosk")).to_be_visible(timeout=WAIT)

    # No signal: nothing to check with the server — the PIN, checked on the device, guards the exit.
    context.set_offline(True)
    page.get_by_role("link", name="Starta enkätkiosk").click()
    page.get_by_role("button", name="Starta kiosken").click()
    expect_kiosk_only(page)

    # A resident may read it in English; the next one starts in Swedish again. Every screen passes axe.
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Begin").click()
    expect(page.get_by_role("heading", name="Safety")).to_be_visible(timeout=WAIT)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for _ in range(4):
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Send the answers").click()
    expect(page.get_by_role("heading", name="Thank you for your answers!")).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="Next person").click()
    expect(page.get_by_role("button", name="Börja")).to_be_visible(timeout=WAIT)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert Axe().run(page).violations_count == 0
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Leave the kiosk").click()
    expect(page.get_by_text("For officers: type the app's PIN to leave the kiosk.")).to_be_visible(timeout=WAIT)
    assert Axe().run(page).violations_count == 0
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Svenska").click()

    # Wrong PINs at the exit count against the lock's ten tries — across a reload too.
    page.get_by_role("button", name="Avsluta kiosken").click()
    for left in (9, 8, 7):
        page.get_by_label("PIN-kod").fill("000000")
        page.get_by_role("button", name="Avsluta", exact=True).click()
        expect(page.locator("#kiosk-exit-error")).to_have_text(f"Fel PIN-kod. {left} försök kvar.", timeout=WAIT)
    page.reload()
    expect_lock_screen_only(page)
    page.get_by_label("PIN-kod", exact=True).fill("000000")
    page.get_by_role("button", name="Lås upp").click()
    expect(page.locator("#pin-error")).to_have_text("Fel PIN-kod. 6 försök kvar.", timeout=WAIT)
    unlock(page)  # the right PIN starts the count again
    expect_kiosk_only(page)
    page.get_by_role("button", name="Avsluta kiosken").click()
    for left in range(9, 0, -1):
        page.get_by_label("PIN-kod").fill("000000")
        page.get_by_role("button", name="Avsluta", exact=True).click()
        expect(page.locator("#kiosk-exit-error")).to_have_text(f"Fel PIN-kod. {left} försök kvar.", timeout=WAIT)
    # The tenth: blocked as the lock screen blocks — the app locks and only the password opens it.
    page.get_by_label("PIN-kod").fill("000000")
    page.get_by_role("button", name="Avsluta", exact=True).click()
    expect(page.get_by_text("För många fel PIN-koder.")).to_be_visible(timeout=WAIT)
    expect_lock_screen_only(page)
    tried = page.evaluate("(pin) => import('/static/js/vault.js').then((v) => v.checkPin(pin))", PIN)
    assert tried == {"ok": False, "left": 0, "blocked": True}

    # The password (online) ends the kiosk; the resident's answer uploads.
    context.set_offline(False)
    page.get_by_role("link", name="Logga in").click()
    fill_sign_in(page, pin="97531864")
    expect(page.locator("#tabs")).to_be_visible()
    assert page.evaluate("() => import('/static/js/kiosk.js').then((k) => k.kioskActive())") is False
    stored = eventually(lambda: server_responses(app, survey), lambda rows: len(rows) == 1)
    assert [r["channel"] for r in stored] == ["kiosk"]
    reload_app(page, "97531864")
    expect(page.locator("#tabs")).to_be_visible(timeout=WAIT)


def test_responses_the_server_refuses_are_told_in_words_on_today_and_can_be_discarded(
    page, context, live_server, app, officer, area, make_hotspot, survey
):
    from fieldlog.db import utcnow
    from fieldlog.extensions import db
    from fieldlog.surveys.models import Survey

    make_hotspot(area, "Torget", public=True)
    sign_in(page, live_server)
    wait_uploaded(page)
    start_kiosk(page)
    context.set_offline(True)
    answer(page, "Ganska trygg", None, problem=False)

    # A supervisor moves the wave's close to before the resident answered: the server refuses the answers (a wave
    # that closes after they were given takes them: test_answers_given_before_the_close_upload_after_it).
    with app.app_context():
        db.session.get(Survey, survey.id).closes_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        """() => import('/static/js/storage.js').then(({getAll}) => getAll('outbox'))
                 .then((o) => o.length === 1 && o[0].state === 'attention')""",
        timeout=WAIT,
        polling=200,
    )
    assert server_responses(app, survey) == []

    page.get_by_role("button", name="Avsluta kiosken").click()
    page.get_by_label("PIN-kod").fill(PIN)
    page.get_by_role("button", name="Avsluta", exact=True).click()
    card = page.locator(".kiosk-card")
    expect(card).to_contain_text("1 enkätsvar togs inte emot av servern.", timeout=WAIT)
    expect(card).to_contain_text("Enkäten hade stängt när de laddades upp.")
    expect(card).not_to_contain_text("survey_closed")
    expect(card.get_by_role("link", name="Starta enkätkiosk")).to_have_count(0)
    card.get_by_role("button", name="Kasta svaren som inte togs emot").click()
    wait_uploaded(page)
    expect(page.locator(".kiosk-card")).to_have_count(0, timeout=WAIT)


def test_answers_given_before_the_close_upload_after_it(
    page, context, live_server, app, officer, area, make_hotspot, survey
):
    """A school evening on the wave's last day: answered while it was open, uploaded once the device has signal after
    the close — stored once (the kiosk sends the time of answering, SPEC §7 kiosk)."""
    from fieldlog.db import utcnow
    from fieldlog.extensions import db
    from fieldlog.surveys.models import Survey

    make_hotspot(area, "Torget", public=True)
    sign_in(page, live_server)
    wait_uploaded(page)
    start_kiosk(page)
    context.set_offline(True)
    answer(page, "Ganska trygg", None, problem=False)

    with app.app_context():
        # Closes after the answer was given (the kiosk's thanks came first) and before the upload.
        db.session.get(Survey, survey.id).closes_at = utcnow()
        db.session.commit()
    page.wait_for_timeout(50)
    context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    stored = eventually(lambda: server_responses(app, survey), lambda rows: len(rows) == 1)
    assert [(r["channel"], r["evening_safety"]) for r in stored] == [("kiosk", "fairly_safe")]
