"""The kiosk's upload (SPEC §7 Kiosk): ``survey_response.create`` push mutations, under rules 1–7 of §3 — exactly once
by mutation_id and by record_id (the response_id), stored with ``channel: "kiosk"``, only by the officers and
supervisors of the wave's area, rejected one by one without blocking the others."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from fieldlog.db import utcnow
from fieldlog.surveys.models import SurveyResponse
from fieldlog.sync.models import SyncMutation
from tests.api.sync_support import push_results, upsert, visit_data
from tests.api.test_surveys_store import ANSWERS


def create(survey_id, answers=ANSWERS, record_id=None, mutation_id=None, **extra) -> dict:
    return {
        "mutation_id": str(mutation_id or uuid.uuid4()),
        "type": "survey_response.create",
        "record_id": str(record_id or uuid.uuid4()),
        "base_rev": None,
        "data": {"survey_id": str(survey_id), "answers": answers, **extra},
    }


def responses(db) -> list[SurveyResponse]:
    db.session.expire_all()
    return db.session.scalars(select(SurveyResponse)).all()


def test_a_kiosk_response_is_stored_with_the_kiosk_channel(client, db, officer, auth, survey):
    mutation = create(survey.id)
    [result] = push_results(client, auth(officer), mutation)
    assert result == {
        "mutation_id": mutation["mutation_id"],
        "record_id": mutation["record_id"],
        "status": "applied",
        "rev": 1,
    }
    [stored] = responses(db)
    assert str(stored.id) == mutation["record_id"]
    assert (stored.channel, stored.suspect, len(stored.marks)) == ("kiosk", False, 2)


def test_a_replayed_mutation_is_applied_once_and_answers_the_same(client, db, officer, auth, survey):
    mutation = create(survey.id)
    first = push_results(client, auth(officer), mutation)
    again = push_results(client, auth(officer), mutation, mutation)
    assert again == first * 2
    assert len(responses(db)) == 1
    assert db.session.scalar(select(func.count()).select_from(SyncMutation)) == 1


def test_a_resent_response_under_a_new_mutation_id_is_the_same_record(client, db, officer, auth, survey):
    """A reinstalled app may resend its outbox with new mutation ids: the same data is applied, nothing doubles."""
    record_id = uuid.uuid4()
    push_results(client, auth(officer), create(survey.id, record_id=record_id))
    [same] = push_results(client, auth(officer), create(survey.id, record_id=record_id))
    assert same["status"] == "applied" and same["rev"] == 1
    other = dict(ANSWERS, evening_safety="very_safe")
    [different] = push_results(client, auth(officer), create(survey.id, answers=other, record_id=record_id))
    assert different["status"] == "rejected" and different["error"]["code"] == "conflict"
    assert "server" not in different
    assert [r.evening_safety for r in responses(db)] == ["fairly_unsafe"]


def test_the_same_mutation_id_with_other_data_is_a_reused_key(client, officer, auth, survey):
    mutation = create(survey.id)
    push_results(client, auth(officer), mutation)
    changed = dict(mutation, data=dict(mutation["data"], answers={"gender": "man"}))
    [result] = push_results(client, auth(officer), changed)
    assert result["error"]["code"] == "mutation_id_reused"


def test_only_people_of_the_waves_area_collect_its_responses(
    client, db, auth, survey, area, make_user, make_area, admin
):
    tranemo = make_area("tranemo")
    for user in (make_user("officer", tranemo, username="olle"), make_user("supervisor", tranemo), admin):
        [result] = push_results(client, auth(user), create(survey.id))
        assert result["status"] == "rejected" and result["error"]["code"] == "forbidden", user.username
    supervisor = make_user("supervisor", area, username="sven")
    assert push_results(client, auth(supervisor), create(survey.id))[0]["status"] == "applied"
    assert len(responses(db)) == 1


def test_each_mutation_is_rejected_on_its_own_and_in_order(
    client, db, officer, auth, survey, hotspot, make_survey, area
):
    closed = make_survey(
        area, survey.year - 1, opens_at=utcnow() - timedelta(days=30), closes_at=utcnow() - timedelta(days=1)
    )
    mutations = [
        create(survey.id, answers={"problems": {"drugs": "a_lot"}}),
        create(closed.id),
        create(uuid.uuid4()),
        {**create(survey.id), "data": {"survey_id": str(survey.id)}},
        {**create(survey.id), "base_rev": 3},
        upsert(data=visit_data(hotspot)),
        create(survey.id),
    ]
    results = push_results(client, auth(officer), *mutations)
    assert [(r["status"], r.get("error", {}).get("code")) for r in results] == [
        ("rejected", "validation_error"),
        ("rejected", "survey_closed"),
        ("rejected", "not_found"),
        ("rejected", "validation_error"),
        ("rejected", "validation_error"),
        ("applied", None),
        ("applied", None),
    ]
    assert results[0]["error"]["fields"] == {"answers.problems.drugs": ["Okänd svarskod."]}
    assert "answers" in results[3]["error"]["fields"]
    assert [r.id for r in responses(db)] == [uuid.UUID(mutations[-1]["record_id"])]


def test_a_kiosk_response_to_a_codes_wave_needs_a_code(client, db, officer, auth, make_survey, area):
    from fieldlog.surveys.models import SurveyCode
    from fieldlog.surveys.services import code_hash

    survey = make_survey(area, mode="codes")
    db.session.add(SurveyCode(survey_id=survey.id, code_hash=code_hash("QWERT-YUPAS")))
    db.session.commit()
    results = push_results(
        client,
        auth(officer),
        create(survey.id),
        create(survey.id, code="QWERT-YUPAS"),
        create(survey.id, code="QWERT-YUPAS"),
    )
    assert [r.get("error", {}).get("code") for r in results] == ["invalid_code", None, "code_used"]


def test_a_kiosk_burst_is_not_suspect(client, db, officer, auth, survey):
    """A stall uploads its evening at once: many responses in one push, none of them automated."""
    push_results(client, auth(officer), *[create(survey.id) for _ in range(30)])
    assert [r.suspect for r in responses(db)] == [False] * 30


def test_the_push_document_describes_the_mutation_type(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["SurveyResponseMutation"]["properties"]["type"]["enum"] == ["survey_response.create"]
    assert set(schemas["KioskResponse"]["required"]) == {"survey_id", "answers"}


def test_a_response_is_never_pulled_back(client, officer, auth, survey):
    push_results(client, auth(officer), create(survey.id))
    changes = client.get("/api/v1/sync/pull", headers=auth(officer)).get_json()["changes"]
    assert {c["type"] for c in changes} <= {"hotspot", "visit", "activity"}
