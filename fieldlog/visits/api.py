"""Visits for supervisors (SPEC §3): the area's list, flagging a visit back to its officer, CSV and GeoJSON exports."""

import uuid

from flask import Response, g, request

from fieldlog import periods, scope
from fieldlog.api import bp
from fieldlog.api.helpers import load
from fieldlog.auth.services import api_auth
from fieldlog.supervisor import visits as service
from fieldlog.supervisor.schemas import ExportQuerySchema, FlagInputSchema, VisitQuerySchema
from fieldlog.visits.models import Visit

_query = VisitQuerySchema()
_export = ExportQuerySchema()
_flag = FlagInputSchema()


def _area_and_range(args: dict):
    """The area (supervisor: own; admin: ?area= or all) and the UTC range of ?from&to, if given (without ``to``: up
    to today; without ``from``: the one day ``to``)."""
    area = scope.read_area(g.user, args.get("area"), all_for_admin=True)
    first, last = args.get("from_"), args.get("to")
    if first is None and last is None:
        return area, None, None
    if area is None:  # an admin's list of every area: days in Swedish time, and no "today" to run up to
        p = periods.resolve("Europe/Stockholm", first, last, default_days=1, today=first or last)
    else:
        p = periods.resolve(area.timezone, first, last, default_days=1)
    return area, p.start, p.end


@bp.get("/visits")
@api_auth("supervisor", "admin")
def list_visits():
    args = load(_query, request.args.to_dict())
    area, start, end = _area_and_range(args)
    query = service.filtered(area, start, end, args.get("hotspot_id"), args.get("officer"))
    rows, next_cursor = service.page(query, args.get("cursor"))
    return {
        "visits": [service.wire(r.Visit, r.officer_username, r.flag_username) for r in rows],
        "next_cursor": next_cursor,
    }


@bp.post("/visits/<uuid:visit_id>/flag")
@api_auth("supervisor", "admin")
def flag_visit(visit_id: uuid.UUID):
    row = service.get_row(g.user, visit_id)
    data = load(_flag)
    visit = service.flag(g.user, row.Visit, data["comment"], row.flag_username)
    return service.wire(visit, row.officer_username, g.user.username)


@bp.delete("/visits/<uuid:visit_id>/flag")
@api_auth("supervisor", "admin")
def unflag_visit(visit_id: uuid.UUID):
    row = service.get_row(g.user, visit_id)
    service.unflag(g.user, row.Visit, row.flag_username)
    return "", 204


def _export_rows():
    args = load(_export, request.args.to_dict())
    area = scope.read_area(g.user, args.get("area"))
    p = periods.resolve(area.timezone, args.get("from_"), args.get("to"))
    query = service.filtered(area, p.start, p.end).order_by(None).order_by(Visit.started_at, Visit.id)
    return area, p, query


@bp.get("/visits.csv")
@api_auth("supervisor", "admin")
def export_csv():
    area, p, query = _export_rows()
    from fieldlog.extensions import db

    # Read before the response: the request boundary ends the transaction before a streamed body is sent.
    rows = db.session.execute(query).all()
    filename = f"visits-{area.slug}-{p.first.isoformat()}-{p.last.isoformat()}.csv"
    return Response(
        "".join(service.csv_lines(rows, area.timezone)).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/visits.geojson")
@api_auth("supervisor", "admin")
def export_geojson():
    area, p, query = _export_rows()
    from fieldlog.extensions import db

    body = service.geojson(db.session.execute(query))
    filename = f"visits-{area.slug}-{p.first.isoformat()}-{p.last.isoformat()}.geojson"
    from flask import jsonify

    response = jsonify(body)
    response.mimetype = "application/geo+json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
