"""One log line per request, for operators: method, route, status, duration and user id — never a token, password,
note or position (nothing of the request's headers, query or body is read). ``FIELDLOG_LOG_FORMAT=json`` turns every
line of the ``fieldlog`` loggers into a JSON object, for log shippers.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask import Flask, g, request
from sqlalchemy import inspect as sa_inspect

log = logging.getLogger("fieldlog.request")

# The fields a request line carries, in this order.
FIELDS = ("method", "route", "endpoint", "status", "duration_ms", "user_id")
REQUEST_LINE = "%s %s %s %.1f ms user=%s"


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, the request fields when it has them, the error."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in FIELDS:
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def formatter(app: Flask) -> logging.Formatter:
    if str(app.config.get("LOG_FORMAT", "text")).lower() == "json":
        return JsonFormatter()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure(app: Flask) -> None:
    """Send the ``fieldlog`` loggers (this line, sign-in failures, errors) to stderr at INFO, unless whoever runs the
    app configured logging already (a root handler: pytest's, or an operator's ``logging`` config)."""
    logger = logging.getLogger("fieldlog")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if logging.getLogger().handlers:
        return
    handler = next((h for h in logger.handlers if getattr(h, "fieldlog_ops", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.fieldlog_ops = True
        logger.addHandler(handler)
    handler.setFormatter(formatter(app))


def user_id() -> int | None:
    """The caller's id when the request already knew it (bearer token, or a session the view loaded) — never loading
    a user just to log it."""
    bearer = g.get("bearer")  # a route authenticated to plain values (the push)
    if bearer is not None:
        return bearer.user_id
    user = g.get("user") or g.get("_login_user")
    if user is None:
        return None
    # The identity the session already holds: reading an attribute could load it, and after a rollback (the database
    # gone mid-request) that load would fail inside the response hook and turn a 503 into a 500.
    state = sa_inspect(user, raiseerr=False)  # None for Flask-Login's anonymous user
    identity = state.identity if state is not None else None
    return identity[0] if identity else None


def log_request(app: Flask, endpoint: str, status: int, seconds: float) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    req = request._get_current_object()  # one look through the context-local proxy
    rule = req.url_rule.rule if req.url_rule is not None else "-"
    fields = {
        "method": req.method,
        "route": rule,
        "endpoint": endpoint,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        "user_id": user_id(),
    }
    args = (
        fields["method"],
        rule,
        status,
        fields["duration_ms"],
        fields["user_id"] if fields["user_id"] is not None else "-",
    )
    # What ``log.info(..., extra=fields)`` does — the same record, to the same handlers and filters — less its search
    # of the call stack for where it was called from (``findCaller``, a fifth of the line's cost on every request):
    # this frame is where, and it is at hand.
    frame = sys._getframe()
    code = frame.f_code
    record = log.makeRecord(
        log.name, logging.INFO, code.co_filename, frame.f_lineno, REQUEST_LINE, args, None, code.co_name, fields
    )
    log.handle(record)
