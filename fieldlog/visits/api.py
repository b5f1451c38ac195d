"""Visits for supervisors (SPEC §3): the area's list, flagging a visit back to its officer, CSV and GeoJSON exports."""

import uuid

from flask import Blueprint, g, request

from fieldlog import periods, scope
from fieldlog.api.helpers import load
from fieldlog.auth.services import api_auth
from fieldlog.visits import exports
from fieldlog.visits import review as service
from fieldlog.visits.schemas import ExportQuerySchema, FlagInputSchema, VisitQuerySchema

bp = Blueprint("visits", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1

_query = VisitQuerySchema()
_export_query = ExportQuerySchema()
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


def _export(fmt: str):
    args = load(_export_query, request.args.to_dict())
    area = scope.read_area(g.user, args.get("area"))
    return exports.download(fmt, area, periods.resolve(area.timezone, args.get("from_"), args.get("to")))


@bp.get("/visits.csv")
@api_auth("supervisor", "admin")
def export_csv():
    return _export("csv")


@bp.get("/visits.geojson")
@api_auth("supervisor", "admin")
def export_geojson():
    return _export("geojson")
