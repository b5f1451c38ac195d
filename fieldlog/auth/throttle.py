"""Sign-in throttling shared by the sign-in page and the token API (SPEC §3).

Two Flask-Limiter limits, one keyed by username and one by client address, count only *failed* attempts
(``deduct_when``) and share their counters between both entry points (``shared_limit`` scopes).
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from fieldlog.extensions import limiter


def _limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _username_key() -> str:
    name = request.form.get("username") if request.form else None
    if name is None:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    return "user:" + (name.strip().lower()[:64] if isinstance(name, str) else "")


def mark_failed() -> None:
    g.login_failed = True


def _failed(response) -> bool:
    return bool(g.get("login_failed"))


def throttled(view):
    """Apply both sign-in limits to a view (POST only)."""
    for scope, key in (("login-username", _username_key), ("login-address", get_remote_address)):
        view = limiter.shared_limit(_limit, scope=scope, key_func=key, deduct_when=_failed, methods=["POST"])(view)
    return view
