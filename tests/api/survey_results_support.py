"""Survey responses stored straight into the tables (the results read tables, not the path that stores them):
``add_responses`` and ``respondent``, shared by the results API tests, the pages' tests and the browser test."""

from __future__ import annotations

import uuid

from fieldlog.extensions import db


def respondent(
    evening=None,
    age=None,
    gender=None,
    lives=None,
    *,
    overall=None,
    avoids=None,
    problems=None,
    marks=(),
    suspect=False,
    improvements="",
) -> dict:
    return {
        "evening_safety": evening,
        "age_band": age,
        "gender": gender,
        "lives_in": lives,
        "overall_safety": overall,
        "avoids_places": avoids,
        "problems": problems or {},
        "marks": list(marks),
        "suspect": suspect,
        "improvements": improvements,
    }


def add_responses(app, survey, people) -> None:
    from fieldlog.surveys.models import SurveyMark, SurveyResponse

    with app.app_context():
        for person in people:
            person = dict(person)
            marks = person.pop("marks")
            response = SurveyResponse(id=uuid.uuid4(), survey_id=survey.id, channel="web", **person)
            db.session.add(response)
            for mark in marks:
                lat, lon, *rest = mark
                when = rest[0] if rest else None
                reasons = rest[1] if len(rest) > 1 else []
                db.session.add(
                    SurveyMark(survey_id=survey.id, response=response, lat=lat, lon=lon, when=when, reasons=reasons)
                )
        db.session.commit()


CANDIDATE_CENTRE = (57.5050, 13.1200)  # about 1.2 km from Torget: no hot spot there


def candidate_marks(count: int = 6, when: str = "evening", centre=CANDIDATE_CENTRE) -> list[dict]:
    """Respondents who each marked a place a few metres apart: a candidate place once there are enough of them."""
    lat, lon = centre
    return [
        respondent("fairly_unsafe", marks=[(lat + 0.0002 * (i % 3), lon + 0.0003 * (i // 3), when, ["poor_lighting"])])
        for i in range(count)
    ]


def survey_results_world(app, area) -> dict:
    """For the authorisation matrix: a wave of the area (this year's, made if the world has none) with a candidate
    place (``sr_survey``, ``sr_candidate``)."""
    from datetime import timedelta

    from sqlalchemy import select

    from fieldlog.db import utcnow
    from fieldlog.surveys.models import Survey
    from fieldlog.surveys.places import clusters, marks_of

    with app.app_context():
        now = utcnow()
        survey = db.session.scalar(select(Survey).where(Survey.area_id == area.id, Survey.year == now.year))
        if survey is None:
            survey = Survey(
                area_id=area.id, year=now.year, title="Trygghetsundersökning", opens_at=now - timedelta(days=7),
                closes_at=now + timedelta(days=7),
            )  # fmt: skip
            db.session.add(survey)
            db.session.commit()
        survey_id = survey.id
        db.session.expunge(survey)
    add_responses(app, survey, candidate_marks())
    with app.app_context():
        [candidate] = clusters(marks_of(survey_id), 5)
    return {"sr_survey": survey_id, "sr_candidate": candidate["id"]}


def demo_wave(app) -> str:
    """The demo area's latest survey wave (the demo's own, when it has one), else one made here: 40 respondents with
    marks at Torget and a candidate place. For the crawl and the 390 px layout test."""
    from datetime import timedelta

    from sqlalchemy import select

    from fieldlog.areas.models import Area
    from fieldlog.db import utcnow
    from fieldlog.surveys.models import Survey

    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.slug == "svenljunga"))
        wave = db.session.scalar(select(Survey).where(Survey.area_id == area.id).order_by(Survey.year.desc()))
        if wave is not None:
            return str(wave.id)
        now = utcnow()
        wave = Survey(
            area_id=area.id, year=now.year, title=f"Trygghetsundersökning {now.year}", opens_at=now - timedelta(days=7),
            closes_at=now + timedelta(days=7),
        )  # fmt: skip
        db.session.add(wave)
        db.session.commit()
        db.session.refresh(wave)
        db.session.expunge(wave)
    people = [respondent("very_safe", "20-34", "woman", "town", marks=[(57.4955, 13.109, "evening", ["drugs"])])] * 20
    people += [respondent("fairly_unsafe", "35-49", "man", "countryside", problems={"drugs": "big"})] * 14
    add_responses(app, wave, people + candidate_marks())
    return str(wave.id)


def first_candidate(app, wave_id: str) -> str:
    """The id of the wave's first undecided candidate place (the demo must have one: issue 13, "Demo")."""
    import uuid

    from fieldlog.surveys.models import Survey
    from fieldlog.surveys.places import candidates_of

    with app.app_context():
        found = [c for c in candidates_of(db.session.get(Survey, uuid.UUID(wave_id))) if c["decision"] is None]
    assert found, "the wave has no undecided candidate place"
    return found[0]["id"]
