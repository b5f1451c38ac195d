"""Routes of sync protocol v1: ``POST /api/v1/sync/push`` and ``GET /api/v1/sync/pull`` (SPEC §3), and
``POST /api/v1/sync/sealed``, the same push from a locked phone (issue 15, fieldlog.sync.sealed)."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from marshmallow import ValidationError

from fieldlog.api.errors import ApiError
from fieldlog.api.helpers import json_body, load
from fieldlog.api.messages import translate_results
from fieldlog.auth.services import api_auth, authenticate_bearer_values, refresh_locale
from fieldlog.db import own_transaction, utcnow
from fieldlog.ops.metrics import count_push_results
from fieldlog.sync import pull as pulls
from fieldlog.sync import push as pushes
from fieldlog.sync import sealed
from fieldlog.sync.schemas import MutationSchema, PullQuerySchema, PushSchema

bp = Blueprint("sync", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1

PROTOCOL = 1

_push = PushSchema()
_mutation = MutationSchema()
_pull_query = PullQuerySchema()


@bp.post("/sync/push")
@own_transaction  # the token check, the push and the commit on one connection, without the ORM session's machinery
@api_auth(values=True)
def push():
    return run_push(json_body(), g.bearer)


@bp.post("/sync/sealed")
@own_transaction
def push_sealed():
    """The push of a locked phone's service worker: the same push, its token and mutations sealed inside envelopes
    (fieldlog.sync.sealed), authenticated exactly as the bearer token they carry."""
    token, mutations = sealed.open_request(json_body(), int(current_app.config["MAX_PUSH_MUTATIONS"]), PROTOCOL)
    bearer = authenticate_bearer_values(f"Bearer {token}")
    g.bearer = bearer
    g.user_locale = bearer.locale  # as api_auth does: the answer in the token's user's language
    refresh_locale()
    return run_push({"protocol": PROTOCOL, "mutations": mutations}, bearer)


def run_push(body, bearer):
    """A push's body checked and applied for ``bearer`` (a ``Bearer``); the answer of ``/sync/push``."""
    if not isinstance(body, dict):
        raise ApiError(
            400, "validation_error", "The request body must be a JSON object.", {"_schema": ["Not an object."]}
        )
    protocol = body.get("protocol")
    if isinstance(protocol, int) and not isinstance(protocol, bool) and protocol != PROTOCOL:
        raise ApiError(
            400, "unsupported_protocol", f"This server speaks sync protocol {PROTOCOL}.", {"protocol": ["Unsupported."]}
        )
    mutations = body.get("mutations")
    limit = int(current_app.config["MAX_PUSH_MUTATIONS"])
    if isinstance(mutations, list) and len(mutations) > limit:
        raise ApiError(
            413,
            "payload_too_large",
            f"At most {limit} mutations per push; send smaller batches.",
            {"mutations": [f"More than {limit}."]},
        )
    load(_push, body)
    try:
        loaded = _mutation.load(mutations, many=True)
    except ValidationError as e:
        raise ValidationError({"mutations": e.messages}) from None
    actor = pushes.Actor(
        user_id=bearer.user_id,
        username=bearer.username,
        area_id=bearer.area_id,
        device_id=bearer.device_id,
        role=bearer.role,
    )
    results = pushes.push(actor, mutations, loaded)
    count_push_results(results)
    return {"results": translate_results(results), "server_time": utcnow().isoformat()}


@bp.get("/sync/pull")
@api_auth()
def pull():
    args = load(_pull_query, request.args.to_dict())
    maximum = int(current_app.config["PULL_MAX_LIMIT"])
    if args["limit"] > maximum:
        raise ApiError(400, "validation_error", "The request is not valid.", {"limit": [f"At most {maximum}."]})
    page = pulls.pull(g.user, args.get("cursor"), args["limit"])
    return {"cursor": page.cursor, "has_more": page.has_more, "reset": page.reset, "changes": page.changes}
