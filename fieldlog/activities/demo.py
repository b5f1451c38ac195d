"""The demo's activities (SPEC §6, ``fieldlog demo``): a term of school sessions on values and IT-related crime for
the 14 classes in grades 4–6 of five Svenljunga schools — most held, a few planned ahead — a parents' evening on
IT-related crime, a safety walk with public health and the housing company, and one session cancelled.

Everything goes through the sync push, as a phone's or a supervisor's page's would: the officers' sessions as pushes
of their phones, the supervisor's plans through the planning page's service (audited). Each activity has a fixed id
and is pushed only while it does not exist, so a second run (on any day) stores nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fieldlog.activities import services
from fieldlog.sync import push as pushes
from fieldlog.sync.records import ACTIVITY
from fieldlog.sync.schemas import MutationSchema

_IDS = uuid.UUID("b2a7c0de-2019-4c11-8a4e-5c4001a5e551")

# (school, class label, grades): the 14 classes in grades 4–6.
CLASSES = [
    ("Kindbergskolan", "4A", [4]),
    ("Kindbergskolan", "4B", [4]),
    ("Kindbergskolan", "5A", [5]),
    ("Kindbergskolan", "5B", [5]),
    ("Kindbergskolan", "6A", [6]),
    ("Kindbergskolan", "6B", [6]),
    ("Sexdrega skola", "4", [4]),
    ("Sexdrega skola", "5", [5]),
    ("Sexdrega skola", "6", [6]),
    ("Överlida skola", "4–5", [4, 5]),
    ("Överlida skola", "6", [6]),
    ("Östra Frölunda skola", "4–5", [4, 5]),
    ("Östra Frölunda skola", "6", [6]),
    ("Holsljunga skola", "4–6", [4, 5, 6]),
]
# The last few classes' sessions are still ahead (planned by the supervisor).
PLANNED_AHEAD = 4
SESSION_NOTES = [
    "Pratade om vad som är olagligt att dela i mobilen. Många frågor om gruppchattar.",
    "Värdegrundsövning i grupper, sedan IT-brott: bilder, hot och bedrägerier i spel.",
    "Klassen hade förberett frågor. Läraren följer upp med ett arbete om nätvett.",
    "",
]


def activity_id(key: str) -> uuid.UUID:
    """The fixed id of a demo activity ("session-<n>", "parents-evening", "safety-walk", "cancelled")."""
    return uuid.uuid5(_IDS, f"activity-{key}")


def _mutation_id(key: str, n: int = 1) -> uuid.UUID:
    return uuid.uuid5(_IDS, f"activity-{key}-mutation-{n}")


def _exists(key: str) -> bool:
    from fieldlog.extensions import db

    return db.session.get(ACTIVITY.model, activity_id(key)) is not None


def _push(user, key: str, data: dict, n: int = 1, base_rev: int | None = None) -> dict | None:
    """One activity.upsert as the user's phone sends it, unless the activity exists."""
    if _exists(key):
        return None
    raw = {
        "mutation_id": str(_mutation_id(key, n)),
        "type": ACTIVITY.upsert,
        "record_id": str(activity_id(key)),
        "base_rev": base_rev,
        "data": data,
    }
    actor = pushes.Actor(user.id, user.username, user.area_id, None, user.role)
    [result] = pushes.push(actor, [raw], MutationSchema().load([raw], many=True))
    if result["status"] != "applied":
        raise RuntimeError(f"demo activity {key}: {result}")
    return result


def _at(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tz)


def _school_day(today: date, weeks: int, weekday: int) -> date:
    """The given weekday (0 = Monday) of the week ``weeks`` from this one (negative: before)."""
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=weeks, days=weekday)


def _session(school: str, group: str, grades: list[int], starts: datetime, status: str, n: int) -> dict:
    return {
        "type": "school_session",
        "status": status,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=80)).isoformat(),
        "place": f"{school}, klassrummet",
        "hotspot_id": None,
        "school": school,
        "grades": grades,
        "group": group,
        "participants": (19 + (n * 7) % 9) if status == "done" else None,
        "staff": 2,
        "topics": ["values", "it_crime", "image_sharing"] if n % 3 else ["values", "it_crime", "bullying"],
        "partners": ["school", "public_health"],
        "notes": SESSION_NOTES[n % len(SESSION_NOTES)] if status == "done" else "",
    }


def load(area, users: dict, spots: dict, now: datetime) -> list[str]:
    """Push what is missing of the demo's activities; the lines to print."""
    from fieldlog.activities.models import Activity
    from fieldlog.extensions import db

    before = db.session.query(Activity).filter(Activity.area_id == area.id).count()
    tz = ZoneInfo(area.timezone)
    today = now.astimezone(tz).date()
    officers = [users["anna"], users["erik"]]
    lena = users["lena"]
    held = len(CLASSES) - PLANNED_AHEAD
    # Held: two a week over the last weeks, Tuesday and Thursday mornings, ending last week.
    for n, (school, group, grades) in enumerate(CLASSES[:held]):
        weeks_ago = (held - n + 1) // 2
        starts = _at(_school_day(today, -weeks_ago, 1 if n % 2 == 0 else 3), "09:00" if n % 2 else "10:20", tz)
        _push(officers[n % 2], f"session-{n}", _session(school, group, grades, starts, "done", n))
    # Planned ahead by the supervisor, one a week from next week: the officers see them on their phones.
    tomorrow = today + timedelta(days=1)
    for i, (school, group, grades) in enumerate(CLASSES[held:]):
        n = held + i
        day = max(_school_day(today, i + 1, 2), tomorrow)
        key = f"session-{n}"
        if not _exists(key):
            data = _session(school, group, grades, _at(day, "09:00", tz), "planned", n)
            services.save_from_page(lena, activity_id(key), _mutation_id(key), data, None)
    # The parents' evening after the sessions at Kindbergskolan.
    evening = _at(_school_day(today, -2, 2), "18:30", tz)
    _push(
        users["anna"],
        "parents-evening",
        {
            "type": "parents_evening",
            "status": "done",
            "starts_at": evening.isoformat(),
            "ends_at": (evening + timedelta(minutes=90)).isoformat(),
            "place": "Kindbergskolan, matsalen",
            "hotspot_id": None,
            "school": "Kindbergskolan",
            "grades": [4, 5, 6],
            "group": "",
            "participants": 46,
            "staff": 3,
            "topics": ["it_crime", "image_sharing", "bullying"],
            "partners": ["school", "public_health"],
            "notes": "Föreläsning om IT-relaterad brottslighet för föräldrar i åk 4–6. Bra frågor om spel och chattar.",
        },
    )
    # The autumn safety walk from Torget through Thilanderska parken, with residents and the housing company.
    walk = _at(_school_day(today, -4, 1), "19:00", tz)
    torget = spots.get("Torget")
    _push(
        users["erik"],
        "safety-walk",
        {
            "type": "safety_walk",
            "status": "done",
            "starts_at": walk.isoformat(),
            "ends_at": (walk + timedelta(minutes=105)).isoformat(),
            "place": "Torget – Thilanderska parken – Busstationen",
            "hotspot_id": str(torget.id) if torget is not None else None,
            "school": "",
            "grades": [],
            "group": "",
            "participants": 17,
            "staff": 4,
            "topics": ["vandalism", "drugs", "other"],
            "partners": ["public_health", "housing", "associations"],
            "notes": "Mörka partier i parken och vid busstationen. Kommunen ser över belysningen.",
        },
    )
    # A session planned for last week and cancelled (the school had a theme day): planned, then cancelled.
    key = "cancelled"
    if not _exists(key):
        data = _session("Sexdrega skola", "5", [5], _at(_school_day(today, -1, 4), "09:00", tz), "planned", 99)
        services.save_from_page(lena, activity_id(key), _mutation_id(key), data, None)
        services.save_from_page(lena, activity_id(key), _mutation_id(key, 2), dict(data, status="cancelled"), 1)
    db.session.flush()
    total = db.session.query(Activity).filter(Activity.area_id == area.id).count()
    added = total - before
    return [
        f"Activities: {held} school sessions held and {PLANNED_AHEAD} planned for the {len(CLASSES)} classes in "
        f"grades 4–6 of five schools, a parents' evening, a safety walk, one cancelled "
        f"({'added ' + str(added) if added else 'nothing added, already loaded'})."
    ]
