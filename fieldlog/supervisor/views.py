"""Supervisor and admin pages: coverage dashboard, hot spots, visits and flags, exports, report, audit log."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import or_, select

from fieldlog import periods
from fieldlog.areas.models import Area
from fieldlog.audit.models import AuditEntry
from fieldlog.auth.models import Device, User
from fieldlog.coverage import queries
from fieldlog.coverage import services as coverage
from fieldlog.db import utcnow
from fieldlog.errors import Conflict, Invalid, StaleRevision
from fieldlog.extensions import db
from fieldlog.geo import distance_m
from fieldlog.hotspots import services as hotspots
from fieldlog.hotspots.models import HotSpot
from fieldlog.hotspots.schemas import HotSpotInputSchema
from fieldlog.scope import all_areas
from fieldlog.supervisor import charts, followup, targets, xlsx
from fieldlog.supervisor import visits as visit_service
from fieldlog.supervisor.access import current_area, supervisor_required
from fieldlog.supervisor.forms import ButtonForm, FlagForm, HotSpotForm, RevForm

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")

MODE_LABELS = {
    "foot": _l("on foot"),
    "vehicle": _l("vehicle, parked and visible"),
    "bicycle": _l("bicycle"),
    "drive_through": _l("drive-through"),
    "other": _l("other"),
}
CODE_LABELS = {
    "nothing_to_report": _l("nothing to report"),
    "youth_gathering": _l("youths gathering"),
    "disorder": _l("disorder"),
    "drugs": _l("suspected drug dealing"),
    "vandalism": _l("vandalism"),
    "graffiti": _l("graffiti"),
    "intoxication": _l("intoxicated people"),
    "littering": _l("littering"),
    "traffic": _l("traffic problems"),
    "fire": _l("fire"),
    "other": _l("other"),
    "visible_presence": _l("visible presence"),
    "dialogue": _l("dialogue"),
    "check": _l("check"),
    "intervention": _l("intervention"),
    "report_filed": _l("report filed"),
}


def mode_label(code: str) -> str:
    return str(MODE_LABELS.get(code, code))


def code_label(code: str) -> str:
    return str(CODE_LABELS.get(code, code))


@bp.app_context_processor
def _labels():
    return {"mode_label": mode_label, "code_label": code_label}


# Also as filters: `codes|map('code_label')` (Jinja's map takes a filter's name, never a function).
bp.add_app_template_filter(mode_label, "mode_label")
bp.add_app_template_filter(code_label, "code_label")


@bp.app_template_global("zone_name")
def _zone_name(timezone: str) -> str:
    """A time zone as people call it ("Sverigetid"), never its database id."""
    from babel.dates import get_timezone, get_timezone_location
    from flask_babel import get_locale

    return get_timezone_location(get_timezone(timezone), locale=get_locale())


bp.add_app_template_global(periods.choices, "period_choices")


@bp.app_template_global("term_title")
def _term_title(key: str) -> str:
    from fieldlog.supervisor.terms import term_title

    return term_title(key)


@bp.app_template_global("coverage_terms")
def _coverage_terms() -> list[tuple[str, str]]:
    from fieldlog.supervisor.terms import TERMS

    return [(str(label), str(text)) for label, text in TERMS.values()]


@bp.app_template_global("describe_audit")
def _describe_audit(rows):
    """Audit rows as sentences (a global: the macros are imported without the page's context)."""
    from fieldlog.supervisor.audit_text import describe

    return describe(rows)


def _area_or_404() -> Area:
    area = current_area()
    if area is None:
        abort(404)
    return area


def chosen_period(area: Area, default: str = "last_week") -> tuple[str, queries.Period, list[str]]:
    """The period picker of this request (``fieldlog.periods.chosen``) in the area's time zone."""
    return periods.chosen(request.args, area.timezone, default)


def _page_period(area: Area, default: str = "last_week") -> tuple[str, queries.Period]:
    """The period picker of a page: its messages about bad custom input are flashed onto the page."""
    preset, p, errors = chosen_period(area, default)
    for message in errors:
        flash(message, "error")
    return preset, p


def confirmed() -> bool:
    """A destructive button's confirmation: a required checkbox in its form (works without JavaScript)."""
    return request.form.get("confirm") == "yes"


def _tiles() -> str:
    """The map tile URL template (FIELDLOG_TILE_URL, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; its host
    must also be in FIELDLOG_TILE_HOSTS for the CSP). Without it the maps show their markers on a blank background."""
    return current_app.config.get("TILE_URL") or ""


def judged_rows(area: Area, p: queries.Period, spots: dict) -> list[dict]:
    """The coverage rows of a period, each judged on all of its target and beside the previous period's figures."""
    before = {r["id"]: r for r in coverage.coverage(area, periods.previous(p))["hotspots"]}
    rows = []
    for r in coverage.coverage(area, p)["hotspots"]:
        spot = spots.get(r["id"])
        verdict = targets.judge(r, spot.target_minutes if spot else None, bool(spot and spot.hot_hours))
        rows.append({**r, "status": verdict.status, "short": verdict.short, "spot": spot, "prev": before.get(r["id"])})
    return rows


@bp.get("/")
@supervisor_required
def dashboard():
    area = _area_or_404()
    preset, p = _page_period(area)
    spot_list = hotspots.list_for(current_user, area.slug)
    spots = {h.id: h for h in spot_list}
    rows = judged_rows(area, p, spots)
    mondays, weekly = coverage.weekly_figures(area, 8, p.last, spot_list)
    for r in rows:
        r["weekly"] = weekly.get(r["id"], [])
    below = [r for r in rows if r["status"] == "below"]
    return render_template(
        "supervisor/dashboard.html",
        area=area,
        areas=all_areas() if current_user.role == "admin" else [],
        preset=preset,
        period=p,
        previous=periods.previous(p),
        rows=rows,
        below=below,
        mondays=mondays,
        officers=followup.per_officer(area, p.start, p.end),
        open_visits=followup.open_visits(area),
        answered=followup.answered_flags(area, min(p.start, utcnow() - timedelta(days=14))),
        tiles=_tiles(),
    )


def _hot_mask(hot_hours: list[dict]) -> list[list[bool]]:
    """Which weekday × hour cells the hot hours touch (Mon..Sun × 0..23); past midnight spills into the next day."""
    mask = [[False] * 24 for _ in range(7)]
    for window in hot_hours or []:
        start = int(window["from"][:2]) * 60 + int(window["from"][3:])
        end = int(window["to"][:2]) * 60 + int(window["to"][3:])
        length = (end - start) % 1440
        for day in window["days"]:
            for hour in range(start // 60, (start + length - 1) // 60 + 1):
                absolute = (day - 1) * 24 + hour
                mask[(absolute // 24) % 7][absolute % 24] = True
    return mask


def _heat(grid: list[list[float]]) -> list[list[int]]:
    peak = max((m for day in grid for m in day), default=0) or 1
    return [[0 if m <= 0 else min(5, 1 + int(4 * m / peak)) for m in day] for day in grid]


def _audit_for(entity_type: str, entity_ids: list[str], limit: int = 50) -> list:
    if not entity_ids:
        return []
    query = (
        select(AuditEntry, User.username, User.display_name.label("actor_name"))
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id.in_(entity_ids))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query))


def _hotspot_or_404(hotspot_id: uuid.UUID) -> HotSpot:
    """The hot spot if it is within the user's area; otherwise the 404 page (``fieldlog.scope``)."""
    return hotspots.get_for(current_user, hotspot_id)


@bp.get("/hotspots/<uuid:hotspot_id>")
@supervisor_required
def hotspot_detail(hotspot_id: uuid.UUID):
    spot = _hotspot_or_404(hotspot_id)
    preset, p = _page_period(spot.area, "last_4_weeks")
    row = next((r for r in judged_rows(spot.area, p, {spot.id: spot}) if r["id"] == spot.id), None)
    grid = coverage.grid(spot, p)
    _mondays, weekly = coverage.weekly_figures(spot.area, 12, p.last, [spot])
    chart = charts.weekly_chart(
        weekly[spot.id], "weekly", _("Visits per week at %(name)s, the last 12 weeks", name=spot.name)
    )
    return render_template(
        "supervisor/hotspot.html",
        spot=spot,
        row=row,
        preset=preset,
        period=p,
        grid=grid,
        heat=_heat(grid),
        hot=_hot_mask(spot.hot_hours),
        weekly=weekly[spot.id],
        chart=chart,
        previous=periods.previous(p),
        archive_form=RevForm(rev=spot.rev),
        audit=_audit_for("hotspot", [str(spot.id)]),
        tiles=_tiles(),
    )


def _form_errors_from(e: ValidationError, form: HotSpotForm) -> None:
    """The service schema's objections, beside the fields they concern (never a raw field name on the page)."""
    fields = e.messages if isinstance(e.messages, dict) else {"_schema": e.messages}
    for name, messages in fields.items():
        if name == "hot_hours":
            rows = messages if isinstance(messages, dict) else {}
            filled = [i for i, row in enumerate(form.hot_hours) if not row.form.is_empty()]
            problems = dict(form.hot_hour_problems)
            for index in rows or [None]:
                position = filled[index] if isinstance(index, int) and index < len(filled) else 0
                problems[position] = _("Window %(n)s:", n=position + 1) + " " + _("Check the days and times.")
            form.hot_hour_problems = problems
            continue
        target = getattr(form, name, None)
        text = [m if isinstance(m, str) else str(m) for m in (messages if isinstance(messages, list) else [messages])]
        if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
            target.errors.extend(text)
        else:
            flash(_("The hot spot could not be saved. Check the form."), "error")


@bp.route("/hotspots/new", methods=["GET", "POST"])
@supervisor_required
def hotspot_new():
    area = _area_or_404()
    form = HotSpotForm()
    if request.method == "GET":
        form.lat.data, form.lon.data = _area_centre(area)
    if form.validate_on_submit():
        data = form.data_for_service()
        try:
            HotSpotInputSchema().load(data)
            data["area"] = area.slug
            spot = hotspots.create(current_user, data)
        except ValidationError as e:
            _form_errors_from(e, form)
        except (Invalid, Conflict) as e:
            flash(_(e.message), "error")
        else:
            flash(_("Hot spot %(name)s created.", name=spot.name), "info")
            return redirect(url_for("supervisor.hotspot_detail", hotspot_id=spot.id))
    return render_template("supervisor/hotspot_form.html", form=form, spot=None, area=area, tiles=_tiles()), (
        400 if request.method == "POST" else 200
    )


def _area_centre(area: Area) -> tuple[float, float]:
    spots = hotspots.list_for(current_user, area.slug)
    if spots:
        return (sum(s.lat for s in spots) / len(spots), sum(s.lon for s in spots) / len(spots))
    return (57.4955, 13.1090)  # Svenljunga; any start point works, the supervisor places the spot


@bp.route("/hotspots/<uuid:hotspot_id>/edit", methods=["GET", "POST"])
@supervisor_required
def hotspot_edit(hotspot_id: uuid.UUID):
    spot = _hotspot_or_404(hotspot_id)
    if spot.deleted:
        flash(_("This hot spot is archived and cannot be changed."), "error")
        return redirect(url_for("supervisor.hotspot_detail", hotspot_id=spot.id))
    form = HotSpotForm(obj=spot) if request.method == "GET" else HotSpotForm()
    status = 200
    if request.method == "GET":
        form.rev.data = spot.rev
        for i, window in enumerate(spot.hot_hours or []):
            if i >= len(form.hot_hours):
                form.hot_hours.append_entry()
            row = form.hot_hours[i]
            row.days.data, row.start.data, row.end.data = window["days"], window["from"], window["to"]
        form.hot_hours.append_entry()
    elif form.validate_on_submit():
        data = form.data_for_service()
        try:
            HotSpotInputSchema().load(data)
            expected = int(form.rev.data) if (form.rev.data or "").isdigit() else -1
            hotspots.update(current_user, spot, data, expected)
        except ValidationError as e:
            _form_errors_from(e, form)
            status = 400
        except StaleRevision:
            db.session.rollback()
            spot = _hotspot_or_404(hotspot_id)
            flash(
                _(
                    "Someone changed this hot spot meanwhile (now version %(rev)s). Your changes were not saved: "
                    "compare with the current values below and save again.",
                    rev=spot.rev,
                ),
                "error",
            )
            form.rev.data = spot.rev
            return render_template(
                "supervisor/hotspot_form.html", form=form, spot=spot, area=spot.area, tiles=_tiles(), conflict=True
            ), 409
        except (Invalid, Conflict) as e:
            flash(_(e.message), "error")
            status = 400
        else:
            flash(_("Hot spot %(name)s saved.", name=spot.name), "info")
            return redirect(url_for("supervisor.hotspot_detail", hotspot_id=spot.id))
    else:
        status = 400
    return render_template("supervisor/hotspot_form.html", form=form, spot=spot, area=spot.area, tiles=_tiles()), status


@bp.post("/hotspots/<uuid:hotspot_id>/archive")
@supervisor_required
def hotspot_archive(hotspot_id: uuid.UUID):
    spot = _hotspot_or_404(hotspot_id)
    form = RevForm()
    if not form.validate_on_submit() or not form.rev.data.isdigit():
        abort(400)
    if not confirmed():
        flash(_("Nothing was archived: tick the box to confirm first."), "error")
        return redirect(url_for("supervisor.hotspot_detail", hotspot_id=spot.id) + "#archive", 303)
    try:
        hotspots.archive(current_user, spot, int(form.rev.data))
    except StaleRevision:
        flash(_("Someone changed this hot spot meanwhile. Look at it again before archiving."), "error")
        return redirect(url_for("supervisor.hotspot_detail", hotspot_id=spot.id), 303)
    flash(_("Hot spot %(name)s archived.", name=spot.name), "info")
    return redirect(url_for("supervisor.dashboard"), 303)


@bp.get("/visits")
@supervisor_required
def visits():
    area = _area_or_404()
    preset, p = _page_period(area, "last_4_weeks")
    hotspot_id = None
    try:
        hotspot_id = uuid.UUID(request.args["hotspot"]) if request.args.get("hotspot") else None
    except ValueError:
        flash(_("Unknown hot spot."), "error")
    officer = (request.args.get("officer") or "").strip() or None
    flagged = request.args.get("flagged") == "1"
    query = visit_service.filtered(area, p.start, p.end, hotspot_id, officer, flagged)
    try:
        rows, next_cursor = visit_service.page(query, request.args.get("cursor"))
    except Invalid:
        rows, next_cursor = visit_service.page(query, None)
    next_url = None
    if next_cursor:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for("supervisor.visits", cursor=next_cursor, **args)
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
def visit_detail(visit_id: uuid.UUID):
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
        audit=_audit_for("visit", [str(visit.id)]),
        tiles=_tiles(),
    )


@bp.post("/visits/<uuid:visit_id>/flag")
@supervisor_required
def visit_flag(visit_id: uuid.UUID):
    row = _visit_row_or_404(visit_id)
    form = FlagForm()
    if form.validate_on_submit():
        visit_service.flag(current_user, row.Visit, form.comment.data, row.flag_username)
        flash(_("The visit is flagged. The officer sees your comment on the next sync."), "info")
        return redirect(url_for("supervisor.visit_detail", visit_id=visit_id), 303)
    flash(_("Write a comment for the officer."), "error")
    return redirect(url_for("supervisor.visit_detail", visit_id=visit_id), 303)


@bp.post("/visits/<uuid:visit_id>/unflag")
@supervisor_required
def visit_unflag(visit_id: uuid.UUID):
    row = _visit_row_or_404(visit_id)
    if ButtonForm().validate_on_submit():
        visit_service.unflag(current_user, row.Visit, row.flag_username)
        flash(_("The flag is removed."), "info")
    return redirect(url_for("supervisor.visit_detail", visit_id=visit_id), 303)


@bp.get("/export/visits.csv")
@supervisor_required
def export_csv():
    area = _area_or_404()
    _preset, p, _errors = chosen_period(area, "last_4_weeks")
    query = visit_service.filtered(area, p.start, p.end).order_by(None).order_by(*_export_order())
    # Read before the response: the request boundary ends the transaction before a streamed body is sent.
    rows = db.session.execute(query).all()
    return Response(
        "".join(visit_service.csv_lines(rows, area.timezone)).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="visits-{area.slug}-{p.first}-{p.last}.csv"'},
    )


def _export_order():
    from fieldlog.visits.models import Visit

    return (Visit.started_at, Visit.id)


@bp.get("/export/visits.geojson")
@supervisor_required
def export_geojson():
    from flask import jsonify

    area = _area_or_404()
    _preset, p, _errors = chosen_period(area, "last_4_weeks")
    query = visit_service.filtered(area, p.start, p.end).order_by(None).order_by(*_export_order())
    response = jsonify(visit_service.geojson(db.session.execute(query)))
    response.mimetype = "application/geo+json"
    response.headers["Content-Disposition"] = f'attachment; filename="visits-{area.slug}-{p.first}-{p.last}.geojson"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_LABELS = {"met": _l("Target met"), "below": _l("Below target"), "none": _l("No target")}


@bp.get("/export/visits.xlsx")
@supervisor_required
def export_xlsx():
    area = _area_or_404()
    _preset, p, _errors = chosen_period(area, "last_4_weeks")
    query = visit_service.filtered(area, p.start, p.end).order_by(None).order_by(*_export_order())
    rows = db.session.execute(query).all()
    body = xlsx.visits_workbook(
        rows, area.timezone, lambda c: str(MODE_LABELS.get(c, c)), lambda c: str(CODE_LABELS.get(c, c))
    )
    return Response(
        body,
        content_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="visits-{area.slug}-{p.first}-{p.last}.xlsx"'},
    )


@bp.get("/export/coverage.xlsx")
@supervisor_required
def export_coverage_xlsx():
    area = _area_or_404()
    _preset, p, _errors = chosen_period(area, "last_4_weeks")
    spots = {h.id: h for h in hotspots.list_for(current_user, area.slug)}
    body = xlsx.coverage_workbook(
        judged_rows(area, p, spots),
        followup.per_officer(area, p.start, p.end),
        area.timezone,
        lambda status: str(STATUS_LABELS[status]),
    )
    return Response(
        body,
        content_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="coverage-{area.slug}-{p.first}-{p.last}.xlsx"'},
    )


@bp.get("/report")
@supervisor_required
def report():
    area = _area_or_404()
    preset, p = _page_period(area, "last_4_weeks")
    spots = {h.id: h for h in hotspots.list_for(current_user, area.slug)}
    rows = judged_rows(area, p, spots)
    totals = {
        "visits": sum(r["visits"] for r in rows),
        "presence_minutes": coverage.round1(sum(r["presence_minutes"] for r in rows)),
        "officer_minutes": coverage.round1(sum(r["officer_minutes"] for r in rows)),
        "koper_visits": sum(r["koper_visits"] for r in rows),
        "on_site_visits": sum(r["on_site_visits"] for r in rows),
        "hot_hour_minutes": coverage.round1(sum(r["hot_hour_minutes"] for r in rows)),
        "below": sum(1 for r in rows if r["status"] == "below"),
    }
    return render_template("supervisor/report.html", area=area, preset=preset, period=p, rows=rows, totals=totals)


@bp.get("/audit")
@supervisor_required
def audit_log():
    query = (
        select(AuditEntry, User.username, User.display_name.label("actor_name"))
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(200)
    )
    if current_user.role != "admin":
        area_id = current_user.area_id
        spot_ids = [str(i) for i in db.session.scalars(select(HotSpot.id).where(HotSpot.area_id == area_id))]
        user_ids = list(db.session.scalars(select(User.id).where(User.area_id == area_id)))
        device_ids = [str(i) for i in db.session.scalars(select(Device.id).where(Device.user_id.in_(user_ids)))]
        query = query.where(
            or_(
                (AuditEntry.entity_type == "hotspot") & AuditEntry.entity_id.in_(spot_ids),
                (AuditEntry.entity_type == "user") & AuditEntry.entity_id.in_([str(i) for i in user_ids]),
                (AuditEntry.entity_type == "device") & AuditEntry.entity_id.in_(device_ids),
                (AuditEntry.entity_type == "visit") & AuditEntry.actor_id.in_(user_ids),
            )
        )
    return render_template("supervisor/audit.html", entries=list(db.session.execute(query)))
