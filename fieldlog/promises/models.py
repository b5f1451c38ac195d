from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldlog.areas.models import Area
from fieldlog.db import UTCDateTime, new_uuid, utcnow
from fieldlog.extensions import db

KINDS = ("presence", "activities", "survey")
ASSESSMENTS = ("not_started", "on_track", "at_risk", "off_track", "done")


class Promise(db.Model):
    """A citizen promise of an area for a period (SPEC §6). Periods of an area's published promises do not overlap
    (checked by the service: a constraint across rows is not portable)."""

    __tablename__ = "promise"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period"),
        CheckConstraint("rev >= 1", name="rev"),
        Index("ix_promise_area_starts", "area_id", "starts_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    situation: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[str] = mapped_column(Text, default="")
    parties: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=False)
    rev: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area] = relationship(lazy="joined")
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="promise", order_by="Commitment.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Promise {self.title} rev {self.rev}>"


class Commitment(db.Model):
    """One commitment of a promise, of one ``kind``; the columns of the other kinds stay empty."""

    __tablename__ = "commitment"
    __table_args__ = (
        CheckConstraint("kind IN ('presence', 'activities', 'survey')", name="kind"),
        CheckConstraint("assessment IN ('not_started', 'on_track', 'at_risk', 'off_track', 'done')", name="assessment"),
        CheckConstraint("target_count IS NULL OR target_count >= 0", name="target_count"),
        CheckConstraint("reach_target IS NULL OR reach_target >= 0", name="reach_target"),
        Index("ix_commitment_promise", "promise_id", "position"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    promise_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("promise.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))
    # presence: the hot spots counted (empty: all of the area's)
    hotspot_ids: Mapped[list] = mapped_column(JSON, default=list)
    # activities: the types counted, how many done, how many distinct groups (school, grade, class) to reach
    activity_types: Mapped[list] = mapped_column(JSON, default=list)
    target_count: Mapped[int | None]
    reach_target: Mapped[int | None]
    # survey: the waves (SPEC §7)
    survey_ids: Mapped[list] = mapped_column(JSON, default=list)
    assessment: Mapped[str] = mapped_column(String(16), default="not_started")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    promise: Mapped[Promise] = relationship(back_populates="commitments")
    updates: Mapped[list[CommitmentUpdate]] = relationship(
        back_populates="commitment",
        order_by="(CommitmentUpdate.date.desc(), CommitmentUpdate.created_at.desc())",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Commitment {self.kind} {self.title}>"


class CommitmentUpdate(db.Model):
    """A dated, public entry beside a commitment's figures: what was done, in plain words."""

    __tablename__ = "commitment_update"
    __table_args__ = (Index("ix_commitment_update_commitment", "commitment_id", "date"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    commitment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("commitment.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="updates")

    def __repr__(self) -> str:
        return f"<CommitmentUpdate {self.date}>"
