"""Per-address throttling of survey responses (SPEC §7), on the sign-in throttle's storage (``fieldlog.auth.throttle``):
by default the ``login_failure`` table that every worker shares, keyed by an HMAC of ``survey:<address>`` — so the
table holds neither the address nor which survey —, or the ``limits`` storage of ``FIELDLOG_RATELIMIT_STORAGE_URI``.

Every response posted counts (stored, refused or invalid alike). More than ``SURVEY_RESPONSE_LIMIT`` (config.py)
→ 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import timedelta

from flask import current_app
from limits import parse
from sqlalchemy import delete, insert
from werkzeug.exceptions import TooManyRequests

from fieldlog.auth import throttle
from fieldlog.db import utcnow


def _item():
    return parse(current_app.config["SURVEY_RESPONSE_LIMIT"])


def _key() -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, ("survey:" + throttle.client_address()).encode(), hashlib.sha256).hexdigest()


def check_and_count() -> None:
    """Raise 429 when this address has posted too many responses; otherwise count this one."""
    item, keys = _item(), [_key()]
    database = throttle._storage_uri() == throttle.DATABASE
    wait = throttle._database_wait(keys, item) if database else throttle._limits_wait(keys, item)
    if wait is not None:
        raise TooManyRequests(retry_after=max(1, math.ceil(wait)))
    if database:
        _database_add(keys[0], item)
    else:
        throttle._limits_limiter().hit(item, "login", keys[0])


def _database_add(key: str, item) -> None:
    """In a transaction of its own (a refused response is rolled back, its count is not). Old rows go by the longer
    of the two windows, so that the sign-in throttle's failures stay as long as it needs them."""
    from fieldlog.auth.models import LoginFailure
    from fieldlog.extensions import db

    now = utcnow()
    keep = max(item.get_expiry(), parse(current_app.config["LOGIN_FAILURE_LIMIT"]).get_expiry())
    with db.engine.begin() as conn:
        conn.execute(insert(LoginFailure), [{"key": key, "at": now}])
        conn.execute(delete(LoginFailure).where(LoginFailure.at <= now - timedelta(seconds=keep)))
