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


# ------------------------------------------------------------------------------------------ pages (supervisors)


def save_from_page(user, record_id, mutation_id, data: dict, base_rev: int | None) -> int:
    """Create or change an activity from a supervisor's page through the sync push itself — the same rules, the
    same "who may change what", exactly once: the form carries its own mutation id, so a form sent twice (a double
    click, a reload) is stored once. ``data`` is the activity in its wire form (as a phone sends it).

    Returns the new rev; raises Invalid (the fields and why), Forbidden, NotFound or StaleRevision (someone changed
    it meanwhile). Audited: ``plan`` for a new activity, ``update``, ``cancel``.
    """
    from fieldlog.api.messages import translate_error
    from fieldlog.audit import services as audit
    from fieldlog.errors import Conflict, Forbidden, Invalid, NotFound, StaleRevision
    from fieldlog.extensions import db
    from fieldlog.sync import push as pushes
    from fieldlog.sync.records import ACTIVITY
    from fieldlog.sync.schemas import MutationSchema

    before_row = db.session.get(ACTIVITY.model, record_id)
    before = _snapshot(before_row) if before_row is not None else None
    raw = {
        "mutation_id": str(mutation_id),
        "type": ACTIVITY.upsert,
        "record_id": str(record_id),
        "base_rev": base_rev,
        "data": data,
    }
    loaded = MutationSchema().load([raw], many=True)
    actor = pushes.Actor(user_id=user.id, username=user.username, area_id=user.area_id, device_id=None, role=user.role)
    [result] = pushes.push(actor, [raw], loaded)
    status = result["status"]
    if status == "conflict":
        raise StaleRevision("Someone changed this activity meanwhile.", result["rev"])
    if status == "rejected":
        error = translate_error(result["error"])
        code = error["code"]
        if code == "forbidden":
            raise Forbidden(error["message"])
        if code == "not_found":
            raise NotFound(error["message"])
        if code == "mutation_id_reused":
            raise Conflict(error["message"])
        raise Invalid(error["message"], error.get("fields"))
    db.session.flush()
    db.session.expire_all()
    after_row = db.session.get(ACTIVITY.model, record_id)
    after = _snapshot(after_row)
    if before is None:
        action = "plan" if after["status"] == "planned" else "create"
    elif before.get("rev") == after.get("rev"):
        return after["rev"]  # a form sent again: stored the first time, audited then
    elif after["status"] == "cancelled" and before["status"] != "cancelled":
        action = "cancel"
    else:
        action = "update"
    audit.record(user, "activity", record_id, action, before, after)
    return after["rev"]


AUDITED = (
    "type",
    "status",
    "starts_at",
    "ends_at",
    "place",
    "hotspot_id",
    "school",
    "grades",
    "group",
    "participants",
    "staff",
    "topics",
    "partners",
    "notes",
    "rev",
)


def _snapshot(activity) -> dict:
    out = {}
    for name in AUDITED:
        value = getattr(activity, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif value is not None and name == "hotspot_id":
            value = str(value)
        out[name] = value
    return out
