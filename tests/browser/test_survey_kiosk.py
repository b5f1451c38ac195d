"""The survey kiosk in the officer app (issue 13, SPEC §7 "Kiosk"), in real Chromium: the officer starts it, the
signal goes, three residents answer; a reload keeps the kiosk and the officer's own data stays out of reach; back
online the three responses arrive once; leaving needs the officer's password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.officer import WAIT, arrive_and_leave, eventually, server_visits, shot, sign_in, wait_uploaded
from tests.fixtures.users import PASSWORD

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

    # The officer starts the kiosk from the Today view, confirming with the password (checked online).
    page.get_by_role("link", name="Idag", exact=True).click()
    page.get_by_role("link", name="Starta enkätkiosk").click()
    expect(page.get_by_label("Enkät", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.locator("#kiosk-survey option")).to_have_text([survey.title])
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    shot(page, "kiosk-start")
    page.get_by_role("button", name="Starta kiosken").click()
    expect_kiosk_only(page)
    # Only a salted PBKDF2 hash of the password is kept on the device.
    stored = page.evaluate("() => import('/static/js/storage.js').then(({getMeta}) => getMeta('kiosk'))")
    assert PASSWORD not in str(stored)
    assert stored["verifier"]["kdf"] == "PBKDF2-SHA-256" and len(stored["verifier"]["salt"]) == 24

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

    # A reload, still without signal, comes back to the kiosk; asking for the officer's views gives the kiosk.
    page.reload()
    expect_kiosk_only(page)
    for view in ("#/today", f"#/visit/{visit.id}", "#/activities", "#/map", "#/signin", "#/"):
        page.goto(f"{live_server}/app{view}")
        expect_kiosk_only(page)
    expect(page.get_by_text("Torget")).to_have_count(0)

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
    page.reload()
    expect_kiosk_only(page)
    page.evaluate("() => import('/static/js/sync.js').then(({syncNow}) => syncNow())")
    assert len(server_responses(app, survey)) == 3

    # Leaving needs the officer's password: a wrong one is refused, the right one opens the officer's app again.
    page.get_by_role("button", name="Avsluta kiosken").click()
    page.get_by_label("Ditt lösenord").fill("fel lösenord")
    page.get_by_role("button", name="Avsluta", exact=True).click()
    shot(page, "kiosk-exit")
    expect(page.locator("#kiosk-exit-error")).to_have_text("Fel lösenord.", timeout=WAIT)
    expect(page.locator("#tabs")).to_be_hidden()
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Avsluta", exact=True).click()
    expect(page.get_by_role("heading", name="Dagens besök")).to_be_visible(timeout=WAIT)
    expect(page.locator(".visit-item")).to_have_count(1)
    page.reload()
    expect(page.locator("#tabs")).to_be_visible(timeout=WAIT)


def test_kiosk_started_without_signal_asks_the_password_twice_and_wrong_exits_make_the_next_try_wait(
    page, context, live_server, officer, area, make_hotspot, survey
):
    from axe_playwright_python.sync_playwright import Axe

    make_hotspot(area, "Torget", public=True)
    sign_in(page, live_server)
    wait_uploaded(page)
    page.get_by_role("link", name="Idag", exact=True).click()
    expect(page.get_by_role("link", name="Starta enkätkiosk")).to_be_visible(timeout=WAIT)

    # No signal: the server cannot vouch for the password, so it is typed twice (a typo would lock the officer out).
    context.set_offline(True)
    page.get_by_role("link", name="Starta enkätkiosk").click()
    page.get_by_label("Ditt lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Starta kiosken").click()
    expect(page.locator("#kiosk-start-error")).to_contain_text("Ingen anslutning", timeout=WAIT)
    page.get_by_label("Lösenordet en gång till").fill(PASSWORD + "x")
    page.get_by_role("button", name="Starta kiosken").click()
    expect(page.locator("#kiosk-start-error")).to_have_text("Lösenorden är inte lika.", timeout=WAIT)
    page.get_by_label("Lösenordet en gång till").fill(PASSWORD)
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

    # Three wrong tries, then each further one waits — after a reload too.
    page.get_by_role("button", name="Avsluta kiosken").click()
    for _ in range(3):
        page.get_by_label("Ditt lösenord").fill("fel")
        page.get_by_role("button", name="Avsluta", exact=True).click()
        expect(page.locator("#kiosk-exit-error")).to_be_visible(timeout=WAIT)
        expect(page.get_by_label("Ditt lösenord")).to_have_value("", timeout=WAIT)
    expect(page.locator("#kiosk-exit-error")).to_contain_text("Försök igen om", timeout=WAIT)
    page.reload()
    expect_kiosk_only(page)
    page.get_by_role("button", name="Avsluta kiosken").click()
    expect(page.locator("#kiosk-exit-error")).to_contain_text("Försök igen om", timeout=WAIT)
    # Even the right password waits its turn.
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Avsluta", exact=True).click()
    expect(page.locator("#kiosk-exit-error")).to_contain_text("Försök igen om")
    expect(page.locator("#tabs")).to_be_hidden()


def test_responses_the_server_refuses_are_told_in_words_on_today_and_can_be_discarded(
    page, context, live_server, app, officer, area, make_hotspot, survey
):
    from fieldlog.db import utcnow
    from fieldlog.extensions import db
    from fieldlog.surveys.models import Survey

    make_hotspot(area, "Torget", public=True)
    sign_in(page, live_server)
    wait_uploaded(page)
    page.get_by_role("link", name="Idag", exact=True).click()
    page.get_by_role("link", name="Starta enkätkiosk").click()
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Starta kiosken").click()
    expect_kiosk_only(page)
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
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
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
    page.get_by_role("link", name="Idag", exact=True).click()
    page.get_by_role("link", name="Starta enkätkiosk").click()
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Starta kiosken").click()
    expect_kiosk_only(page)
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
