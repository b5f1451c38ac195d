"""The annual safety survey (SPEC §7): waves, responses with their marks, access codes, the browsers that answered,
and the supervisors' decisions on candidate places.

What is deliberately absent: no address, user agent or other identifier of a respondent; no time a code was used
and nothing linking a code to a response; a browser is known only by the hash of a random cookie value.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldlog.areas.models import Area
from fieldlog.db import UTCDateTime, new_uuid, utcnow
from fieldlog.extensions import db

MODES = ("open", "codes")
STATES = ("draft", "open", "closed")
CHANNELS = ("web", "api", "kiosk")
DECISIONS = ("accepted", "dismissed")


class Survey(db.Model):
    """One wave of an area's survey; at most one per area and year. Its state follows from the times."""

    __tablename__ = "survey"
    __table_args__ = (
        UniqueConstraint("area_id", "year", name="uq_survey_area_year"),
        CheckConstraint("closes_at > opens_at", name="period"),
        CheckConstraint("mode IN ('open', 'codes')", name="mode"),
        CheckConstraint("target_responses IS NULL OR target_responses >= 0", name="target_responses"),
        CheckConstraint("rev >= 1", name="rev"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    mode: Mapped[str] = mapped_column(String(8), default="open")
    questionnaire: Mapped[str] = mapped_column(String(16), default="core-1")
    published: Mapped[bool] = mapped_column(default=False)
    target_responses: Mapped[int | None]
    rev: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area] = relationship(lazy="joined")

    def state(self, now: dt.datetime | None = None) -> str:
        """``draft`` before it opens, ``open`` from ``opens_at``, ``closed`` from ``closes_at``."""
        now = now or utcnow()
        if now < self.opens_at:
            return "draft"
        if now >= self.closes_at:
            return "closed"
        return "open"

    def __repr__(self) -> str:
        return f"<Survey {self.year} rev {self.rev}>"


class SurveyResponse(db.Model):
    """One respondent's answers, as codes of the questionnaire (NULL: skipped). ``id`` is the client's
    ``response_id``, the key that makes a response count once."""

    __tablename__ = "survey_response"
    __table_args__ = (
        CheckConstraint("channel IN ('web', 'api', 'kiosk')", name="channel"),
        Index("ix_survey_response_survey_created", "survey_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    survey_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("survey.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    suspect: Mapped[bool] = mapped_column(default=False)
    # why it looks automated: 'honeypot', 'too_fast', 'burst'
    suspect_reasons: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    evening_safety: Mapped[str | None] = mapped_column(String(16))
    overall_safety: Mapped[str | None] = mapped_column(String(16))
    avoids_places: Mapped[str | None] = mapped_column(String(16))
    age_band: Mapped[str | None] = mapped_column(String(16))
    gender: Mapped[str | None] = mapped_column(String(16))
    lives_in: Mapped[str | None] = mapped_column(String(16))
    # {problem: answer}; a problem skipped is absent
    problems: Mapped[dict] = mapped_column(JSON, default=dict)
    # free text: for the area's supervisors only, may hold personal data, blanked by `fieldlog purge`
    improvements: Mapped[str] = mapped_column(Text, default="")

    marks: Mapped[list[SurveyMark]] = relationship(back_populates="response", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<SurveyResponse {self.id}>"


class SurveyMark(db.Model):
    """A place the respondent avoids: a point on the map, or a named place (``hotspot_id``, at its centre)."""

    __tablename__ = "survey_mark"
    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="position"),
        CheckConstraint("\"when\" IS NULL OR \"when\" IN ('day', 'evening', 'night')", name="when"),
        Index("ix_survey_mark_survey", "survey_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("survey.id", ondelete="CASCADE"))
    response_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("survey_response.id", ondelete="CASCADE"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    when: Mapped[str | None] = mapped_column(String(8))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    hotspot_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("hotspot.id"))

    response: Mapped[SurveyResponse] = relationship(back_populates="marks")

    def __repr__(self) -> str:
        return f"<SurveyMark {self.lat:.5f},{self.lon:.5f}>"


class SurveyCode(db.Model):
    """A single-use access code of a ``codes`` wave, as its SHA-256 hash; no time of use, no link to a response."""

    __tablename__ = "survey_code"
    __table_args__ = (UniqueConstraint("survey_id", "code_hash", name="uq_survey_code_survey_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("survey.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    used: Mapped[bool] = mapped_column(default=False)


class SurveyBrowser(db.Model):
    """A browser that has answered an ``open`` wave, known only by the SHA-256 hash of its random cookie value."""

    __tablename__ = "survey_browser"

    survey_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    browser_hash: Mapped[str] = mapped_column(String(64), primary_key=True)


class CandidateDecision(db.Model):
    """A supervisor's decision on a candidate place (a cluster of marks without a hot spot): accepted as the hot spot
    ``hotspot_id``, or dismissed with a reason. ``candidate_id`` is derived from the cluster, so it is stable."""

    __tablename__ = "survey_candidate"
    __table_args__ = (
        UniqueConstraint("survey_id", "candidate_id", name="uq_survey_candidate_survey_candidate"),
        CheckConstraint("decision IN ('accepted', 'dismissed')", name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("survey.id", ondelete="CASCADE"))
    candidate_id: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    hotspot_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("hotspot.id"))
    decided_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
