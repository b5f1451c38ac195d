"""The coverage figures of each hot spot and local day, kept ready so that a period's coverage reads days, not visits.

``CoverageDay`` holds, per hot spot and local day (the day a visit *starts*, in the area's time zone), every figure
that adds up over days (``coverage.terms.DAY_FIGURES``). ``CoverageStale`` is the queue that keeps it true: database
triggers (``coverage.triggers``, installed by migration 0003) add a row whenever a visit that counts is written,
changed or removed, or a hot spot's hot hours change — in the very transaction that makes the change, whatever code
makes it. Before coverage is read, ``coverage.days.refresh``
recomputes the days the queue names. See ``fieldlog/coverage/days.py`` for why the days add up to the exact union.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldlog.db import UTCDateTime
from fieldlog.extensions import db


class CoverageDay(db.Model):
    """Figures of the visits that count and *start* on one local day at one hot spot (seconds; day = days since
    1970-01-01 in the area's time zone). ``overlap_*`` is the part of this day's presence that the previous day's
    visits already covered (a visit past midnight), so that a run of days adds up to the exact union."""

    __tablename__ = "coverage_day"

    hotspot_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("hotspot.id"), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    visits: Mapped[int] = mapped_column(Integer)
    koper: Mapped[int] = mapped_column(Integer)
    on_site: Mapped[int] = mapped_column(Integer)
    officer_sec: Mapped[float] = mapped_column(Float)
    presence_sec: Mapped[float] = mapped_column(Float)
    hot_sec: Mapped[float] = mapped_column(Float)
    overlap_sec: Mapped[float] = mapped_column(Float)
    overlap_hot_sec: Mapped[float] = mapped_column(Float)


class CoverageStale(db.Model):
    """A hot spot's local days to recompute: those of visits starting from ``start_from`` to ``start_to`` (one
    visit's start for a visit change; the first and last visit's for new hot hours). Written by triggers, drained by
    ``coverage.days.refresh``."""

    __tablename__ = "coverage_stale"
    __table_args__ = (Index("ix_coverage_stale_hotspot_from", "hotspot_id", "start_from"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    hotspot_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    start_from: Mapped[datetime] = mapped_column(UTCDateTime)
    start_to: Mapped[datetime] = mapped_column(UTCDateTime)
