"""Survey results, comparison, perception against presence and candidate places (SPEC §7) through the API, on
SQLite and PostgreSQL: every figure of a small wave worked out by hand, suppression, suspects, codes mode's response
rate, snapping to hot spots and cells, the presence between two waves, candidates accepted and dismissed (audited),
and who may ask."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldlog.audit.models import AuditEntry
from fieldlog.db import utcnow
from fieldlog.hotspots.models import HotSpot
from fieldlog.surveys.models import CandidateDecision, SurveyCode
from tests.api.survey_results_support import add_responses, respondent
from tests.fixtures.util import persist

TORGET = (57.4955, 13.1090)  # the hotspot fixture's centre, radius 150 m
NEW_PLACE = (57.5050, 13.1200)  # about 1.2 km away: no hot spot


def url(survey, what="results", **query) -> str:
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/v1/surveys/{survey.id}/{what}" + (f"?{q}" if q else "")


@pytest.fixture
def wave(app, survey, hotspot):
    """40 respondents: 12 women, 25 men, 3 other; 30 feel safe in the evening."""
    people = [respondent("very_safe", "20-34", "woman", "town", overall="safe", avoids="no")] * 12
    people += [respondent("fairly_safe", "35-49", "man", "town", problems={"drugs": "big"})] * 18
    people += [respondent("fairly_unsafe", "35-49", "man", "countryside", problems={"drugs": "small"})] * 5
    people += [respondent("never_out", "65+", "man", None, problems={"drugs": "fairly_big"})] * 2
    people += [respondent(None, "65+", "other", "no_answer", avoids="yes")] * 3
    add_responses(app, survey, people)
    return survey


def test_results_worked_by_hand(client, auth, supervisor, wave):
    response = client.get(url(wave), headers=auth(supervisor))
    assert response.status_code == 200
    body = response.get_json()
    assert body["survey_id"] == str(wave.id) and body["n"] == 40 and body["withheld"] is False
    assert body["response_rate"] is None  # an open wave
    # 37 answered the evening question: 30 safe, 2 never out
    assert body["safe_share"] == round(30 / 37, 4)
    assert body["never_out_share"] == round(2 / 37, 4)
    evening = body["questions"]["evening_safety"]
    assert evening["answered"] == 37
    assert evening["counts"] == {
        "very_safe": 12, "fairly_safe": 18, "fairly_unsafe": 5, "very_unsafe": 0, "never_out": 2, "dont_know": 0,
    }  # fmt: skip
    assert evening["shares"]["fairly_unsafe"] == round(5 / 37, 4)
    # drugs: 25 answered, 18 big + 2 fairly big
    assert body["problems"]["drugs"] == round(20 / 25, 4)
    assert body["problems"]["graffiti"] is None  # nobody answered
    assert body["questions"]["problems.drugs"]["counts"]["small"] == 5
    assert body["questions"]["overall_safety"]["counts"]["safe"] == 12
    assert body["questions"]["avoids_places"]["answered"] == 15
    assert body["questions"]["avoids_places"]["shares"] == {"yes": 0.2, "no": 0.8}
    # gender: other (3) is suppressed, and so is the next smallest (women, 12): only men show
    gender = body["by_group"]["gender"]
    assert gender == {
        "woman": {"suppressed": True},
        "man": {"n": 25, "safe_share": round(18 / 25, 4)},
        "other": {"suppressed": True},
    }
    assert body["questions"]["gender"]["counts"] == {"man": 25, "no_answer": 0}
    assert body["questions"]["gender"]["suppressed"] == ["other", "woman"]
    # age: 65+ has 5: suppressed with the next smallest (20-34: 12); 35-49 shows
    age = body["by_group"]["age_band"]
    assert age["65+"] == {"suppressed": True} and age["20-34"] == {"suppressed": True}
    assert age["35-49"] == {"n": 23, "safe_share": round(18 / 23, 4)}
    assert age["13-15"] == {"n": 0, "safe_share": None}
    # lives_in: countryside (5) is suppressed, and with it the only other group, town (30): the sum shows, 35
    lives = body["questions"]["lives_in"]
    assert body["by_group"]["lives_in"] == {"town": {"suppressed": True}, "countryside": {"suppressed": True}}
    assert lives["counts"] == {"no_answer": 3} and lives["answered"] == 38
    # improvements (free text) are not part of the results
    assert "improvements" not in body["questions"]


def test_suspects_are_left_out_unless_asked_for(app, client, auth, supervisor, wave):
    add_responses(app, wave, [respondent("very_unsafe", suspect=True)] * 4)
    body = client.get(url(wave), headers=auth(supervisor)).get_json()
    assert body["n"] == 40 and body["questions"]["evening_safety"]["counts"]["very_unsafe"] == 0
    body = client.get(url(wave, include_suspect="true"), headers=auth(supervisor)).get_json()
    assert body["n"] == 44 and body["questions"]["evening_safety"]["counts"]["very_unsafe"] == 4
    assert body["include_suspect"] is True


def test_a_wave_under_ten_shows_only_n(app, client, auth, supervisor, survey, hotspot):
    add_responses(app, survey, [respondent("very_safe", "20-34", "woman", marks=[TORGET])] * 9)
    body = client.get(url(survey), headers=auth(supervisor)).get_json()
    assert body["n"] == 9 and body["withheld"] is True
    assert body["safe_share"] is None and body["questions"] == {} and body["by_group"] == {}
    assert body["places"] == {"hotspots": [], "cells": []}


def test_codes_mode_response_rate(app, client, auth, supervisor, make_survey, area):
    wave = make_survey(area, year=2019, mode="codes")
    persist(app, *[SurveyCode(survey_id=wave.id, code_hash=f"{i:064x}", used=i < 12) for i in range(48)])
    add_responses(app, wave, [respondent("very_safe")] * 12)
    body = client.get(url(wave), headers=auth(supervisor)).get_json()
    assert body["response_rate"] == 0.25


def test_places_snap_to_hot_spots_and_cells(app, client, auth, supervisor, survey, hotspot):
    lat, lon = TORGET
    near = (lat + 0.0017, lon, "evening", ["poor_lighting", "youth_groups"])  # ~189 m: within 150 + 50
    far = (lat + 0.0021, lon, "night", ["drugs"])  # ~234 m: a cell
    people = [respondent("very_safe", marks=[near, (lat, lon, "night", ["poor_lighting"])])] * 6
    people += [respondent("fairly_safe", marks=[far])] * 4
    people += [respondent("fairly_safe")] * 10
    people += [respondent("very_unsafe", marks=[(lat, lon, "day", ["other"])], suspect=True)] * 3
    add_responses(app, survey, people)
    with_suspects = client.get(url(survey, include_suspect="true"), headers=auth(supervisor)).get_json()["places"]
    assert with_suspects["hotspots"][0]["marks"] == 15 and with_suspects["hotspots"][0]["when"]["day"] == 3
    places = client.get(url(survey), headers=auth(supervisor)).get_json()["places"]
    [spot] = places["hotspots"]
    assert spot["hotspot_id"] == str(hotspot.id)
    assert spot["marks"] == 12 and spot["share"] == 0.3  # 6 of 20 respondents
    assert spot["when"] == {"day": 0, "evening": 6, "night": 6}
    assert spot["reasons"] == {"poor_lighting": 12, "youth_groups": 6}
    [cell] = places["cells"]
    assert cell["marks"] == 4 and cell["share"] == 0.2 and cell["when"]["night"] == 4
    assert cell["size_m"] == 250 and abs(cell["lat"] - far[0]) < 0.0025 and abs(cell["lon"] - far[1]) < 0.0045


def test_headline(app, survey, make_survey, area):
    from fieldlog.extensions import db
    from fieldlog.surveys.models import Survey
    from fieldlog.surveys.results import headline

    small = make_survey(area, year=2019)
    add_responses(app, survey, [respondent("very_safe")] * 7 + [respondent("very_unsafe")] * 3)
    add_responses(app, survey, [respondent("very_unsafe", suspect=True)] * 5)
    add_responses(app, small, [respondent("very_safe")] * 9)
    with app.app_context():
        waves = db.session.scalars(select(Survey)).all()
        out = headline(waves)
    assert out[survey.id] == {"responses": 10, "safe_share": 0.7}
    assert out[small.id] == {"responses": 9, "safe_share": None}


def test_compare_says_when_waves_are_not_like_for_like(app, client, auth, supervisor, wave, make_survey, area):
    before = make_survey(area, year=2019, mode="codes")
    add_responses(app, before, [respondent("very_safe")] * 5 + [respondent("very_unsafe")] * 5)
    body = client.get(url(wave, "compare", **{"with": before.id}), headers=auth(supervisor)).get_json()
    assert body["comparable"] is False
    assert body["reasons"] == [{"code": "mode", "this": "open", "other": "codes"}]
    assert body["n"] == {"this": 40, "other": 10, "difference": 30}
    assert body["safe_share"] == {"this": round(30 / 37, 4), "other": 0.5, "difference": round(30 / 37 - 0.5, 4)}
    assert body["questions"]["evening_safety"]["very_unsafe"]["difference"] == -0.5

    alike = make_survey(area, year=2018)
    add_responses(app, alike, [respondent("very_safe")] * 10)
    body = client.get(url(wave, "compare", **{"with": alike.id}), headers=auth(supervisor)).get_json()
    assert body["comparable"] is True and body["reasons"] == []


def test_compare_needs_another_wave_of_the_same_area(client, auth, supervisor, wave, make_survey, make_area):
    other_area = make_area("tranemo")
    elsewhere = make_survey(other_area, year=2019)
    for other in (elsewhere.id, uuid.uuid4(), wave.id):
        response = client.get(url(wave, "compare", **{"with": other}), headers=auth(supervisor))
        assert response.status_code == 400 and response.get_json()["error"]["fields"] == {
            "with": ["Ingen annan omgång i det här området."]
        }
    assert client.get(url(wave, "compare"), headers=auth(supervisor)).status_code == 400


def cluster(centre=NEW_PLACE, count=6, when="evening"):
    lat, lon = centre
    return [
        respondent("fairly_unsafe", marks=[(lat + 0.0002 * (i % 3), lon + 0.0003 * (i // 3), when, ["poor_lighting"])])
        for i in range(count)
    ]


def test_places_per_hot_spot_this_wave_previous_wave_and_presence_between(
    app, client, auth, supervisor, officer, make_survey, area, hotspot, make_visit, make_hotspot
):
    now = utcnow()
    previous = make_survey(
        area, year=now.year - 1, opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=370)
    )
    current = make_survey(area, opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=20))
    quiet = make_hotspot(area, "Busstationen", lat=57.4990, lon=13.1150)
    add_responses(app, previous, [respondent("very_safe", marks=[TORGET])] * 3)
    add_responses(app, current, [respondent("very_safe", marks=[TORGET, TORGET])] * 4 + cluster())
    make_visit(hotspot, officer, started_at=now - timedelta(days=30), minutes=12)
    make_visit(hotspot, officer, started_at=now - timedelta(days=20), minutes=30)
    make_visit(hotspot, officer, started_at=now - timedelta(days=1), minutes=30)  # during the wave: not between
    response = client.get(url(current, "places"), headers=auth(supervisor))
    assert response.status_code == 200
    body = response.get_json()
    assert body["previous_survey_id"] == str(previous.id)
    rows = {r["hotspot_id"]: r for r in body["hotspots"]}
    assert rows[str(hotspot.id)] | {"hot_hour_minutes": None} == {
        "hotspot_id": str(hotspot.id), "name": "Torget", "active": True, "public": False,
        "marks": 8, "previous_marks": 3, "visits": 2, "presence_minutes": 42.0, "hot_hour_minutes": None,
    }  # fmt: skip
    assert rows[str(quiet.id)]["marks"] == 0 and rows[str(quiet.id)]["visits"] == 0
    [candidate] = body["candidates"]
    assert candidate["marks"] == 6 and candidate["when"] == {"day": 0, "evening": 6, "night": 0}
    assert candidate["reasons"] == {"poor_lighting": 6}
    assert candidate["hot_hours"] == [{"days": [1, 2, 3, 4, 5, 6, 7], "from": "18:00", "to": "23:00"}]
    assert 50 <= candidate["radius_m"] <= 300 and candidate["decision"] is None
    assert abs(candidate["lat"] - NEW_PLACE[0]) < 0.001 and abs(candidate["lon"] - NEW_PLACE[1]) < 0.001
    # the same id on the next read, with one more mark in the cluster
    add_responses(app, current, cluster(count=1, when="night"))
    again = client.get(url(current, "places"), headers=auth(supervisor)).get_json()["candidates"]
    assert [c["id"] for c in again] == [candidate["id"]] and again[0]["marks"] == 7


def test_too_few_marks_or_marks_at_an_active_hot_spot_are_no_candidate(app, client, auth, supervisor, survey, hotspot):
    add_responses(app, survey, cluster(count=4) + cluster(centre=TORGET, count=8))
    assert client.get(url(survey, "places"), headers=auth(supervisor)).get_json()["candidates"] == []


def test_the_minimum_of_marks_is_configurable(app, client, auth, supervisor, survey):
    add_responses(app, survey, cluster(count=4))
    app.config["SURVEY_CANDIDATE_MIN_MARKS"] = 4
    assert len(client.get(url(survey, "places"), headers=auth(supervisor)).get_json()["candidates"]) == 1


def test_accept_makes_a_hot_spot_through_the_hot_spot_service(app, client, auth, supervisor, survey, db):
    add_responses(app, survey, cluster(when="night"))
    [candidate] = client.get(url(survey, "places"), headers=auth(supervisor)).get_json()["candidates"]
    accept = f"/api/v1/surveys/{survey.id}/candidates/{candidate['id']}/accept"
    response = client.post(
        accept, json={"name": "Parkeringen vid sporthallen", "priority": 1}, headers=auth(supervisor)
    )
    assert response.status_code == 201, response.get_json()
    spot = response.get_json()
    assert spot["name"] == "Parkeringen vid sporthallen" and spot["priority"] == 1 and spot["area"] == "svenljunga"
    assert (spot["lat"], spot["lon"], spot["radius_m"]) == (candidate["lat"], candidate["lon"], candidate["radius_m"])
    assert spot["hot_hours"] == [{"days": [1, 2, 3, 4, 5, 6, 7], "from": "22:00", "to": "04:00"}]
    assert response.headers["ETag"] == '"1"'
    stored = db.session.get(HotSpot, uuid.UUID(spot["id"]))
    assert stored is not None and stored.change_seq is not None  # stamped for the phones' pull
    audit = {(e.entity_type, e.action) for e in db.session.scalars(select(AuditEntry))}
    assert {("hotspot", "create"), ("survey_candidate", "accepted")} <= audit
    decision = db.session.scalars(select(CandidateDecision)).one()
    assert decision.hotspot_id == stored.id and decision.decided_by == supervisor.id
    # its marks now belong to the new hot spot: no candidate left, and a second accept finds none
    assert client.get(url(survey, "places"), headers=auth(supervisor)).get_json()["candidates"] == []
    assert client.post(accept, json={}, headers=auth(supervisor)).status_code == 404


def test_accept_checks_the_hot_spot_rules(app, client, auth, supervisor, survey):
    add_responses(app, survey, cluster())
    [candidate] = client.get(url(survey, "places"), headers=auth(supervisor)).get_json()["candidates"]
    accept = f"/api/v1/surveys/{survey.id}/candidates/{candidate['id']}/accept"
    response = client.post(accept, json={"priority": 7}, headers=auth(supervisor))
    assert response.status_code == 400 and "priority" in response.get_json()["error"]["fields"]
    response = client.post(accept, json={"area": "tranemo"}, headers=auth(supervisor))
    assert response.status_code == 400
    response = client.post(
        accept, json={"hot_hours": [{"days": [5, 6], "from": "21:00", "to": "21:00"}]}, headers=auth(supervisor)
    )
    assert response.status_code == 400 and "hot_hours.0.to" in response.get_json()["error"]["fields"]
    # nothing was decided: the default name is Swedish, the hot hours the body's, and the accept goes through
    hours = [{"days": [5, 6], "from": "21:00", "to": "02:00"}]
    response = client.post(accept, json={"hot_hours": hours}, headers=auth(supervisor))
    assert response.status_code == 201 and response.get_json()["name"] == f"Plats från enkäten {survey.year}"
    assert response.get_json()["hot_hours"] == hours


def test_dismiss_needs_a_reason_and_is_audited(app, client, auth, supervisor, survey, db):
    add_responses(app, survey, cluster())
    [candidate] = client.get(url(survey, "places"), headers=auth(supervisor)).get_json()["candidates"]
    dismiss = f"/api/v1/surveys/{survey.id}/candidates/{candidate['id']}/dismiss"
    assert client.post(dismiss, json={}, headers=auth(supervisor)).status_code == 400
    assert client.post(dismiss, json={"reason": "   "}, headers=auth(supervisor)).status_code == 400
    response = client.post(dismiss, json={"reason": "Privat gård, inte allmän plats"}, headers=auth(supervisor))
    assert response.status_code == 204
    [shown] = client.get(url(survey, "places"), headers=auth(supervisor)).get_json()["candidates"]
    assert shown["decision"]["decision"] == "dismissed"
    assert shown["decision"]["reason"] == "Privat gård, inte allmän plats"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "survey_candidate")).one()
    assert entry.action == "dismissed" and entry.after["reason"] == "Privat gård, inte allmän plats"
    assert client.post(dismiss, json={"reason": "igen"}, headers=auth(supervisor)).status_code == 409
    unknown = f"/api/v1/surveys/{survey.id}/candidates/0000/dismiss"
    assert client.post(unknown, json={"reason": "x"}, headers=auth(supervisor)).status_code == 404


@pytest.mark.parametrize("what", ["results", "places"])
def test_who_may_read(client, auth, make_user, area, make_area, survey, admin, officer, what):
    other = make_area("tranemo")
    stina = make_user("supervisor", other, username="stina")
    sven = make_user("supervisor", area, username="sven2")
    assert client.get(url(survey, what), headers=auth(sven)).status_code == 200
    assert client.get(url(survey, what), headers=auth(stina)).status_code == 404
    assert client.get(url(survey, what), headers=auth(officer)).status_code == 403
    assert client.get(url(survey, what, area="tranemo"), headers=auth(sven)).status_code == 403
    assert client.get(url(survey, what), headers=auth(admin)).status_code == 200
    assert client.get(url(survey, what, area="svenljunga"), headers=auth(admin)).status_code == 200
    assert client.get(url(survey, what, area="tranemo"), headers=auth(admin)).status_code == 404
    assert client.get(url(survey, what, area="nowhere"), headers=auth(admin)).status_code == 404
    assert client.get(f"/api/v1/surveys/{uuid.uuid4()}/{what}", headers=auth(sven)).status_code == 404
    assert client.get(url(survey, what)).status_code == 401
