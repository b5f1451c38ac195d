"""Storing a response (SPEC §7) through ``store_response``, the path every channel takes: exactly once, open or
closed, the answers' codes named when wrong, codes single use and unlinked, one response per open-wave browser, and
automated-looking responses kept but marked ``suspect``."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldlog.db import utcnow
from fieldlog.errors import Conflict, Forbidden, Invalid
from fieldlog.extensions import db as _db
from fieldlog.surveys import services
from fieldlog.surveys.models import Survey, SurveyBrowser, SurveyCode, SurveyMark, SurveyResponse
from fieldlog.surveys.questionnaire import (
    AGE_BANDS,
    ANSWER_LABELS,
    EVENING_SAFETY,
    PLACE_REASON_LABELS,
    PLACE_REASONS,
    PLACE_WHEN,
    PLACE_WHEN_LABELS,
    PROBLEM_ANSWER_LABELS,
    PROBLEM_ANSWERS,
    PROBLEM_LABELS,
    PROBLEMS,
    QUESTION_LABELS,
    QUESTIONS,
    SINGLE_CHOICE,
)

ANSWERS = {
    "evening_safety": "fairly_unsafe",
    "overall_safety": "safe",
    "problems": {"drugs": "big", "youth_disorder": "fairly_big", "graffiti": None},
    "avoids_places": "yes",
    "places": [
        {"lat": 57.4956, "lon": 13.1088, "when": "evening", "reasons": ["poor_lighting", "youth_groups"]},
        {"lat": 57.4969, "lon": 13.1042, "when": "night", "reasons": []},
    ],
    "improvements": "Bättre belysning vid busstationen.",
    "age_band": "35-49",
    "gender": "woman",
    "lives_in": "town",
}


def store(survey_id, answers=ANSWERS, response_id=None, **kwargs):
    kwargs.setdefault("channel", "api")
    survey = _db.session.get(Survey, survey_id)
    result = services.store_response(survey, response_id or uuid.uuid4(), answers, **kwargs)
    _db.session.commit()
    return result


def test_every_code_of_core_1_has_a_label_in_swedish(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert set(QUESTION_LABELS) == set(QUESTIONS)
        for question, codes in SINGLE_CHOICE.items():
            assert tuple(ANSWER_LABELS[question]) == codes
        assert tuple(PROBLEM_LABELS) == PROBLEMS and tuple(PROBLEM_ANSWER_LABELS) == PROBLEM_ANSWERS
        assert tuple(PLACE_WHEN_LABELS) == PLACE_WHEN and tuple(PLACE_REASON_LABELS) == PLACE_REASONS
        assert str(QUESTION_LABELS["evening_safety"]) == (
            "Hur trygg eller otrygg känner du dig om du går ut ensam sent en kväll i området där du bor?"
        )
        labels = [*QUESTION_LABELS.values(), *PROBLEM_LABELS.values(), *PROBLEM_ANSWER_LABELS.values()]
        labels += [label for answers in ANSWER_LABELS.values() for label in answers.values()]
        labels += [*PLACE_WHEN_LABELS.values(), *PLACE_REASON_LABELS.values()]
        untranslated = [
            label._args[-1] for label in labels if str(label) == label._args[-1] and label._args[-1] != "Man"
        ]
        assert untranslated == []


def test_a_response_is_stored_with_its_marks_once_and_a_replay_answers_the_same(db, survey):
    response_id = uuid.uuid4()
    assert store(survey.id, response_id=response_id) == (201, {"response_id": str(response_id), "status": "stored"})
    assert store(survey.id, response_id=response_id) == (200, {"response_id": str(response_id), "status": "stored"})
    [stored] = db.session.scalars(select(SurveyResponse)).all()
    assert (stored.evening_safety, stored.age_band, stored.channel, stored.suspect) == (
        "fairly_unsafe",
        "35-49",
        "api",
        False,
    )
    assert stored.problems == {"drugs": "big", "youth_disorder": "fairly_big"}
    marks = db.session.scalars(select(SurveyMark).order_by(SurveyMark.id)).all()
    assert [(m.when, m.reasons, m.survey_id) for m in marks] == [
        ("evening", ["poor_lighting", "youth_groups"], survey.id),
        ("night", [], survey.id),
    ]


def test_every_question_may_be_skipped(db, survey):
    assert store(survey.id, answers={})[0] == 201
    stored = db.session.scalars(select(SurveyResponse)).one()
    assert (stored.evening_safety, stored.problems, stored.improvements, stored.marks) == (None, {}, "", [])


@pytest.mark.parametrize("when", ["draft", "closed"])
def test_a_wave_that_is_not_open_refuses(db, make_survey, area, when):
    now = utcnow()
    times = {"draft": (now + timedelta(days=1), now + timedelta(days=9)), "closed": (now - timedelta(days=9), now)}
    survey = make_survey(area, opens_at=times[when][0], closes_at=times[when][1])
    with pytest.raises(Conflict) as error:
        store(survey.id)
    assert error.value.code == "survey_closed"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"evening_safety": "safe"}, "answers.evening_safety"),
        ({"overall_safety": 3}, "answers.overall_safety"),
        ({"problems": {"drugs": "huge"}}, "answers.problems.drugs"),
        ({"problems": {"wolves": "big"}}, "answers.problems.wolves"),
        ({"age_band": "12"}, "answers.age_band"),
        ({"favourite_colour": "blue"}, "answers.favourite_colour"),
        ({"places": [{"lat": 57.5, "lon": 13.1}] * 6}, "answers.places"),
        ({"places": [{"lat": 91, "lon": 13.1}]}, "answers.places.0.lat"),
        ({"places": [{"lat": 57.5, "lon": float("nan")}]}, "answers.places.0.lon"),
        ({"places": [{"lat": 57.5}]}, "answers.places.0.lon"),
        ({"places": [{"lat": 57.5, "lon": 13.1, "when": "noon"}]}, "answers.places.0.when"),
        (
            {"places": [{"lat": 57.5, "lon": 13.1}, {"lat": 57.5, "lon": 13.1, "reasons": ["ghosts"]}]},
            "answers.places.1.reasons",
        ),
        ({"places": [{"hotspot_id": str(uuid.uuid4())}]}, "answers.places.0.hotspot_id"),
        ({"improvements": "x" * 1001}, "answers.improvements"),
    ],
)
def test_an_unknown_answer_is_refused_naming_the_question(db, survey, answers, field):
    with pytest.raises(Invalid) as error:
        store(survey.id, answers=answers)
    assert list(error.value.fields) == [field]
    assert db.session.scalars(select(SurveyResponse)).all() == []


def test_the_longest_answers_fit(db, survey):
    answers = {"places": [{"lat": -90, "lon": 180, "when": "day", "reasons": list(PLACE_REASONS)}] * 5}
    answers["improvements"] = "å" * 1000
    answers["problems"] = dict.fromkeys(PROBLEMS, "dont_know")
    answers["evening_safety"], answers["age_band"] = EVENING_SAFETY[-1], AGE_BANDS[-1]
    assert store(survey.id, answers=answers)[0] == 201


def test_a_named_place_is_a_public_hot_spot_of_the_area_at_its_centre(db, survey, area, make_hotspot, make_area):
    public = make_hotspot(area, "Torget", public=True, lat=57.49561, lon=13.10885)
    private = make_hotspot(area, "Busstationen", public=False)
    elsewhere = make_hotspot(make_area("tranemo"), "Torget", public=True)
    assert store(survey.id, answers={"places": [{"hotspot_id": str(public.id), "when": "night"}]})[0] == 201
    mark = db.session.scalars(select(SurveyMark)).one()
    assert (mark.hotspot_id, mark.lat, mark.lon, mark.when) == (public.id, 57.49561, 13.10885, "night")
    for hidden in (private, elsewhere):
        with pytest.raises(Invalid):
            store(survey.id, answers={"places": [{"hotspot_id": str(hidden.id)}]})


def test_codes_are_single_use_stored_hashed_and_never_linked(db, make_survey, area):
    survey = make_survey(area, mode="codes")
    db.session.add(SurveyCode(survey_id=survey.id, code_hash=services.code_hash("K7QM-4XPA9R")))
    db.session.commit()
    for code, error in [(None, Forbidden), ("WRONG12345", Forbidden)]:
        with pytest.raises(error) as raised:
            store(survey.id, code=code)
        assert raised.value.code == "invalid_code"
    assert store(survey.id, code="k7qm 4xpa9r")[0] == 201  # as typed from the letter
    with pytest.raises(Conflict) as raised:
        store(survey.id, code="K7QM4XPA9R")
    assert raised.value.code == "code_used"
    code = db.session.scalars(select(SurveyCode)).one()
    assert code.used and code.code_hash != "K7QM4XPA9R"
    assert set(SurveyCode.__table__.c.keys()) == {"id", "survey_id", "code_hash", "used"}
    assert db.session.scalars(select(SurveyResponse)).one() is not None


def test_an_open_wave_takes_one_response_per_browser_stored_hashed(db, survey, make_survey, make_area):
    token = "a-random-cookie-value"
    assert store(survey.id, browser_token=token)[0] == 201
    with pytest.raises(Conflict) as raised:
        store(survey.id, browser_token=token)
    assert raised.value.code == "already_answered"
    assert store(survey.id, browser_token="another-browser")[0] == 201
    other = make_survey(make_area("tranemo"))
    assert store(other.id, browser_token=token)[0] == 201  # another wave
    hashes = db.session.scalars(select(SurveyBrowser.browser_hash)).all()
    assert token not in hashes and services.sha256(token) in hashes
    assert db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id).limit(1)) is not None


def test_a_response_that_looks_automated_is_kept_but_marked_suspect(db, survey):
    now = utcnow()
    store(survey.id, honeypot="http://spam.example", started_at=now - timedelta(seconds=2), now=now)
    store(survey.id, started_at=now - timedelta(seconds=95), now=now)
    store(survey.id, started_at=now + timedelta(minutes=2), now=now)  # a phone's clock ahead: not "too fast"
    reasons = db.session.scalars(select(SurveyResponse.suspect_reasons)).all()
    assert sorted(reasons, key=len) == [[], [], ["honeypot", "too_fast"]]


def test_a_burst_marks_the_responses_beyond_the_limit(app, db, survey):
    now = utcnow()
    limit = app.config["SURVEY_BURST_RESPONSES"]
    for i in range(limit + 2):
        store(survey.id, now=now + timedelta(seconds=i))
    flags = db.session.scalars(select(SurveyResponse.suspect).order_by(SurveyResponse.created_at)).all()
    assert flags == [False] * limit + [True, True]
    store(survey.id, now=now + timedelta(seconds=200))  # the minute after is calm again
    assert (
        db.session.scalars(select(SurveyResponse).order_by(SurveyResponse.created_at.desc())).first().suspect is False
    )


def test_a_kiosk_response_is_never_suspect(app, db, survey):
    now = utcnow()
    limit = app.config["SURVEY_BURST_RESPONSES"]
    for i in range(limit + 2):
        store(survey.id, channel="kiosk", started_at=now, now=now + timedelta(seconds=i))
    assert db.session.scalars(select(SurveyResponse.suspect)).all() == [False] * (limit + 2)


def test_the_questionnaire_describes_itself_in_the_current_language(app):
    from fieldlog.surveys.questionnaire import describe

    with app.test_request_context(headers={"Accept-Language": "sv"}):
        described = describe()
    assert described["order"] == list(QUESTIONS)
    assert set(described["questions"]) == set(QUESTIONS)
    assert described["questions"]["evening_safety"]["answers"][4] == {
        "code": "never_out",
        "label": "Går aldrig ut ensam sent",
    }
    assert [a["code"] for a in described["questions"]["problems"]["answers"]] == list(PROBLEM_ANSWERS)
    assert described["questions"]["places"]["max"] == 5


def test_a_response_id_of_another_wave_is_a_conflict_not_a_replay(db, survey, make_survey, make_area):
    other = make_survey(make_area("tranemo"))
    response_id = uuid.uuid4()
    store(survey.id, response_id=response_id)
    with pytest.raises(Conflict) as raised:
        store(other.id, response_id=response_id)
    assert raised.value.code == "conflict"
    assert db.session.scalars(select(SurveyResponse.survey_id)).all() == [survey.id]
