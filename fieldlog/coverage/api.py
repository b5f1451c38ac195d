import uuid

from flask import Blueprint, g, request

from fieldlog import periods, scope
from fieldlog.api.helpers import load
from fieldlog.auth.services import api_auth
from fieldlog.coverage import services
from fieldlog.coverage.schemas import CoverageSchema, GridSchema, PeriodQuerySchema
from fieldlog.hotspots import services as hotspot_services

bp = Blueprint("coverage", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1

_query = PeriodQuerySchema()
_coverage = CoverageSchema()
_grid = GridSchema()


@bp.get("/coverage")
@api_auth("supervisor", "admin")
def coverage():
    args = load(_query, request.args.to_dict())
    area = scope.read_area(g.user, args.get("area"))
    period = periods.resolve(area.timezone, args.get("from_"), args.get("to"))
    return _coverage.dump(services.coverage(area, period))


@bp.get("/coverage/<uuid:hotspot_id>/grid")
@api_auth("supervisor", "admin")
def coverage_grid(hotspot_id: uuid.UUID):
    args = load(_query, request.args.to_dict())
    hotspot = hotspot_services.get_for(g.user, hotspot_id)
    period = periods.resolve(hotspot.area.timezone, args.get("from_"), args.get("to"))
    return _grid.dump({"minutes": services.grid(hotspot, period)})
