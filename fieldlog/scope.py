"""Which area a user may read or change: the one place that decides it, for every API route, page and export.

The rule (SPEC §3): a supervisor works in their own area; an admin in any, chosen by ``?area=<slug>`` (on the API
and on the pages alike); an officer reads their own area's hot spots and changes only their own records. How a
refusal is answered depends on what was asked for:

- naming another area than one's own is **forbidden** (403): the user knows the area exists and may not look;
- an unknown area in the address is **not found** (404); in a request body it is an **invalid** field (400);
- a record outside the user's area is **not found** (404), exactly like a record that does not exist, so that
  nothing of it is revealed;
- an admin who must name an area and did not gets an **invalid** ``area`` (400) from the API; a page chooses the
  first area for them.

The answers are domain errors (``fieldlog.errors``): the API turns them into its envelope, a page into its error
page. Role gates (who may open the supervisor pages at all) stay with the pages: ``fieldlog.supervisor.access``.
"""

from __future__ import annotations

from flask import request
from sqlalchemy import select

from fieldlog.areas.models import Area
from fieldlog.auth.models import User
from fieldlog.errors import Forbidden, Invalid, NotFound
from fieldlog.extensions import db

READ_OWN_ONLY = "You may only see your own area."


def area_by_slug(slug: str) -> Area | None:
    return db.session.scalar(select(Area).where(Area.slug == slug))


def all_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def is_admin(user: User) -> bool:
    return user.role == "admin"


def may_see(user: User, area_id: int | None) -> bool:
    """Whether a record of this area is within the user's reach (admin: every area)."""
    return is_admin(user) or area_id == user.area_id


def check_record(user: User, area_id: int | None, message: str = "Not found.") -> None:
    """NotFound for a record outside the user's area: the same answer as for one that does not exist."""
    if not may_see(user, area_id):
        raise NotFound(message)


def get_record(user: User, model, record_id, message: str = "Not found."):
    """The record of ``model`` (which has an ``area_id``) by its key, if it is within the user's reach; NotFound for
    none and for one outside the user's area alike."""
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound(message)
    check_record(user, record.area_id, message)
    return record


def read_area(user: User, slug: str | None, *, all_for_admin: bool = False, forbidden: str = READ_OWN_ONLY):
    """The area a user asks to read by ``?area=<slug>``.

    Supervisor or officer: their own (naming another is Forbidden). Admin: the named one (an unknown slug is
    NotFound); naming none is an invalid ``area`` — or, with ``all_for_admin``, ``None``: every area.
    """
    if not is_admin(user):
        if slug is not None and slug != user.area.slug:
            raise Forbidden(forbidden)
        return user.area
    if slug is None:
        if all_for_admin:
            return None
        raise Invalid("Name the area.", {"area": ["Required for an admin."]})
    area = area_by_slug(slug)
    if area is None:
        raise NotFound("No such area.", {"area": ["Unknown area."]})
    return area


def write_area(user: User, slug: str | None, forbidden: str = READ_OWN_ONLY) -> Area:
    """The area a record is created in, named by the body's ``area``: as ``read_area``, but an unknown slug is an
    invalid field of the body (400), not a missing address."""
    try:
        return read_area(user, slug, forbidden=forbidden)
    except NotFound as e:
        raise Invalid(e.message, e.fields) from None


def page_area(user: User) -> Area | None:
    """The area a page shows: a supervisor's own (a page ignores their ``?area=``); an admin's choice
    (``?area=<slug>``, unknown: NotFound), else the first area (None only while there are no areas)."""
    if not is_admin(user):
        return read_area(user, None)
    slug = request.args.get("area")
    if not slug:
        return db.session.scalar(select(Area).order_by(Area.name).limit(1))
    return read_area(user, slug)
