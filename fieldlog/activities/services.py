"""Activities (SPEC §6): the rules that need the clock or the database, and the stored activity in its wire format.
How an activity syncs — its fields, columns, exports — is declared once in ``fieldlog.sync.records`` (``ACTIVITY``);
pages that create or change activities go through ``fieldlog.activities.records`` (the push's own rules)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

# SPEC §6 windows.
DONE_MAX_FUTURE = timedelta(minutes=10)
PLANNED_MAX_AHEAD = timedelta(days=400)
MAX_AGE = timedelta(days=400)


def check_activity(data: dict, hotspot, now: datetime) -> dict[str, list[str]]:
    """The reasons, per field, why this loaded activity (ActivityInputSchema) cannot be stored; empty when it can.

    ``hotspot`` is the activity's hot spot if it names one that lies in the officer's area (a mapping or object
    with ``deleted`` and ``deleted_at``), else None.
    """
    errors: dict[str, list[str]] = {}
    starts = data["starts_at"]
    if starts < now - MAX_AGE:
        errors["starts_at"] = ["Older than 400 days."]
    elif data["status"] == "done" and starts > now + DONE_MAX_FUTURE:
        errors["starts_at"] = ["A done activity may not start more than 10 minutes ahead of the server's clock."]
    elif starts > now + PLANNED_MAX_AHEAD:
        errors["starts_at"] = ["More than 400 days ahead."]
    if data["hotspot_id"] is not None:
        if hotspot is None:
            errors["hotspot_id"] = ["No such hot spot in your area."]
        elif _get(hotspot, "deleted") and (
            _get(hotspot, "deleted_at") is None or _get(hotspot, "deleted_at") <= starts
        ):
            errors["hotspot_id"] = ["The hot spot was archived before the activity started."]
    return errors


def wire_source(activity, usernames: Mapping[int, str]) -> dict:
    """The source of a stored activity's wire dump (ActivitySchema): the sync declaration's ``wire_source``."""
    if hasattr(activity, "_mapping"):
        activity = activity._mapping
    get = activity.get if isinstance(activity, Mapping) else activity.__getattribute__
    return {
        "id": get("id"),
        "officer": usernames.get(get("officer_id"), ""),
        "device_id": get("device_id"),
        "type": get("type"),
        "status": get("status"),
        "starts_at": get("starts_at"),
        "ends_at": get("ends_at"),
        "place": get("place") or "",
        "hotspot_id": get("hotspot_id"),
        "school": get("school") or "",
        "grades": get("grades") or [],
        "group": get("group") or "",
        "participants": get("participants"),
        "staff": get("staff"),
        "topics": get("topics") or [],
        "partners": get("partners") or [],
        "notes": get("notes") or "",
        "rev": get("rev"),
        "deleted": get("deleted"),
        "created_at": get("created_at"),
        "updated_at": get("updated_at"),
    }


def _get(obj, name: str):
    if isinstance(obj, Mapping):
        return obj[name]
    return getattr(obj, name)
