"""Supervisor pages for activities (SPEC §6): the area's list with filters, one activity, planning (new, edit,
cancel a planned one — through the sync push's own rules), CSV and Excel exports."""

from __future__ import annotations

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from fieldlog import paging, periods
from fieldlog.activities import queries, services
from fieldlog.activities.forms import ActivityForm
from fieldlog.activities.labels import PARTNER_LABELS, STATUS_LABELS, TOPIC_LABELS, TYPE_LABELS, grades_text
from fieldlog.activities.models import STATUSES, TYPES, Activity
from fieldlog.auth.models import User
from fieldlog.errors import Conflict, Forbidden, Invalid, NotFound, StaleRevision
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.supervisor.access import supervisor_required
from fieldlog.supervisor.forms import ButtonForm
from fieldlog.supervisor.pages import area_or_404

bp = Blueprint("activities", __name__, url_prefix="/supervisor/activities")

# The list's default: the last four weeks and the next twelve (what was done, and what is planned).
DAYS_BACK, DAYS_AHEAD = 27, 84


@bp.app_context_processor
def _labels():
    return {
        "activity_type_label": lambda code: str(TYPE_LABELS.get(code, code)),
        "activity_status_label": lambda code: str(STATUS_LABELS.get(code, code)),
        "topic_label": lambda code: str(TOPIC_LABELS.get(code, code)),
        "partner_label": lambda code: str(PARTNER_LABELS.get(code, code)),
        "grades_text": grades_text,
    }


def _area_query() -> dict:
    """``?area=`` for an admin's links, so that they stay in the area they chose."""
    if current_user.role == "admin" and request.args.get("area"):
        return {"area": request.args["area"]}
    return {}


def _period(area):
    """The list's inclusive local days: ?from&to, else the default window (the last four weeks and the next
    twelve); bad input falls back to it with a message."""
    today = periods.today_in(area)
    default_first, default_last = today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)
    given_first, given_last = request.args.get("from"), request.args.get("to")
    first, last = periods.parse_day(given_first), periods.parse_day(given_last)
    if (given_first and first is None) or (given_last and last is None):
        flash(_("Give both days as YYYY-MM-DD."), "error")
        first = last = None
    first, last = first or default_first, last or default_last
    if last < first:
        flash(_("The last day must not be before the first."), "error")
        first, last = default_first, default_last
    elif (last - first).days + 1 > periods.MAX_DAYS:
        flash(_("At most 366 days."), "error")
        first, last = default_first, default_last
    return periods.period(first, last, area.timezone)


@bp.get("/")
@supervisor_required
def index():
    area = area_or_404()
    p = _period(area)
    type_ = request.args.get("type") if request.args.get("type") in TYPES else None
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    officer = (request.args.get("officer") or "").strip() or None
    query = queries.filtered(area.id, p.start, p.end, type_, status, officer)
    rows, next_url = paging.list_page(queries.page, query, "activities.index")
    people = db.session.scalars(
        select(User)
        .where(User.area_id == area.id, User.role.in_(("officer", "supervisor")))
        .order_by(User.display_name)
    ).all()
    export_args = {"from": p.first.isoformat(), "to": p.last.isoformat(), **_area_query()}
    return render_template(
        "activities/index.html",
        area=area,
        period=p,
        rows=rows,
        next_url=next_url,
        people=people,
        type_=type_,
        status=status,
        officer=officer,
        types=TYPES,
        statuses=STATUSES,
        export_args=export_args,
        area_query=_area_query(),
    )


def _row_or_404(activity_id: uuid.UUID):
    area = area_or_404()
    try:
        return area, queries.get_row(area.id, activity_id)
    except NotFound:
        abort(404)


@bp.get("/<uuid:activity_id>")
@supervisor_required
def detail(activity_id: uuid.UUID):
    area, row = _row_or_404(activity_id)
    spot = db.session.get(HotSpot, row.Activity.hotspot_id) if row.Activity.hotspot_id else None
    from fieldlog.audit.services import entries_for

    return render_template(
        "activities/detail.html",
        area=area,
        row=row,
        activity=row.Activity,
        spot=spot,
        may_plan=_may_plan(area, row.Activity),
        cancel_form=ButtonForm(),
        audit=entries_for("activity", [str(row.Activity.id)]),
        area_query=_area_query(),
    )


def _may_plan(area, activity=None) -> bool:
    """Planning is a supervisor's in their own area (an admin has no area to log in); only a planned activity is
    edited or cancelled here."""
    if current_user.role != "supervisor" or current_user.area_id != area.id:
        return False
    return activity is None or (activity.status == "planned" and not activity.deleted)


def _hotspot_choices(area) -> list[SelectChoice]:
    spots = db.session.execute(
        select(HotSpot.id, HotSpot.name)
        .where(HotSpot.area_id == area.id, HotSpot.deleted.is_(False))
        .order_by(HotSpot.name)
    ).all()
    return [SelectChoice("", _("None"))] + [SelectChoice(str(i), name) for i, name in spots]


def _save(form: ActivityForm, area, record_id: uuid.UUID, base_rev: int | None, status: str = "planned"):
    """The form through the push; on a rejection its reasons on the form's fields. Returns a redirect or None."""
    tz = ZoneInfo(area.timezone)
    try:
        services.save_from_page(current_user, record_id, form.mutation_id.data, form.wire_data(tz, status), base_rev)
    except Invalid as e:
        for text in form.show_errors(e.fields):
            flash(text, "error")
        return None
    except StaleRevision:
        db.session.rollback()
        flash(
            _("Someone changed this activity meanwhile. Your changes were not saved: look at it and try again."),
            "error",
        )
        return redirect(url_for("activities.detail", activity_id=record_id, **_area_query()), 303)
    except (Forbidden, Conflict) as e:
        flash(_(e.message), "error")
        return None
    return redirect(url_for("activities.detail", activity_id=record_id, **_area_query()), 303)


@bp.route("/new", methods=["GET", "POST"])
@supervisor_required
def new():
    area = area_or_404()
    if not _may_plan(area):
        abort(403)
    form = ActivityForm()
    form.hotspot.choices = _hotspot_choices(area)
    if request.method == "GET":
        form.new_mutation()
        form.type.data = "school_session"
        form.day.data = periods.today_in(area) + timedelta(days=7)
        form.partners.data = ["school"]
    elif form.validate_on_submit():
        record_id = uuid.uuid5(uuid.NAMESPACE_URL, f"fieldlog:activity-form:{form.mutation_id.data}")
        done = _save(form, area, record_id, None)
        if done is not None:
            flash(_("The activity is planned. The area's officers see it on their phones after the next sync."), "info")
            return done
    return render_template("activities/form.html", form=form, area=area, activity=None, area_query=_area_query()), (
        400 if request.method == "POST" else 200
    )


@bp.route("/<uuid:activity_id>/edit", methods=["GET", "POST"])
@supervisor_required
def edit(activity_id: uuid.UUID):
    area, row = _row_or_404(activity_id)
    activity = row.Activity
    if not _may_plan(area, activity):
        flash(_("Only a planned activity of your own area can be changed here."), "error")
        return redirect(url_for("activities.detail", activity_id=activity_id, **_area_query()), 303)
    form = ActivityForm()
    form.hotspot.choices = _hotspot_choices(area)
    if request.method == "GET":
        form.fill(activity, ZoneInfo(area.timezone))
        form.new_mutation()
    elif form.validate_on_submit():
        base_rev = int(form.rev.data) if (form.rev.data or "").isdigit() else activity.rev
        done = _save(form, area, activity.id, base_rev)
        if done is not None:
            flash(_("The activity is saved."), "info")
            return done
    return render_template("activities/form.html", form=form, area=area, activity=activity, area_query=_area_query()), (
        400 if request.method == "POST" else 200
    )


@bp.post("/<uuid:activity_id>/cancel")
@supervisor_required
def cancel(activity_id: uuid.UUID):
    area, row = _row_or_404(activity_id)
    activity = row.Activity
    if not ButtonForm().validate_on_submit() or not _may_plan(area, activity):
        flash(_("Only a planned activity of your own area can be cancelled."), "error")
        return redirect(url_for("activities.detail", activity_id=activity_id, **_area_query()), 303)
    form = ActivityForm(formdata=None)
    form.fill(activity, ZoneInfo(area.timezone))
    # A cancel is its own mutation; a second click sends the same one (the id follows from the version cancelled).
    form.mutation_id.data = str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"fieldlog:activity-cancel:{activity.id}:{activity.rev}")
    )
    done = _save(form, area, activity.id, activity.rev, status="cancelled")
    if done is not None:
        flash(_("The activity is cancelled."), "info")
        return done
    return redirect(url_for("activities.detail", activity_id=activity_id, **_area_query()), 303)


# -- exports


def _export_rows(area):
    p = _period(area)
    query = queries.filtered(area.id, p.start, p.end).order_by(None).order_by(Activity.starts_at, Activity.id)
    return p, db.session.execute(query).all()


@bp.get("/export.csv")
@supervisor_required
def export_csv():
    area = area_or_404()
    p, rows = _export_rows(area)
    filename = f"activities-{area.slug}-{p.first.isoformat()}-{p.last.isoformat()}.csv"
    return Response(
        "".join(queries.csv_lines(rows, area.timezone)).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/export.xlsx")
@supervisor_required
def export_xlsx():
    from fieldlog.exports import columns_workbook
    from fieldlog.sync.records import ACTIVITY, Export

    area = area_or_404()
    p, rows = _export_rows(area)
    body = columns_workbook(ACTIVITY.xlsx_columns, rows, Export(ZoneInfo(area.timezone)), _("Field activities"))
    filename = f"activities-{area.slug}-{p.first.isoformat()}-{p.last.isoformat()}.xlsx"
    return Response(
        body,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
