"""The audit log in words a person reads: "Lena ändrade Torget: heta timmar fre 20:00–02:00 → fre–lör 20:00–02:00".

Entries keep the record before and after as JSON (``fieldlog.audit``); here each entry becomes who (display name),
a sentence naming the object, and the fields that changed, each with a translated label and formatted values — never a
raw field name, code or JSON. Names of the objects are looked up once per page, one query per kind of object.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date, format_datetime, format_decimal, lazy_pgettext, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fieldlog.activities.labels import PARTNER_LABELS, STATUS_LABELS, TOPIC_LABELS, TYPE_LABELS, grades_text, labels
from fieldlog.areas.models import Area
from fieldlog.auth.models import Device, User
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.promises.models import Promise
from fieldlog.surveys.models import Survey
from fieldlog.templating import hot_hours_label, role_label

FIELD_LABELS = {
    "name": _l("name"),
    "description": _l("description"),
    "lat": _l("latitude"),
    "lon": _l("longitude"),
    "radius_m": _l("radius (m)"),
    "priority": _l("priority"),
    "target_visits_per_week": _l("target visits per week"),
    "target_minutes": _l("target minutes per visit"),
    "hot_hours": _l("hot hours"),
    "public": _l("named in the public report"),
    "active": _l("active"),
    "deleted": _l("archived"),
    "username": _l("username"),
    "display_name": _l("name"),
    "role": _l("role"),
    "area": _l("area"),
    "revoked_at": _l("signed out"),
    "comment": _l("comment"),
    "slug": _l("short name"),
    "public_report": _l("public report"),
    "embed_origins": _l("sites that may embed the public page"),
    "timezone": _l("time zone"),
    # promises (the context keeps these short words this feature's own entries)
    "title": lazy_pgettext("promises", "title"),
    "starts_on": lazy_pgettext("promises", "first day"),
    "ends_on": lazy_pgettext("promises", "last day"),
    "situation": lazy_pgettext("promises", "local situation"),
    "goal": lazy_pgettext("promises", "goal"),
    "parties": lazy_pgettext("promises", "who stands behind it"),
    "published": lazy_pgettext("promises", "published"),
    "commitments": lazy_pgettext("promises", "commitments"),
    "commitment": lazy_pgettext("promises", "commitment"),
    "date": lazy_pgettext("promises", "date"),
    "text": lazy_pgettext("promises", "text"),
    # activities (SPEC §6)
    "type": _l("type"),
    "status": _l("status"),
    "starts_at": _l("starts"),
    "ends_at": _l("ends"),
    "place": _l("place"),
    "hotspot_id": _l("hot spot"),
    "school": _l("school"),
    "grades": _l("grades"),
    "group": _l("class"),
    "participants": _l("participants"),
    "staff": _l("staff"),
    "topics": _l("topics"),
    "partners": _l("partners"),
    "notes": _l("notes"),
    # survey waves (SPEC §7)
    "year": lazy_pgettext("survey audit", "year"),
    "opens_at": lazy_pgettext("survey audit", "opens"),
    "closes_at": lazy_pgettext("survey audit", "closes"),
    "mode": lazy_pgettext("survey audit", "who may answer"),
    "questionnaire": lazy_pgettext("survey audit", "questionnaire"),
    "target_responses": lazy_pgettext("survey audit", "target number of responses"),
}
# Values people wrote, shown in quotes (promises' and activities' free text beside the older ones).
QUOTED = (
    "comment",
    "description",
    "name",
    "display_name",
    "title",
    "situation",
    "goal",
    "parties",
    "text",
    "notes",
    "place",
    "school",
)
# Bookkeeping that changes with every edit and says nothing to a reader.
HIDDEN = {"rev", "by", "at", "id", "by_id"}
PRIORITIES = {1: _l("1 – high"), 2: _l("2 – normal"), 3: _l("3 – low")}
ACTIVITY_CODES = {"type": TYPE_LABELS, "status": STATUS_LABELS, "topics": TOPIC_LABELS, "partners": PARTNER_LABELS}
SURVEY_CODES = {
    "mode": {
        "open": lazy_pgettext("survey audit", "anyone with the link"),
        "codes": lazy_pgettext("survey audit", "those with an access code"),
    },
    "questionnaire": {"core-1": lazy_pgettext("survey audit", "the standard questions, version 1")},
}


@dataclass
class Described:
    at: datetime
    who: str
    sentence: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _quote(text: str) -> str:
    return _("“%(text)s”", text=text)


def value_text(key: str, value) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "hot_hours" and isinstance(value, list):
        return hot_hours_label(value)
    if key == "priority" and value in PRIORITIES:
        return str(PRIORITIES[value])
    if key == "role":
        return role_label(value)
    if key in ("lat", "lon") and isinstance(value, int | float):
        return format_decimal(value, "0.######")
    if key in SURVEY_CODES and isinstance(value, str):
        return str(SURVEY_CODES[key].get(value, _("other")))
    if key in ACTIVITY_CODES and isinstance(value, str | list):
        return labels(ACTIVITY_CODES[key], value if isinstance(value, list) else [value])
    if key == "grades" and isinstance(value, list):
        return grades_text(value)
    if key == "hotspot_id" and isinstance(value, str):
        with contextlib.suppress(ValueError):
            name = db.session.scalar(select(HotSpot.name).where(HotSpot.id == uuid.UUID(value)))
            if name:
                return name
    if key in ("revoked_at", "at", "starts_at", "ends_at", "opens_at", "closes_at") and isinstance(value, str):
        try:
            return format_datetime(datetime.fromisoformat(value), "d MMM yyyy HH:mm")
        except ValueError:
            return value
    if key == "commitments" and isinstance(value, list):
        from fieldlog.promises.labels import ASSESSMENT_LABELS

        return ", ".join(
            f"{_quote(str(c.get('title', '')))} ({ASSESSMENT_LABELS.get(c.get('assessment'), '–')})"
            for c in value
            if isinstance(c, dict)
        )
    if key in ("starts_on", "ends_on", "date") and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value), "d MMM yyyy")
        except ValueError:
            return value
    if isinstance(value, float):
        return format_decimal(value, "#,##0.##")
    if isinstance(value, list | dict):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else "–"
    if key in QUOTED:
        return _quote(str(value))
    return str(value)


def changes(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    b, a = before or {}, after or {}
    rows = []
    for key in [k for k in FIELD_LABELS if k in b or k in a] + sorted((set(b) | set(a)) - set(FIELD_LABELS)):
        if key in HIDDEN or b.get(key) == a.get(key):
            continue
        label = str(FIELD_LABELS.get(key, _("other detail")))
        rows.append((label, value_text(key, b.get(key)) if key in b else "–", value_text(key, a.get(key))))
    return rows


def _names(rows) -> dict[tuple[str, str], str]:
    """(entity type, id) → what the object is called, one query per kind."""
    ids: dict[str, set[str]] = {}
    for row in rows:
        e = row.AuditEntry
        ids.setdefault(e.entity_type, set()).add(e.entity_id)
        if e.entity_type == "survey_candidate":
            ids.setdefault("survey", set()).add(str(_snapshot(e).get("survey_id")))
    names: dict[tuple[str, str], str] = {}

    def uuids(values):
        out = []
        for v in values:
            with contextlib.suppress(ValueError):
                out.append(uuid.UUID(v))
        return out

    def numbers(values):
        return [int(v) for v in values if v.isdigit()]

    # Records named by one column: hot spots and promises (uuid keys), accounts and areas (integer keys).
    for kind, key, label, parse in (
        ("hotspot", HotSpot.id, HotSpot.name, uuids),
        ("promise", Promise.id, Promise.title, uuids),
        ("survey", Survey.id, Survey.title, uuids),
        ("user", User.id, User.display_name, numbers),
        ("area", Area.id, Area.name, numbers),
    ):
        if ids.get(kind):
            for i, name in db.session.execute(select(key, label).where(key.in_(parse(ids[kind])))):
                names[(kind, str(i))] = name
    if ids.get("device"):
        query = select(Device.id, Device.name, User.display_name).join(User, User.id == Device.user_id)
        for i, name, owner in db.session.execute(query.where(Device.id.in_(uuids(ids["device"])))):
            names[("device", str(i))] = _("%(device)s (%(owner)s)", device=name, owner=owner)
    if ids.get("visit"):
        from fieldlog.visits.models import Visit

        query = select(Visit.id, Visit.started_at, HotSpot.name).join(HotSpot, HotSpot.id == Visit.hotspot_id)
        for i, started, spot in db.session.execute(query.where(Visit.id.in_(uuids(ids["visit"])))):
            names[("visit", str(i))] = _(
                "the visit to %(spot)s on %(when)s", spot=spot, when=format_datetime(started, "d MMM HH:mm")
            )
    if ids.get("activity"):
        from fieldlog.activities.models import Activity

        query = select(Activity.id, Activity.type, Activity.starts_at)
        for i, kind, starts in db.session.execute(query.where(Activity.id.in_(uuids(ids["activity"])))):
            names[("activity", str(i))] = _(
                "%(type)s on %(when)s",
                type=str(TYPE_LABELS.get(kind, kind)).lower(),
                when=format_datetime(starts, "d MMM HH:mm"),
            )
    return names


SENTENCES = {
    ("hotspot", "create"): _l("%(who)s created the hot spot %(what)s"),
    ("hotspot", "update"): _l("%(who)s changed %(what)s"),
    ("hotspot", "archive"): _l("%(who)s archived %(what)s"),
    ("user", "create"): _l("%(who)s created the account of %(what)s"),
    ("user", "password_reset"): _l("%(who)s set a new password for %(what)s"),
    ("user", "activate"): _l("%(who)s activated the account of %(what)s"),
    ("user", "deactivate"): _l("%(who)s deactivated the account of %(what)s"),
    ("user", "update"): _l("%(who)s changed the account of %(what)s"),
    ("device", "revoke"): _l("%(who)s signed out the device %(what)s"),
    ("device", "update"): _l("%(who)s changed the device %(what)s"),
    ("device", "rename"): _l("%(who)s renamed the device %(what)s"),
    ("visit", "flag"): _l("%(who)s flagged %(what)s to the officer"),
    ("visit", "unflag"): _l("%(who)s removed the flag on %(what)s"),
    ("visit", "flag_answered"): _l("%(who)s edited %(what)s, which answers the flag"),
    ("area", "create"): _l("%(who)s created the area %(what)s"),
    ("area", "update"): _l("%(who)s changed the area %(what)s"),
    ("promise", "create"): _l("%(who)s created the promise %(what)s"),
    ("promise", "update"): _l("%(who)s changed the promise %(what)s"),
    ("promise", "delete"): _l("%(who)s deleted the promise %(what)s"),
    ("promise", "add_update"): _l("%(who)s published an update on %(what)s"),
    ("promise", "delete_update"): _l("%(who)s removed an update on %(what)s"),
    ("activity", "plan"): _l("%(who)s planned %(what)s"),
    ("activity", "create"): _l("%(who)s logged %(what)s"),
    ("activity", "update"): _l("%(who)s changed %(what)s"),
    ("activity", "cancel"): _l("%(who)s cancelled %(what)s"),
    ("survey", "create"): lazy_pgettext("survey audit", "%(who)s created the survey %(what)s"),
    ("survey", "update"): lazy_pgettext("survey audit", "%(who)s changed the survey %(what)s"),
    ("survey_candidate", "accepted"): lazy_pgettext("survey audit", "%(who)s made %(what)s a hot spot"),
    ("survey_candidate", "dismissed"): lazy_pgettext("survey audit", "%(who)s dismissed %(what)s"),
}
KIND_WORDS = {
    "hotspot": _l("the hot spot"),
    "user": _l("the account"),
    "device": _l("the device"),
    "visit": _l("a visit"),
    "area": _l("the area"),
    "promise": lazy_pgettext("promises", "the promise"),
    "activity": _l("an activity"),
    "survey": lazy_pgettext("survey audit", "a survey"),
    "survey_candidate": lazy_pgettext("survey audit", "a place marked in a survey"),
}


def _snapshot(entry) -> dict:
    return entry.after if isinstance(entry.after, dict) else {}


def _candidate_name(entry, names) -> str | None:
    """A survey's candidate place (its id is the cluster's, nothing to read): named by its wave."""
    title = names.get(("survey", str(_snapshot(entry).get("survey_id"))))
    if title is None:
        return None
    return pgettext("survey audit", "a place marked in the survey %(title)s", title=_quote(title))


def _fallback_name(entry) -> str:
    for snapshot in (entry.after, entry.before):
        if isinstance(snapshot, dict):
            for key in ("name", "display_name", "username", "title"):
                if snapshot.get(key):
                    return str(snapshot[key])
    return str(KIND_WORDS.get(entry.entity_type, _("a record")))


def describe(rows) -> list[Described]:
    """Rows of (AuditEntry, actor_name) as sentences; an unknown action still reads as a sentence."""
    names = _names(rows)
    out = []
    for row in rows:
        e = row.AuditEntry
        who = getattr(row, "actor_name", None) or _("someone (system)")
        if e.entity_type == "survey_candidate":
            what = _candidate_name(e, names) or str(KIND_WORDS["survey_candidate"])
        else:
            what = names.get((e.entity_type, e.entity_id)) or _fallback_name(e)
        template = SENTENCES.get((e.entity_type, e.action))
        if template is not None:
            sentence = str(template) % {"who": who, "what": what}
        else:
            sentence = _("%(who)s changed %(what)s", who=who, what=what)
        listed = changes(e.before, e.after)
        if e.action in ("flag", "flag_answered", "unflag"):
            comment = (e.after or {}).get("comment") or (e.before or {}).get("comment")
            if comment:
                sentence += ": " + _quote(comment)
            listed = []
        elif e.entity_type == "survey_candidate":
            # What it became (the hot spot's name) or why not (the supervisor's words); the ids say nothing.
            spot = _snapshot(e).get("hotspot_id")
            if e.action == "accepted" and isinstance(spot, str):
                name = value_text("hotspot_id", spot)
                if name != spot:  # an id with no hot spot behind it is not shown
                    sentence += ": " + name
            elif _snapshot(e).get("reason"):
                sentence += ": " + _quote(str(_snapshot(e)["reason"]))
            listed = []
        elif e.action in (
            "create",
            "archive",
            "revoke",
            "password_reset",
            "activate",
            "deactivate",
            "delete",
            "plan",
            "cancel",
        ):
            listed = []  # the sentence says it all; the snapshot holds every field
        out.append(Described(at=e.at, who=who, sentence=sentence, changes=listed))
    return out
