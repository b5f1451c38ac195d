from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from fieldlog.areas.models import Area
from fieldlog.db import UTCDateTime, new_uuid, utcnow
from fieldlog.extensions import db

ROLES = ("officer", "supervisor", "admin")
LOCALES = ("sv", "en")


def password_hash_method() -> str:
    """Salted scrypt, memory-hard (werkzeug's default); the test suite configures cheaper parameters."""
    return current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('officer', 'supervisor', 'admin')", name="role"),
        CheckConstraint("locale IN ('sv', 'en')", name="locale"),
        # Officers and supervisors work in one area; an admin has none.
        CheckConstraint(
            "(role = 'admin' AND area_id IS NULL) OR (role <> 'admin' AND area_id IS NOT NULL)", name="area"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(2), default="sv")
    # Bumped by signing out and by a new password: part of every browser session's id (session_stamp).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area | None] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def session_stamp(self) -> str:
        """Part of the session id: changes with the password and with every sign-out, so that a reset or a
        sign-out ends the user's browser sessions, and a copy of an old session cookie no longer signs anyone in."""
        seed = f"{self.password_hash}:{self.session_generation or 0}"
        return hashlib.sha256(seed.encode()).hexdigest()[:16]

    def end_sessions(self) -> None:
        """Sign this user out of every browser."""
        self.session_generation = (self.session_generation or 0) + 1

    def get_id(self) -> str:
        return f"{self.id}:{self.session_stamp()}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class Device(db.Model):
    """One signed-in app install. Its bearer token is stored only as a SHA-256 hash."""

    __tablename__ = "device"
    __table_args__ = (Index("ix_device_user_last_seen", "user_id", "last_seen_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class DeviceRecovery(db.Model):
    """A device's recovery key (issue 15): the officer app keeps its data key wrapped by it, and gets it back only on a
    sign-in with the password from the same install (``secret_hash``: SHA-256 of the install's secret). A key, not a
    password — it must be given back, so it cannot be hashed: it is stored sealed with AES-GCM under a key derived from
    the app's SECRET_KEY (fieldlog.auth.recovery). Revoking the device deletes the row."""

    __tablename__ = "device_recovery"

    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id", ondelete="CASCADE"), primary_key=True)
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginFailure(db.Model):
    """One failed sign-in, counted against a username and against a client address (SPEC §3 throttling).

    ``key`` is an HMAC of ``user:<name>`` or ``addr:<address>`` under the secret key: the table shares the count
    between every worker and app server without keeping names or addresses. Rows older than the window are pruned.
    """

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"), Index("ix_login_failure_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
