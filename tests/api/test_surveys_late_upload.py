"""A kiosk's late upload (SPEC §7 Kiosk, SURVEY.md "Added by survey-fix"): a ``survey_response.create`` push whose
``data`` carries ``answered_at`` is taken after the wave closed when the answers were given while it was open, not
ahead of the server's clock beyond the visits' skew, and uploaded within ``SURVEY_KIOSK_UPLOAD_DAYS`` of the close;
otherwise ``survey_closed``, naming ``answered_at`` when it is the reason. Exactly once still."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldlog.db import utcnow
from fieldlog.surveys.models import SurveyResponse
from fieldlog.sync.models import SyncMutation
from tests.api.sync_support import push_results
from tests.api.test_surveys_push import create, responses
from tests.api.test_surveys_store import ANSWERS


@pytest.fixture
def closed(make_survey, area):
    """A wave that closed an hour ago: its last evening's answers are still in a kiosk."""
    now = utcnow()
    return make_survey(area, now.year - 1, opens_at=now - timedelta(days=21), closes_at=now - timedelta(hours=1))


def rejection(result: dict) -> tuple[str, str | None, dict | None]:
    error = result.get("error", {})
    return result["status"], error.get("code"), error.get("fields")


def test_answers_given_before_the_close_upload_after_it_once(client, db, officer, auth, closed):
    answered = (closed.closes_at - timedelta(hours=2)).astimezone().isoformat()  # a local offset, as a phone sends
    mutation = create(closed.id, answered_at=answered)
    first = push_results(client, auth(officer), mutation)
    assert rejection(first[0]) == ("applied", None, None)
    # The same push again (the answer was lost), and the same response under a new mutation id (a reinstalled app).
    again = push_results(
        client, auth(officer), mutation, create(closed.id, answered_at=answered, record_id=mutation["record_id"])
    )
    assert again[0] == first[0] and again[1]["status"] == "applied"
    [stored] = responses(db)
    assert (str(stored.id), stored.channel, stored.evening_safety) == (mutation["record_id"], "kiosk", "fairly_unsafe")
    # answered_at is not kept: the response holds the server's time of the upload only.
    assert stored.created_at >= closed.closes_at
    assert db.session.scalar(select(func.count()).select_from(SyncMutation)) == 2
    # Without answered_at the wave is closed, as before.
    [late] = push_results(client, auth(officer), create(closed.id))
    assert rejection(late) == ("rejected", "survey_closed", None)
    assert len(responses(db)) == 1


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (lambda s: s.closes_at, "Efter att enkäten stängt."),  # the close is exclusive
        (lambda s: s.closes_at + timedelta(minutes=30), "Efter att enkäten stängt."),
        (lambda s: s.opens_at - timedelta(seconds=1), "Före enkätens öppning."),
        (lambda s: utcnow() + timedelta(minutes=11), "Mer än 10 minuter före serverns klocka."),
    ],
    ids=["at-close", "after-close", "before-open", "future"],
)
def test_answers_outside_the_wave_are_refused_naming_answered_at(client, db, officer, auth, closed, moment, reason):
    [result] = push_results(client, auth(officer), create(closed.id, answered_at=moment(closed).isoformat()))
    assert rejection(result) == ("rejected", "survey_closed", {"answered_at": [reason]})
    assert responses(db) == []


def test_a_future_answered_at_is_refused_in_an_open_wave_too_within_the_visits_skew(
    app, client, db, officer, auth, survey
):
    now = utcnow()
    results = push_results(
        client,
        auth(officer),
        create(survey.id, answered_at=(now + timedelta(minutes=8)).isoformat()),  # a phone's clock a bit ahead
        create(survey.id, answered_at=(now + timedelta(hours=2)).isoformat()),
    )
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["error"]["fields"] == {"answered_at": ["Mer än 10 minuter före serverns klocka."]}
    # The skew is the visits' setting, not a copy of it.
    app.config["VISIT_MAX_FUTURE_MINUTES"] = 5
    [result] = push_results(
        client, auth(officer), create(survey.id, answered_at=(now + timedelta(minutes=8)).isoformat())
    )
    assert result["error"]["fields"] == {"answered_at": ["Mer än 5 minuter före serverns klocka."]}
    assert len(responses(db)) == 1


def test_an_upload_long_after_the_close_is_refused(app, client, db, officer, auth, make_survey, area):
    now = utcnow()
    old = make_survey(area, now.year - 1, opens_at=now - timedelta(days=70), closes_at=now - timedelta(days=31))
    answered = (old.closes_at - timedelta(hours=3)).isoformat()
    [result] = push_results(client, auth(officer), create(old.id, answered_at=answered))
    assert rejection(result) == ("rejected", "survey_closed", None)  # the answers' time was fine: not named
    app.config["SURVEY_KIOSK_UPLOAD_DAYS"] = 40
    assert push_results(client, auth(officer), create(old.id, answered_at=answered))[0]["status"] == "applied"
    assert len(responses(db)) == 1


@pytest.mark.parametrize("value", ["2026-12-01T19:00:00", "yesterday", 1764615600, ""])
def test_a_malformed_answered_at_is_a_validation_error(client, db, officer, auth, closed, value):
    [result] = push_results(client, auth(officer), create(closed.id, answered_at=value))
    assert result["status"] == "rejected" and result["error"]["code"] == "validation_error"
    assert list(result["error"]["fields"]) == ["answered_at"]
    assert responses(db) == []


def test_answered_at_is_the_kiosks_only(client, db, closed, survey):
    """The respondent's own JSON answer has no answered_at: a web response counts when it arrives."""
    body = {"response_id": str(uuid.uuid4()), "answers": ANSWERS, "answered_at": utcnow().isoformat()}
    response = client.post(f"/api/v1/surveys/{survey.id}/responses", json=body)
    assert response.status_code == 400 and "answered_at" in response.get_json()["error"]["fields"]
    late = {**body, "answered_at": (closed.closes_at - timedelta(hours=1)).isoformat()}
    response = client.post(f"/api/v1/surveys/{closed.id}/responses", json=late)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_the_push_document_describes_answered_at(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    field = schemas["KioskResponse"]["properties"]["answered_at"]
    assert field["type"] == "string" and field["format"] == "date-time"
    assert "answered_at" not in schemas["KioskResponse"]["required"]
