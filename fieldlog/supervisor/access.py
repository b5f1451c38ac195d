"""Who may use the supervisor pages (role gates); which area they look at is ``fieldlog.scope``'s to say."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from fieldlog import scope
from fieldlog.areas.models import Area
from fieldlog.scope import all_areas  # noqa: F401  (the pages' list of areas)


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


def current_area() -> Area | None:
    """The area the page shows (``fieldlog.scope.page_area``: a supervisor's own, an admin's ``?area=``)."""
    return scope.page_area(current_user)
