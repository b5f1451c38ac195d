"""Storing a survey response — the one path for every channel (the respondent's form, the JSON API, the kiosk's
push) — and what guards it: exactly once, open or closed, single-use codes, one response per browser, the answers'
codes, and the marks of a response that looks automated.

Services change data and only flush; the request (or the push) commits.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError

from fieldlog import scope
from fieldlog.audit import services as audit
from fieldlog.auth.models import User
from fieldlog.db import utcnow
from fieldlog.errors import Conflict, Forbidden, Invalid, NotFound, StaleRevision
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.surveys.models import Survey, SurveyBrowser, SurveyCode, SurveyMark, SurveyResponse
from fieldlog.surveys.questionnaire import QUESTIONNAIRES, Questionnaire

# The anti-abuse marks (SPEC §7): kept, but marked ``suspect`` with these reasons.
HONEYPOT, TOO_FAST, BURST = "honeypot", "too_fast", "burst"
# The form's hidden field a person never fills in (the page and the JSON API use this name).
HONEYPOT_FIELD = "website"
# Filled in faster than this → too fast for a person.
MIN_SECONDS = 5
# A burst: more than SURVEY_BURST_RESPONSES responses to the same wave from the web and the API (kiosks excluded: a
# stall uploads its evening at once) within SURVEY_BURST_SECONDS before this one (config.py). A small town's wave gets
# a few an hour; a burst of that size is a script.
# The cookie that tells a browser's second response from a first (open waves); its value is random, stored hashed.
BROWSER_COOKIE = "fieldlog_survey"
# A kiosk's late upload (SPEC §7 Kiosk): answers given while the wave was open (the push's ``answered_at``) are taken
# up to SURVEY_KIOSK_UPLOAD_DAYS after it closed (config.py) — a school evening on the last day uploads the next
# morning, a device out of signal a while later. The clock skew allowed is the visits' own (VISIT_MAX_FUTURE_MINUTES).


class SurveyClosed(Conflict):
    """The wave is not open (not yet, or no longer)."""

    code = "survey_closed"


class InvalidCode(Forbidden):
    """No such access code for this wave."""

    code = "invalid_code"


class CodeUsed(Conflict):
    """The access code has answered already."""

    code = "code_used"


class AlreadyAnswered(Conflict):
    """This browser has answered this open wave already."""

    code = "already_answered"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalize_code(code: str) -> str:
    """A code as typed from a letter: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return sha256(normalize_code(code))


def stored_body(response_id: uuid.UUID) -> dict:
    return {"response_id": str(response_id), "status": "stored"}


def store_response(
    survey: Survey,
    response_id: uuid.UUID,
    answers: Mapping,
    *,
    channel: str,
    code: str | None = None,
    browser_token: str | None = None,
    started_at: datetime | None = None,
    honeypot: str | None = None,
    now: datetime | None = None,
    answered_at: datetime | None = None,
) -> tuple[int, dict]:
    """Stores one response exactly once → ``(201, body)``; the same ``response_id`` again → ``(200, body)``.

    Raises ``SurveyClosed``, ``InvalidCode``, ``CodeUsed``, ``AlreadyAnswered`` (an open wave, a browser that has
    answered: ``browser_token`` is its cookie value; None — the kiosk — skips the check) and ``Invalid`` naming the
    question (``answers.problems.drugs``). ``answered_at`` (a kiosk's: when the resident finished) lets answers given
    while the wave was open come after it closed (``check_open``); it is not stored.
    """
    now = now or utcnow()
    body = stored_body(response_id)
    if _replay(survey, response_id):
        return 200, body
    check_open(survey, now, answered_at if channel == "kiosk" else None)
    values, marks = validate_answers(survey, answers)
    reasons = _suspect_reasons(survey, channel, started_at, honeypot, now)
    try:
        with db.session.begin_nested():
            if survey.mode == "codes":
                _use_code(survey, code)
            elif browser_token is not None:
                db.session.add(SurveyBrowser(survey_id=survey.id, browser_hash=sha256(browser_token)))
                db.session.flush()
            response = SurveyResponse(
                id=response_id,
                survey_id=survey.id,
                channel=channel,
                suspect=bool(reasons),
                suspect_reasons=reasons,
                created_at=now,
                **values,
            )
            response.marks = [SurveyMark(survey_id=survey.id, **mark) for mark in marks]
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        # A concurrent request stored the same response, or the same browser answered meanwhile.
        if _replay(survey, response_id):
            return 200, body
        if browser_token is not None and survey.mode == "open":
            raise AlreadyAnswered("This browser has already answered the survey.") from None
        raise
    return 201, body


def check_open(survey: Survey, now: datetime, answered_at: datetime | None = None) -> None:
    """``SurveyClosed`` unless the wave takes a response now. Without ``answered_at``: the wave must be open now. With
    it (a kiosk's upload): answered while the wave was open (``opens_at <= answered_at < closes_at``), not ahead of
    the server's clock beyond the skew the visits allow, and uploaded within ``SURVEY_KIOSK_UPLOAD_DAYS`` of the close.
    When ``answered_at`` is the reason, the error names it."""
    if answered_at is None:
        if survey.state(now) != "open":
            raise SurveyClosed("The survey is not open.")
        return
    config = current_app.config
    skew = int(config["VISIT_MAX_FUTURE_MINUTES"])
    days = int(config["SURVEY_KIOSK_UPLOAD_DAYS"])
    if answered_at > now + timedelta(minutes=skew):
        reason = f"More than {skew} minutes ahead of the server's clock."
    elif answered_at < survey.opens_at:
        reason = "Before the survey opened."
    elif answered_at >= survey.closes_at:
        reason = "After the survey closed."
    elif now >= survey.closes_at + timedelta(days=days):
        raise SurveyClosed("The survey closed too long ago to take late answers.")
    else:
        return
    raise SurveyClosed("The survey was not open when the answers were given.", {"answered_at": [reason]})


def _replay(survey: Survey, response_id: uuid.UUID) -> bool:
    stored = db.session.execute(
        select(SurveyResponse.survey_id).where(SurveyResponse.id == response_id)
    ).scalar_one_or_none()
    if stored is None:
        return False
    if stored != survey.id:
        # A response_id is the client's random UUID: the same one in another wave is a client's bug, not a replay.
        raise Conflict("This response_id belongs to another survey.")
    return True


def _use_code(survey: Survey, code: str | None) -> None:
    """Marks the code used in one statement (two requests with the same code cannot both succeed)."""
    if not code or not normalize_code(code):
        raise InvalidCode("A valid access code is required.")
    digest = code_hash(code)
    used = db.session.execute(
        sql_update(SurveyCode)
        .where(SurveyCode.survey_id == survey.id, SurveyCode.code_hash == digest, SurveyCode.used.is_(False))
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount == 1:
        return
    exists = db.session.execute(
        select(SurveyCode.id).where(SurveyCode.survey_id == survey.id, SurveyCode.code_hash == digest)
    ).first()
    if exists:
        raise CodeUsed("The access code has already been used.")
    raise InvalidCode("A valid access code is required.")


def _suspect_reasons(
    survey: Survey, channel: str, started_at: datetime | None, honeypot: str | None, now: datetime
) -> list[str]:
    """Why a response looks automated (SPEC §7). A kiosk's responses are collected face to face: never suspect."""
    if channel == "kiosk":
        return []
    reasons = []
    if honeypot:
        reasons.append(HONEYPOT)
    # A start in the future is a wrong clock, not a fast hand: no mark (a script can send any time anyway).
    if started_at is not None and 0 <= (now - started_at).total_seconds() < MIN_SECONDS:
        reasons.append(TOO_FAST)
    limit = current_app.config["SURVEY_BURST_RESPONSES"]
    seconds = current_app.config["SURVEY_BURST_SECONDS"]
    recent = db.session.execute(
        select(func.count())
        .select_from(SurveyResponse)
        .where(
            SurveyResponse.survey_id == survey.id,
            SurveyResponse.channel != "kiosk",
            SurveyResponse.created_at > now - timedelta(seconds=seconds),
        )
    ).scalar_one()
    if recent >= limit:
        reasons.append(BURST)
    return reasons


# --- the answers ---------------------------------------------------------------------------------------------------

UNKNOWN_ANSWER = "Unknown answer code."
UNKNOWN_QUESTION = "Unknown question."


def validate_answers(survey: Survey, answers: Mapping) -> tuple[dict, list[dict]]:
    """The response's columns and its marks, or ``Invalid`` with every wrong answer named by its path
    (``answers.evening_safety``, ``answers.problems.drugs``, ``answers.places.2.lat``)."""
    questionnaire: Questionnaire = QUESTIONNAIRES[survey.questionnaire]
    errors: dict[str, list[str]] = {}
    if not isinstance(answers, Mapping):
        raise Invalid("The answers are not valid.", {"answers": ["Not a valid mapping type."]})
    values: dict = {question: None for question in questionnaire.single_choice}
    values["problems"] = {}
    values["improvements"] = ""
    marks: list[dict] = []
    for question, answer in answers.items():
        path = f"answers.{question}"
        if question in questionnaire.single_choice:
            if answer is not None and (
                not isinstance(answer, str) or answer not in questionnaire.single_choice[question]
            ):
                errors[path] = [UNKNOWN_ANSWER]
            else:
                values[question] = answer
        elif question == "problems":
            values["problems"] = _problems(questionnaire, answer, errors)
        elif question == "places":
            marks = _places(survey, questionnaire, answer, errors)
        elif question == "improvements":
            if answer is None:
                continue
            if not isinstance(answer, str):
                errors[path] = ["Not a valid string."]
            elif len(answer) > questionnaire.improvements_max:
                errors[path] = [f"Longer than maximum length {questionnaire.improvements_max}."]
            elif "\x00" in answer:
                errors[path] = ["Invalid value."]
            else:
                values["improvements"] = answer.strip()
        else:
            errors[path if isinstance(question, str) else "answers"] = [UNKNOWN_QUESTION]
    if errors:
        raise Invalid("The answers are not valid.", errors)
    return values, marks


def _problems(questionnaire: Questionnaire, answer, errors: dict) -> dict:
    if answer is None:
        return {}
    if not isinstance(answer, Mapping):
        errors["answers.problems"] = ["Not a valid mapping type."]
        return {}
    out = {}
    for problem, value in answer.items():
        path = f"answers.problems.{problem}"
        if problem not in questionnaire.problems:
            errors[path] = [UNKNOWN_QUESTION]
        elif value is None:
            continue
        elif not isinstance(value, str) or value not in questionnaire.problem_answers:
            errors[path] = [UNKNOWN_ANSWER]
        else:
            out[problem] = value
    return out


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _places(survey: Survey, questionnaire: Questionnaire, answer, errors: dict) -> list[dict]:
    if answer is None:
        return []
    if not isinstance(answer, list):
        errors["answers.places"] = ["Not a valid list."]
        return []
    if len(answer) > questionnaire.max_places:
        errors["answers.places"] = [f"At most {questionnaire.max_places}."]
        return []
    marks = []
    for i, place in enumerate(answer):
        path = f"answers.places.{i}"
        if not isinstance(place, Mapping):
            errors[path] = ["Not a valid mapping type."]
            continue
        mark = {"when": None, "reasons": [], "hotspot_id": None}
        for key in place:
            if key not in ("lat", "lon", "when", "reasons", "hotspot_id"):
                errors[f"{path}.{key}"] = ["Unknown field."]
        when = place.get("when")
        if when is not None and when not in questionnaire.place_when:
            errors[f"{path}.when"] = [UNKNOWN_ANSWER]
        mark["when"] = when
        reasons = place.get("reasons") or []
        if not isinstance(reasons, list) or any(
            not isinstance(r, str) or r not in questionnaire.place_reasons for r in reasons
        ):
            errors[f"{path}.reasons"] = [UNKNOWN_ANSWER]
        else:
            mark["reasons"] = list(dict.fromkeys(reasons))
        if place.get("hotspot_id") is not None:
            hotspot = _named_place(survey, place["hotspot_id"])
            if hotspot is None:
                errors[f"{path}.hotspot_id"] = ["Unknown hot spot."]
                continue
            mark.update(hotspot_id=hotspot.id, lat=hotspot.lat, lon=hotspot.lon)
        else:
            for key, limit in (("lat", 90), ("lon", 180)):
                number = _number(place.get(key))
                if key not in place or place[key] is None:
                    errors[f"{path}.{key}"] = ["Missing data for required field."]
                elif number is None or not -limit <= number <= limit:
                    errors[f"{path}.{key}"] = [
                        f"Must be greater than or equal to {-limit} and less than or equal to {limit}."
                    ]
                else:
                    mark[key] = number
        marks.append(mark)
    return marks


def _named_place(survey: Survey, value) -> HotSpot | None:
    """A hot spot the respondent may pick without the map: one of the wave's area's public, live hot spots."""
    try:
        hotspot_id = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None
    hotspot = db.session.get(HotSpot, hotspot_id)
    if hotspot is None or hotspot.area_id != survey.area_id or hotspot.deleted or not hotspot.public:
        return None
    return hotspot


def get_survey(survey_id) -> Survey:
    """A wave by id, or ``NotFound`` (for any malformed id too)."""
    try:
        survey_id = survey_id if isinstance(survey_id, uuid.UUID) else uuid.UUID(str(survey_id))
    except ValueError:
        raise NotFound("No such survey.") from None
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise NotFound("No such survey.")
    return survey


# --- waves (supervisor of the area; admin with ?area=) ------------------------------------------------------------


def _utc(data: Mapping) -> dict:
    """The times as UTC (as they are stored and read back)."""
    return {k: (v.astimezone(UTC) if k in ("opens_at", "closes_at") else v) for k, v in data.items()}


SURVEY_FIELDS = ("year", "title", "opens_at", "closes_at", "mode", "questionnaire", "published", "target_responses")
TAKEN_YEAR = "The area already has a survey that year: one wave per area and year."
TAKEN_YEAR_FIELD = "The area already has a survey that year."
# What a wave keeps once it has responses: its answers would no longer compare or check out.
FIXED_ONCE_ANSWERED = ("mode", "questionnaire")


def _supervising(user: User) -> None:
    if user.role not in ("supervisor", "admin"):
        raise Forbidden("Your role may not do this.")


def list_for(user: User, slug: str | None = None) -> list[Survey]:
    """The waves of the user's area (an officer's too: the kiosk offers the open ones); an admin's of the area named,
    or of every area."""
    area = scope.read_area(user, slug, all_for_admin=True)
    stmt = select(Survey).order_by(Survey.year.desc(), Survey.opens_at.desc())
    if area is not None:
        stmt = stmt.where(Survey.area_id == area.id)
    return list(db.session.scalars(stmt))


def get_for(user: User, survey_id: uuid.UUID, slug: str | None = None) -> Survey:
    """A wave within the user's reach; ``NotFound`` for one outside their area (or outside the area an admin names),
    so that nothing of it shows. Naming another area than one's own is ``Forbidden``."""
    survey = scope.get_record(user, Survey, survey_id, "No such survey.")
    if slug is not None and scope.read_area(user, slug).id != survey.area_id:
        raise NotFound("No such survey.")
    return survey


def snapshot(survey: Survey) -> dict:
    """The wave as the audit log keeps it."""
    return {
        "year": survey.year,
        "title": survey.title,
        "opens_at": survey.opens_at.isoformat(),
        "closes_at": survey.closes_at.isoformat(),
        "mode": survey.mode,
        "questionnaire": survey.questionnaire,
        "published": bool(survey.published),
        "target_responses": survey.target_responses,
        "rev": survey.rev,
    }


def _one_per_year(area_id: int, year: int, other_than: uuid.UUID | None) -> None:
    stmt = select(Survey.id).where(Survey.area_id == area_id, Survey.year == year)
    if other_than is not None:
        stmt = stmt.where(Survey.id != other_than)
    if db.session.scalar(stmt) is not None:
        raise Conflict(TAKEN_YEAR, {"year": [TAKEN_YEAR_FIELD]})


def _flush_unique(area_id: int, year: int) -> None:
    """Flush; a concurrent wave of the same area and year (the unique constraint) is the same Conflict."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(TAKEN_YEAR, {"year": [TAKEN_YEAR_FIELD]}) from None


def create(user: User, data: Mapping, area_slug: str | None = None) -> Survey:
    """A new wave in the body's ``area`` (an admin's; unknown: an invalid field), else ``?area=``, else the
    supervisor's own. One per area and year (``Conflict``)."""
    _supervising(user)
    data = _utc(data)
    body_area = data.pop("area", None)
    area = scope.write_area(user, body_area) if body_area is not None else scope.read_area(user, area_slug)
    _one_per_year(area.id, data["year"], None)
    now = utcnow()
    survey = Survey(area=area, rev=1, created_at=now, updated_at=now, mode="open", questionnaire="core-1")
    for name in SURVEY_FIELDS:
        if name in data:
            setattr(survey, name, data[name])
    survey.published = bool(data.get("published", False))
    db.session.add(survey)
    _flush_unique(area.id, survey.year)
    audit.record(user, "survey", survey.id, "create", None, snapshot(survey))
    return survey


def check_rev(survey: Survey, expected_rev: int) -> None:
    if survey.rev != expected_rev:
        raise StaleRevision("The survey was changed meanwhile. Reload it and try again.", survey.rev)


def has_responses(survey: Survey) -> bool:
    first = select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id).limit(1)
    return db.session.scalar(first) is not None


def update(user: User, survey: Survey, data: Mapping, expected_rev: int) -> Survey:
    """Change a wave (``If-Match``: its rev). The period is checked with the stored times; the mode and the
    questionnaire stay once it has responses."""
    _supervising(user)
    check_rev(survey, expected_rev)
    data = _utc(data)
    opens_at, closes_at = data.get("opens_at", survey.opens_at), data.get("closes_at", survey.closes_at)
    if closes_at <= opens_at:
        raise Invalid("The survey is not valid.", {"closes_at": ["Must be after opens_at."]})
    changed = [name for name in FIXED_ONCE_ANSWERED if name in data and data[name] != getattr(survey, name)]
    if changed and has_responses(survey):
        raise Conflict(
            "The survey has responses: its mode and questionnaire can no longer change.",
            {name: ["Fixed once the survey has responses."] for name in changed},
        )
    if "year" in data and data["year"] != survey.year:
        _one_per_year(survey.area_id, data["year"], survey.id)
    before = snapshot(survey)
    for name in SURVEY_FIELDS:
        if name in data:
            setattr(survey, name, data[name])
    after = snapshot(survey)
    if after == before:
        return survey
    survey.rev += 1
    survey.updated_at = utcnow()
    _flush_unique(survey.area_id, survey.year)
    audit.record(user, "survey", survey.id, "update", before, snapshot(survey))
    return survey


def same_answers(response: SurveyResponse, survey: Survey, answers: Mapping) -> bool:
    """Whether ``answers`` are the ones stored (push rule 3: a resent create is "the same"); invalid ones are not."""
    try:
        values, marks = validate_answers(survey, answers)
    except Invalid:
        return False
    if any(getattr(response, name) != value for name, value in values.items()):
        return False
    stored = [
        {"when": m.when, "reasons": list(m.reasons), "hotspot_id": m.hotspot_id, "lat": m.lat, "lon": m.lon}
        for m in sorted(response.marks, key=lambda m: m.id)
    ]
    return stored == marks
