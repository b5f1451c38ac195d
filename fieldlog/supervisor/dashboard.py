"""The supervisor's overview of an area: the coverage dashboard, the printable report and the coverage workbook.

The supervisor pages' blueprint (``/supervisor``) lives here; each feature's pages are a blueprint of their own,
nested in it (``fieldlog.supervisor.__init__``): hot spots, visits, the audit log.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from openpyxl import Workbook

from fieldlog import periods
from fieldlog.coverage import services as coverage
from fieldlog.db import utcnow
from fieldlog.exports import DATETIME, MINUTES, PERCENT, XLSX, attachment, local, sheet, workbook_bytes
from fieldlog.hotspots import services as hotspots
from fieldlog.scope import all_areas
from fieldlog.supervisor import followup
from fieldlog.supervisor.access import supervisor_required
from fieldlog.supervisor.pages import area_or_404, chosen_period, page_period, tiles
from fieldlog.supervisor.targets import judged_rows

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")

STATUS_LABELS = {"met": _l("Target met"), "below": _l("Below target"), "none": _l("No target")}


@bp.get("/")
@supervisor_required
def dashboard():
    area = area_or_404()
    preset, p = page_period(area)
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
        tiles=tiles(),
    )


@bp.get("/export/coverage.xlsx")
@supervisor_required
def export_coverage_xlsx():
    area = area_or_404()
    _preset, p, _errors = chosen_period(area, "last_4_weeks")
    spots = {h.id: h for h in hotspots.list_for(current_user, area.slug)}
    body = coverage_workbook(judged_rows(area, p, spots), followup.per_officer(area, p.start, p.end), area.timezone)
    return attachment(body, XLSX, f"coverage-{area.slug}-{p.first}-{p.last}.xlsx")


@bp.get("/report")
@supervisor_required
def report():
    area = area_or_404()
    preset, p = page_period(area, "last_4_weeks")
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


def coverage_workbook(rows: list[dict], officers: list[dict], timezone: str) -> bytes:
    """The judged coverage rows of a period and the figures per officer, a sheet each."""
    tz = ZoneInfo(timezone)
    headers = [
        _("Hot spot"),
        _("Priority"),
        _("Visits"),
        _("Target"),
        _("Compliance"),
        _("Status"),
        _("Short of"),
        _("Presence time (min)"),
        _("Hot hours (min)"),
        _("Officer minutes"),
        _("Median visit (min)"),
        _("10–16 min visits"),
        _("On site"),
        _("Officers"),
        _("Last visit"),
        _("Visits, period before"),
        _("Presence time (min), period before"),
    ]
    data = [
        [
            r["name"],
            r["priority"],
            r["visits"],
            r["target_visits"],
            r["visit_compliance"],
            str(STATUS_LABELS[r["status"]]),
            "; ".join(r.get("short") or []) or None,
            r["presence_minutes"],
            r["hot_hour_minutes"],
            r["officer_minutes"],
            r["median_visit_minutes"],
            r["koper_visits"],
            r["on_site_visits"],
            r["officers_distinct"],
            local(r["last_visit_at"], tz),
            (r.get("prev") or {}).get("visits"),
            (r.get("prev") or {}).get("presence_minutes"),
        ]
        for r in rows
    ]
    wb = Workbook()
    formats = {4: "0.0", 5: PERCENT, 8: MINUTES, 9: MINUTES, 10: MINUTES, 11: MINUTES, 15: DATETIME, 17: MINUTES}
    sheet(wb, _("Coverage"), headers, data, formats)
    officer_headers = [
        _("Officer"),
        _("Visits"),
        _("Hot spots"),
        _("Minutes at hot spots"),
        _("Officer minutes"),
        _("10–16 min visits"),
        _("Share of 10–16 min visits"),
    ]
    officer_rows = [
        [
            o["name"],
            o["visits"],
            o["hotspots"],
            round(o["minutes"], 1),
            round(o["officer_minutes"], 1),
            o["koper"],
            o["koper_share"],
        ]
        for o in officers
    ]
    sheet(wb, _("Per officer"), officer_headers, officer_rows, {4: MINUTES, 5: MINUTES, 7: PERCENT})
    return workbook_bytes(wb)
