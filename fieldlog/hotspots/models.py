from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Float, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldlog.areas.models import Area
from fieldlog.db import UTCDateTime, new_uuid, utcnow
from fieldlog.extensions import db


class HotSpot(db.Model):
    __tablename__ = "hotspot"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 3", name="priority"),
        CheckConstraint("radius_m > 0", name="radius"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="position"),
        CheckConstraint("rev >= 1", name="rev"),
        Index("ix_hotspot_area", "area_id"),
        Index("ix_hotspot_change_seq", "change_seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[int] = mapped_column(default=150)
    priority: Mapped[int] = mapped_column(default=2)
    target_visits_per_week: Mapped[int | None]
    target_minutes: Mapped[int] = mapped_column(default=15)
    # [{"days": [1..7], "from": "HH:MM", "to": "HH:MM"}], "to" before "from" runs past midnight.
    hot_hours: Mapped[list] = mapped_column(JSON, default=list)
    public: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    rev: Mapped[int] = mapped_column(default=1)
    deleted: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The sync change counter value of the transaction that last wrote this row (see fieldlog.sync.changes).
    change_seq: Mapped[int] = mapped_column(BigInteger)

    area: Mapped[Area] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<HotSpot {self.name} rev {self.rev}>"
