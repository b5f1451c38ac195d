"""Promises and their commitments (SPEC §6): who may see and change which, the changes themselves (rev, audit) and
the rules that need the database. Raises the domain errors of ``fieldlog.errors``; the API and the pages turn them
into their answers."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy import update as sql_update

from fieldlog import scope
from fieldlog.areas.models import Area
from fieldlog.audit import services as audit
from fieldlog.auth.models import User
from fieldlog.db import utcnow
from fieldlog.errors import Conflict, Forbidden, Invalid, NotFound, StaleRevision
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.periods import today_in
from fieldlog.promises.models import Commitment, CommitmentUpdate, Promise
from fieldlog.surveys.models import Survey

PROMISE_FIELDS = ("title", "starts_on", "ends_on", "situation", "goal", "parties", "published")
COMMITMENT_FIELDS = (
    "title",
    "description",
    "kind",
    "hotspot_ids",
    "activity_types",
    "target_count",
    "reach_target",
    "survey_ids",
    "assessment",
)
# The fields each kind uses; the others stay empty.
KIND_FIELDS = {
    "presence": ("hotspot_ids",),
    "activities": ("activity_types", "target_count", "reach_target"),
    "survey": ("survey_ids",),
}
EMPTY = {"hotspot_ids": [], "activity_types": [], "target_count": None, "reach_target": None, "survey_ids": []}
KIND_ONLY = {
    "presence": "Only for a presence commitment.",
    "activities": "Only for an activities commitment.",
    "survey": "Only for a survey commitment.",
}


# -- scope (fieldlog.scope decides; promises are for supervisors of the area and admins) ----------------------


def _supervising(user: User) -> None:
    if user.role not in ("supervisor", "admin"):
        raise Forbidden("Your role may not do this.")


def area_for(user: User, slug: str | None) -> Area:
    """The area whose promises a supervisor (own only) or an admin (``?area=<slug>``) reads."""
    _supervising(user)
    return scope.read_area(user, slug)


def list_for(user: User, slug: str | None = None) -> list[Promise]:
    """The promises of the user's area; an admin's of the area named, or of every area (as for hot spots)."""
    _supervising(user)
    area = scope.read_area(user, slug, all_for_admin=True)
    stmt = select(Promise).order_by(Promise.starts_on.desc(), Promise.title)
    if area is not None:
        stmt = stmt.where(Promise.area_id == area.id)
    return list(db.session.scalars(stmt))


def get_for(user: User, promise_id: uuid.UUID, slug: str | None = None) -> Promise:
    """A promise this user may work on; ``NotFound`` for one outside their area (or outside the area an admin names
    with ``?area=``), so that nothing of it shows. Naming another area than one's own is ``Forbidden``."""
    _supervising(user)
    promise = scope.get_record(user, Promise, promise_id, "No such promise.")
    if slug is not None and area_for(user, slug).id != promise.area_id:
        raise NotFound("No such promise.")
    return promise


def commitment_of(promise: Promise, commitment_id: uuid.UUID) -> Commitment:
    for c in promise.commitments:
        if c.id == commitment_id:
            return c
    raise NotFound("No such commitment.")


# -- snapshots (audit) -----------------------------------------------------------------------------------------------


def commitment_snapshot(c: Commitment) -> dict:
    return {
        "id": str(c.id),
        "position": c.position,
        "title": c.title,
        "description": c.description or "",
        "kind": c.kind,
        "hotspot_ids": [str(i) for i in c.hotspot_ids or []],
        "activity_types": list(c.activity_types or []),
        "target_count": c.target_count,
        "reach_target": c.reach_target,
        "survey_ids": [str(i) for i in c.survey_ids or []],
        "assessment": c.assessment,
    }


def snapshot(p: Promise) -> dict:
    """The promise as the audit log keeps it (and as the API shows it, but for the times)."""
    return {
        "title": p.title,
        "starts_on": p.starts_on.isoformat(),
        "ends_on": p.ends_on.isoformat(),
        "situation": p.situation or "",
        "goal": p.goal or "",
        "parties": p.parties or "",
        "published": bool(p.published),
        "rev": p.rev,
        "commitments": [commitment_snapshot(c) for c in p.commitments],
    }


# -- rules -----------------------------------------------------------------------------------------------------------


def _overlapping(area_id: int, first: date, last: date, other_than: uuid.UUID | None) -> Promise | None:
    stmt = select(Promise).where(
        Promise.area_id == area_id,
        Promise.published.is_(True),
        Promise.starts_on <= last,
        Promise.ends_on >= first,
    )
    if other_than is not None:
        stmt = stmt.where(Promise.id != other_than)
    return db.session.scalars(stmt.order_by(Promise.starts_on)).first()


def _check_overlap(area: Area, promise_id, first: date, last: date, published: bool) -> None:
    """Periods of an area's published promises do not overlap: 409 naming the other promise."""
    if not published:
        return
    # Serialise publishing within an area before looking: a write to the area's row takes PostgreSQL's row lock and
    # SQLite's write lock (a SELECT ... FOR UPDATE is nothing on SQLite, whose reads would not wait for each other).
    db.session.execute(sql_update(Area).where(Area.id == area.id).values(id=Area.id))
    other = _overlapping(area.id, first, last, promise_id)
    if other is not None:
        reason = (
            f"Overlaps the published promise “{other.title}” ({other.starts_on.isoformat()} – "
            f"{other.ends_on.isoformat()})."
        )
        raise Conflict(
            f"The period overlaps the published promise “{other.title}” ({other.starts_on.isoformat()} – "
            f"{other.ends_on.isoformat()}). Published promises of an area may not overlap.",
            {"starts_on": [reason], "ends_on": [reason]},
        )


def _merged_commitments(promise: Promise | None, area: Area, items: list[dict]) -> list[tuple[Commitment | None, dict]]:
    """Each sent commitment with the one it keeps (or None) and its values after the change; ``Invalid`` naming
    ``commitments.<n>.<field>`` for each broken rule."""
    existing = {c.id: c for c in (promise.commitments if promise is not None else [])}
    errors: dict[str, list[str]] = {}
    seen: set[uuid.UUID] = set()
    out = []
    area_spots = area_surveys = None
    for n, item in enumerate(items):
        prefix = f"commitments.{n}."
        kept = None
        if item.get("id") is not None:
            cid = item["id"]
            if cid in seen:
                errors.setdefault(prefix + "id", []).append("Each commitment once.")
            elif cid not in existing:
                errors.setdefault(prefix + "id", []).append("Not a commitment of this promise.")
            else:
                kept = existing[cid]
            seen.add(cid)
        values = (
            commitment_snapshot(kept)
            if kept is not None
            else {
                "description": "",
                "assessment": "not_started",
                **{k: list(v) if isinstance(v, list) else v for k, v in EMPTY.items()},
            }
        )
        values.pop("id", None)
        values.pop("position", None)
        values.update({k: v for k, v in item.items() if k != "id"})
        for name in ("title", "kind"):
            if not values.get(name):
                errors.setdefault(prefix + name, []).append("Required.")
        kind = values.get("kind")
        if kind in KIND_FIELDS:
            for name, empty in EMPTY.items():
                if name in KIND_FIELDS[kind]:
                    continue
                if name in item and item[name] not in (None, []):
                    owner = next(k for k, names in KIND_FIELDS.items() if name in names)
                    errors.setdefault(prefix + name, []).append(KIND_ONLY[owner])
                values[name] = empty
            if kind == "activities":
                if not values.get("activity_types"):
                    errors.setdefault(prefix + "activity_types", []).append("Name at least one type of activity.")
                if values.get("target_count") is None:
                    errors.setdefault(prefix + "target_count", []).append("Required.")
        # Lists once each, in the order sent; hot spots and survey waves of the promise's area.
        for name in ("hotspot_ids", "activity_types", "survey_ids"):
            values[name] = list(dict.fromkeys(str(v) for v in values.get(name) or []))
        if values["hotspot_ids"]:
            if area_spots is None:
                area_spots = {str(i) for i in db.session.scalars(select(HotSpot.id).where(HotSpot.area_id == area.id))}
            if any(i not in area_spots for i in values["hotspot_ids"]):
                errors.setdefault(prefix + "hotspot_ids", []).append("Not a hot spot of the area.")
        if values["survey_ids"]:
            if area_surveys is None:
                area_surveys = {str(i) for i in db.session.scalars(select(Survey.id).where(Survey.area_id == area.id))}
            if any(i not in area_surveys for i in values["survey_ids"]):
                errors.setdefault(prefix + "survey_ids", []).append("No such survey in the area.")
        out.append((kept, values))
    if errors:
        raise Invalid("The request is not valid.", errors)
    return out


def _apply_commitments(promise: Promise, merged: list[tuple[Commitment | None, dict]]) -> None:
    now = utcnow()
    commitments = []
    for position, (kept, values) in enumerate(merged):
        c = kept if kept is not None else Commitment(created_at=now)
        changed = kept is None or c.position != position
        for name in COMMITMENT_FIELDS:
            if getattr(c, name) != values[name]:
                setattr(c, name, values[name])
                changed = True
        c.position = position
        if changed:
            c.updated_at = now
        commitments.append(c)
    promise.commitments = commitments


def _period_of(promise: Promise | None, data: dict) -> tuple[date, date]:
    first = data.get("starts_on", promise.starts_on if promise else None)
    last = data.get("ends_on", promise.ends_on if promise else None)
    if last < first:
        raise Invalid("The request is not valid.", {"ends_on": ["Must not be before the first day of the promise."]})
    from fieldlog.promises.schemas import MAX_PERIOD_DAYS

    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise Invalid("The request is not valid.", {"ends_on": ["A promise runs for at most three years."]})
    return first, last


# -- changes ---------------------------------------------------------------------------------------------------------


def create(user: User, data: dict, area_slug: str | None = None) -> Promise:
    """A new promise in the body's ``area`` (an admin's; an unknown one is an invalid field), else the area of
    ``?area=`` (``area_slug``), else the supervisor's own."""
    data = dict(data)
    _supervising(user)
    body_area = data.pop("area", None)
    area = scope.write_area(user, body_area) if body_area is not None else area_for(user, area_slug)
    first, last = _period_of(None, data)
    merged = _merged_commitments(None, area, data.pop("commitments", []))
    _check_overlap(area, None, first, last, bool(data.get("published", False)))
    now = utcnow()
    promise = Promise(area=area, rev=1, created_at=now, updated_at=now, situation="", goal="", parties="")
    for name in PROMISE_FIELDS:
        if name in data:
            setattr(promise, name, data[name])
    promise.published = bool(data.get("published", False))
    _apply_commitments(promise, merged)
    db.session.add(promise)
    db.session.flush()
    audit.record(user, "promise", promise.id, "create", None, snapshot(promise))
    return promise


def check_rev(promise: Promise, expected_rev: int) -> None:
    if promise.rev != expected_rev:
        raise StaleRevision(
            f"The promise was changed meanwhile (now version {promise.rev}). Reload it and try again.", promise.rev
        )


def update(user: User, promise: Promise, data: dict, expected_rev: int) -> Promise:
    check_rev(promise, expected_rev)
    data = dict(data)
    first, last = _period_of(promise, data)
    merged = _merged_commitments(promise, promise.area, data.pop("commitments")) if "commitments" in data else None
    published = data.get("published", promise.published)
    _check_overlap(promise.area, promise.id, first, last, bool(published))
    before = snapshot(promise)
    for name in PROMISE_FIELDS:
        if name in data:
            setattr(promise, name, data[name])
    if merged is not None:
        _apply_commitments(promise, merged)
    db.session.flush()
    after = snapshot(promise)
    if after == before:
        return promise
    _touch(promise)
    audit.record(user, "promise", promise.id, "update", before, snapshot(promise))
    return promise


def set_assessment(user: User, promise: Promise, commitment_id: uuid.UUID, assessment: str, expected_rev: int):
    """One commitment's assessment (a page's small form): a change of the promise like any other."""
    items = [{"id": c.id} for c in promise.commitments]
    for item in items:
        if item["id"] == commitment_id:
            item["assessment"] = assessment
    commitment_of(promise, commitment_id)
    return update(user, promise, {"commitments": items}, expected_rev)


def delete(user: User, promise: Promise, expected_rev: int) -> None:
    """Delete a promise with its commitments and their updates (the audit log keeps what it was)."""
    check_rev(promise, expected_rev)
    before = snapshot(promise)
    audit.record(user, "promise", promise.id, "delete", before, None)
    db.session.delete(promise)
    db.session.flush()


def add_update(user: User, promise: Promise, commitment_id: uuid.UUID, data: dict) -> CommitmentUpdate:
    """A dated public entry beside a commitment's figures. Not a change of the promise document (its rev stays):
    writing an update never makes someone's open form stale."""
    commitment = commitment_of(promise, commitment_id)
    if data["date"] > today_in(promise.area):
        raise Invalid("The request is not valid.", {"date": ["Must not be in the future."]})
    text = data["text"].strip()
    if not text:
        raise Invalid("The request is not valid.", {"text": ["Required."]})
    entry = CommitmentUpdate(
        commitment=commitment, date=data["date"], text=text, author_id=getattr(user, "id", None), created_at=utcnow()
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        user,
        "promise",
        promise.id,
        "add_update",
        None,
        {"commitment": commitment.title, "date": entry.date.isoformat(), "text": entry.text},
    )
    return entry


def delete_update(user: User, promise: Promise, commitment_id: uuid.UUID, update_id: uuid.UUID) -> None:
    commitment = commitment_of(promise, commitment_id)
    entry = next((u for u in commitment.updates if u.id == update_id), None)
    if entry is None:
        raise NotFound("No such update.")
    audit.record(
        user,
        "promise",
        promise.id,
        "delete_update",
        {"commitment": commitment.title, "date": entry.date.isoformat(), "text": entry.text},
        None,
    )
    commitment.updates.remove(entry)
    db.session.delete(entry)
    db.session.flush()


def _touch(promise: Promise) -> None:
    promise.rev += 1
    promise.updated_at = utcnow()
    db.session.flush()
