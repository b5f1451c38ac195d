from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldlog.db import UTCDateTime, utcnow
from fieldlog.extensions import db

# The codes of SPEC §6, in the order forms and exports show them.
TYPES = ("school_session", "parents_evening", "safety_walk", "dialogue", "other")
STATUSES = ("planned", "done", "cancelled")
TOPICS = ("values", "it_crime", "image_sharing", "bullying", "drugs", "vandalism", "traffic", "other")
PARTNERS = ("school", "public_health", "social_services", "housing", "associations", "other")


def _one_of(column: str, codes: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(code) for code in codes)})"


class Activity(db.Model):
    """An activity beyond patrol visits. Its id is born where it is logged (a phone, offline too, or a supervisor's
    page); ``officer_id`` is whoever logged it, ``area_id`` their area. Counts only: never names of people."""

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint(_one_of("type", TYPES), name="type"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="time_order"),
        CheckConstraint("participants IS NULL OR participants BETWEEN 0 AND 9999", name="participants"),
        CheckConstraint("staff IS NULL OR staff BETWEEN 0 AND 99", name="staff"),
        CheckConstraint("rev >= 1", name="rev"),
        # Lists, progress and exports: an area's activities in a period.
        Index("ix_activity_area_starts", "area_id", "starts_at"),
        # An officer's own (pull snapshot, filter).
        Index("ix_activity_officer_starts", "officer_id", "starts_at"),
        # Pull: changes after a cursor.
        Index("ix_activity_change_seq", "change_seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("device.id"))
    type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    hotspot_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("hotspot.id"))
    school: Mapped[str] = mapped_column(String(200), default="")
    grades: Mapped[list] = mapped_column(JSON, default=list)
    # The class label ("5B"); the column keeps the wire name (SQLAlchemy quotes it: GROUP is an SQL keyword).
    group: Mapped[str] = mapped_column("group", String(20), default="")
    participants: Mapped[int | None]
    staff: Mapped[int | None]
    topics: Mapped[list] = mapped_column(JSON, default=list)
    partners: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    rev: Mapped[int] = mapped_column(default=1)
    deleted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    change_seq: Mapped[int] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<Activity {self.type} {self.id} rev {self.rev}>"
