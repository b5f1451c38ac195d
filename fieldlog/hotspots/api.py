import uuid

from flask import Blueprint, g, request

from fieldlog.api.helpers import etag, if_match_rev, load
from fieldlog.auth.services import api_auth
from fieldlog.hotspots import services
from fieldlog.hotspots.schemas import (
    HotSpotInputSchema,
    HotSpotPatchSchema,
    HotSpotQuerySchema,
    HotSpotSchema,
    HotSpotStatusQuerySchema,
)

bp = Blueprint("hotspots", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1

_input = HotSpotInputSchema()
_patch = HotSpotPatchSchema()
_query = HotSpotQuerySchema()
_hotspot = HotSpotSchema()
_status_query = HotSpotStatusQuerySchema()


def _one(hotspot, status=200):
    return _hotspot.dump(hotspot), status, {"ETag": etag(hotspot.rev)}


@bp.get("/hotspots")
@api_auth()
def list_hotspots():
    args = load(_query, request.args.to_dict())
    hotspots = services.list_for(g.user, args.get("area"), args.get("include_deleted", False))
    return {"hotspots": _hotspot.dump(hotspots, many=True)}


@bp.post("/hotspots")
@api_auth("supervisor", "admin")
def create_hotspot():
    hotspot = services.create(g.user, load(_input))
    return _one(hotspot, 201)


@bp.get("/hotspots/<uuid:hotspot_id>")
@api_auth()
def get_hotspot(hotspot_id: uuid.UUID):
    return _one(services.get_for(g.user, hotspot_id))


@bp.patch("/hotspots/<uuid:hotspot_id>")
@api_auth("supervisor", "admin")
def patch_hotspot(hotspot_id: uuid.UUID):
    hotspot = services.get_for(g.user, hotspot_id)
    data = load(_patch)
    hotspot = services.update(g.user, hotspot, data, if_match_rev())
    return _one(hotspot)


@bp.delete("/hotspots/<uuid:hotspot_id>")
@api_auth("supervisor", "admin")
def delete_hotspot(hotspot_id: uuid.UUID):
    hotspot = services.get_for(g.user, hotspot_id)
    hotspot = services.archive(g.user, hotspot, if_match_rev())
    return "", 204, {"ETag": etag(hotspot.rev)}


@bp.get("/hotspots/status")
@api_auth()
def hotspot_status():
    """Per live hot spot: last visit, visits and presence minutes of the last 7 days (the phone's "overdue" view)."""
    args = load(_status_query, request.args.to_dict())
    return services.status_for(g.user, args.get("area"))
