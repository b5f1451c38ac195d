"""Activities for supervisors (SPEC §6): the area's list and the CSV export. Phones create and change activities
through the sync push (``fieldlog.sync``)."""

from __future__ import annotations

from flask import Blueprint, Response, g, request

from fieldlog import periods, scope
from fieldlog.activities import queries
from fieldlog.activities.models import Activity
from fieldlog.activities.schemas import ActivityExportQuerySchema, ActivityQuerySchema
from fieldlog.api.helpers import load
from fieldlog.auth.services import api_auth
from fieldlog.extensions import db

bp = Blueprint("activities", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1

_query = ActivityQuerySchema()
_export = ActivityExportQuerySchema()


@bp.get("/activities")
@api_auth("supervisor", "admin")
def list_activities():
    args = load(_query, request.args.to_dict())
    # An admin without ?area= lists every area, as for visits.
    area = scope.read_area(g.user, args.get("area"), all_for_admin=True)
    # Inclusive local days of the area (for every area: Swedish time); either end may be left open.
    timezone = area.timezone if area is not None else "Europe/Stockholm"
    first, last = args.get("from_"), args.get("to")
    start = periods.period(first, first, timezone).start if first else None
    end = periods.period(last, last, timezone).end if last else None
    query = queries.filtered(
        area.id if area else None, start, end, args.get("type"), args.get("status"), args.get("officer")
    )
    rows, next_cursor = queries.page(query, args.get("cursor"))
    return {"activities": [queries.wire(row) for row in rows], "next_cursor": next_cursor}


@bp.get("/activities.csv")
@api_auth("supervisor", "admin")
def export_activities_csv():
    args = load(_export, request.args.to_dict())
    area = scope.read_area(g.user, args.get("area"))
    p = periods.resolve(area.timezone, args.get("from_"), args.get("to"))
    query = queries.filtered(area.id, p.start, p.end).order_by(None).order_by(Activity.starts_at, Activity.id)
    rows = db.session.execute(query).all()
    filename = f"activities-{area.slug}-{p.first.isoformat()}-{p.last.isoformat()}.csv"
    return Response(
        "".join(queries.csv_lines(rows, area.timezone)).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
