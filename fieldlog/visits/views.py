"""Visit pages for supervisors and admins: the area's visits, one visit, flagging it back to its officer, and the
exports (``fieldlog.visits.exports``, the same files the API gives).

A blueprint of its own (``supervisor.visits``), nested in the supervisor pages' blueprint (``/supervisor/visits``,
``/supervisor/export/visits.<format>``); the rules are ``fieldlog.visits.review``.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from fieldlog import paging
from fieldlog.audit.services import entries_for
from fieldlog.auth.models import User
from fieldlog.extensions import db
from fieldlog.geo import distance_m
from fieldlog.hotspots import services as hotspots
from fieldlog.hotspots.models import HotSpot
from fieldlog.supervisor.access import supervisor_required
from fieldlog.supervisor.forms import ButtonForm, FlagForm
from fieldlog.supervisor.pages import area_or_404, chosen_period, page_period, tiles
from fieldlog.visits import exports
from fieldlog.visits import review as visit_service

bp = Blueprint("visits", __name__)


@bp.get("/visits")
@supervisor_required
def index():
    area = area_or_404()
    preset, p = page_period(area, "last_4_weeks")
    hotspot_id = None
    try:
        hotspot_id = uuid.UUID(request.args["hotspot"]) if request.args.get("hotspot") else None
    except ValueError:
        flash(_("Unknown hot spot."), "error")
    officer = (request.args.get("officer") or "").strip() or None
    flagged = request.args.get("flagged") == "1"
    query = visit_service.filtered(area, p.start, p.end, hotspot_id, officer, flagged)
    rows, next_url = paging.list_page(visit_service.page, query, ".index")
    officers = db.session.scalars(
        select(User).where(User.area_id == area.id, User.role == "officer").order_by(User.display_name)
    ).all()
    return render_template(
        "supervisor/visits.html",
        area=area,
        preset=preset,
        period=p,
        rows=rows,
        next_url=next_url,
        spots=hotspots.list_for(current_user, area.slug),
        officers=officers,
        hotspot_id=hotspot_id,
        officer=officer,
        flagged=flagged,
    )


def _visit_row_or_404(visit_id: uuid.UUID):
    """The visit's row if it is within the user's area; otherwise the 404 page (``fieldlog.scope``)."""
    return visit_service.get_row(current_user, visit_id)


@bp.get("/visits/<uuid:visit_id>")
@supervisor_required
def detail(visit_id: uuid.UUID):
    row = _visit_row_or_404(visit_id)
    visit = row.Visit
    spot = db.session.get(HotSpot, visit.hotspot_id)
    distance = visit.distance_m
    if distance is None and visit.lat is not None:
        distance = distance_m(visit.lat, visit.lon, spot.lat, spot.lon)
    return render_template(
        "supervisor/visit.html",
        row=row,
        visit=visit,
        spot=spot,
        distance=distance,
        flag_form=FlagForm(),
        unflag_form=ButtonForm(),
        audit=entries_for("visit", [str(visit.id)]),
        tiles=tiles(),
    )


@bp.post("/visits/<uuid:visit_id>/flag")
@supervisor_required
def flag(visit_id: uuid.UUID):
    row = _visit_row_or_404(visit_id)
    form = FlagForm()
    if form.validate_on_submit():
        visit_service.flag(current_user, row.Visit, form.comment.data, row.flag_username)
        flash(_("The visit is flagged. The officer sees your comment on the next sync."), "info")
        return redirect(url_for(".detail", visit_id=visit_id), 303)
    flash(_("Write a comment for the officer."), "error")
    return redirect(url_for(".detail", visit_id=visit_id), 303)


@bp.post("/visits/<uuid:visit_id>/unflag")
@supervisor_required
def unflag(visit_id: uuid.UUID):
    row = _visit_row_or_404(visit_id)
    if ButtonForm().validate_on_submit():
        visit_service.unflag(current_user, row.Visit, row.flag_username)
        flash(_("The flag is removed."), "info")
    return redirect(url_for(".detail", visit_id=visit_id), 303)


@bp.get("/export/visits.csv", defaults={"fmt": "csv"})
@bp.get("/export/visits.geojson", defaults={"fmt": "geojson"})
@bp.get("/export/visits.xlsx", defaults={"fmt": "xlsx"})
@supervisor_required
def export(fmt: str):
    area = area_or_404()
    _preset, p, _errors = chosen_period(area, "last_4_weeks")
    return exports.download(fmt, area, p)
