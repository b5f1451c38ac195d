"""What a supervisor follows up beside the coverage table (issue 10 D4): figures per officer, visits left open,
and flags the officers answered by editing their visits."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal_column, select, text

from fieldlog.areas.models import Area
from fieldlog.audit.models import AuditEntry
from fieldlog.auth.models import User
from fieldlog.coverage.sql import Dialect
from fieldlog.coverage.terms import counts, is_koper
from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.visits import review as visit_service
from fieldlog.visits.models import Visit

OPEN_AFTER = timedelta(hours=12)


def per_officer(area: Area, start: datetime, end: datetime) -> list[dict]:
    """Per officer of the area's visits that count in [start, end): visits, minutes (Σ duration), officer minutes
    (Σ duration × officers), Koper visits and share, hot spots visited. One grouped query."""
    d = Dialect(db.session.get_bind().dialect.name)
    duration = f"({d.secs('visit.ended_at')} - {d.secs('visit.started_at')})"
    seconds = literal_column(duration)
    koper = case((literal_column(is_koper(duration)), 1), else_=0)
    query = (
        select(
            User.id,
            User.display_name,
            User.username,
            func.count(Visit.id).label("visits"),
            func.sum(seconds).label("seconds"),
            func.sum(seconds * Visit.officers).label("officer_seconds"),
            func.sum(koper).label("koper"),
            func.count(func.distinct(Visit.hotspot_id)).label("hotspots"),
        )
        .join(Visit, Visit.officer_id == User.id)
        .join(HotSpot, HotSpot.id == Visit.hotspot_id)
        .where(
            HotSpot.area_id == area.id,
            Visit.started_at >= start,
            Visit.started_at < end,
            text(counts("visit")),
        )
        .group_by(User.id, User.display_name, User.username)
        .order_by(func.count(Visit.id).desc(), User.display_name)
    )
    rows = []
    for r in db.session.execute(query):
        visits = int(r.visits)
        rows.append(
            {
                "name": r.display_name,
                "username": r.username,
                "visits": visits,
                "minutes": float(r.seconds or 0) / 60,
                "officer_minutes": float(r.officer_seconds or 0) / 60,
                "koper": int(r.koper or 0),
                "koper_share": int(r.koper or 0) / visits if visits else None,
                "hotspots": int(r.hotspots),
            }
        )
    return rows


def open_visits(area: Area, limit: int = 50) -> list:
    """Visits still open (no end) more than 12 hours after they started: an Arrive without a Leave."""
    query = (
        visit_service.filtered(area)
        .where(Visit.ended_at.is_(None), Visit.started_at < utcnow() - OPEN_AFTER)
        .order_by(None)
        .order_by(Visit.started_at.desc())
        .limit(limit)
    )
    return list(db.session.execute(query))


def answered_flags(area: Area, since: datetime, limit: int = 50) -> list[dict]:
    """Flags an officer of the area answered by editing the visit (the push clears the flag and records it)."""
    officers = select(User.id).where(User.area_id == area.id)
    entries = list(
        db.session.execute(
            select(AuditEntry, User.display_name)
            .join(User, User.id == AuditEntry.actor_id)
            .where(
                AuditEntry.entity_type == "visit",
                AuditEntry.action == "flag_answered",
                AuditEntry.actor_id.in_(officers),
                AuditEntry.at >= since,
            )
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )
    ids = []
    for row in entries:
        try:
            ids.append(uuid.UUID(row.AuditEntry.entity_id))
        except ValueError:
            continue
    spots = dict(
        db.session.execute(
            select(Visit.id, HotSpot.name).join(HotSpot, HotSpot.id == Visit.hotspot_id).where(Visit.id.in_(ids))
        ).all()
    )
    out = []
    for row in entries:
        e = row.AuditEntry
        visit_id = uuid.UUID(e.entity_id) if e.entity_id.count("-") == 4 else None
        if visit_id not in spots:
            continue
        out.append(
            {
                "at": e.at,
                "officer": row.display_name,
                "visit_id": visit_id,
                "hotspot": spots[visit_id],
                "comment": (e.before or {}).get("comment") or "",
            }
        )
    return out
