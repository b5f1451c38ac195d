"""The promise API (SPEC §6): promises with their commitments nested, dated updates, and computed progress.
Supervisor of the area; admin with ``?area=`` (or ``area`` in a new promise). ``If-Match`` as for hot spots."""

import uuid

from flask import Blueprint, g, request

from fieldlog.api.helpers import etag, if_match_rev, load
from fieldlog.auth.services import api_auth
from fieldlog.periods import today_in
from fieldlog.promises import services
from fieldlog.promises.progress import progress
from fieldlog.promises.schemas import (
    ProgressQuerySchema,
    PromiseInputSchema,
    PromisePatchSchema,
    PromiseQuerySchema,
    PromiseSchema,
    UpdateInputSchema,
    UpdateSchema,
)

bp = Blueprint("promises", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1

_input = PromiseInputSchema()
_patch = PromisePatchSchema()
_query = PromiseQuerySchema()
_progress_query = ProgressQuerySchema()
_promise = PromiseSchema()
_update_input = UpdateInputSchema()
_update = UpdateSchema()


def _one(promise, status=200):
    return _promise.dump(promise), status, {"ETag": etag(promise.rev)}


def _get(promise_id: uuid.UUID):
    """The promise, within the caller's reach and the ``?area=`` it names (fieldlog.scope)."""
    args = load(_query, request.args.to_dict())
    return services.get_for(g.user, promise_id, args.get("area"))


@bp.get("/promises")
@api_auth("supervisor", "admin")
def list_promises():
    args = load(_query, request.args.to_dict())
    return {"promises": _promise.dump(services.list_for(g.user, args.get("area")), many=True)}


@bp.post("/promises")
@api_auth("supervisor", "admin")
def create_promise():
    args = load(_query, request.args.to_dict())
    return _one(services.create(g.user, load(_input), args.get("area")), 201)


@bp.get("/promises/<uuid:promise_id>")
@api_auth("supervisor", "admin")
def get_promise(promise_id: uuid.UUID):
    return _one(_get(promise_id))


@bp.patch("/promises/<uuid:promise_id>")
@api_auth("supervisor", "admin")
def patch_promise(promise_id: uuid.UUID):
    promise = _get(promise_id)
    data = load(_patch)
    return _one(services.update(g.user, promise, data, if_match_rev()))


@bp.delete("/promises/<uuid:promise_id>")
@api_auth("supervisor", "admin")
def delete_promise(promise_id: uuid.UUID):
    promise = _get(promise_id)
    services.delete(g.user, promise, if_match_rev())
    return "", 204


@bp.post("/promises/<uuid:promise_id>/commitments/<uuid:commitment_id>/updates")
@api_auth("supervisor", "admin")
def add_update(promise_id: uuid.UUID, commitment_id: uuid.UUID):
    promise = _get(promise_id)
    entry = services.add_update(g.user, promise, commitment_id, load(_update_input))
    return _update.dump(entry), 201


@bp.get("/promises/<uuid:promise_id>/progress")
@api_auth("supervisor", "admin")
def promise_progress(promise_id: uuid.UUID):
    """As of today in the area (``?as_of=YYYY-MM-DD`` for another day)."""
    args = load(_progress_query, request.args.to_dict())
    promise = services.get_for(g.user, promise_id, args.get("area"))
    return progress(promise, args.get("as_of") or today_in(promise.area))
