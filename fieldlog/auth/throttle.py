"""Sign-in throttling shared by the sign-in page and the token API (SPEC §3).

More than ``LOGIN_FAILURE_LIMIT`` failed sign-ins (default 10 per 15 minutes) for one username, or from one client
address, and further attempts are refused with 429 and ``Retry-After`` until the oldest failure leaves the window.
Only failures count.

The failures are kept where every gunicorn worker and every app server sees them: by default in the database
(``login_failure``, keyed by an HMAC of the username or address, so that the table holds neither), which needs no
extra service. ``FIELDLOG_RATELIMIT_STORAGE_URI=redis://host:6379`` keeps them in Redis instead, through the
``limits`` library (the storage layer of Flask-Limiter); ``memory://`` counts per process, for one-process tools only.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from datetime import timedelta

from flask import current_app, request
from limits import RateLimitItem, parse
from sqlalchemy import delete, insert, select
from werkzeug.exceptions import TooManyRequests

from fieldlog.db import utcnow

log = logging.getLogger(__name__)

DATABASE = "database"


def _item() -> RateLimitItem:
    return parse(current_app.config["LOGIN_FAILURE_LIMIT"])


def client_address() -> str:
    """The client's address as the app sees it (behind FIELDLOG_TRUSTED_PROXIES, the forwarded one)."""
    return request.remote_addr or "unknown"


def normalise_username(username) -> str:
    return username.strip().lower()[:64] if isinstance(username, str) else ""


def _keys(username: str) -> list[str]:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    names = ["user:" + normalise_username(username), "addr:" + client_address()]
    return [hmac.new(secret, name.encode("utf-8", "replace"), hashlib.sha256).hexdigest() for name in names]


def _storage_uri() -> str:
    return str(current_app.config.get("RATELIMIT_STORAGE_URI") or DATABASE)


def check(username) -> None:
    """Raise 429 (with the seconds until the next attempt may succeed) when this username or address is throttled."""
    item = _item()
    keys = _keys(username)
    wait = _database_wait(keys, item) if _storage_uri() == DATABASE else _limits_wait(keys, item)
    if wait is not None:
        log.warning("sign-in throttled for username %r from %s", normalise_username(username), client_address())
        raise TooManyRequests(retry_after=max(1, math.ceil(wait)))


def record_failure(username, where: str) -> None:
    """Count a failed sign-in against the username and the client address, and log it (never the password)."""
    log.warning("failed %s sign-in for username %r from %s", where, normalise_username(username), client_address())
    item = _item()
    keys = _keys(username)
    if _storage_uri() == DATABASE:
        _database_add(keys, item)
    else:
        limiter = _limits_limiter()
        for key in keys:
            limiter.hit(item, "login", key)


# --- database storage ---------------------------------------------------------------------------------------------


def _database_wait(keys: list[str], item: RateLimitItem) -> float | None:
    from fieldlog.auth.models import LoginFailure
    from fieldlog.extensions import db

    now = utcnow()
    window = timedelta(seconds=item.get_expiry())
    times = db.session.execute(
        select(LoginFailure.key, LoginFailure.at)
        .where(LoginFailure.key.in_(keys), LoginFailure.at > now - window)
        .order_by(LoginFailure.at)
    ).all()
    wait = None
    for key in keys:
        seen = [at for k, at in times if k == key]
        if len(seen) >= item.amount:
            # Free again when enough of the oldest failures have left the window to allow one more attempt.
            frees_at = seen[len(seen) - item.amount] + window
            seconds = (frees_at - now).total_seconds()
            wait = seconds if wait is None else max(wait, seconds)
    return wait


def _database_add(keys: list[str], item: RateLimitItem) -> None:
    """Stored in a transaction of its own: the failed request itself is rolled back (its status is 4xx)."""
    from fieldlog.auth.models import LoginFailure
    from fieldlog.extensions import db

    now = utcnow()
    with db.engine.begin() as conn:
        conn.execute(insert(LoginFailure), [{"key": key, "at": now} for key in keys])
        conn.execute(delete(LoginFailure).where(LoginFailure.at <= now - timedelta(seconds=item.get_expiry())))


# --- limits storage (Redis) ---------------------------------------------------------------------------------------


def _limits_limiter():
    from limits.storage import storage_from_string
    from limits.strategies import MovingWindowRateLimiter

    uri = _storage_uri()
    cache = current_app.extensions.setdefault("fieldlog_login_limiters", {})
    if uri not in cache:
        cache[uri] = MovingWindowRateLimiter(storage_from_string(uri))
    return cache[uri]


def _limits_wait(keys: list[str], item: RateLimitItem) -> float | None:
    import time

    limiter = _limits_limiter()
    wait = None
    for key in keys:
        if not limiter.test(item, "login", key):
            seconds = limiter.get_window_stats(item, "login", key).reset_time - time.time()
            wait = seconds if wait is None else max(wait, seconds)
    return wait
