"""A promise's survey commitment (SPEC §6 with §7), on SQLite and PostgreSQL: its progress — each wave's state,
responses and headline share, suspects left out, no share under 10 — and ``survey_ids`` naming only waves of the
promise's area, through the API and the supervisor's form; the detail page shows the waves in Swedish."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from fieldlog.db import utcnow
from fieldlog.extensions import db as _db
from fieldlog.promises.models import Promise
from tests.api.test_promise_pages import NEW, form
from tests.api.test_promises_api import URL, promise_body
from tests.conftest import csrf_token
from tests.fixtures.util import persist


@pytest.fixture
def other_area(make_area):
    return make_area("tranemo", name="Tranemo")


def _answers(app, survey, evening: list[str | None], suspect: int = 0) -> None:
    """Responses to ``survey``: one per entry of ``evening`` (None: skipped), and ``suspect`` more, all very safe
    (a bot pushing the share up) and marked suspect."""
    from fieldlog.surveys.models import SurveyResponse

    rows = [
        SurveyResponse(id=uuid.uuid4(), survey_id=survey.id, channel="web", evening_safety=e, problems={})
        for e in evening
    ]
    rows += [
        SurveyResponse(
            id=uuid.uuid4(),
            survey_id=survey.id,
            channel="web",
            evening_safety="very_safe",
            problems={},
            suspect=True,
            suspect_reasons=["burst"],
        )
        for _ in range(suspect)
    ]
    persist(app, *rows)


@pytest.fixture
def waves(app, make_survey, area):
    """Three waves of the area: closed two years ago (24 answers, 3 suspect), open now (7 answers), not open yet."""
    now = utcnow()
    old = make_survey(area, 2024, opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=370))
    running = make_survey(area, 2025, mode="codes")
    ahead = make_survey(area, 2026, opens_at=now + timedelta(days=30), closes_at=now + timedelta(days=60))
    # 2024: 9 very + 6 fairly safe of the 22 who answered (2 skipped): 15/22.
    _answers(
        app, old, ["very_safe"] * 9 + ["fairly_safe"] * 6 + ["fairly_unsafe"] * 5 + ["never_out"] * 2 + [None] * 2, 3
    )
    _answers(app, running, ["very_safe"] * 7)
    return old, running, ahead


def _promise_with(client, auth, user, survey_ids: list[str], **overrides):
    body = promise_body(**overrides)
    body["commitments"][2]["survey_ids"] = survey_ids
    return client.post(URL, json=body, headers=auth(user))


def test_survey_progress_gives_each_wave_state_responses_and_share(client, auth, supervisor, waves):
    old, running, ahead = waves
    # Named newest first: the progress lists them oldest first.
    made = _promise_with(client, auth, supervisor, [str(ahead.id), str(running.id), str(old.id)])
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["commitments"][2]["survey_ids"] == [str(ahead.id), str(running.id), str(old.id)]
    doc = client.get(f"{URL}/{made.get_json()['id']}/progress", headers=auth(supervisor)).get_json()
    survey = doc["commitments"][2]
    assert survey["kind"] == "survey"
    assert survey["progress"] == {
        "waves": [
            # suspects left out of n and of the share
            {"survey_id": str(old.id), "year": 2024, "state": "closed", "responses": 24, "safe_share": 0.6818},
            # 7 answers: no share under 10
            {"survey_id": str(running.id), "year": 2025, "state": "open", "responses": 7, "safe_share": None},
            {"survey_id": str(ahead.id), "year": 2026, "state": "draft", "responses": 0, "safe_share": None},
        ]
    }


def test_survey_ids_name_waves_of_the_promise_area_only(client, auth, supervisor, waves, make_survey, other_area):
    theirs = make_survey(other_area, 2024)
    old = waves[0]
    for ids in ([str(theirs.id)], [str(old.id), str(theirs.id)], [str(uuid.uuid4())]):
        response = _promise_with(client, auth, supervisor, ids)
        assert response.status_code == 400, ids
        assert "commitments.2.survey_ids" in response.get_json()["error"]["fields"]
    # Only for a survey commitment.
    body = promise_body()
    body["commitments"][0]["survey_ids"] = [str(old.id)]
    refused = client.post(URL, json=body, headers=auth(supervisor))
    assert refused.status_code == 400 and "commitments.0.survey_ids" in refused.get_json()["error"]["fields"]
    # A PATCH that names another area's wave is refused too, and changes nothing.
    made = _promise_with(client, auth, supervisor, [str(old.id)]).get_json()
    items = [{"id": c["id"]} for c in made["commitments"]]
    items[2]["survey_ids"] = [str(theirs.id)]
    patch = client.patch(
        f"{URL}/{made['id']}", json={"commitments": items}, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    assert patch.status_code == 400 and "commitments.2.survey_ids" in patch.get_json()["error"]["fields"]
    got = client.get(f"{URL}/{made['id']}", headers=auth(supervisor)).get_json()
    assert got["commitments"][2]["survey_ids"] == [str(old.id)] and got["rev"] == 1


def test_progress_leaves_out_a_wave_no_longer_of_the_area(
    app, client, auth, supervisor, waves, make_survey, other_area
):
    """A commitment whose stored ids name another area's wave (written before a rule, or by hand) counts only its own
    area's waves: nothing of another area leaks into a promise."""
    from fieldlog.promises.models import Commitment

    old = waves[0]
    theirs = make_survey(other_area, 2024)
    made = _promise_with(client, auth, supervisor, [str(old.id)]).get_json()
    with app.app_context():
        c = _db.session.get(Commitment, uuid.UUID(made["commitments"][2]["id"]))
        c.survey_ids = [str(old.id), str(theirs.id)]
        _db.session.commit()
    doc = client.get(f"{URL}/{made['id']}/progress", headers=auth(supervisor)).get_json()
    assert [w["survey_id"] for w in doc["commitments"][2]["progress"]["waves"]] == [str(old.id)]


def test_form_offers_the_area_waves_and_saves_the_chosen(client, login, supervisor, waves, db, make_survey, other_area):
    old, running, ahead = waves
    theirs = make_survey(other_area, 2023)
    login("sven")
    page = client.get(NEW).get_data(as_text=True)
    assert "Trygghetsundersökning: omgångarna som räknas" in page
    for wave in waves:
        assert f'name="c-2-survey_ids" value="{wave.id}"' in page
    assert str(theirs.id) not in page
    assert "2024 (Stängd)" in page and "2025 (Öppen nu)" in page and "2026 (Inte öppen än)" in page
    rows = [
        {"title": "Närvaro", "kind": "presence"},
        {"title": "Lektioner", "kind": "activities", "activity_types": "school_session", "target_count": "4"},
        {"title": "Trygghetsundersökning", "kind": "survey", "survey_ids": [str(old.id), str(running.id)]},
    ]
    response = client.post(NEW, data=form(csrf_token(client, NEW), rows=rows))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    promise = db.session.scalars(select(Promise)).one()
    assert promise.commitments[2].survey_ids == [str(old.id), str(running.id)]
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    # The waves in plain Swedish on the promise's page, with their state and figures (decimal comma, no share < 10).
    assert "Trygghetsundersökning 2024 (Stängd): 24 svar; 68 % känner sig trygga ute ensamma sent en kväll." in (
        detail.replace("\xa0", " ")
    )
    assert "Trygghetsundersökning 2025 (Öppen nu): 7 svar; ingen andel förrän 10 har svarat." in detail
    # Each wave leads to its results and to its places against presence.
    assert f'href="/supervisor/surveys/{old.id}/results">Resultat 2024</a>' in detail
    assert f'href="/supervisor/surveys/{running.id}/places">Platser och närvaro 2025</a>' in detail
    # The edit form shows the chosen waves ticked.
    edit = client.get(f"/supervisor/promises/{promise.id}/edit").get_data(as_text=True)
    assert f'value="{old.id}" checked' in edit and f'value="{ahead.id}" checked' not in edit
    # Fields of another kind in a survey row are ignored: a survey id posted with a presence row is not refused.
    data = form(csrf_token(client, NEW), rows=[{"title": "Närvaro", "kind": "presence", "survey_ids": str(old.id)}])
    data["title"] = "Ett annat löfte"
    data["published"] = ""
    assert client.post(NEW, data=data).status_code == 303


def test_form_refuses_another_area_wave_naming_the_row(client, login, supervisor, waves, make_survey, other_area):
    theirs = make_survey(other_area, 2023)
    login("sven")
    rows = [{"title": "Trygghetsundersökning", "kind": "survey", "survey_ids": [str(theirs.id)]}]
    response = client.post(NEW, data=form(csrf_token(client, NEW), rows=rows))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="c-0-survey_ids-error"' in html and "Ingen sådan trygghetsundersökning i området." in html


def test_promise_without_waves_says_no_survey_yet(client, auth, supervisor, waves, login):
    made = _promise_with(client, auth, supervisor, []).get_json()
    doc = client.get(f"{URL}/{made['id']}/progress", headers=auth(supervisor)).get_json()
    assert doc["commitments"][2]["progress"] == {"waves": []}
    login("sven")
    detail = client.get(f"/supervisor/promises/{made['id']}").get_data(as_text=True)
    assert "Ingen undersökning ännu." in detail


def test_as_of_date_does_not_change_wave_figures(app, client, auth, supervisor, waves):
    """The progress of a survey is its waves as they stand: a past ``as_of`` does not hide answers."""
    from fieldlog.promises.progress import progress

    made = _promise_with(client, auth, supervisor, [str(waves[0].id)]).get_json()
    with app.app_context():
        promise = _db.session.get(Promise, uuid.UUID(made["id"]))
        doc = progress(promise, date(2026, 2, 1))
    assert doc["commitments"][2]["progress"]["waves"][0]["responses"] == 24
