"""Accounts and device tokens. Services change data and flush; the request boundary commits."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, wraps

from flask import current_app, g
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload, lazyload
from werkzeug.security import check_password_hash, generate_password_hash

from fieldlog.api.errors import ApiError
from fieldlog.areas.models import Area
from fieldlog.auth import recovery
from fieldlog.auth.models import ROLES, Device, User, password_hash_method
from fieldlog.db import Prepared, request_connection, utcnow
from fieldlog.extensions import db

# A used token's expiry is pushed forward at most this often, so that reads do not all write.
SLIDE_GRANULARITY = timedelta(seconds=60)
# Every API request runs it: built once (its compiled form is cached). The device with its user, in one query; the
# user's area (joined by default) only if a route asks for it — the push needs only ``area_id``.
_DEVICE_BY_TOKEN = (
    select(Device)
    .where(Device.token_hash == bindparam("token_hash"))
    .options(joinedload(Device.user).options(lazyload(User.area)))
)


def _dummy_hash() -> str:
    """Checked against when the username is unknown, so that both paths cost one scrypt check."""
    return _dummy_hash_for(password_hash_method())


@cache
def _dummy_hash_for(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=password_hash_method())


class AccountError(ValueError):
    """A bad account request: ``field`` names what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def check_credentials(username: str, password: str) -> User | None:
    """The active user with these credentials, or None. Unknown users cost the same time as wrong passwords."""
    user = find_user(username) if isinstance(username, str) else None
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not user.check_password(password or "") or not user.active:
        return None
    return user


def create_user(
    username: str,
    password: str,
    role: str,
    area: Area | None = None,
    display_name: str | None = None,
    locale: str = "sv",
) -> User:
    username = (username or "").strip().lower()
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError("username", "Use 1–64 letters, digits, '.', '_' or '-'.")
    if role not in ROLES:
        raise AccountError("role", f"Must be one of: {', '.join(ROLES)}.")
    if role == "admin" and area is not None:
        raise AccountError("area", "An admin belongs to no area.")
    if role != "admin" and area is None:
        raise AccountError("area", f"A {role} needs an area.")
    if not password or len(password) < 8:
        raise AccountError("password", "Use at least 8 characters.")
    if find_user(username) is not None:
        raise AccountError("username", "This username is taken.")
    user = User(
        username=username,
        display_name=(display_name or username).strip()[:200],
        role=role,
        area=area,
        locale=locale,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def issue_token(user: User, device_name: str) -> tuple[str, Device]:
    """A new device for this user, and its bearer token (returned once, stored only as a hash)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    device = Device(
        user=user,
        name=device_name.strip()[:200],
        token_hash=hash_token(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + token_ttl(),
    )
    db.session.add(device)
    db.session.flush()
    return token, device


def renew_token(device: Device) -> str:
    """A new bearer token for a device signing in again with the password (issue 15: a recovery keeps the device)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    device.token_hash = hash_token(token)
    device.last_seen_at = now
    device.expires_at = now + token_ttl()
    db.session.flush()
    return token


def sign_in_device(
    user: User, device_name: str, device_secret: str | None = None, recover_device_id: uuid.UUID | None = None
) -> tuple[str, Device, bytes | None]:
    """A token after a password sign-in, and the device's recovery key when the app keeps one (``device_secret``).

    The install that asks back its own device (``recover_device_id``, proven by its secret) keeps that device and gets
    its key again — unless the device was revoked (its key is gone) or is someone else's: then, as for any other
    sign-in, a new device with a new key."""
    if device_secret and recover_device_id:
        device = db.session.get(Device, recover_device_id)
        if device is not None and device.user_id == user.id:
            key = recovery.release(device, device_secret)
            if key is not None:
                return renew_token(device), device, key
    token, device = issue_token(user, device_name)
    return token, device, recovery.create(device, device_secret) if device_secret else None


def rename_device(device: Device, name: str) -> None:
    device.name = name.strip()[:200]
    db.session.flush()


def token_ttl() -> timedelta:
    return timedelta(days=int(current_app.config["TOKEN_TTL_DAYS"]))


def _bearer_hash(header: str | None) -> str:
    """The hash of the token an ``Authorization: Bearer`` header carries; ApiError 401 for a missing or odd header."""
    if not header:
        raise ApiError(401, "unauthorized", "Sign in: send Authorization: Bearer <token>.")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        raise ApiError(401, "unauthorized", "The Authorization header must be 'Bearer <token>'.")
    return hash_token(token)


def _check_token(found, now: datetime) -> None:
    """A token's device (ORM object or row: ``revoked_at``, ``expires_at``) and its user's ``active``, checked."""
    if found is None:
        raise ApiError(401, "unauthorized", "The token is not valid.")
    if found.revoked_at is not None:
        raise ApiError(401, "token_revoked", "This device was signed out. Sign in again.")
    if found.expires_at <= now:
        raise ApiError(401, "token_expired", "The token has expired. Sign in again.")
    if not found.active:
        raise ApiError(401, "unauthorized", "This account is deactivated.")


def _slides(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= SLIDE_GRANULARITY


def authenticate_bearer(header: str | None) -> Device:
    """The device behind an ``Authorization: Bearer`` header, its expiry slid forward; ApiError 401 otherwise."""
    device = db.session.scalar(_DEVICE_BY_TOKEN, {"token_hash": _bearer_hash(header)})
    now = utcnow()
    _check_token(device and _DeviceView(device), now)
    if _slides(device.last_seen_at, now):
        device.last_seen_at = now
        device.expires_at = now + token_ttl()
    return device


class _DeviceView:
    """A device object as ``_check_token`` reads it (its user's ``active`` beside its own columns)."""

    def __init__(self, device: Device):
        self.revoked_at, self.expires_at, self.active = device.revoked_at, device.expires_at, device.user.active


@dataclass(frozen=True)
class Bearer:
    """The bearer token's device and user as plain values, for a route that needs no ORM objects (the push)."""

    device_id: uuid.UUID
    user_id: int
    username: str
    area_id: int | None
    role: str
    locale: str


_DEVICES, _USERS = Device.__table__, User.__table__
# The same look-up as _DEVICE_BY_TOKEN as one Core row: no ORM objects, identity map or loader options to set up.
_BEARER_BY_TOKEN = Prepared(
    select(
        _DEVICES.c.id,
        _DEVICES.c.user_id,
        _DEVICES.c.revoked_at,
        _DEVICES.c.expires_at,
        _DEVICES.c.last_seen_at,
        _USERS.c.username,
        _USERS.c.area_id,
        _USERS.c.role,
        _USERS.c.locale,
        _USERS.c.active,
    )
    .join(_USERS, _USERS.c.id == _DEVICES.c.user_id)
    .where(_DEVICES.c.token_hash == bindparam("token_hash"))
)
_SLIDE = Prepared(
    update(_DEVICES)
    .where(_DEVICES.c.id == bindparam("device"))
    .values(last_seen_at=bindparam("now"), expires_at=bindparam("expires"))
)


def authenticate_bearer_values(header: str | None) -> Bearer:
    """``authenticate_bearer`` — the same checks, answers and sliding expiry — giving plain values. On the
    request's connection: its own transaction's (the push's, fieldlog.db.own_transaction), else the session's."""
    connection = request_connection(db.session)
    row = _BEARER_BY_TOKEN.execute(connection, {"token_hash": _bearer_hash(header)}).first()
    now = utcnow()
    _check_token(row, now)
    if _slides(row.last_seen_at, now):
        _SLIDE.execute(connection, {"device": row.id, "now": now, "expires": now + token_ttl()})
    return Bearer(row.id, row.user_id, row.username, row.area_id, row.role, row.locale)


def revoke_device(device: Device, when: datetime | None = None) -> None:
    """Sign the device out for good; its recovery key is destroyed (issue 15: a revoked device cannot recover)."""
    if device.revoked_at is None:
        device.revoked_at = when or utcnow()
    recovery.destroy(device)


def revoke_devices(user: User, when: datetime | None = None) -> list[Device]:
    """Sign every device of this user out; the devices that were still signed in, now revoked."""
    when = when or utcnow()
    devices = list(db.session.scalars(select(Device).where(Device.user_id == user.id, Device.revoked_at.is_(None))))
    for device in devices:
        revoke_device(device, when)
    return devices


def reset_password(user: User, password: str) -> list[Device]:
    """A new password: every browser session (session_stamp) and every device token of the user ends."""
    user.set_password(password)
    user.end_sessions()
    return revoke_devices(user)


def refresh_locale() -> None:
    from flask_babel import refresh

    refresh()


def api_auth(*roles: str, values: bool = False):
    """Route decorator: a valid bearer token (``g.user``, ``g.device``) and, when given, one of these roles.

    With ``values``, the route gets the token's device and user as plain values instead (``g.bearer``, a
    ``Bearer``): the same checks at a fraction of the cost, for the push that a phone sends after each save."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from flask import request

            if values:
                bearer = authenticate_bearer_values(request.headers.get("Authorization"))
                g.bearer = bearer
                locale, role = bearer.locale, bearer.role
            else:
                device = authenticate_bearer(request.headers.get("Authorization"))
                g.device = device
                g.user = device.user
                locale, role = device.user.locale, device.user.role
            # Kept as a plain string: an error answer after a rollback must not need the database to pick its language.
            g.user_locale = locale
            refresh_locale()  # from now on, the API answers in this user's language
            if roles and role not in roles:
                raise ApiError(403, "forbidden", "Your role may not do this.")
            return view(*args, **kwargs)

        return wrapped

    return decorator
