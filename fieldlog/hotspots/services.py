"""Hot spots: who may see and change which, and the changes themselves (rev, tombstone, audit, sync stamp)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from fieldlog.api.errors import ApiError
from fieldlog.areas.models import Area
from fieldlog.audit import services as audit
from fieldlog.auth.models import User
from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.hotspots.schemas import HotSpotSchema
from fieldlog.sync.changes import current_change_seq

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


def area_by_slug(slug: str) -> Area | None:
    return db.session.scalar(select(Area).where(Area.slug == slug))


def list_for(user: User, area_slug: str | None = None, include_deleted: bool = False) -> list[HotSpot]:
    """The hot spots this user may read: their own area's; an admin's choice of area, or all."""
    query = select(HotSpot).order_by(HotSpot.priority, HotSpot.name)
    if user.role == "admin":
        if area_slug is not None:
            area = area_by_slug(area_slug)
            if area is None:
                raise ApiError(404, "not_found", "No such area.", {"area": ["Unknown area."]})
            query = query.where(HotSpot.area_id == area.id)
    else:
        if area_slug is not None and area_slug != user.area.slug:
            raise ApiError(403, "forbidden", "You may only read your own area.")
        query = query.where(HotSpot.area_id == user.area_id)
    if not include_deleted:
        query = query.where(HotSpot.deleted.is_(False))
    return list(db.session.scalars(query))


def get_for(user: User, hotspot_id: uuid.UUID) -> HotSpot:
    """A hot spot this user may read; 404 for one outside their area, so that nothing of it is revealed."""
    hotspot = db.session.get(HotSpot, hotspot_id)
    if hotspot is None or (user.role != "admin" and hotspot.area_id != user.area_id):
        raise ApiError(404, "not_found", "No such hot spot.")
    return hotspot


def create(user: User, data: dict) -> HotSpot:
    if user.role == "admin":
        slug = data.pop("area", None)
        if slug is None:
            raise ApiError(400, "validation_error", "Name the area.", {"area": ["Required for an admin."]})
        area = area_by_slug(slug)
        if area is None:
            raise ApiError(400, "validation_error", "No such area.", {"area": ["Unknown area."]})
    else:
        slug = data.pop("area", None)
        if slug is not None and slug != user.area.slug:
            raise ApiError(403, "forbidden", "You may only create hot spots in your own area.")
        area = user.area
    now = utcnow()
    hotspot = HotSpot(
        area=area,
        rev=1,
        deleted=False,
        created_at=now,
        updated_at=now,
        change_seq=current_change_seq(db.session),
    )
    for name in EDITABLE:
        if name in data:
            setattr(hotspot, name, data[name])
    db.session.add(hotspot)
    db.session.flush()
    audit.record(user, "hotspot", hotspot.id, "create", None, _snapshot.dump(hotspot))
    return hotspot


def _check_rev(hotspot: HotSpot, expected_rev: int) -> None:
    if hotspot.rev != expected_rev:
        raise ApiError(
            412,
            "precondition_failed",
            f"The hot spot was changed meanwhile (now version {hotspot.rev}). Reload it and try again.",
            headers={"ETag": f'"{hotspot.rev}"'},
        )


def update(user: User, hotspot: HotSpot, data: dict, expected_rev: int) -> HotSpot:
    _check_rev(hotspot, expected_rev)
    if hotspot.deleted:
        raise ApiError(409, "conflict", "The hot spot is archived.")
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
    hotspot.rev += 1
    hotspot.updated_at = utcnow()
    hotspot.change_seq = current_change_seq(db.session)
    db.session.flush()


STATUS_DAYS = 7


def status_for(user: User, area_slug: str | None = None) -> dict:
    """For each live hot spot the user may read: the latest visit's start, and the visits and presence minutes
    (the union of their intervals, SPEC §1) of the last 7 days. Counted as in coverage: ended, not deleted."""
    from fieldlog.visits.models import Visit

    now = utcnow()
    since = now - timedelta(days=STATUS_DAYS)
    hotspots = list_for(user, area_slug)
    ids = [h.id for h in hotspots]
    counting = (Visit.hotspot_id.in_(ids), Visit.deleted.is_(False), Visit.ended_at.is_not(None))
    last: dict = {}
    recent: list = []
    if ids:
        last = {
            hotspot_id: started
            for hotspot_id, started in db.session.execute(
                select(Visit.hotspot_id, func.max(Visit.started_at))
                .where(*counting, Visit.started_at <= now)
                .group_by(Visit.hotspot_id)
            )
        }
        recent = db.session.execute(
            select(Visit.hotspot_id, Visit.started_at, Visit.ended_at)
            .where(*counting, Visit.started_at >= since, Visit.started_at <= now)
            .order_by(Visit.hotspot_id, Visit.started_at)
        ).all()
    counts: dict = {}
    minutes: dict = {}
    run: dict = {}  # hot spot -> [start, end] of the union's current run, swept in start order
    for hotspot_id, started, ended in recent:
        counts[hotspot_id] = counts.get(hotspot_id, 0) + 1
        current = run.get(hotspot_id)
        if current is not None and started <= current[1]:
            current[1] = max(current[1], ended)
            continue
        if current is not None:
            minutes[hotspot_id] = minutes.get(hotspot_id, 0.0) + (current[1] - current[0]).total_seconds() / 60
        run[hotspot_id] = [started, ended]
    for hotspot_id, (start, end) in run.items():
        minutes[hotspot_id] = minutes.get(hotspot_id, 0.0) + (end - start).total_seconds() / 60
    return {
        "as_of": now.isoformat(),
        "hotspots": [
            {
                "id": str(h.id),
                "name": h.name,
                "last_visit_at": last[h.id].isoformat() if h.id in last else None,
                "visits_7d": counts.get(h.id, 0),
                "presence_minutes_7d": round(minutes.get(h.id, 0.0), 1),
            }
            for h in hotspots
        ],
    }
