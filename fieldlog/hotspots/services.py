"""Hot spots: who may see and change which, and the changes themselves (rev, tombstone, audit, sync stamp)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from fieldlog.audit import services as audit
from fieldlog.auth.models import User
from fieldlog.coverage import queries as coverage_queries
from fieldlog.db import utcnow
from fieldlog.errors import Conflict, StaleRevision
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.hotspots.schemas import HotSpotSchema
from fieldlog.scope import get_record, read_area, write_area
from fieldlog.sync.changes import stamp

EDITABLE = (
    "name",
    "description",
    "lat",
    "lon",
    "radius_m",
    "priority",
    "target_visits_per_week",
    "target_minutes",
    "hot_hours",
    "public",
    "active",
)

_snapshot = HotSpotSchema(only=EDITABLE + ("rev", "deleted"))


def list_for(user: User, area_slug: str | None = None, include_deleted: bool = False) -> list[HotSpot]:
    """The hot spots this user may read: their own area's; an admin's choice of area, or all (``fieldlog.scope``)."""
    area = read_area(user, area_slug, all_for_admin=True, forbidden="You may only read your own area.")
    query = select(HotSpot).order_by(HotSpot.priority, HotSpot.name)
    if area is not None:
        query = query.where(HotSpot.area_id == area.id)
    if not include_deleted:
        query = query.where(HotSpot.deleted.is_(False))
    return list(db.session.scalars(query))


def get_for(user: User, hotspot_id: uuid.UUID) -> HotSpot:
    """A hot spot this user may read; NotFound for one outside their area, so that nothing of it is revealed."""
    return get_record(user, HotSpot, hotspot_id, "No such hot spot.")


def create(user: User, data: dict) -> HotSpot:
    area = write_area(user, data.pop("area", None), "You may only create hot spots in your own area.")
    now = utcnow()
    hotspot = HotSpot(area=area, deleted=False, created_at=now)
    stamp(db.session, hotspot, now)
    for name in EDITABLE:
        if name in data:
            setattr(hotspot, name, data[name])
    db.session.add(hotspot)
    db.session.flush()
    audit.record(user, "hotspot", hotspot.id, "create", None, _snapshot.dump(hotspot))
    return hotspot


def _check_rev(hotspot: HotSpot, expected_rev: int) -> None:
    if hotspot.rev != expected_rev:
        raise StaleRevision(
            f"The hot spot was changed meanwhile (now version {hotspot.rev}). Reload it and try again.", hotspot.rev
        )


def update(user: User, hotspot: HotSpot, data: dict, expected_rev: int) -> HotSpot:
    _check_rev(hotspot, expected_rev)
    if hotspot.deleted:
        raise Conflict("The hot spot is archived.")
    changes = {name: value for name, value in data.items() if getattr(hotspot, name) != value}
    if not changes:
        return hotspot
    before = _snapshot.dump(hotspot)
    for name, value in changes.items():
        setattr(hotspot, name, value)
    _touch(hotspot)
    audit.record(user, "hotspot", hotspot.id, "update", before, _snapshot.dump(hotspot))
    return hotspot


def archive(user: User, hotspot: HotSpot, expected_rev: int) -> HotSpot:
    """Archive as a tombstone: visits keep pointing at it; phones learn of it on their next pull."""
    _check_rev(hotspot, expected_rev)
    if hotspot.deleted:
        return hotspot
    before = _snapshot.dump(hotspot)
    hotspot.deleted = True
    hotspot.deleted_at = utcnow()
    _touch(hotspot)
    audit.record(user, "hotspot", hotspot.id, "archive", before, _snapshot.dump(hotspot))
    return hotspot


def _touch(hotspot: HotSpot) -> None:
    stamp(db.session, hotspot)
    db.session.flush()


STATUS_DAYS = 7
# The stored times' resolution: a window up to and including ``now`` ends one tick after it.
_TICK = timedelta(microseconds=1)


def status_for(user: User, area_slug: str | None = None) -> dict:
    """For each live hot spot the user may read: the latest visit's start, and the visits and presence minutes
    (the union of their intervals, SPEC §1) of the last 7 days — read through the coverage code, so counted as
    coverage counts."""
    now = utcnow()
    hotspots = list_for(user, area_slug)
    found = coverage_queries.status_rows(
        db.session, [h.id for h in hotspots], now - timedelta(days=STATUS_DAYS), now + _TICK
    )
    empty = {"visits": 0, "presence_sec": 0.0, "last_visit_at": None}
    rows = {h.id: found.get(h.id, empty) for h in hotspots}
    return {
        "as_of": now.isoformat(),
        "hotspots": [
            {
                "id": str(h.id),
                "name": h.name,
                "last_visit_at": rows[h.id]["last_visit_at"].isoformat() if rows[h.id]["last_visit_at"] else None,
                "visits_7d": int(rows[h.id]["visits"]),
                "presence_minutes_7d": round(float(rows[h.id]["presence_sec"]) / 60, 1),
            }
            for h in hotspots
        ],
    }
