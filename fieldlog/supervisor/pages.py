"""What every supervisor page shares: the area it shows, its period picker, confirmations, the map tiles."""

from __future__ import annotations

from flask import abort, current_app, flash, request
from flask_login import current_user

from fieldlog import periods, scope
from fieldlog.areas.models import Area


def area_or_404() -> Area:
    """The area the page shows (``fieldlog.scope.page_area``); the 404 page while there is none."""
    area = scope.page_area(current_user)
    if area is None:
        abort(404)
    return area


def chosen_period(area: Area, default: str = "last_week") -> tuple[str, periods.Period, list[str]]:
    """The period picker of this request (``fieldlog.periods.chosen``) in the area's time zone."""
    return periods.chosen(request.args, area.timezone, default)


def page_period(area: Area, default: str = "last_week") -> tuple[str, periods.Period]:
    """The period picker of a page: its messages about bad custom input are flashed onto the page."""
    preset, p, errors = chosen_period(area, default)
    for message in errors:
        flash(message, "error")
    return preset, p


def confirmed() -> bool:
    """A destructive button's confirmation: a required checkbox in its form (works without JavaScript)."""
    return request.form.get("confirm") == "yes"


def tiles() -> str:
    """The map tile URL template (FIELDLOG_TILE_URL, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; its host
    must also be in FIELDLOG_TILE_HOSTS for the CSP). Without it the maps show their markers on a blank background."""
    return current_app.config.get("TILE_URL") or ""
