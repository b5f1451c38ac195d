"""``/healthz`` for load balancers and ``/metrics`` for Prometheus (not public: a bearer token)."""

from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from fieldlog.extensions import db

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    """200 "up" when the database answers, 503 otherwise — and nothing about why (that goes to the log)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.warning("health check: the database does not answer", exc_info=True)
        return {"status": "database unreachable"}, 503, {"Cache-Control": "no-store", "Retry-After": "5"}
    return {"status": "up"}, 200, {"Cache-Control": "no-store"}


@bp.get("/metrics")
def metrics():
    """Prometheus text format, for the holder of ``FIELDLOG_METRICS_TOKEN`` only: 404 while no token is configured
    (the endpoint does not exist for anyone), 403 for a missing or wrong one."""
    from fieldlog.ops.metrics import render

    expected = current_app.config.get("METRICS_TOKEN")
    if not expected:
        abort(404)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), str(expected).encode()):
        abort(403)
    body, content_type = render(current_app)
    return body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}
