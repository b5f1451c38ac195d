"""Visits: the rules of SPEC §2 that need the clock, the configuration or the database, the server-derived fields,
and the stored visit turned into its wire format (``visit_to_wire`` / ``visits_to_wire``). How a visit syncs — its
fields, columns, exports — is declared once in ``fieldlog.sync.records``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from fieldlog.auth.models import User
from fieldlog.extensions import db
from fieldlog.geo import distance_m, on_site
from fieldlog.visits.schemas import VisitSchema

_wire = VisitSchema()


@dataclass(frozen=True)
class VisitLimits:
    """The configurable windows of SPEC §2, read once per request."""

    max_future: timedelta
    max_age: timedelta
    max_duration: timedelta

    @classmethod
    def from_config(cls, config: Mapping) -> VisitLimits:
        return cls(
            max_future=timedelta(minutes=int(config["VISIT_MAX_FUTURE_MINUTES"])),
            max_age=timedelta(days=int(config["VISIT_MAX_AGE_DAYS"])),
            max_duration=timedelta(hours=float(config["VISIT_MAX_HOURS"])),
        )


def check_visit(data: dict, hotspot, now: datetime, limits: VisitLimits) -> dict[str, list[str]]:
    """The reasons, per field, why this loaded visit (VisitInputSchema) cannot be stored; empty when it can.

    ``hotspot`` is the visit's hot spot if it lies in the officer's area (any object or mapping with ``deleted``
    and ``deleted_at``), else None.
    """
    errors: dict[str, list[str]] = {}
    started, ended = data["started_at"], data["ended_at"]
    if started > now + limits.max_future:
        errors["started_at"] = [f"More than {_minutes(limits.max_future)} minutes ahead of the server's clock."]
    elif started < now - limits.max_age:
        errors["started_at"] = [f"Older than {limits.max_age.days} days."]
    if ended is None:
        if now - started >= limits.max_duration:
            errors["ended_at"] = [f"Required: the visit started more than {_hours(limits.max_duration)} hours ago."]
    elif ended - started > limits.max_duration:
        errors["ended_at"] = [f"The visit lasts more than {_hours(limits.max_duration)} hours."]
    elif ended > now + limits.max_future:
        errors["ended_at"] = [f"More than {_minutes(limits.max_future)} minutes ahead of the server's clock."]
    if hotspot is None:
        errors["hotspot_id"] = ["No such hot spot in your area."]
    elif _get(hotspot, "deleted") and (_get(hotspot, "deleted_at") is None or _get(hotspot, "deleted_at") <= started):
        errors["hotspot_id"] = ["The hot spot was archived before the visit started."]
    return errors


def derived_position(position: dict | None, hotspot) -> tuple[float | None, bool | None]:
    """``distance_m`` and ``on_site`` of the arrival fix against the hot spot (SPEC §2)."""
    if position is None or hotspot is None:
        return None, None
    distance = distance_m(position["lat"], position["lon"], _get(hotspot, "lat"), _get(hotspot, "lon"))
    return round(distance, 1), on_site(distance, _get(hotspot, "radius_m"), position.get("accuracy_m"))


def visit_to_wire(visit, usernames: Mapping[int, str]) -> dict:
    """One stored visit (a Visit, a Row or a mapping of the visit table's columns) in its wire format.

    ``usernames`` maps user ids to usernames for ``officer`` and ``flag.by``; ``visits_to_wire`` finds them itself.
    """
    return _wire.dump(wire_source(visit, usernames))


def visits_to_wire(visits: Iterable) -> list[dict]:
    """Many stored visits in their wire format, with one query for the usernames they name."""
    visits = list(visits)
    ids = {_get(v, "officer_id") for v in visits} | {_get(v, "flag_by_id") for v in visits}
    names = usernames_for(ids)
    return _wire.dump([wire_source(v, names) for v in visits], many=True)


def usernames_for(user_ids: Iterable[int]) -> dict[int, str]:
    user_ids = set(user_ids)
    user_ids.discard(None)
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(user_ids))).all())


def wire_source(visit, usernames: Mapping[int, str]) -> dict:
    """The source of a stored visit's wire dump (VisitSchema): the sync declaration's ``wire_source``."""
    if hasattr(visit, "_mapping"):
        visit = visit._mapping
    get = visit.get if isinstance(visit, Mapping) else visit.__getattribute__
    lat = get("lat")
    flag_at = get("flag_at")
    return {
        "id": get("id"),
        "hotspot_id": get("hotspot_id"),
        "officer": usernames.get(get("officer_id"), ""),
        "device_id": get("device_id"),
        "started_at": get("started_at"),
        "ended_at": get("ended_at"),
        "mode": get("mode"),
        "officers": get("officers"),
        "observations": get("observations") or [],
        "activities": get("activities") or [],
        "contacts": get("contacts"),
        "notes": get("notes") or "",
        "position": None if lat is None else {"lat": lat, "lon": get("lon"), "accuracy_m": get("accuracy_m")},
        "entry": get("entry") or "live",
        "distance_m": get("distance_m"),
        "on_site": get("on_site"),
        "flag": None
        if flag_at is None
        else {"comment": get("flag_comment") or "", "by": usernames.get(get("flag_by_id"), ""), "at": flag_at},
        "rev": get("rev"),
        "deleted": get("deleted"),
        "created_at": get("created_at"),
        "updated_at": get("updated_at"),
    }


def _get(obj, name: str):
    # type() before isinstance(): an ABC check costs microseconds, and this runs for every pushed visit.
    if type(obj) is dict or isinstance(obj, Mapping):
        return obj[name]
    return getattr(obj, name)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:g}"
