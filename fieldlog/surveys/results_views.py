"""The supervisor's survey result pages (SPEC §7): a wave's results — headline, every question with bars that carry
their numbers, background groups with what is suppressed said in words, the places, suspects in or out, the
comparison with the previous wave — and perception against presence with the candidate places, turned into a hot
spot (a prefilled hot-spot form, one submit) or dismissed with a reason.

Everything is in tables and forms that work without JavaScript; the map only adds a picture of the same rows. The
figures are ``results``'s and ``places``'s (the API's); the rules are the services'.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from marshmallow import ValidationError
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from fieldlog.errors import Conflict, Invalid, NotFound
from fieldlog.hotspots.models import HotSpot
from fieldlog.hotspots.views import _form_errors_from
from fieldlog.supervisor.access import supervisor_required
from fieldlog.supervisor.forms import HotSpotForm
from fieldlog.supervisor.pages import tiles
from fieldlog.surveys import places, results
from fieldlog.surveys import questionnaire as q
from fieldlog.surveys.results_schemas import REASON_MAX

bp = Blueprint("survey_results", __name__, url_prefix="/supervisor/surveys")

CELLS_SHOWN = 20


class DismissForm(FlaskForm):
    reason = TextAreaField(_l("Why is this place not a hot spot?"), validators=[DataRequired(), Length(max=REASON_MAX)])


def _survey(survey_id: uuid.UUID):
    """The wave, if the user may read its results: else the 404 (another area) or 403 page (``results.survey_for``;
    an admin's page takes the wave's own area)."""
    return results.survey_for(current_user, survey_id)


def _labels() -> dict:
    return {
        "question_labels": q.QUESTION_LABELS,
        "answer_labels": q.ANSWER_LABELS,
        "problem_labels": q.PROBLEM_LABELS,
        "problem_answer_labels": q.PROBLEM_ANSWER_LABELS,
        "when_labels": q.PLACE_WHEN_LABELS,
        "reason_labels": q.PLACE_REASON_LABELS,
        "codes": q.SINGLE_CHOICE,
        "problems": q.PROBLEMS,
        "background": q.BACKGROUND,
        "min_group": q.MIN_GROUP,
    }


def _spot_names(survey) -> dict:
    from sqlalchemy import select

    from fieldlog.extensions import db

    rows = db.session.execute(select(HotSpot.id, HotSpot.name).where(HotSpot.area_id == survey.area_id))
    return {str(i): name for i, name in rows}


@bp.get("/<uuid:survey_id>/results")
@supervisor_required
def results_page(survey_id: uuid.UUID):
    survey = _survey(survey_id)
    include_suspect = request.args.get("include_suspect") in ("1", "on", "true")
    figures = results.results(survey, include_suspect)
    previous = places.previous_wave(survey)
    comparison = results.compare(survey, previous, include_suspect) if previous is not None else None
    return render_template(
        "surveys/results.html",
        survey=survey,
        r=figures,
        include_suspect=include_suspect,
        previous=previous,
        comparison=comparison,
        spot_names=_spot_names(survey),
        cells=figures["places"]["cells"][:CELLS_SHOWN],
        **_labels(),
    )


@bp.get("/<uuid:survey_id>/places")
@supervisor_required
def places_page(survey_id: uuid.UUID):
    survey = _survey(survey_id)
    figures = places.perception(survey)
    spots = {str(s.id): s for s in _spots(survey)}
    days = places.between(survey, places.previous_wave(survey))
    return render_template(
        "surveys/places.html",
        survey=survey,
        p=figures,
        spots=spots,
        presence_days=days,
        open_candidates=[c for c in figures["candidates"] if c["decision"] is None],
        decided=[c for c in figures["candidates"] if c["decision"] is not None],
        dismiss_form=DismissForm(),
        tiles=tiles(),
        **_labels(),
    )


def _spots(survey) -> list[HotSpot]:
    from sqlalchemy import select

    from fieldlog.extensions import db

    return list(db.session.scalars(select(HotSpot).where(HotSpot.area_id == survey.area_id)))


def _prefill(form: HotSpotForm, survey, candidate: dict) -> None:
    defaults = places.hotspot_defaults(survey, candidate)
    form.name.data = defaults["name"]
    form.lat.data, form.lon.data = defaults["lat"], defaults["lon"]
    form.radius_m.data = defaults["radius_m"]
    reasons = ", ".join(str(q.PLACE_REASON_LABELS.get(r, r)) for r in candidate["reasons"])
    form.description.data = _(
        "Named by %(marks)s respondents in the survey %(year)s.", marks=candidate["marks"], year=survey.year
    ) + (" " + _("Reasons: %(reasons)s.", reasons=reasons) if reasons else "")
    for i, window in enumerate(defaults["hot_hours"]):
        if i >= len(form.hot_hours):
            form.hot_hours.append_entry()
        row = form.hot_hours[i]
        row.days.data, row.start.data, row.end.data = window["days"], window["from"], window["to"]


@bp.route("/<uuid:survey_id>/candidates/<cid>/accept", methods=["GET", "POST"])
@supervisor_required
def accept(survey_id: uuid.UUID, cid: str):
    """The hot-spot form prefilled from the candidate; saving it creates the hot spot and records the decision."""
    survey = _survey(survey_id)
    try:
        candidate = places.candidate_of(survey, cid)  # unknown: the 404 page
    except Conflict as e:  # decided meanwhile (by a colleague, or in another tab): say so where the decisions are
        flash(_(e.message), "error")
        return redirect(url_for(".places_page", survey_id=survey.id) + "#decided", 303)
    form = HotSpotForm()
    status = 200
    if request.method == "GET":
        _prefill(form, survey, candidate)
    elif form.validate_on_submit():
        try:
            spot = places.accept(current_user, survey, cid, form.data_for_service())
        except ValidationError as e:
            _form_errors_from(e, form)
            status = 400
        except (Invalid, Conflict, NotFound) as e:
            flash(_(e.message), "error")
            status = 400
        else:
            flash(_("Hot spot %(name)s created.", name=spot.name), "info")
            return redirect(url_for("supervisor.hotspots.detail", hotspot_id=spot.id), 303)
    else:
        status = 400
    return render_template(
        "supervisor/hotspot_form.html", form=form, spot=None, area=survey.area, tiles=tiles()
    ), status


@bp.post("/<uuid:survey_id>/candidates/<cid>/dismiss")
@supervisor_required
def dismiss(survey_id: uuid.UUID, cid: str):
    survey = _survey(survey_id)
    form = DismissForm()
    back = url_for(".places_page", survey_id=survey.id)
    if not form.validate_on_submit() or not form.reason.data.strip():
        flash(_("Say why the place is dismissed."), "error")
        return redirect(back + f"#candidate-{cid}", 303)
    places.dismiss(current_user, survey, cid, form.reason.data)
    flash(_("The place was dismissed."), "info")
    return redirect(back + "#decided", 303)
