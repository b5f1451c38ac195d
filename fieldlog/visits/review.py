"""Visits as supervisors review them: the area's list (keyset pages), one visit, flagging. Exports:
``fieldlog.visits.exports``.

The wire dict is built from one joined query (visit, its officer's and flagger's usernames, the hot spot's name),
so lists and exports never load ORM objects one by one.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from fieldlog import paging
from fieldlog.areas.models import Area
from fieldlog.audit import services as audit
from fieldlog.auth.models import User
from fieldlog.db import utcnow
from fieldlog.errors import Invalid, NotFound
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.scope import check_record
from fieldlog.sync.changes import stamp
from fieldlog.visits.models import Visit
from fieldlog.visits.services import visit_to_wire

PAGE_SIZE = 100
_officer = aliased(User, name="officer_user")
_flagger = aliased(User, name="flag_user")


def _base_query():
    return (
        select(
            Visit,
            _officer.username.label("officer_username"),
            _officer.display_name.label("officer_name"),
            _flagger.username.label("flag_username"),
            HotSpot.name.label("hotspot_name"),
            HotSpot.radius_m.label("hotspot_radius"),
            HotSpot.area_id.label("area_id"),
        )
        .join(HotSpot, HotSpot.id == Visit.hotspot_id)
        .join(_officer, _officer.id == Visit.officer_id)
        .outerjoin(_flagger, _flagger.id == Visit.flag_by_id)
    )


def wire(visit: Visit, officer_username: str, flag_username: str | None) -> dict:
    """The visit in the wire format (``fieldlog.visits.services.visit_to_wire``), names from the joined query."""
    usernames = {visit.officer_id: officer_username}
    if visit.flag_by_id is not None:
        usernames[visit.flag_by_id] = flag_username
    return visit_to_wire(visit, usernames)


def filtered(
    area: Area | None,
    start: datetime | None = None,
    end: datetime | None = None,
    hotspot_id: uuid.UUID | None = None,
    officer: str | None = None,
    flagged: bool = False,
):
    """The area's live visits (admin without area: all), newest first, with the given filters."""
    query = _base_query().where(Visit.deleted.is_(False))
    if area is not None:
        query = query.where(HotSpot.area_id == area.id)
    if start is not None:
        query = query.where(Visit.started_at >= start)
    if end is not None:
        query = query.where(Visit.started_at < end)
    if hotspot_id is not None:
        query = query.where(Visit.hotspot_id == hotspot_id)
    if officer:
        query = query.where(_officer.username == officer.strip().lower())
    if flagged:
        query = query.where(Visit.flag_at.is_not(None))
    return query.order_by(Visit.started_at.desc(), Visit.id.desc())


def page(query, cursor: str | None, size: int = PAGE_SIZE) -> tuple[list, str | None]:
    """One keyset page of rows and the cursor of the next (None at the end)."""
    return paging.page(query, cursor, size, Visit.started_at, Visit.id)


def get_row(user: User, visit_id: uuid.UUID):
    """One visit of the user's area (admin: any) with its names; 404 otherwise, revealing nothing."""
    row = db.session.execute(_base_query().where(Visit.id == visit_id)).first()
    if row is None or row.Visit.deleted:
        raise NotFound("No such visit.")
    check_record(user, row.area_id, "No such visit.")
    return row


def _flag_snapshot(visit: Visit, by: str | None) -> dict | None:
    if visit.flag_at is None:
        return None
    return {"comment": visit.flag_comment, "by": by, "at": visit.flag_at.isoformat(), "rev": visit.rev}


def _touch(visit: Visit) -> None:
    """A change the officer's phone receives on its next pull: new rev, the transaction's change stamp."""
    stamp(db.session, visit)


def flag(user: User, visit: Visit, comment: str, previous_by: str | None = None) -> Visit:
    comment = (comment or "").strip()
    if not comment:
        raise Invalid("Say what the officer should look at.", {"comment": ["Required."]})
    before = _flag_snapshot(visit, previous_by)
    visit.flag_comment = comment
    visit.flag_by_id = user.id
    visit.flag_at = utcnow()
    _touch(visit)
    db.session.flush()
    audit.record(user, "visit", visit.id, "flag", before, _flag_snapshot(visit, user.username))
    return visit


def unflag(user: User, visit: Visit, previous_by: str | None = None) -> Visit:
    if visit.flag_at is None:
        return visit
    before = _flag_snapshot(visit, previous_by)
    visit.flag_comment = None
    visit.flag_by_id = None
    visit.flag_at = None
    _touch(visit)
    db.session.flush()
    audit.record(user, "visit", visit.id, "unflag", before, None)
    return visit
