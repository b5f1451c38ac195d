"""The supervisor's promise pages: the area's promises; a promise with its commitments, their computed progress in
plain sentences, assessments and dated updates; the form that creates or edits a promise and its commitments.

Forms are plain HTML (no JavaScript needed), posted with the CSRF token; each form carries the promise's ``rev``, so
that a save over someone else's change is refused with "changed meanwhile" and the user's values stay in the form.
The rules are the service's (``promises.services``) and the API schemas' — one set of rules for both.
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select

from fieldlog import scope
from fieldlog.activities.models import TYPES
from fieldlog.api.errors import normalise_fields
from fieldlog.api.messages import translate
from fieldlog.db import utcnow
from fieldlog.errors import Conflict, Invalid, StaleRevision
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.periods import today_in
from fieldlog.promises import services
from fieldlog.promises.labels import ASSESSMENT_LABELS, KIND_LABELS, SURVEY_STATE_LABELS, TYPE_LABELS
from fieldlog.promises.models import ASSESSMENTS, KINDS, Promise
from fieldlog.promises.progress import progress
from fieldlog.promises.schemas import PromiseInputSchema, PromisePatchSchema, UpdateInputSchema
from fieldlog.supervisor.access import current_area, supervisor_required
from fieldlog.supervisor.pages import area_or_404
from fieldlog.surveys.models import Survey

bp = Blueprint("promises", __name__, url_prefix="/supervisor/promises")

# Empty commitment rows a form offers: three for a new promise (one of each kind), one more on an edit.
NEW_ROWS, EDIT_ROWS = 3, 1


def _area_args(area) -> dict:
    """The ``?area=`` an admin's links keep."""
    return {"area": area.slug} if current_user.role == "admin" else {}


def _promise_or_404(promise_id: uuid.UUID) -> Promise:
    """The promise, if within the user's reach (fieldlog.scope): else the 404 page, revealing nothing."""
    return scope.get_record(current_user, Promise, promise_id, "No such promise.")


def _labels() -> dict:
    return {
        "kind_labels": KIND_LABELS,
        "assessment_labels": ASSESSMENT_LABELS,
        "type_labels": TYPE_LABELS,
        "kinds": KINDS,
        "assessments": ASSESSMENTS,
        "types": TYPES,
    }


@bp.get("/")
@supervisor_required
def index():
    area = current_area()
    promises = []
    if area is not None:
        stmt = select(Promise).where(Promise.area_id == area.id).order_by(Promise.starts_on.desc(), Promise.title)
        promises = list(db.session.scalars(stmt))
    return render_template(
        "promises/list.html", area=area, promises=promises, q=_area_args(area) if area else {}, **_labels()
    )


# -- the form ----------------------------------------------------------------------------------------------------------


def _number(text: str | None):
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text  # a non-number goes to the schema, which names the field


def _form_data(form, rows: int) -> tuple[dict, list[dict]]:
    """The posted form as the service's input, and the rows as the form shows them again."""
    data = {
        "title": form.get("title", "").strip(),
        "starts_on": form.get("starts_on", "").strip(),
        "ends_on": form.get("ends_on", "").strip(),
        "situation": form.get("situation", "").strip(),
        "goal": form.get("goal", "").strip(),
        "parties": form.get("parties", "").strip(),
        "published": form.get("published") == "yes",
    }
    commitments, shown = [], []
    for n in range(rows):
        p = f"c-{n}-"
        row = {
            "id": form.get(p + "id", "").strip(),
            "title": form.get(p + "title", "").strip(),
            "description": form.get(p + "description", "").strip(),
            "kind": form.get(p + "kind", ""),
            "hotspot_ids": form.getlist(p + "hotspot_ids"),
            "activity_types": form.getlist(p + "activity_types"),
            "survey_ids": form.getlist(p + "survey_ids"),
            "target_count": form.get(p + "target_count", "").strip(),
            "reach_target": form.get(p + "reach_target", "").strip(),
            "assessment": form.get(p + "assessment", "not_started"),
            "remove": form.get(p + "remove") == "yes",
        }
        shown.append(row)
        if row["remove"] or (not row["id"] and not row["title"]):
            continue  # an empty new row, or one the user removes
        item = {
            "title": row["title"],
            "description": row["description"],
            "kind": row["kind"],
            "assessment": row["assessment"],
        }
        if row["id"]:
            try:
                item["id"] = str(uuid.UUID(row["id"]))
            except ValueError:
                item["id"] = row["id"]
        # Only the fields of the chosen kind: the others in the row are ignored, not refused.
        if row["kind"] == "presence":
            item["hotspot_ids"] = row["hotspot_ids"]
        elif row["kind"] == "activities":
            item["activity_types"] = row["activity_types"]
            item["target_count"] = _number(row["target_count"])
            item["reach_target"] = _number(row["reach_target"])
        elif row["kind"] == "survey":
            item["survey_ids"] = row["survey_ids"]
        item["_row"] = n
        commitments.append(item)
    data["commitments"] = commitments
    return data, shown


def _row_errors(fields: dict, commitments: list[dict]) -> dict:
    """``commitments.<i>.<field>`` (the i-th sent) as ``c-<row>-<field>`` (the form's row)."""
    out = {}
    for key, reasons in fields.items():
        parts = key.split(".")
        if parts[0] == "commitments" and len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(commitments):
            key = f"c-{commitments[int(parts[1])]['_row']}-{parts[2]}"
        out[key] = [translate(r) for r in reasons]
    return out


def _rows_of(promise: Promise | None, extra: int) -> list[dict]:
    rows = []
    for c in promise.commitments if promise else []:
        rows.append(
            {
                "id": str(c.id),
                "title": c.title,
                "description": c.description or "",
                "kind": c.kind,
                "hotspot_ids": [str(i) for i in c.hotspot_ids or []],
                "activity_types": list(c.activity_types or []),
                "survey_ids": [str(i) for i in c.survey_ids or []],
                "target_count": "" if c.target_count is None else str(c.target_count),
                "reach_target": "" if c.reach_target is None else str(c.reach_target),
                "assessment": c.assessment,
                "remove": False,
            }
        )
    defaults = ["presence", "activities", "survey"] if promise is None else [""]
    for n in range(extra):
        kind = defaults[n] if n < len(defaults) else ""
        rows.append(
            {
                "id": "",
                "title": "",
                "description": "",
                "kind": kind,
                "hotspot_ids": [],
                "activity_types": [],
                "survey_ids": [],
                "target_count": "",
                "reach_target": "",
                "assessment": "not_started",
                "remove": False,
            }
        )
    return rows


def _spots(area, chosen: list[str]) -> list[HotSpot]:
    """The hot spots a presence commitment may name: the area's live ones and any archived one already named."""
    spots = db.session.scalars(select(HotSpot).where(HotSpot.area_id == area.id).order_by(HotSpot.name))
    return [s for s in spots if not s.deleted or str(s.id) in chosen]


def _surveys(area) -> list[Survey]:
    """The survey waves a survey commitment may count: the area's, newest first."""
    return list(db.session.scalars(select(Survey).where(Survey.area_id == area.id).order_by(Survey.year.desc())))


def _render_form(area, promise, values: dict, rows: list[dict], errors: dict, status=200, conflict=None):
    chosen = [i for r in rows for i in r["hotspot_ids"]]
    return render_template(
        "promises/form.html",
        area=area,
        promise=promise,
        values=values,
        rows=rows,
        errors=errors,
        spots=_spots(area, chosen),
        surveys=_surveys(area),
        state_labels=SURVEY_STATE_LABELS,
        now=utcnow(),
        conflict=conflict,
        q=_area_args(area),
        **_labels(),
    ), status


def _save(area, promise: Promise | None):
    """Validate and save a posted form (create when ``promise`` is None)."""
    rows = int(request.form.get("rows", "0")) if request.form.get("rows", "").isdigit() else 0
    rows = min(rows, 40)
    data, shown = _form_data(request.form, rows)
    values = {k: v for k, v in data.items() if k != "commitments"}
    values["rev"] = request.form.get("rev", "")
    commitments = data["commitments"]
    clean = dict(data, commitments=[{k: v for k, v in c.items() if k != "_row"} for c in commitments])
    try:
        if promise is None:
            loaded = PromiseInputSchema().load(clean)
            saved = services.create(current_user, loaded, area.slug if current_user.role == "admin" else None)
        else:
            loaded = PromisePatchSchema().load(clean)
            rev = values["rev"]
            saved = services.update(current_user, promise, loaded, int(rev) if rev.isdigit() else -1)
    except ValidationError as e:
        errors = _row_errors(normalise_fields(e.messages), commitments)
        return _render_form(area, promise, values, shown, errors, 400)
    except Invalid as e:
        return _render_form(area, promise, values, shown, _row_errors(e.fields or {}, commitments), 400)
    except Conflict as e:
        errors = _row_errors(e.fields or {}, commitments)
        errors["_form"] = [translate(e.message)]
        return _render_form(area, promise, values, shown, errors, 409)
    except StaleRevision as e:
        db.session.rollback()
        current = _promise_or_404(promise.id)
        values["rev"] = str(e.rev)
        return _render_form(area, current, values, shown, {}, 409, conflict=current)
    flash(_("The promise “%(title)s” was saved.", title=saved.title), "info")
    return redirect(url_for("promises.detail", promise_id=saved.id), 303)


@bp.route("/new", methods=["GET", "POST"])
@supervisor_required
def new():
    area = area_or_404()
    if request.method == "POST":
        return _save(area, None)
    year = today_in(area).year
    values = {
        "title": "",
        "starts_on": date(year, 1, 1).isoformat(),
        "ends_on": date(year, 12, 31).isoformat(),
        "situation": "",
        "goal": "",
        "parties": "",
        "published": False,
        "rev": "",
    }
    return _render_form(area, None, values, _rows_of(None, NEW_ROWS), {})


@bp.route("/<uuid:promise_id>/edit", methods=["GET", "POST"])
@supervisor_required
def edit(promise_id: uuid.UUID):
    promise = _promise_or_404(promise_id)
    if request.method == "POST":
        return _save(promise.area, promise)
    values = {
        "title": promise.title,
        "starts_on": promise.starts_on.isoformat(),
        "ends_on": promise.ends_on.isoformat(),
        "situation": promise.situation or "",
        "goal": promise.goal or "",
        "parties": promise.parties or "",
        "published": promise.published,
        "rev": str(promise.rev),
    }
    return _render_form(promise.area, promise, values, _rows_of(promise, EDIT_ROWS), {})


# -- the promise and its commitments -----------------------------------------------------------------------------------


def _detail(promise: Promise, status=200, errors: dict | None = None, posted: dict | None = None):
    as_of = today_in(promise.area)
    doc = progress(promise, as_of)
    by_id = {c["id"]: c for c in doc["commitments"]}
    spot_names = {
        str(i): n
        for i, n in db.session.execute(select(HotSpot.id, HotSpot.name).where(HotSpot.area_id == promise.area_id))
    }
    survey_titles = {
        str(i): t
        for i, t in db.session.execute(select(Survey.id, Survey.title).where(Survey.area_id == promise.area_id))
    }
    return render_template(
        "promises/detail.html",
        promise=promise,
        area=promise.area,
        as_of=as_of,
        figures=by_id,
        spot_names=spot_names,
        survey_titles=survey_titles,
        state_labels=SURVEY_STATE_LABELS,
        errors=errors or {},
        posted=posted or {},
        q=_area_args(promise.area),
        **_labels(),
    ), status


@bp.get("/<uuid:promise_id>")
@supervisor_required
def detail(promise_id: uuid.UUID):
    return _detail(_promise_or_404(promise_id))


def _rev() -> int:
    rev = request.form.get("rev", "")
    return int(rev) if rev.isdigit() else -1


@bp.post("/<uuid:promise_id>/commitments/<uuid:commitment_id>/assessment")
@supervisor_required
def assessment(promise_id: uuid.UUID, commitment_id: uuid.UUID):
    promise = _promise_or_404(promise_id)
    commitment = services.commitment_of(promise, commitment_id)
    value = request.form.get("assessment", "")
    if value not in ASSESSMENTS:
        key = f"assessment-{commitment.id}"
        return _detail(promise, 400, {key: [_("Choose an assessment from the list.")]})
    try:
        services.set_assessment(current_user, promise, commitment_id, value, _rev())
    except StaleRevision:
        db.session.rollback()
        promise = _promise_or_404(promise_id)
        key = f"assessment-{commitment_id}"
        message = _("Someone changed this promise meanwhile: the assessment was not saved. Check it and save again.")
        return _detail(promise, 409, {key: [message]})
    flash(
        _(
            "The assessment of “%(title)s” is now: %(assessment)s.",
            title=commitment.title,
            assessment=ASSESSMENT_LABELS[value],
        ),
        "info",
    )
    return redirect(url_for("promises.detail", promise_id=promise.id) + f"#c-{commitment.id}", 303)


@bp.post("/<uuid:promise_id>/commitments/<uuid:commitment_id>/updates")
@supervisor_required
def add_update(promise_id: uuid.UUID, commitment_id: uuid.UUID):
    promise = _promise_or_404(promise_id)
    commitment = services.commitment_of(promise, commitment_id)
    posted = {"date": request.form.get("date", "").strip(), "text": request.form.get("text", "").strip()}
    prefix = f"update-{commitment.id}-"
    try:
        services.add_update(current_user, promise, commitment.id, UpdateInputSchema().load(posted))
    except ValidationError as e:
        fields = normalise_fields(e.messages)
        errors = {prefix + k: [translate(r) for r in v] for k, v in fields.items()}
        return _detail(promise, 400, errors, {commitment.id: posted})
    except Invalid as e:
        errors = {prefix + k: [translate(r) for r in v] for k, v in (e.fields or {}).items()}
        return _detail(promise, 400, errors, {commitment.id: posted})
    flash(_("The update on “%(title)s” was published.", title=commitment.title), "info")
    return redirect(url_for("promises.detail", promise_id=promise.id) + f"#c-{commitment.id}", 303)


@bp.post("/<uuid:promise_id>/commitments/<uuid:commitment_id>/updates/<uuid:update_id>/delete")
@supervisor_required
def delete_update(promise_id: uuid.UUID, commitment_id: uuid.UUID, update_id: uuid.UUID):
    promise = _promise_or_404(promise_id)
    if request.form.get("confirm") != "yes":
        flash(_("Nothing was removed: tick the box to confirm first."), "error")
        return redirect(url_for("promises.detail", promise_id=promise.id) + f"#c-{commitment_id}", 303)
    services.delete_update(current_user, promise, commitment_id, update_id)
    flash(_("The update was removed."), "info")
    return redirect(url_for("promises.detail", promise_id=promise.id) + f"#c-{commitment_id}", 303)


@bp.post("/<uuid:promise_id>/delete")
@supervisor_required
def delete(promise_id: uuid.UUID):
    promise = _promise_or_404(promise_id)
    area = promise.area
    if request.form.get("confirm") != "yes":
        flash(_("Nothing was deleted: tick the box to confirm first."), "error")
        return redirect(url_for("promises.detail", promise_id=promise.id) + "#delete", 303)
    try:
        services.delete(current_user, promise, _rev())
    except StaleRevision:
        db.session.rollback()
        flash(_("Someone changed this promise meanwhile: it was not deleted. Look at it again first."), "error")
        return redirect(url_for("promises.detail", promise_id=promise_id), 303)
    flash(_("The promise “%(title)s” was deleted.", title=promise.title), "info")
    return redirect(url_for("promises.index", **_area_args(area)), 303)
