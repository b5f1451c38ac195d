"""The respondent's page ``/survey/<slug>/<year>`` as a browser without JavaScript uses it (SPEC §7), through the test
client with the form's CSRF token, on SQLite and PostgreSQL: the happy path to the thanks page, answers kept when the
form comes back, closed and not yet open waves, codes mode, one answer per browser, the honeypot and the signed start
time, and no server error on any input."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldlog.db import utcnow
from fieldlog.extensions import db as _db
from fieldlog.surveys import services
from fieldlog.surveys.models import SurveyBrowser, SurveyCode, SurveyMark, SurveyResponse
from fieldlog.surveys.questionnaire import PROBLEMS

URL = "/survey/svenljunga/{year}"


@pytest.fixture
def spots(make_hotspot, area, make_area):
    torget = make_hotspot(area, "Torget", public=True)
    ica = make_hotspot(area, "ICA-området", public=True, lat=57.4990, lon=13.1150)
    secret = make_hotspot(area, "Skolgården", public=False)
    other = make_hotspot(make_area("tranemo", name="Tranemo"), "Tranemo torg", public=True)
    return {"torget": torget, "ica": ica, "secret": secret, "other": other}


def url(survey) -> str:
    return URL.format(year=survey.year)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, f"no {name} in the form"
    return match.group(1)


def form_of(client, survey) -> dict:
    """The hidden fields of the form as the page gives them (CSRF token, response id, signed start time)."""
    html = client.get(url(survey)).get_data(as_text=True)
    return {name: hidden(html, name) for name in ("csrf_token", "response_id", "started", "places_mode")}


def answered(spot) -> dict:
    return {
        "evening_safety": "fairly_unsafe",
        "overall_safety": "safe",
        "problem-drugs": "big",
        "problem-poor_lighting": "fairly_big",
        "avoids_places": "yes",
        "place": [str(spot.id)],
        f"place-{spot.id}-when": "evening",
        f"place-{spot.id}-reasons": ["poor_lighting", "youth_groups"],
        "improvements": "Bättre belysning vid busstationen.",
        "age_band": "35-49",
        "gender": "woman",
        "lives_in": "town",
    }


def backdate(app, form: dict, seconds: int = 60) -> dict:
    """The form as if shown ``seconds`` ago: a start value signed then (a person takes longer than 5 s)."""
    from itsdangerous import URLSafeTimedSerializer

    from fieldlog.surveys.respond import STARTED_SALT

    with app.app_context():
        serializer = URLSafeTimedSerializer(app.secret_key, salt=STARTED_SALT)
        payload = serializer.loads(form["started"])
    import time
    from unittest import mock

    with mock.patch("itsdangerous.timed.time.time", return_value=time.time() - seconds):
        form["started"] = serializer.dumps(payload)
    return form


@pytest.fixture(autouse=True)
def _in_app_context(db):
    """The tests read what the requests stored (each request runs in its own context, as in production)."""


def responses():
    _db.session.expire_all()
    return list(_db.session.scalars(select(SurveyResponse)))


def test_page_shows_every_question_in_swedish_with_labels_and_legends(client, survey, spots):
    response = client.get(url(survey))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Hur trygg eller otrygg känner du dig" in html
    for problem in PROBLEMS:
        assert f'name="problem-{problem}"' in html
    assert html.count("<legend>") >= 2 + 10
    # Only the area's public hot spots are offered by name.
    assert "Torget" in html and "ICA-området" in html
    assert "Skolgården" not in html and "Tranemo torg" not in html
    # The honeypot is there for robots, hidden from people (style sheet) and from screen readers.
    assert re.search(r'<div class="hp" aria-hidden="true">', html)
    # The respondent's page must not be kept by any cache; it gives the browser its random id.
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "fieldlog_survey=" in response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in response.headers.get("Set-Cookie", "")


def test_form_without_javascript_is_stored_and_thanks_after_a_redirect(app, client, survey, spots):
    form = backdate(app, form_of(client, survey))
    data = {**form, **answered(spots["torget"])}
    response = client.post(url(survey), data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/survey/svenljunga/{survey.year}/thanks")
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    assert "Tack för dina svar!" in thanks.get_data(as_text=True)
    (stored,) = responses()
    assert str(stored.id) == form["response_id"]
    assert stored.channel == "web" and stored.suspect is False and stored.suspect_reasons == []
    assert stored.evening_safety == "fairly_unsafe" and stored.gender == "woman"
    assert stored.problems == {"drugs": "big", "poor_lighting": "fairly_big"}
    assert stored.improvements == "Bättre belysning vid busstationen."
    (mark,) = _db.session.scalars(select(SurveyMark)).all()
    assert mark.hotspot_id == spots["torget"].id and mark.when == "evening"
    assert sorted(mark.reasons) == ["poor_lighting", "youth_groups"]
    assert (mark.lat, mark.lon) == (spots["torget"].lat, spots["torget"].lon)


def test_the_same_form_sent_twice_is_stored_once(app, client, survey, spots):
    form = backdate(app, form_of(client, survey))
    data = {**form, **answered(spots["torget"])}
    assert client.post(url(survey), data=data).status_code == 303
    assert client.post(url(survey), data=data).status_code == 303  # a double tap: the replay, thanks again
    assert len(responses()) == 1


def test_map_marks_are_stored_with_when_and_why(app, client, survey, spots):
    form = backdate(app, form_of(client, survey))
    data = {
        **form,
        "places_mode": "map",
        "mark-0-lat": "57.495612",
        "mark-0-lon": "13.108801",
        "mark-0-when": "night",
        "mark-0-reasons": ["drugs"],
        "mark-1-lat": "57.4969",
        "mark-1-lon": "13.1042",
        # A named place ticked before the map took over is not sent twice: the map's marks count.
        "place": [str(spots["ica"].id)],
    }
    assert client.post(url(survey), data=data).status_code == 303
    marks = sorted(_db.session.scalars(select(SurveyMark)), key=lambda m: m.lat)
    assert [(m.lat, m.lon, m.when, m.reasons, m.hotspot_id) for m in marks] == [
        (57.495612, 13.108801, "night", ["drugs"], None),
        (57.4969, 13.1042, None, [], None),
    ]


def test_skipping_everything_is_a_valid_response(app, client, survey):
    form = backdate(app, form_of(client, survey))
    assert client.post(url(survey), data=form).status_code == 303
    (stored,) = responses()
    assert stored.evening_safety is None and stored.problems == {}


def test_an_invalid_answer_comes_back_with_the_question_named_and_the_answers_kept(app, client, survey, spots):
    form = backdate(app, form_of(client, survey))
    data = {**form, **answered(spots["torget"]), "overall_safety": "ganska_okej", "problem-drugs": "enorm"}
    response = client.post(url(survey), data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Dina svar är inte skickade än" in html
    # The summary links to each question with a problem, and the question says what is wrong.
    assert 'href="#q-overall_safety"' in html and 'href="#q-problem-drugs"' in html
    assert 'id="q-overall_safety-error"' in html and 'aria-describedby="q-overall_safety-error"' in html
    # The rest is kept as answered: a radio, a named place with its when and why, the free text, the same response.
    assert re.search(r'name="evening_safety" value="fairly_unsafe" checked', html)
    assert re.search(rf'name="place" value="{spots["torget"].id}" checked', html)
    assert re.search(rf'name="place-{spots["torget"].id}-when" value="evening" checked', html)
    assert re.search(rf'name="place-{spots["torget"].id}-reasons" value="youth_groups" checked', html)
    assert "Bättre belysning vid busstationen.</textarea>" in html
    assert hidden(html, "response_id") == form["response_id"]
    assert hidden(html, "started") == form["started"]
    assert responses() == []


def test_more_than_five_places_are_refused_by_name(app, client, survey, spots):
    form = backdate(app, form_of(client, survey))
    data = {**form, "places_mode": "map"}
    for n in range(6):
        data[f"mark-{n}-lat"], data[f"mark-{n}-lon"] = f"57.49{n}", "13.10"
    response = client.post(url(survey), data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'href="#q-places"' in html and "Högst 5" in html
    assert "57.495" in html  # the marks come back to the map
    assert responses() == []


def test_a_wave_not_open_yet_says_when_it_opens_in_the_areas_zone(client, make_survey, area):
    year = utcnow().year + 1
    opens = datetime(year, 10, 31, 23, 0, tzinfo=UTC)  # midnight in Stockholm (CET) on 1 November
    survey = make_survey(area, year=year, opens_at=opens, closes_at=opens + timedelta(days=30))
    response = client.get(url(survey))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Enkäten har inte öppnat än" in html
    assert f"öppnar 1 november {year} kl. 00:00 och är öppen till 1 december {year} kl. 00:00" in html
    assert 'name="evening_safety"' not in html


def test_a_closed_wave_says_so_and_stores_nothing(app, client, make_survey, area):
    survey = make_survey(
        area, year=2019, opens_at=utcnow() - timedelta(days=60), closes_at=utcnow() + timedelta(minutes=5)
    )
    form = backdate(app, form_of(client, survey))
    with app.app_context():
        stored = _db.session.get(type(survey), survey.id)
        stored.closes_at = utcnow() - timedelta(minutes=1)
        _db.session.commit()
    assert "Enkäten har stängt" in client.get(url(survey)).get_data(as_text=True)
    response = client.post(url(survey), data={**form, "evening_safety": "very_safe"})
    assert response.status_code == 409
    assert "Enkäten har stängt" in response.get_data(as_text=True)
    assert responses() == []


def test_a_second_answer_from_the_same_browser_is_told_it_has_answered(app, client, survey):
    form = backdate(app, form_of(client, survey))
    assert client.post(url(survey), data=form).status_code == 303
    page = client.get(url(survey))
    assert "Du har redan svarat" in page.get_data(as_text=True)
    # A second form (kept open in another tab) sent anyway: not stored.
    again = {**form, "response_id": str(uuid.uuid4())}
    response = client.post(url(survey), data=again)
    assert response.status_code == 409
    assert "Du har redan svarat" in response.get_data(as_text=True)
    assert len(responses()) == 1
    # The browser is known only by a hash of its random cookie.
    (browser,) = _db.session.scalars(select(SurveyBrowser)).all()
    cookie = client.get_cookie("fieldlog_survey").value
    assert browser.browser_hash == services.sha256(cookie) and cookie not in browser.browser_hash


def test_another_browser_may_answer(app, client, survey):
    form = backdate(app, form_of(client, survey))
    assert client.post(url(survey), data=form).status_code == 303
    other = app.test_client()
    assert client is not other
    form = backdate(app, form_of(other, survey))
    assert other.post(url(survey), data=form).status_code == 303
    assert len(responses()) == 2


def test_honeypot_filled_in_is_stored_but_suspect(app, client, survey):
    form = backdate(app, form_of(client, survey))
    assert client.post(url(survey), data={**form, "website": "http://spam.example"}).status_code == 303
    (stored,) = responses()
    assert stored.suspect is True and stored.suspect_reasons == ["honeypot"]


def test_a_form_sent_within_five_seconds_is_suspect(client, survey):
    assert client.post(url(survey), data=form_of(client, survey)).status_code == 303
    (stored,) = responses()
    assert stored.suspect_reasons == ["too_fast"]


@pytest.mark.parametrize("started", ["", "forged", "eyJhIjoxfQ.abc.def"])
def test_a_missing_or_forged_start_time_counts_as_too_fast(client, survey, started):
    form = form_of(client, survey)
    assert client.post(url(survey), data={**form, "started": started}).status_code == 303
    (stored,) = responses()
    assert "too_fast" in stored.suspect_reasons


def test_a_start_time_signed_for_another_wave_counts_as_too_fast(app, client, survey, make_survey, area):
    other = make_survey(area, year=survey.year - 1)
    form = backdate(app, form_of(client, other))
    page = form_of(client, survey)
    assert client.post(url(survey), data={**page, "started": form["started"]}).status_code == 303
    (stored,) = responses()
    assert "too_fast" in stored.suspect_reasons


def test_an_expired_csrf_token_keeps_the_answers(app, client, survey, spots):
    form = backdate(app, form_of(client, survey))
    data = {**form, **answered(spots["torget"]), "csrf_token": "expired"}
    response = client.post(url(survey), data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Dina svar finns kvar" in html
    assert re.search(r'name="evening_safety" value="fairly_unsafe" checked', html)
    assert responses() == []
    # Sent again with the page's new token: stored.
    data["csrf_token"] = hidden(html, "csrf_token")
    assert client.post(url(survey), data=data).status_code == 303
    assert len(responses()) == 1


def make_codes(app, survey, *codes: str) -> None:
    with app.app_context():
        for code in codes:
            _db.session.add(SurveyCode(survey_id=survey.id, code_hash=services.code_hash(code)))
        _db.session.commit()


def test_codes_mode_asks_for_the_code_first_and_uses_it_once(app, client, make_survey, area):
    survey = make_survey(area, mode="codes")
    make_codes(app, survey, "K7QP-2MXD")
    page = client.get(url(survey)).get_data(as_text=True)
    assert "Skriv koden från ditt brev" in page and 'name="evening_safety"' not in page
    token = hidden(page, "csrf_token")
    wrong = client.post(url(survey) + "/code", data={"csrf_token": token, "code": "AAAA-BBBB"})
    assert wrong.status_code == 403
    assert "Vi känner inte igen koden" in wrong.get_data(as_text=True)
    empty = client.post(url(survey) + "/code", data={"csrf_token": token, "code": "  "})
    assert empty.status_code == 400
    right = client.post(url(survey) + "/code", data={"csrf_token": token, "code": "k7qp 2mxd"})
    assert right.status_code == 303 and right.headers["Location"].endswith(url(survey))
    form = backdate(app, form_of(client, survey))
    assert client.post(url(survey), data={**form, "gender": "man"}).status_code == 303
    (stored,) = responses()
    assert stored.gender == "man"
    with app.app_context():
        (code,) = _db.session.scalars(select(SurveyCode)).all()
        assert code.used is True
        # Nothing of the browser is kept in codes mode, and the code is not linked to the answer.
        assert _db.session.scalars(select(SurveyBrowser)).all() == []
    # The code is gone from the session: the page asks again, and the used code is refused.
    page = client.get(url(survey)).get_data(as_text=True)
    assert "Skriv koden från ditt brev" in page
    used = client.post(url(survey) + "/code", data={"csrf_token": hidden(page, "csrf_token"), "code": "K7QP-2MXD"})
    assert used.status_code == 409
    assert "redan använts" in used.get_data(as_text=True)


def test_codes_mode_without_a_code_in_the_session_stores_nothing(app, client, make_survey, area):
    survey = make_survey(area, mode="codes")
    make_codes(app, survey, "K7QP-2MXD")
    page = client.get(url(survey)).get_data(as_text=True)
    form = {"csrf_token": hidden(page, "csrf_token"), "response_id": str(uuid.uuid4()), "gender": "man"}
    response = client.post(url(survey), data=form)
    assert response.status_code == 403
    assert "Vi känner inte igen koden" in response.get_data(as_text=True)
    assert responses() == []


def test_the_language_switch_shows_the_page_in_english(client, survey):
    token = form_of(client, survey)["csrf_token"]
    client.post("/locale", data={"locale": "en", "next": url(survey), "csrf_token": token})
    html = client.get(url(survey)).get_data(as_text=True)
    assert '<html lang="en">' in html and "How safe or unsafe do you feel" in html


@pytest.mark.parametrize(
    "path",
    [
        "/survey/svenljunga/1",
        "/survey/svenljunga/99999999999999999999999",
        "/survey/okänd/2026",
        "/survey/" + "x" * 300 + "/2026",
        "/survey/svenljunga/2025/thanks",
    ],
)
def test_no_such_wave_is_not_found(client, survey, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "extra",
    [
        {"mark-0-lat": "nan", "mark-0-lon": "inf", "places_mode": "map"},
        {"mark-0-lat": "91", "mark-0-lon": "13", "places_mode": "map"},
        {"mark-999-lat": "57", "mark-999-lon": "13", "places_mode": "map"},
        {"mark-0-lat": "57.5", "mark-0-lon": "13.1", "mark-0-when": "<script>", "places_mode": "map"},
        {"place": ["not-a-uuid", str(uuid.UUID(int=0))]},
        {"response_id": "'; DROP TABLE survey_response; --"},
        {"improvements": "x" * 5000},
        {"evening_safety": "ö" * 500, "age_band": ""},
        {"problem-unknown": "big"},
    ],
)
def test_no_input_makes_a_server_error(app, client, survey, spots, extra):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    form = backdate(app, form_of(client, survey))
    response = client.post(url(survey), data={**form, **extra})
    assert response.status_code in (303, 400), response.get_data(as_text=True)[:500]


def test_posting_is_throttled_per_address(app, client, survey):
    app.config["SURVEY_RESPONSE_LIMIT"] = "2 per 15 minutes"
    form = backdate(app, form_of(client, survey))
    assert client.post(url(survey), data=form).status_code == 303
    other = app.test_client()  # another browser on the same network address
    second = backdate(app, form_of(other, survey))
    assert other.post(url(survey), data={**second, "gender": "sv"}).status_code == 400  # invalid: counted too
    third = other.post(url(survey), data=second)
    assert third.status_code == 429 and third.headers["Retry-After"]
    assert "Vänta några minuter" in third.get_data(as_text=True)
    assert len(responses()) == 1
