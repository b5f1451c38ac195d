"""The respondent's page (SPEC §7): ``/survey/<area_slug>/<year>``, public, no account, Swedish by default.

The form works without JavaScript: one radio group per question, the ten problems as a compact list, and the places
chosen among the area's public hot spots (each with when and why). With JavaScript and map tiles the named list gives
way to a map where the resident taps up to five marks (``static/js/survey/respond.js``); both post the same form.
Everything is stored by ``surveys.services.store_response``, the one way in for the web form, the API and the kiosk.

What the page keeps about the respondent, and why:
- the session cookie (CSRF token, the chosen language, a valid access code in ``codes`` mode) — unlike /public, this
  page posts a form;
- a random per-browser id (``surveys.browser``, the JSON API's too): "one response per browser" in ``open`` mode;
  the service stores it hashed, never linked to the answer;
- the time the form was shown, as a value signed with the app's secret (``started`` in the form): the timing check
  (a response filled in under 5 s is ``suspect``) cannot be trusted to a value the client could set. A missing or
  forged value counts as "shown just now", so stripping it makes a response look automated rather than hiding it.
  It is signed rather than kept in the session so that reloading the page or a second tab does not reset it.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, datetime

from babel.dates import format_date, format_time, get_timezone
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale, pgettext
from flask_wtf.csrf import CSRFError, validate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from wtforms import ValidationError as CSRFValidationError

from fieldlog.api.messages import translate
from fieldlog.areas.models import Area
from fieldlog.db import utcnow
from fieldlog.errors import Conflict, Invalid
from fieldlog.extensions import csrf, db
from fieldlog.hotspots.models import HotSpot
from fieldlog.surveys import questionnaire as qn
from fieldlog.surveys import throttle
from fieldlog.surveys.browser import browser_token, set_browser_cookie
from fieldlog.surveys.models import Survey, SurveyBrowser, SurveyCode
from fieldlog.surveys.services import (
    BROWSER_COOKIE,
    HONEYPOT_FIELD,
    AlreadyAnswered,
    CodeUsed,
    InvalidCode,
    SurveyClosed,
    code_hash,
    normalize_code,
    sha256,
    store_response,
)


def _p(text: str, **values) -> str:
    return pgettext("survey pages", text, **values)


bp = Blueprint("survey", __name__, url_prefix="/survey")

STARTED_SALT = "fieldlog.survey.started"
# More mark rows than allowed are read (and refused by the service, which names the rule); beyond this, ignored.
MARK_ROWS_READ = 20
YEARS = range(1900, 10000)


# -- finding the wave --------------------------------------------------------------------------------------------------


def _survey_or_404(slug: str, year: int) -> Survey:
    if year not in YEARS or len(slug) > 64:
        abort(404)
    survey = db.session.scalar(
        select(Survey).join(Area, Area.id == Survey.area_id).where(Area.slug == slug, Survey.year == year)
    )
    if survey is None:
        abort(404)
    return survey


def _public_spots(survey: Survey) -> list[HotSpot]:
    """The named places a respondent may pick without a map: the area's public, live hot spots."""
    stmt = (
        select(HotSpot)
        .where(HotSpot.area_id == survey.area_id, HotSpot.public.is_(True), HotSpot.deleted.is_(False))
        .order_by(HotSpot.name)
    )
    return list(db.session.scalars(stmt))


# -- the respondent's cookies and the signed start time ----------------------------------------------------------------


def _browser_token() -> str:
    """This browser's random id (``surveys.browser``, shared with the JSON API): the one it sent, else a new one that
    ``_with_browser_cookie`` gives it."""
    return browser_token(request)[0]


def _with_browser_cookie(response, token: str):
    if request.cookies.get(BROWSER_COOKIE) != token:
        secure = bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure
        set_browser_cookie(response, token, secure)
    # Answers, codes and tokens are this respondent's: no cache may keep or share the page.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=STARTED_SALT)


def started_token(survey: Survey) -> str:
    return _serializer().dumps(str(survey.id))


def started_at(survey: Survey, token: str, now: datetime) -> datetime:
    """When the form was first shown, from its signed value; ``now`` (zero seconds spent) when missing or forged."""
    if not token or len(token) > 200:
        return now
    try:
        payload, signed_at = _serializer().loads(token, return_timestamp=True)
    except BadSignature:
        return now
    if payload != str(survey.id):
        return now
    signed_at = signed_at if signed_at.tzinfo else signed_at.replace(tzinfo=UTC)
    return min(signed_at, now)


# -- the questionnaire as the form shows it ----------------------------------------------------------------------------


def questionnaire(name: str = "core-1") -> dict:
    """The wave's questionnaire in the current language (``surveys.questionnaire.describe``, what the kiosk renders
    too), shaped for the template: (code, label) pairs, and the short title of each question for the error list."""
    spec = qn.QUESTIONNAIRES[name]
    described = qn.describe(spec)["questions"]

    def pairs(choices: list[dict]) -> list[tuple[str, str]]:
        return [(c["code"], c["label"]) for c in choices]

    problems, places = described["problems"], described["places"]
    titles = {"q-" + q: described[q]["text"] for q in spec.questions}
    titles.update({"q-problem-" + code: label for code, label in pairs(problems["items"])})
    return {
        "single": {
            q: {"text": described[q]["text"], "options": pairs(described[q]["answers"])} for q in spec.single_choice
        },
        "problems": {"text": problems["text"], "rows": pairs(problems["items"]), "answers": pairs(problems["answers"])},
        "places": {"text": places["text"], "max": places["max"]},
        "place_when": pairs(places["when"]["answers"]),
        "place_reasons": pairs(places["reasons"]["answers"]),
        "when_question": places["when"]["text"],
        "why_question": places["reasons"]["text"],
        "improvements": {
            "text": described["improvements"]["text"],
            "max": described["improvements"]["max_length"],
            "note": described["improvements"]["note"],
        },
        "titles": titles,
    }


def answers_from_form(form, spot_ids: set[str], spec: qn.Questionnaire = qn.CORE_1) -> tuple[dict, dict, dict]:
    """The posted form as ``store_response``'s answers; also what the form shows again, and the problems found
    while reading it (a coordinate that is not a number) keyed like the service's fields."""
    answers: dict = {}
    for name in spec.single_choice:
        value = form.get(name, "")
        if value:
            answers[name] = value
    problems = {p: form.get(f"problem-{p}") for p in spec.problems if form.get(f"problem-{p}")}
    if problems:
        answers["problems"] = problems
    improvements = form.get("improvements", "").strip()
    if improvements:
        answers["improvements"] = improvements
    errors: dict[str, list[str]] = {}
    places: list[dict] = []
    marks: list[dict] = []
    picked: dict[str, dict] = {}
    if form.get("places_mode") == "map":
        for n in sorted(_mark_rows(form)):
            lat, lon = _coordinate(form.get(f"mark-{n}-lat")), _coordinate(form.get(f"mark-{n}-lon"))
            mark = {
                "when": form.get(f"mark-{n}-when") or None,
                "reasons": form.getlist(f"mark-{n}-reasons"),
            }
            if lat is None or lon is None or not -90 <= lat <= 90 or not -180 <= lon <= 180:
                errors.setdefault("places", []).append(_p("A place on the map could not be read; mark it again."))
                continue
            marks.append({"lat": lat, "lon": lon, **mark})
            places.append({"lat": lat, "lon": lon, **{k: v for k, v in mark.items() if v}})
    else:
        for spot_id in form.getlist("place"):
            if spot_id not in spot_ids or spot_id in picked:
                continue  # not a place this page offered: nothing a person could have chosen
            item = {
                "when": form.get(f"place-{spot_id}-when") or None,
                "reasons": form.getlist(f"place-{spot_id}-reasons"),
            }
            picked[spot_id] = item
            places.append({"hotspot_id": spot_id, **{k: v for k, v in item.items() if v}})
    if places:
        answers["places"] = places
    shown = dict(answers, problems=problems, picked=picked, marks=marks)
    return answers, shown, errors


def _mark_rows(form) -> set[int]:
    rows = set()
    for key in form:
        match = re.fullmatch(r"mark-(\d{1,3})-lat", key)
        if match and int(match.group(1)) < MARK_ROWS_READ:
            rows.add(int(match.group(1)))
    return rows


def _coordinate(text: str | None) -> float | None:
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _anchor(field: str) -> str:
    """The id of the question a service's field belongs to (``answers.problems.drugs`` → ``q-problem-drugs``)."""
    parts = field.split(".")
    if parts[0] == "answers":
        parts = parts[1:]
    head = parts[0] if parts else ""
    if head == "problems" and len(parts) > 1 and parts[1] in qn.PROBLEMS:
        return "q-problem-" + parts[1]
    if head in qn.QUESTIONS:
        return "q-" + head
    return "q-form"


def form_errors(fields: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for field, reasons in fields.items():
        reasons = reasons if isinstance(reasons, list | tuple) else [reasons]
        out.setdefault(_anchor(field), []).extend(translate(r) for r in reasons)
    return out


# -- dates as residents read them --------------------------------------------------------------------------------------


def local_moment(value: datetime, area: Area) -> str:
    """A moment as residents read it ("1 november 2027 kl. 00:00"), in the area's time zone: the respondent is not
    signed in, so the app's zone selection has no area to go by."""
    zone = get_timezone(area.timezone)
    locale = str(get_locale() or "sv")
    local = value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=UTC).astimezone(zone)
    return _p(
        "%(date)s at %(time)s",
        date=format_date(local.date(), "long", locale=locale),
        time=format_time(local.time(), "HH:mm", locale=locale),
    )


# -- pages -------------------------------------------------------------------------------------------------------------


def _page(template: str, survey: Survey, status: int = 200, **context):
    return render_template(
        f"surveys/{template}",
        survey=survey,
        area=survey.area,
        opens=local_moment(survey.opens_at, survey.area),
        closes=local_moment(survey.closes_at, survey.area),
        **context,
    ), status


def _code_key(survey: Survey) -> str:
    return f"survey_code:{survey.id}"


def browser_has_answered(survey: Survey, token: str) -> bool:
    """Whether this browser's id (stored hashed by ``store_response``) has answered this wave."""
    stmt = select(SurveyBrowser.survey_id).where(
        SurveyBrowser.survey_id == survey.id, SurveyBrowser.browser_hash == sha256(token)
    )
    return db.session.execute(stmt).first() is not None


def code_state(survey: Survey, code: str) -> str:
    """``valid``, ``used`` or ``invalid``: checked before the questions are shown, used up only with the answers
    (by ``store_response``, in one statement, so that two answers with one code cannot both be stored)."""
    if not normalize_code(code):
        return "invalid"
    used = db.session.scalar(
        select(SurveyCode.used).where(SurveyCode.survey_id == survey.id, SurveyCode.code_hash == code_hash(code))
    )
    return "invalid" if used is None else ("used" if used else "valid")


def _respond(template: str, survey: Survey, token: str, status: int = 200, **context):
    body, status = _page(template, survey, status, **context)
    return _with_browser_cookie(current_app.make_response((body, status)), token)


def _render_form(survey: Survey, token: str, status=200, shown=None, errors=None, response_id=None, started=None):
    spots = _public_spots(survey)
    return _respond(
        "respond.html",
        survey,
        token,
        status,
        q=questionnaire(survey.questionnaire),
        spots=spots,
        centre=_centre(survey),
        tiles=current_app.config.get("TILE_URL") or "",
        shown=shown or {"problems": {}, "picked": {}, "marks": []},
        errors=errors or {},
        response_id=response_id or str(uuid.uuid4()),
        started=started or started_token(survey),
        honeypot=HONEYPOT_FIELD,
    )


def _centre(survey: Survey) -> tuple[float, float] | None:
    """Where the map opens: the middle of the area's hot spots (public or not: only the view, nothing is named)."""
    rows = db.session.execute(
        select(HotSpot.lat, HotSpot.lon).where(HotSpot.area_id == survey.area_id, HotSpot.deleted.is_(False))
    ).all()
    if not rows:
        return None
    return (sum(r[0] for r in rows) / len(rows), sum(r[1] for r in rows) / len(rows))


def _state_page(survey: Survey, token: str, now: datetime, status: int = 200):
    """The page for a wave not open now, for a browser that has answered, or for a code still to be given; else
    None (the questions)."""
    state = survey.state(now)
    if state != "open":
        return _respond("respond_closed.html", survey, token, status, state=state)
    if survey.mode == "open" and browser_has_answered(survey, token):
        return _respond("respond_done.html", survey, token, status)
    if survey.mode == "codes" and not session.get(_code_key(survey)):
        return _respond("respond_code.html", survey, token, status, errors={}, code="")
    return None


@bp.route("/<slug>/<int:year>", methods=["GET", "POST"])
@csrf.exempt  # checked in _submit, so that an expired form comes back with its answers instead of an error page
def respond(slug: str, year: int):
    survey = _survey_or_404(slug, year)
    token = _browser_token()
    now = utcnow()
    if request.method == "GET":
        return _state_page(survey, token, now) or _render_form(survey, token)
    return _submit(survey, token, now)


def _submit(survey: Survey, token: str, now: datetime):
    throttle.check_and_count()  # per address, as the JSON API: a refused or invalid form counts too
    spec = qn.QUESTIONNAIRES[survey.questionnaire]
    spot_ids = {str(s.id) for s in _public_spots(survey)}
    answers, shown, read_errors = answers_from_form(request.form, spot_ids, spec)
    posted_started = request.form.get("started", "")
    first_shown = started_at(survey, posted_started, now)
    try:
        response_id = uuid.UUID(request.form.get("response_id", ""))
    except ValueError:
        response_id = uuid.uuid4()
    # What the form shows again: the answers, and the same response id and start time (a second send is the same
    # response, and the time spent counts from the first showing).
    keep = {"shown": shown, "response_id": str(response_id), "started": posted_started if first_shown != now else None}
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (CSRFValidationError, CSRFError):
        message = _p("The page had been open too long to send. Your answers are kept: send them again.")
        return _render_form(survey, token, 400, errors={"q-form": [message]}, **keep)
    if read_errors:
        return _render_form(survey, token, 400, errors=form_errors(read_errors), **keep)
    code = session.get(_code_key(survey)) if survey.mode == "codes" else None
    try:
        store_response(
            survey,
            response_id,
            answers,
            channel="web",
            code=code,
            browser_token=token if survey.mode == "open" else None,
            started_at=first_shown,
            honeypot=request.form.get(HONEYPOT_FIELD) or None,
            now=now,
        )
    except Invalid as e:
        errors = form_errors(e.fields) if e.fields else {"q-form": [translate(e.message)]}
        return _render_form(survey, token, 400, errors=errors, **keep)
    except SurveyClosed:
        return _state_page(survey, token, now, 409) or _respond(
            "respond_closed.html", survey, token, 409, state="closed"
        )
    except (InvalidCode, CodeUsed) as e:  # no code, or one used meanwhile: give the code again
        session.pop(_code_key(survey), None)
        kind = "used" if isinstance(e, CodeUsed) else "invalid"
        return _respond("respond_code.html", survey, token, e.status, errors={"code": [_code_message(kind)]}, code="")
    except AlreadyAnswered:
        return _respond("respond_done.html", survey, token, 409)
    except Conflict:  # the response id of another wave (a forged form): the form again, with a new id
        keep["response_id"] = str(uuid.uuid4())
        message = _p("Your answers could not be stored. Send them again.")
        return _render_form(survey, token, 409, errors={"q-form": [message]}, **keep)
    session.pop(_code_key(survey), None)
    response = redirect(url_for("survey.thanks", slug=survey.area.slug, year=survey.year), 303)
    return _with_browser_cookie(response, token)


def _code_message(state: str) -> str:
    if state == "used":
        return _p("This code has already been used. Each code can be used once.")
    if state == "empty":
        return _p("Type the code from your letter.")
    return _p("We do not recognise that code. Check it against your letter and try again.")


@bp.post("/<slug>/<int:year>/code")
def code(slug: str, year: int):
    """``codes`` mode: the access code from the letter, checked before the questions and used up only with the
    answers. Kept in the session, never in an address (addresses end up in logs)."""
    survey = _survey_or_404(slug, year)
    token = _browser_token()
    throttle.check_and_count()  # guessing codes is throttled like posting answers
    if survey.mode != "codes" or survey.state(utcnow()) != "open":
        return _with_browser_cookie(redirect(url_for("survey.respond", slug=slug, year=year), 303), token)
    text = request.form.get("code", "").strip()[:64]
    state = code_state(survey, text) if text else "empty"
    if state != "valid":
        status = {"empty": 400, "used": 409}.get(state, 403)
        return _respond("respond_code.html", survey, token, status, errors={"code": [_code_message(state)]}, code=text)
    session[_code_key(survey)] = text
    return _with_browser_cookie(redirect(url_for("survey.respond", slug=slug, year=year), 303), token)


@bp.get("/<slug>/<int:year>/thanks")
def thanks(slug: str, year: int):
    survey = _survey_or_404(slug, year)
    return _respond("respond_thanks.html", survey, _browser_token())
