"""Activities as supervisors read them: the area's list (keyset pages, newest first), one activity, the CSV export.

One joined query gives the activity with its officer's username and name and its hot spot's name, so lists and
exports never load objects one by one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import aliased

from fieldlog import paging
from fieldlog.activities.models import Activity
from fieldlog.auth.models import User
from fieldlog.errors import NotFound
from fieldlog.exports import columns_csv
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.sync.records import ACTIVITY, Export

PAGE_SIZE = 100
_officer = aliased(User, name="activity_officer")


def base_query():
    return (
        select(
            Activity,
            _officer.username.label("officer_username"),
            _officer.display_name.label("officer_name"),
            HotSpot.name.label("hotspot_name"),
        )
        .join(_officer, _officer.id == Activity.officer_id)
        .outerjoin(HotSpot, HotSpot.id == Activity.hotspot_id)
    )


def wire(row) -> dict:
    """One row of ``base_query`` in the wire format (ActivitySchema)."""
    return ACTIVITY.to_wire(row.Activity, {row.Activity.officer_id: row.officer_username})


def filtered(
    area_id: int | None,
    start: datetime | None = None,
    end: datetime | None = None,
    type_: str | None = None,
    status: str | None = None,
    officer: str | None = None,
):
    """The area's live activities (None: every area), newest first, with the given filters; a period holds the
    activities whose ``starts_at`` falls in it."""
    query = base_query().where(Activity.deleted.is_(False))
    if area_id is not None:
        query = query.where(Activity.area_id == area_id)
    if start is not None:
        query = query.where(Activity.starts_at >= start)
    if end is not None:
        query = query.where(Activity.starts_at < end)
    if type_:
        query = query.where(Activity.type == type_)
    if status:
        query = query.where(Activity.status == status)
    if officer:
        query = query.where(_officer.username == officer.strip().lower())
    return query.order_by(Activity.starts_at.desc(), Activity.id.desc())


def page(query, cursor: str | None, size: int = PAGE_SIZE) -> tuple[list, str | None]:
    """One keyset page of rows and the cursor of the next (None at the end)."""
    return paging.page(query, cursor, size, Activity.starts_at, Activity.id)


def get_row(area_id: int | None, activity_id: uuid.UUID):
    """One live activity of the area (None: any area) with its names; NotFound otherwise, revealing nothing."""
    row = db.session.execute(base_query().where(Activity.id == activity_id)).first()
    if row is None or row.Activity.deleted or (area_id is not None and row.Activity.area_id != area_id):
        raise NotFound("No such activity.")
    return row


def csv_lines(rows, timezone: str) -> Iterator[str]:
    """The CSV export (UTF-8 with a byte-order mark, header row), one line per activity, in the columns declared
    with the activity (``fieldlog.sync.records.ACTIVITY``); times in the area's zone with their offset."""
    return columns_csv(ACTIVITY.csv_columns, rows, Export(ZoneInfo(timezone)))
