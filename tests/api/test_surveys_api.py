"""The survey API (SPEC §7): waves for the area's supervisors (one per area and year, If-Match, state from the times),
and the public JSON response endpoint (exactly once, closed and draft waves, codes, once per browser, suspects,
the question named in a validation error, per-address throttling, nothing of the respondent stored)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldlog.auth.models import LoginFailure
from fieldlog.db import utcnow
from fieldlog.surveys import services
from fieldlog.surveys.models import Survey, SurveyBrowser, SurveyCode, SurveyResponse
from tests.api.test_surveys_store import ANSWERS

WAVE = {
    "year": 2031,
    "title": "Trygghetsundersökning 2031",
    "opens_at": "2031-03-01T08:00:00+01:00",
    "closes_at": "2031-03-31T23:59:00+02:00",
    "mode": "codes",
    "target_responses": 600,
}


def iso(moment) -> str:
    return moment.isoformat()


def respond(client, survey_id, answers=ANSWERS, response_id=None, **extra):
    body = {"response_id": str(response_id or uuid.uuid4()), "answers": answers, **extra}
    return client.post(f"/api/v1/surveys/{survey_id}/responses", json=body)


# --- waves -----------------------------------------------------------------------------------------------------------


def test_a_supervisor_creates_a_wave_of_the_area_in_draft(client, supervisor, auth, area):
    response = client.post("/api/v1/surveys", json=WAVE, headers=auth(supervisor))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["ETag"] == '"1"'
    assert {k: body[k] for k in ("area", "year", "mode", "questionnaire", "published", "target_responses")} == {
        "area": "svenljunga",
        "year": 2031,
        "mode": "codes",
        "questionnaire": "core-1",
        "published": False,
        "target_responses": 600,
    }
    assert body["state"] == "draft" and body["opens_at"] == "2031-03-01T07:00:00+00:00"
    listed = client.get("/api/v1/surveys", headers=auth(supervisor)).get_json()["surveys"]
    assert [s["id"] for s in listed] == [body["id"]]


def test_one_wave_per_area_and_year(client, supervisor, auth, make_user, make_area):
    assert client.post("/api/v1/surveys", json=WAVE, headers=auth(supervisor)).status_code == 201
    again = client.post("/api/v1/surveys", json={**WAVE, "title": "Igen"}, headers=auth(supervisor))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert "year" in again.get_json()["error"]["fields"]
    other = make_user("supervisor", make_area("tranemo"), username="stina")
    assert client.post("/api/v1/surveys", json=WAVE, headers=auth(other)).status_code == 201
    assert client.post("/api/v1/surveys", json={**WAVE, "year": 2032}, headers=auth(supervisor)).status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"closes_at": "2031-03-01T08:00:00+01:00"}, "closes_at"),
        ({"closes_at": "2031-02-01T08:00:00+01:00"}, "closes_at"),
        ({"opens_at": "2031-03-01T08:00:00"}, "opens_at"),
        ({"mode": "letters"}, "mode"),
        ({"questionnaire": "core-2"}, "questionnaire"),
        ({"year": 1999}, "year"),
        ({"target_responses": -1}, "target_responses"),
        ({"area": "tranemo"}, "area"),
    ],
)
def test_an_invalid_wave_is_refused_naming_the_field(client, supervisor, auth, make_area, change, field):
    make_area("tranemo")
    response = client.post("/api/v1/surveys", json={**WAVE, **change}, headers=auth(supervisor))
    if field == "area":  # naming another area than one's own
        assert response.status_code == 403
        return
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["error"]["fields"]


def test_the_state_follows_the_times(client, supervisor, auth, make_survey, area):
    now = utcnow()
    draft = make_survey(area, 2040, opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=9))
    open_ = make_survey(area, 2041, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=9))
    closed = make_survey(area, 2042, opens_at=now - timedelta(days=9), closes_at=now - timedelta(seconds=1))
    states = {
        s.id: client.get(f"/api/v1/surveys/{s.id}", headers=auth(supervisor)).get_json()["state"]
        for s in (draft, open_, closed)
    }
    assert list(states.values()) == ["draft", "open", "closed"]


def test_patch_needs_the_current_rev_and_bumps_it(client, supervisor, auth, survey):
    url = f"/api/v1/surveys/{survey.id}"
    assert client.patch(url, json={"title": "Ny"}, headers=auth(supervisor)).status_code == 428
    response = client.patch(
        url, json={"title": "Ny", "published": True}, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    assert (response.get_json()["title"], response.get_json()["published"]) == ("Ny", True)
    stale = client.patch(url, json={"title": "Gammal"}, headers=auth(supervisor, **{"If-Match": '"1"'}))
    assert stale.status_code == 412 and stale.headers["ETag"] == '"2"'


def test_patch_checks_the_period_against_the_stored_times(client, supervisor, auth, survey):
    before = iso(survey.opens_at - timedelta(days=1))
    response = client.patch(
        f"/api/v1/surveys/{survey.id}", json={"closes_at": before}, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    assert response.status_code == 400 and "closes_at" in response.get_json()["error"]["fields"]


def test_a_patch_to_a_taken_year_is_a_conflict(client, supervisor, auth, survey, make_survey, area):
    make_survey(area, survey.year + 1)
    response = client.patch(
        f"/api/v1/surveys/{survey.id}", json={"year": survey.year + 1}, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    assert response.status_code == 409


def test_the_mode_stays_once_a_wave_has_responses(client, supervisor, auth, survey):
    assert respond(client, survey.id).status_code == 201
    response = client.patch(
        f"/api/v1/surveys/{survey.id}", json={"mode": "codes"}, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    assert response.status_code == 409 and "mode" in response.get_json()["error"]["fields"]


def test_another_areas_supervisor_sees_nothing_of_the_wave(client, auth, survey, make_user, make_area):
    stina = make_user("supervisor", make_area("tranemo"), username="stina")
    assert client.get(f"/api/v1/surveys/{survey.id}", headers=auth(stina)).status_code == 404
    assert client.get("/api/v1/surveys?area=svenljunga", headers=auth(stina)).status_code == 403
    assert client.get("/api/v1/surveys", headers=auth(stina)).get_json()["surveys"] == []
    patch = client.patch(
        f"/api/v1/surveys/{survey.id}", json={"title": "X"}, headers=auth(stina, **{"If-Match": '"1"'})
    )
    assert patch.status_code == 404


def test_an_officer_reads_the_areas_waves_but_cannot_create_or_change_them(client, officer, auth, survey):
    assert [s["id"] for s in client.get("/api/v1/surveys", headers=auth(officer)).get_json()["surveys"]] == [
        str(survey.id)
    ]
    assert client.post("/api/v1/surveys", json=WAVE, headers=auth(officer)).status_code == 403
    patch = client.patch(
        f"/api/v1/surveys/{survey.id}", json={"title": "X"}, headers=auth(officer, **{"If-Match": '"1"'})
    )
    assert patch.status_code == 403


def test_an_admin_names_the_area(client, admin, auth, area, survey):
    assert client.post("/api/v1/surveys", json=WAVE, headers=auth(admin)).status_code == 400
    assert client.post("/api/v1/surveys?area=svenljunga", json=WAVE, headers=auth(admin)).status_code == 201
    assert (
        client.post(
            "/api/v1/surveys", json={**WAVE, "year": 2032, "area": "svenljunga"}, headers=auth(admin)
        ).status_code
        == 201
    )
    assert client.get("/api/v1/surveys?area=nowhere", headers=auth(admin)).status_code == 404
    assert len(client.get("/api/v1/surveys?area=svenljunga", headers=auth(admin)).get_json()["surveys"]) == 3
    assert client.get(f"/api/v1/surveys/{survey.id}?area=svenljunga", headers=auth(admin)).status_code == 200


# --- responses -------------------------------------------------------------------------------------------------------


def test_a_response_is_stored_once_and_a_replay_answers_the_same(client, db, survey):
    response_id = uuid.uuid4()
    first = respond(client, survey.id, response_id=response_id)
    assert first.status_code == 201 and first.get_json() == {"response_id": str(response_id), "status": "stored"}
    again = respond(client, survey.id, response_id=response_id)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    stored = db.session.scalars(select(SurveyResponse)).one()
    assert (stored.channel, len(stored.marks), stored.problems["drugs"]) == ("api", 2, "big")


def test_a_response_needs_no_sign_in_and_no_csrf_token(app, survey):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    assert respond(client, survey.id).status_code == 201


@pytest.mark.parametrize("when", ["draft", "closed"])
def test_a_wave_that_is_not_open_answers_survey_closed(client, make_survey, area, when):
    now = utcnow()
    times = {"draft": (now + timedelta(days=1), now + timedelta(days=9)), "closed": (now - timedelta(days=9), now)}
    survey = make_survey(area, opens_at=times[when][0], closes_at=times[when][1])
    response = respond(client, survey.id)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "survey_closed"


def test_a_replay_after_the_wave_closed_still_answers_the_same(client, db, survey):
    response_id = uuid.uuid4()
    assert respond(client, survey.id, response_id=response_id).status_code == 201
    stored = db.session.get(Survey, survey.id)
    stored.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert respond(client, survey.id, response_id=response_id).status_code == 200


def test_an_unknown_survey_is_not_found(client):
    assert respond(client, uuid.uuid4()).status_code == 404


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"problems": {"drugs": "enormous"}}, "answers.problems.drugs"),
        ({"evening_safety": "fine"}, "answers.evening_safety"),
        ({"places": [{"lat": 57.5, "lon": 200}]}, "answers.places.0.lon"),
        ({"improvements": "x" * 1001}, "answers.improvements"),
    ],
)
def test_an_unknown_answer_is_400_naming_the_question(client, survey, answers, field):
    response = respond(client, survey.id, answers=answers)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and list(error["fields"]) == [field]


@pytest.mark.parametrize(
    "body",
    [
        {"answers": {}},
        {"response_id": "nope", "answers": {}},
        {"response_id": str(uuid.uuid4()), "answers": []},
        {"response_id": str(uuid.uuid4()), "answers": {}, "ip": "1.2.3.4"},
    ],
)
def test_a_malformed_envelope_is_400(client, survey, body):
    assert client.post(f"/api/v1/surveys/{survey.id}/responses", json=body).status_code == 400


def test_an_open_wave_takes_one_response_per_browser(client, app, db, survey):
    first = respond(client, survey.id)
    assert first.status_code == 201
    cookie = client.get_cookie(services.BROWSER_COOKIE)
    assert cookie is not None and cookie.http_only
    second = respond(client, survey.id)
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "already_answered"
    assert db.session.scalars(select(SurveyBrowser.browser_hash)).all() == [services.sha256(cookie.value)]
    assert respond(app.test_client(), survey.id).status_code == 201  # another browser


def test_a_codes_wave_takes_each_code_once(client, db, make_survey, area):
    survey = make_survey(area, mode="codes")
    db.session.add(SurveyCode(survey_id=survey.id, code_hash=services.code_hash("ABCDE-FGHJK")))
    db.session.commit()
    missing = respond(client, survey.id)
    assert missing.status_code == 403 and missing.get_json()["error"]["code"] == "invalid_code"
    wrong = respond(client, survey.id, code="ABCDE-FGHJX")
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "invalid_code"
    assert respond(client, survey.id, code="abcde fghjk").status_code == 201
    used = respond(client, survey.id, code="ABCDE-FGHJK")
    assert used.status_code == 409 and used.get_json()["error"]["code"] == "code_used"
    assert client.get_cookie(services.BROWSER_COOKIE) is None  # a codes wave needs no browser mark


def test_an_automated_looking_response_is_kept_but_suspect(client, db, survey):
    started = utcnow() - timedelta(seconds=1)
    assert respond(client, survey.id, started_at=iso(started), website="http://x.example").status_code == 201
    stored = db.session.scalars(select(SurveyResponse)).one()
    assert stored.suspect and stored.suspect_reasons == ["honeypot", "too_fast"]


def test_a_response_stores_nothing_of_the_respondent(client, db, survey):
    response = client.post(
        f"/api/v1/surveys/{survey.id}/responses",
        json={"response_id": str(uuid.uuid4()), "answers": ANSWERS},
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Unique/42"},
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
    )
    assert response.status_code == 201
    for table in (SurveyResponse, SurveyBrowser, LoginFailure):
        for row in db.session.scalars(select(table)).all():
            text = repr([getattr(row, column.name) for column in table.__table__.columns])
            assert "203.0.113.77" not in text and "Unique/42" not in text


def test_too_many_responses_from_one_address_are_throttled(app, survey):
    app.config["SURVEY_RESPONSE_LIMIT"] = "3 per 15 minutes"
    statuses = []
    for _ in range(4):
        client = app.test_client()  # a new browser each time: only the address is the same
        statuses.append(respond(client, survey.id).status_code)
    assert statuses == [201, 201, 201, 429]
    elsewhere = app.test_client().post(
        f"/api/v1/surveys/{survey.id}/responses",
        json={"response_id": str(uuid.uuid4()), "answers": {}},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    )
    assert elsewhere.status_code == 201


def test_the_survey_throttle_keeps_the_sign_in_failures(app, client, db, survey, officer):
    app.config["SURVEY_RESPONSE_LIMIT"] = "3 per 1 minute"
    db.session.add(LoginFailure(key="x" * 64, at=utcnow() - timedelta(minutes=10)))
    db.session.commit()
    assert respond(client, survey.id).status_code == 201
    assert db.session.scalar(select(LoginFailure).where(LoginFailure.key == "x" * 64)) is not None
