"""The supervisor's survey pages (SPEC §7): the area's waves with their state, responses against the target and the
address to share; the form that creates or edits a wave.

Forms are plain HTML posted with the CSRF token. Times are typed in the area's time zone and stored in UTC. The rules
(one wave per area and year, the period, the mode) are the API's: the same schema and service functions
(``surveys.schemas``, ``surveys.services``), so a page and a program cannot disagree. A save over someone else's
change is refused with "changed meanwhile", the user's values kept in the form.

The results and places pages are survey-results' (``/supervisor/surveys/<id>/results`` and ``…/places``): linked
by their addresses here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_pgettext, pgettext
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import func, select

from fieldlog import scope
from fieldlog.api.errors import normalise_fields
from fieldlog.api.messages import translate
from fieldlog.errors import Conflict, Invalid, StaleRevision
from fieldlog.extensions import db
from fieldlog.periods import today_in
from fieldlog.supervisor.access import supervisor_required
from fieldlog.supervisor.pages import area_or_404
from fieldlog.surveys import services
from fieldlog.surveys.models import MODES, Survey, SurveyResponse
from fieldlog.surveys.schemas import SurveyInputSchema, SurveyPatchSchema


def _p(text: str, **values) -> str:
    return pgettext("survey pages", text, **values)


bp = Blueprint("surveys", __name__, url_prefix="/supervisor/surveys")

STATE_LABELS = {
    "draft": lazy_pgettext("survey pages", "not open yet"),
    "open": lazy_pgettext("survey pages", "open"),
    "closed": lazy_pgettext("survey pages", "closed"),
}
MODE_LABELS = {
    "open": lazy_pgettext("survey pages", "Open: anyone with the link"),
    "codes": lazy_pgettext("survey pages", "Codes: single-use codes on letters to a sample"),
}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


def _area_args(area) -> dict:
    """The ``?area=`` an admin's links keep."""
    return {"area": area.slug} if current_user.role == "admin" else {}


def _survey_or_404(survey_id: uuid.UUID) -> Survey:
    """The wave, if within the user's reach (fieldlog.scope): else the 404 page, revealing nothing."""
    return scope.get_record(current_user, Survey, survey_id, "No such survey.")


def _counts(survey_ids: list) -> dict:
    """Responses per wave: all of them, and how many of those look automated."""
    if not survey_ids:
        return {}
    rows = db.session.execute(
        select(
            SurveyResponse.survey_id,
            func.count(),
            func.count().filter(SurveyResponse.suspect.is_(True)),
        )
        .where(SurveyResponse.survey_id.in_(survey_ids))
        .group_by(SurveyResponse.survey_id)
    )
    return {sid: {"responses": n, "suspect": s} for sid, n, s in rows}


def public_url(survey: Survey) -> str:
    return url_for("survey.respond", slug=survey.area.slug, year=survey.year, _external=True)


@bp.get("/")
@supervisor_required
def index():
    area = area_or_404()
    waves = list(db.session.scalars(select(Survey).where(Survey.area_id == area.id).order_by(Survey.year.desc())))
    counts = _counts([w.id for w in waves])
    rows = [
        {
            "survey": w,
            "state": w.state(),
            "responses": counts.get(w.id, {}).get("responses", 0),
            "suspect": counts.get(w.id, {}).get("suspect", 0),
            "url": public_url(w),
            "opens": _local(w.opens_at, area.timezone),
            "closes": _local(w.closes_at, area.timezone),
        }
        for w in waves
    ]
    return render_template(
        "surveys/waves.html",
        area=area,
        rows=rows,
        state_labels=STATE_LABELS,
        mode_labels=MODE_LABELS,
        q=_area_args(area),
    )


# -- the form ----------------------------------------------------------------------------------------------------------


def _local(value: datetime, timezone: str) -> datetime:
    return (
        value.astimezone(ZoneInfo(timezone))
        if value.tzinfo
        else value.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    )


def _local_text(value: datetime, timezone: str) -> str:
    return _local(value, timezone).strftime(LOCAL_FORMAT)


def _parse_local(text: str, timezone: str) -> datetime | None:
    """A time typed in the area's zone (``2027-11-01T00:00``, or a day alone: its first minute) as UTC."""
    text = text.strip().replace(" ", "T")
    for fmt in (LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            naive = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if not 1900 <= naive.year <= 9999:
            return None
        return naive.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    return None


def _values_of(survey: Survey | None, area) -> dict:
    if survey is not None:
        return {
            "year": str(survey.year),
            "title": survey.title,
            "opens_at": _local_text(survey.opens_at, area.timezone),
            "closes_at": _local_text(survey.closes_at, area.timezone),
            "mode": survey.mode,
            "target_responses": "" if survey.target_responses is None else str(survey.target_responses),
            "published": survey.published,
            "rev": str(survey.rev),
        }
    year = today_in(area).year
    zone = ZoneInfo(area.timezone)
    return {
        "year": str(year),
        "title": _p("Safety survey %(area)s %(year)s", area=area.name, year=year),
        # November, as Svenljunga's surveys have run.
        "opens_at": datetime.combine(datetime(year, 11, 1), time(0, 0), zone).strftime(LOCAL_FORMAT),
        "closes_at": datetime.combine(datetime(year, 12, 1), time(0, 0), zone).strftime(LOCAL_FORMAT),
        "mode": "open",
        "target_responses": "",
        "published": False,
        "rev": "",
    }


def _posted(form) -> dict:
    return {
        "year": form.get("year", "").strip(),
        "title": form.get("title", "").strip(),
        "opens_at": form.get("opens_at", "").strip(),
        "closes_at": form.get("closes_at", "").strip(),
        "mode": form.get("mode", ""),
        "target_responses": form.get("target_responses", "").strip(),
        "published": form.get("published") == "yes",
        "rev": form.get("rev", ""),
    }


def _number(text: str):
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 10 else text  # a non-number goes to the schema, which names it


def _data(values: dict, area) -> tuple[dict, dict]:
    """The form's values as the API's input, and the problems only the page can have (a time it cannot read)."""
    errors: dict[str, list[str]] = {}
    data = {
        "year": _number(values["year"]),
        "title": values["title"],
        "mode": values["mode"],
        "target_responses": _number(values["target_responses"]),
        "published": values["published"],
    }
    for key in ("opens_at", "closes_at"):
        moment = _parse_local(values[key], area.timezone) if values[key] else None
        if moment is None:
            errors[key] = [_p("Give a date and a time, for example 2027-11-01 00:00.")]
        else:
            data[key] = moment.isoformat()
    return data, errors


def _render_form(area, survey, values: dict, errors: dict, status=200, conflict=None):
    return render_template(
        "surveys/waves_form.html",
        area=area,
        survey=survey,
        values=values,
        errors=errors,
        modes=MODES,
        mode_labels=MODE_LABELS,
        state_labels=STATE_LABELS,
        conflict=conflict,
        conflict_values=_values_of(conflict, area) if conflict else None,
        zone=area.timezone,
        q=_area_args(area),
    ), status


def _translated(fields: dict) -> dict:
    out: dict[str, list[str]] = {}
    for key, reasons in fields.items():
        out.setdefault(key.split(".")[0], []).extend(translate(r) for r in reasons)
    return out


def _save(area, survey: Survey | None):
    values = _posted(request.form)
    data, errors = _data(values, area)
    if errors:
        # Check the rest too, so that every field's problem shows at once.
        try:
            (SurveyInputSchema if survey is None else SurveyPatchSchema)().load({k: v for k, v in data.items()})
        except ValidationError as e:
            for key, reasons in _translated(normalise_fields(e.messages)).items():
                errors.setdefault(key, reasons)
        return _render_form(area, survey, values, errors, 400)
    try:
        if survey is None:
            loaded = SurveyInputSchema().load(data)
            saved = services.create(current_user, loaded, area.slug if current_user.role == "admin" else None)
        else:
            loaded = SurveyPatchSchema().load(data)
            rev = values["rev"]
            saved = services.update(current_user, survey, loaded, int(rev) if rev.isdigit() else -1)
    except ValidationError as e:
        return _render_form(area, survey, values, _translated(normalise_fields(e.messages)), 400)
    except Invalid as e:
        return _render_form(area, survey, values, _translated(e.fields or {"_form": [e.message]}), 400)
    except Conflict as e:  # a second wave that year; a mode changed after the first answers
        errors = _translated(e.fields or {})
        errors["_form"] = [translate(e.message)]
        return _render_form(area, survey, values, errors, 409)
    except StaleRevision as e:
        db.session.rollback()
        current = _survey_or_404(survey.id)
        values["rev"] = str(e.rev)
        return _render_form(area, current, values, {}, 409, conflict=current)
    flash(_p("The survey “%(title)s” was saved.", title=saved.title), "info")
    return redirect(url_for("surveys.index", **_area_args(area)), 303)


@bp.route("/new", methods=["GET", "POST"])
@supervisor_required
def new():
    area = area_or_404()
    if request.method == "POST":
        return _save(area, None)
    return _render_form(area, None, _values_of(None, area), {})


@bp.route("/<uuid:survey_id>/edit", methods=["GET", "POST"])
@supervisor_required
def edit(survey_id: uuid.UUID):
    survey = _survey_or_404(survey_id)
    if request.method == "POST":
        return _save(survey.area, survey)
    return _render_form(survey.area, survey, _values_of(survey, survey.area), {})
