from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Float, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldlog.db import UTCDateTime, utcnow
from fieldlog.extensions import db

MODES = ("foot", "vehicle", "bicycle", "drive_through", "other")
OBSERVATIONS = (
    "nothing_to_report",
    "youth_gathering",
    "disorder",
    "drugs",
    "vandalism",
    "graffiti",
    "intoxication",
    "littering",
    "traffic",
    "fire",
    "other",
)
ACTIVITIES = ("visible_presence", "dialogue", "check", "intervention", "report_filed")
# How a visit was logged (SPEC §2): with *Arrive*/*Leave* on the spot, or after the fact.
ENTRIES = ("live", "after")


class Visit(db.Model):
    """A visit to a hot spot. Its id is born on the phone; the officer comes from the token."""

    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="time_order"),
        CheckConstraint("officers BETWEEN 1 AND 20", name="officers"),
        CheckConstraint("contacts BETWEEN 0 AND 999", name="contacts"),
        CheckConstraint("rev >= 1", name="rev"),
        CheckConstraint(
            "mode IN ('foot', 'vehicle', 'bicycle', 'drive_through', 'other')",
            name="mode",
        ),
        CheckConstraint("entry IN ('live', 'after')", name="entry"),
        # Coverage: a hot spot's visits in a period.
        Index("ix_visit_hotspot_started", "hotspot_id", "started_at"),
        # Coverage reads only the index (migration 0003).
        Index(
            "ix_visit_coverage", "hotspot_id", "started_at", "ended_at", "deleted", "officers", "on_site", "officer_id"
        ),
        # An officer's own visits (pull snapshot, officer filter).
        Index("ix_visit_officer_started", "officer_id", "started_at"),
        # Pull: changes after a cursor.
        Index("ix_visit_change_seq", "change_seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    hotspot_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("hotspot.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("device.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mode: Mapped[str] = mapped_column(String(16), default="foot")
    officers: Mapped[int] = mapped_column(default=1)
    observations: Mapped[list] = mapped_column(JSON, default=list)
    activities: Mapped[list] = mapped_column(JSON, default=list)
    contacts: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    entry: Mapped[str] = mapped_column(String(8), default="live", server_default="live")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    on_site: Mapped[bool | None]
    flag_comment: Mapped[str | None] = mapped_column(Text)
    flag_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    flag_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rev: Mapped[int] = mapped_column(default=1)
    deleted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    change_seq: Mapped[int] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<Visit {self.id} rev {self.rev}>"
