from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldlog.db import UTCDateTime, utcnow
from fieldlog.extensions import db


class ChangeCounter(db.Model):
    """A single row whose value every writing transaction bumps (see fieldlog.sync.changes)."""

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncMutation(db.Model):
    """The first result of every pushed mutation: the idempotency record that never expires."""

    __tablename__ = "sync_mutation"

    mutation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    record_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # SHA-256 of the mutation as sent (canonical JSON), to tell a replay from a reused key.
    payload_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    rev: Mapped[int | None]
    error: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
