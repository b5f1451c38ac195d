"""Who may use the supervisor pages, and which area they look at."""

from __future__ import annotations

from functools import wraps

from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy import select

from fieldlog.areas.models import Area
from fieldlog.extensions import db


def supervisor_required(view):
    """Signed in (else the sign-in page) as a supervisor or admin (else 403)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in ("supervisor", "admin"):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def all_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def current_area() -> Area | None:
    """A supervisor's own area; an admin's choice (?area=<slug>), else the first area."""
    if current_user.role != "admin":
        return current_user.area
    slug = request.args.get("area")
    if slug:
        area = db.session.scalar(select(Area).where(Area.slug == slug))
        if area is None:
            abort(404)
        return area
    return db.session.scalar(select(Area).order_by(Area.name).limit(1))


def check_area(area_id: int) -> None:
    """404 for a record outside the user's area, so that nothing of it is revealed."""
    if current_user.role != "admin" and area_id != current_user.area_id:
        abort(404)
