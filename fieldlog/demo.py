"""The Svenljunga demo: the area of the 2019 citizen promise, its hot spots, people, devices and six weeks of visits.

It holds what real use leaves behind, so that every page has something true to show (and the crawl test something to
trip over): visits with every mode, observation and activity, flagged visits with the supervisor's comment, visits
logged after the fact, an open visit forgotten since yesterday and one going on now, a deleted visit, a hot spot
created last week, an archived one, a deactivated officer, lost phones signed out, two supervisors, and the audit
entries of those changes. Then this year's promise with its three commitments, the activities
(``fieldlog.activities.demo``) and the safety survey's waves (``fieldlog.surveys.demo``: two years ago, last year and
this year's, which the promise's survey commitment counts).

Safe to run twice: what exists is left as it is. People and devices are found by name, hot spots by name (archived
ones too), the particular visits by their fixed ids; a hot spot's visit history is generated, with a fixed seed per
hot spot, only while the hot spot has no visits at all.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from fieldlog.areas.models import Area
from fieldlog.audit import services as audit
from fieldlog.audit.models import AuditEntry
from fieldlog.auth.models import Device, User
from fieldlog.auth.services import create_user, issue_token, revoke_device
from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.geo import distance_m, on_site
from fieldlog.hotspots import services as hotspot_services
from fieldlog.hotspots.models import HotSpot
from fieldlog.sync.changes import stamp, stamp_values
from fieldlog.visits.models import ACTIVITIES, MODES, OBSERVATIONS, Visit

DEMO_PASSWORD = "svenljunga2019"  # noqa: S105  (printed for the demo on purpose)
AREA = {"slug": "svenljunga", "name": "Svenljunga", "timezone": "Europe/Stockholm", "public_report": True}
WEEKNIGHTS = [1, 2, 3, 4]
EVENINGS = {"days": WEEKNIGHTS, "from": "18:00", "to": "22:00"}
WEEKEND_NIGHTS = {"days": [5, 6], "from": "20:00", "to": "02:00"}

# The places residents named as unsafe in the 2019 survey, and three more.
HOTSPOTS = [
    {
        "name": "Torget",
        "description": "Torget med bänkarna och kiosken. Samlingsplats kvällstid.",
        "lat": 57.49561,
        "lon": 13.10885,
        "radius_m": 120,
        "priority": 1,
        "target_visits_per_week": 10,
        "hot_hours": [EVENINGS, WEEKEND_NIGHTS],
        "public": True,
    },
    {
        "name": "ICA-området",
        "description": "Parkeringen och entrén vid ICA. Ungdomar i bil, nedskräpning.",
        "lat": 57.49795,
        "lon": 13.11305,
        "radius_m": 150,
        "priority": 1,
        "target_visits_per_week": 8,
        "hot_hours": [EVENINGS, WEEKEND_NIGHTS],
        "public": True,
    },
    {
        "name": "Thilanderska parken",
        "description": "Parken vid ån. Misstänkt narkotikahantering, skadegörelse.",
        "lat": 57.49405,
        "lon": 13.10650,
        "radius_m": 150,
        "priority": 1,
        "target_visits_per_week": 7,
        "hot_hours": [{"days": [3, 4], "from": "19:00", "to": "23:00"}, WEEKEND_NIGHTS],
        "public": True,
    },
    {
        "name": "Busstationen",
        "description": "Väntsalen och plattformarna. Klotter, berusade personer.",
        "lat": 57.49690,
        "lon": 13.11180,
        "radius_m": 100,
        "priority": 2,
        "target_visits_per_week": 6,
        "hot_hours": [{"days": [5, 6], "from": "21:00", "to": "01:00"}],
        "public": True,
    },
    {
        "name": "Idrottsplatsen",
        "description": "Omklädningsrummen och läktaren.",
        "lat": 57.50110,
        "lon": 13.10340,
        "radius_m": 200,
        "priority": 2,
        "target_visits_per_week": 4,
        "hot_hours": [{"days": [5, 6], "from": "19:00", "to": "23:00"}],
        "public": True,
    },
    {
        "name": "Skolgården",
        "description": "Skolgården efter skoltid. Skadegörelse på helger.",
        "lat": 57.49280,
        "lon": 13.11460,
        "radius_m": 150,
        "priority": 3,
        "target_visits_per_week": 3,
        "hot_hours": [{"days": [6, 7], "from": "18:00", "to": "23:00"}],
        "public": False,
    },
]
# Added by a supervisor last week (its targets count from that day on), with hot hours past midnight.
NEW_HOTSPOT = {
    "name": "Parkeringen vid Kulturhuset",
    "description": "Ny sedan förra veckan: mopeder och bilar samlas på parkeringen fredag och lördag natt.",
    "lat": 57.49870,
    "lon": 13.10710,
    "radius_m": 100,
    "priority": 2,
    "target_visits_per_week": 4,
    "hot_hours": [{"days": [5, 6], "from": "21:00", "to": "03:00"}],
    "public": True,
}
NEW_HOTSPOT_DAYS_AGO = 9
# Archived three weeks ago: the petrol station closed; its visits stay in the history.
ARCHIVED_HOTSPOT = {
    "name": "Gamla macken",
    "description": "Den nedlagda bensinstationen vid infarten. Arkiverad sedan macken revs.",
    "lat": 57.50320,
    "lon": 13.11890,
    "radius_m": 120,
    "priority": 3,
    "target_visits_per_week": 2,
    "hot_hours": [{"days": [5], "from": "22:00", "to": "02:00"}],
    "public": False,
}
ARCHIVED_DAYS_AGO = 21

SUPERVISORS = [
    {"username": "lena", "display_name": "Lena Berg", "role": "supervisor"},
    {"username": "johan", "display_name": "Johan Ek", "role": "supervisor"},
]
OFFICERS = [
    {"username": "anna", "display_name": "Anna Lind", "role": "officer"},
    {"username": "erik", "display_name": "Erik Holm", "role": "officer"},
    {"username": "sara", "display_name": "Sara Nyström", "role": "officer"},
    {"username": "omar", "display_name": "Omar Haddad", "role": "officer"},
    # Moved to another district two weeks ago: deactivated, his phone signed out, his visits kept.
    {"username": "per", "display_name": "Per Sandberg", "role": "officer", "left_days_ago": 14},
]
PEOPLE = [*SUPERVISORS, *OFFICERS]
ADMIN = {"username": "admin", "display_name": "Administratör", "role": "admin"}

# (officer, device name, days since sign-in, hours since last seen, revoked days ago or None)
DEVICES = [
    ("anna", "iPhone 13 (Safari)", 60, 2, None),
    ("anna", "iPhone 11 (Safari)", 200, 24 * 64, 62),  # lost in October, signed out by Lena
    ("erik", "Samsung Galaxy A54 (Chrome)", 90, 1, None),
    ("sara", "Google Pixel 7 (Chrome)", 45, 5, None),
    ("sara", "Tjänstetelefon 0412 (Chrome)", 120, 24 * 30, 30),
    ("omar", "Samsung Galaxy Xcover 6 Pro (Chrome)", 50, 20, None),
    ("per", "iPhone SE (Safari)", 150, 24 * 15, 14),
]

NOTES = [
    "Lugnt.",
    "Ungdomar samlade vid bänkarna, samtal om läget.",
    "Nedskräpning vid soptunnorna, kommunen meddelad.",
    "Nytt klotter på väntkuren.",
    "Mopedåkning på gångytan, samtal.",
    "Krossad glasruta, fastighetsägaren kontaktad.",
    "",
]
LONG_NOTE = (
    "Cirka femton ungdomar samlade vid bänkarna och kiosken när vi kom. Stämningen var lugn men det luktade cannabis "
    "vid muren mot ån. Vi pratade med gruppen om läget på torget och om vart de tar vägen efter att kiosken stänger. "
    "Två av dem berättade att det kommer äldre personer med bil på fredagskvällarna. Kontroll av en bil på "
    "parkeringen utan anmärkning. Nedskräpning vid soptunnorna, kommunen meddelad via felanmälan. Gruppen skingrades "
    "av sig själv strax före tio. Förslag: fler besök fredag kväll mellan 21 och 23."
)
FLAG_COMMENTS = [
    "Besöket var bara några minuter långt men står som till fots – stämmer tiden?",
    "Positionen ligger långt från platsen. Var ni vid Torget eller registrerades besöket i efterhand?",
    "Anteckningen kan innehålla uppgifter om en person. Skriv om den utan namn eller kännetecken, tack.",
    "Anmälan upprättad – skriv gärna diarienumret i anteckningen så att vi kan följa upp.",
]
WEEKS = 6
_IDS = uuid.UUID("6b1e1f0e-2019-4a5e-9d1c-5f7e1a0b2019")


def load_demo(today: date | None = None) -> list[str]:
    """Create what is missing of the demo and return the lines to print."""
    now = utcnow()
    area = db.session.scalar(select(Area).where(Area.slug == AREA["slug"]))
    if area is None:
        area = Area(**AREA)
        db.session.add(area)
        db.session.flush()
    tz = ZoneInfo(area.timezone)
    today = today or now.astimezone(tz).date()

    users = _people(area, now)
    spots = _hotspots(area, users, now)
    _devices(users, now)

    officers = [users[p["username"]] for p in OFFICERS]
    created = 0
    for spot in sorted(spots.values(), key=lambda h: h.name):
        has_visits = db.session.scalar(select(func.count()).select_from(Visit).where(Visit.hotspot_id == spot.id))
        if not has_visits:
            rows = _visit_history(spot, officers, users, tz, today, now)
            if rows:
                db.session.execute(insert(Visit), rows)
                _audit_flags(rows, users)
            created += len(rows)
    created += _particular_visits(spots, users, now)
    from fieldlog.surveys import demo as surveys_demo

    survey_ids, survey_lines = surveys_demo.load(area, spots, now)
    promise_line = _promise(area, users, spots, today, survey_ids)
    from fieldlog.activities import demo as activities_demo

    activity_lines = activities_demo.load(area, users, spots, now)
    db.session.commit()

    total = db.session.scalar(select(func.count()).select_from(Visit).join(HotSpot).where(HotSpot.area_id == area.id))
    live = sum(1 for s in spots.values() if not s.deleted)
    return [
        f"Svenljunga demo: {live} hot spots (and {len(spots) - live} archived), "
        f"{len(officers)} officers (1 deactivated), {len(SUPERVISORS)} supervisors, 1 admin, "
        f"{total} visits ({'added ' + str(created) if created else 'nothing added, already loaded'}).",
        promise_line,
        *activity_lines,
        *survey_lines,
        "Sign in (http://127.0.0.1:5000 with `make run`) as:",
        f"  supervisor  lena   / {DEMO_PASSWORD}   (also johan)",
        f"  officer     anna   / {DEMO_PASSWORD}   (also erik, sara, omar)",
        f"  admin       admin  / {DEMO_PASSWORD}",
    ]


def _people(area: Area, now: datetime) -> dict[str, User]:
    users = {}
    for person in [*PEOPLE, ADMIN]:
        user = db.session.scalar(select(User).where(User.username == person["username"]))
        if user is None:
            user = create_user(
                person["username"],
                DEMO_PASSWORD,
                person["role"],
                area=None if person["role"] == "admin" else area,
                display_name=person["display_name"],
            )
            user.created_at = now - timedelta(days=400)
            if "left_days_ago" in person:
                user.active = False
                _audit_at(
                    now - timedelta(days=person["left_days_ago"]),
                    users["lena"],
                    "user",
                    user.id,
                    "deactivate",
                    _user_snapshot(user, active=True),
                    _user_snapshot(user, active=False),
                )
        users[person["username"]] = user
    return users


def _user_snapshot(user: User, active: bool) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "area": user.area.slug if user.area else None,
        "active": active,
    }


def _hotspots(area: Area, users: dict[str, User], now: datetime) -> dict[str, HotSpot]:
    """The area's hot spots by name, archived ones included; the missing ones made as a supervisor would."""
    existing = {h.name: h for h in db.session.scalars(select(HotSpot).where(HotSpot.area_id == area.id))}
    long_ago = now - timedelta(days=WEEKS * 7 + 60)
    for spec in HOTSPOTS:
        if spec["name"] not in existing:
            hotspot = HotSpot(area=area, created_at=long_ago, **spec)
            stamp(db.session, hotspot, long_ago)
            db.session.add(hotspot)
            existing[spec["name"]] = hotspot
    db.session.flush()

    if NEW_HOTSPOT["name"] not in existing:
        created = now - timedelta(days=NEW_HOTSPOT_DAYS_AGO, hours=3)
        spot = hotspot_services.create(users["lena"], dict(NEW_HOTSPOT))
        spot.created_at = spot.updated_at = created
        _date_last_audit(spot.id, created)
        existing[spot.name] = spot

    if ARCHIVED_HOTSPOT["name"] not in existing:
        created = now - timedelta(days=400)
        archived = now - timedelta(days=ARCHIVED_DAYS_AGO, hours=5)
        spot = HotSpot(area=area, created_at=created, **ARCHIVED_HOTSPOT)
        stamp(db.session, spot, created)
        db.session.add(spot)
        db.session.flush()
        hotspot_services.archive(users["johan"], spot, spot.rev)
        spot.deleted_at = spot.updated_at = archived
        _date_last_audit(spot.id, archived)
        existing[spot.name] = spot
    db.session.flush()
    return existing


def _audit_at(at: datetime, actor: User, entity_type: str, entity_id, action: str, before, after) -> None:
    audit.record(actor, entity_type, entity_id, action, before, after)
    db.session.flush()
    _date_last_audit(entity_id, at)


def _date_last_audit(entity_id, at: datetime) -> None:
    """Date the entry just recorded for an entity back to when the demo says it happened."""
    db.session.flush()
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity_id == str(entity_id)).order_by(AuditEntry.id.desc()).limit(1)
    )
    if entry is not None:
        entry.at = at


def _devices(users: dict[str, User], now: datetime) -> None:
    """Each officer's phone; lost or replaced phones signed out by a supervisor (or with the deactivated account)."""
    for username, name, days, hours_seen, revoked_days in DEVICES:
        user = users[username]
        found = db.session.scalar(select(Device).where(Device.user_id == user.id, Device.name == name))
        if found is not None:
            continue
        _token, device = issue_token(user, name)  # the token is thrown away: nobody signs in with it
        device.created_at = now - timedelta(days=days)
        device.last_seen_at = now - timedelta(hours=hours_seen)
        if revoked_days is not None:
            revoked = now - timedelta(days=revoked_days)
            revoke_device(device, revoked)
            db.session.flush()
            _audit_at(
                revoked,
                users["lena"],
                "device",
                device.id,
                "revoke",
                {"name": name, "revoked_at": None},
                {"name": name, "revoked_at": revoked.isoformat()},
            )
    db.session.flush()


def in_hot_hours(hot_hours: list[dict], local: datetime) -> bool:
    """Whether a local time falls in one of the windows (a window past midnight belongs to the day it starts)."""
    minute = local.hour * 60 + local.minute
    weekday = local.isoweekday()
    for window in hot_hours:
        start = _minutes(window["from"])
        end = _minutes(window["to"])
        if start < end:
            if weekday in window["days"] and start <= minute < end:
                return True
        else:
            if weekday in window["days"] and minute >= start:
                return True
            previous = weekday - 1 or 7
            if previous in window["days"] and minute < end:
                return True
    return False


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _visit_history(
    hotspot: HotSpot, officers: list[User], users: dict[str, User], tz: ZoneInfo, today: date, now: datetime
) -> list[dict]:
    """Six weeks of plausible visits to one hot spot (from its creation, until it was archived): more at hot hours,
    durations around 10–16 minutes, some drive-throughs, some logged after the fact, a few flagged."""
    rng = random.Random(f"svenljunga-2019-{hotspot.name}")  # noqa: S311  (demo data, reproducible by design)
    rows: list[dict] = []
    first_day = today - timedelta(days=WEEKS * 7)
    opened = hotspot.created_at
    closed = hotspot.deleted_at if hotspot.deleted else None
    # Delivery falls short of target at some spots, so that the coverage pages have something to show.
    per_week = (hotspot.target_visits_per_week or 3) * rng.uniform(0.6, 1.15)
    for offset in range(WEEKS * 7 + 1):
        day = first_day + timedelta(days=offset)
        for _ in range(_poisson(rng, per_week / 7)):
            start = _start_time(rng, hotspot, day, tz).astimezone(UTC)
            if start > now - timedelta(minutes=30) or start < opened or (closed is not None and start >= closed):
                continue
            on_duty = [o for o in officers if _on_duty(o, start, now)]
            rows.append(_visit_row(rng, hotspot, on_duty, start, now, f"{hotspot.name}-{len(rows)}"))
    _cover_every_code(rows, hotspot)
    _flag_some(rng, rows, users, now)
    return rows


def _on_duty(officer: User, start: datetime, now: datetime) -> bool:
    left = next((p.get("left_days_ago") for p in OFFICERS if p["username"] == officer.username), None)
    return left is None or start < now - timedelta(days=left)


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: small means only.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _start_time(rng: random.Random, hotspot: HotSpot, day: date, tz: ZoneInfo) -> datetime:
    windows = [w for w in hotspot.hot_hours if day.isoweekday() in w["days"]]
    if windows and rng.random() < 0.65:
        window = rng.choice(windows)
        start = _minutes(window["from"])
        end = _minutes(window["to"])
        length = (end - start) % (24 * 60)
        minute = (start + rng.randrange(max(length - 15, 1))) % (24 * 60)
        base = day if minute >= start else day + timedelta(days=1)
    else:
        minute = rng.randrange(8 * 60, 23 * 60)
        base = day
    return datetime.combine(base, time(minute // 60, minute % 60), tzinfo=tz)


def _visit_row(rng, hotspot, officers, start, created, key) -> dict:
    drive_through = rng.random() < 0.1
    if drive_through:
        mode, minutes = "drive_through", rng.uniform(0.5, 3)
    else:
        mode = rng.choices(["foot", "vehicle", "bicycle", "other"], weights=[55, 32, 10, 3])[0]
        minutes = min(max(rng.gauss(13, 4.5), 3), 45)
    observations = ["nothing_to_report"]
    if rng.random() < 0.45:
        observations = rng.sample([o for o in OBSERVATIONS if o != "nothing_to_report"], rng.choice([1, 1, 2]))
    activities = ["visible_presence"]
    if not drive_through and rng.random() < 0.4:
        activities.append("dialogue")
    if rng.random() < 0.08:
        activities.append("check")
    if not drive_through and observations != ["nothing_to_report"] and rng.random() < 0.15:
        activities.append("intervention")
        if rng.random() < 0.5:
            activities.append("report_filed")
    contacts = rng.randrange(1, 7) if "dialogue" in activities else 0
    # Logged after the fact (a call-out cut the visit short of the phone, or no signal): no position fix.
    entry = "after" if rng.random() < 0.08 else "live"
    lat = lon = accuracy = dist = site = None
    if entry == "live" and rng.random() < 0.9:
        spread = 0.0006 if rng.random() < 0.85 else 0.004  # most fixes on site, some from further away
        lat = hotspot.lat + rng.gauss(0, spread)
        lon = hotspot.lon + rng.gauss(0, spread * 1.8)
        accuracy = round(rng.uniform(4, 35), 1)
        dist = round(distance_m(lat, lon, hotspot.lat, hotspot.lon), 1)
        site = on_site(dist, hotspot.radius_m, accuracy)
    return {
        "id": uuid.uuid5(_IDS, f"visit-{key}"),
        "hotspot_id": hotspot.id,
        "officer_id": rng.choice(officers).id,
        "device_id": None,
        "started_at": start,
        "ended_at": start + timedelta(minutes=round(minutes, 1)),
        "mode": mode,
        "officers": 1 if mode in ("bicycle", "drive_through") else rng.choice([1, 2, 2]),
        "observations": observations,
        "activities": activities,
        "contacts": contacts,
        "notes": rng.choice(NOTES) if rng.random() < 0.3 else "",
        "entry": entry,
        "lat": lat,
        "lon": lon,
        "accuracy_m": accuracy,
        "distance_m": dist,
        "on_site": site,
        "flag_comment": None,
        "flag_by_id": None,
        "flag_at": None,
        "deleted": False,
        "created_at": start + timedelta(minutes=round(minutes, 1) + (rng.uniform(60, 600) if entry == "after" else 1)),
        **stamp_values(db.session, 0, created),
    }


def _cover_every_code(rows: list[dict], hotspot: HotSpot) -> None:
    """Every hot spot with history shows every mode, observation and activity at least once (spread over visits)."""
    if len(rows) < 3:
        return
    for i, mode in enumerate(MODES):
        row = rows[(i * 5 + 1) % len(rows)]
        if not any(r["mode"] == mode for r in rows):
            row["mode"] = mode
            if mode in ("bicycle", "drive_through"):
                row["officers"] = 1
            if mode == "drive_through":
                row["ended_at"] = row["started_at"] + timedelta(minutes=1.5)
    for i, code in enumerate(o for o in OBSERVATIONS if o != "nothing_to_report"):
        if not any(code in r["observations"] for r in rows):
            row = rows[(i * 3 + 2) % len(rows)]
            row["observations"] = [o for o in row["observations"] if o != "nothing_to_report"] + [code]
    for i, code in enumerate(ACTIVITIES):
        if not any(code in r["activities"] for r in rows):
            row = rows[(i * 7 + 3) % len(rows)]
            row["activities"] = [*row["activities"], code]
    if not any(r["observations"] == ["nothing_to_report"] for r in rows):
        rows[0]["observations"] = ["nothing_to_report"]


def _flag_some(rng: random.Random, rows: list[dict], users: dict[str, User], now: datetime) -> None:
    """A supervisor flags about one visit in twenty-five back to its officer, with a comment."""
    for row in rows:
        if rng.random() >= 0.04 or row["started_at"] > now - timedelta(hours=6):
            continue
        by = users["lena" if rng.random() < 0.7 else "johan"]
        row["flag_comment"] = rng.choice(FLAG_COMMENTS)
        row["flag_by_id"] = by.id
        row["flag_at"] = min(row["started_at"] + timedelta(hours=rng.uniform(8, 40)), now - timedelta(hours=1))
        row["rev"] = 2


def _audit_flags(rows: list[dict], users: dict[str, User]) -> None:
    names = {u.id: u for u in users.values()}
    for row in rows:
        if row["flag_at"] is None:
            continue
        by = names[row["flag_by_id"]]
        after = {"comment": row["flag_comment"], "by": by.username, "at": row["flag_at"].isoformat(), "rev": 2}
        _audit_at(row["flag_at"], by, "visit", row["id"], "flag", None, after)


def particular_visit_id(key: str) -> uuid.UUID:
    """The fixed id of one of the particular visits ("forgotten", "ongoing", "busy-evening", "after-the-fact",
    "drive-through", "deleted"), for tests and screenshots."""
    return uuid.uuid5(_IDS, f"particular-{key}")


def _particular_visits(spots: dict[str, HotSpot], users: dict[str, User], now: datetime) -> int:
    """The visits every demo has whatever the dice said: open, long, flagged, after the fact, deleted."""
    torget, ica, park = spots["Torget"], spots["ICA-området"], spots["Thilanderska parken"]
    busstation = spots["Busstationen"]

    def visit(key, spot, officer, started, minutes, **fields) -> dict:
        row = {
            "id": particular_visit_id(key),
            "hotspot_id": spot.id,
            "officer_id": users[officer].id,
            "device_id": None,
            "started_at": started,
            "ended_at": None if minutes is None else started + timedelta(minutes=minutes),
            "mode": "foot",
            "officers": 2,
            "observations": ["nothing_to_report"],
            "activities": ["visible_presence"],
            "contacts": 0,
            "notes": "",
            "entry": "live",
            "lat": spot.lat + 0.0002,
            "lon": spot.lon - 0.0003,
            "accuracy_m": 8.0,
            "flag_comment": None,
            "flag_by_id": None,
            "flag_at": None,
            "deleted": False,
            "created_at": started,
            **stamp_values(db.session, 0, now),
        }
        row.update(fields)
        if row["lat"] is not None:
            row["distance_m"] = round(distance_m(row["lat"], row["lon"], spot.lat, spot.lon), 1)
            row["on_site"] = on_site(row["distance_m"], spot.radius_m, row["accuracy_m"])
        else:
            row["distance_m"] = row["on_site"] = None
        return row

    busy_evening = now - timedelta(days=3, hours=2)
    flagged_at = now - timedelta(days=1, hours=20)
    rows = [
        # Arrived yesterday evening and never tapped Leave: still open, long past the 12 hours the API accepts.
        visit("forgotten", torget, "sara", now - timedelta(hours=19, minutes=12), None, mode="vehicle"),
        # Going on right now.
        visit("ongoing", ica, "erik", now - timedelta(minutes=7), None, officers=1),
        # A long evening at the park with every observation worth noting and everything done about it.
        visit(
            "busy-evening",
            park,
            "anna",
            busy_evening,
            41.5,
            observations=[o for o in OBSERVATIONS if o not in ("nothing_to_report", "other")],
            activities=list(ACTIVITIES),
            contacts=15,
            notes=LONG_NOTE,
            flag_comment=FLAG_COMMENTS[3],
            flag_by_id=users["lena"].id,
            flag_at=flagged_at,
            rev=2,
        ),
        # Logged after the fact, late at night, by bicycle; a 'to' past midnight.
        visit(
            "after-the-fact",
            busstation,
            "omar",
            now - timedelta(days=2, hours=4, minutes=30),
            14,
            mode="bicycle",
            officers=1,
            observations=["graffiti", "other"],
            activities=["visible_presence", "check"],
            notes="Loggat i efterhand: ingen täckning i väntsalen.",
            entry="after",
            lat=None,
            lon=None,
            accuracy_m=None,
            created_at=now - timedelta(days=2, hours=1),
        ),
        # A drive-through far from the spot, flagged back to the officer.
        visit(
            "drive-through",
            torget,
            "erik",
            now - timedelta(days=5, hours=6),
            1.5,
            mode="drive_through",
            officers=1,
            lat=torget.lat + 0.006,
            lon=torget.lon + 0.004,
            accuracy_m=25.0,
            flag_comment=FLAG_COMMENTS[1],
            flag_by_id=users["johan"].id,
            flag_at=now - timedelta(days=4, hours=20),
            rev=2,
        ),
        # Saved by mistake and deleted by the officer: a tombstone nobody is shown.
        visit("deleted", ica, "anna", now - timedelta(days=6, hours=3), 12, deleted=True, rev=2),
    ]
    existing = set(db.session.scalars(select(Visit.id).where(Visit.id.in_([r["id"] for r in rows]))))
    missing = [r for r in rows if r["id"] not in existing]
    if missing:
        db.session.execute(insert(Visit), missing)
        _audit_flags(missing, users)
    return len(missing)


# -- the citizen promise (SPEC §6; the 2019 promise's commitments, in this year's words) ----------------------------

PROMISE_SITUATION = (
    "Polisens och kommunens gemensamma lägesbild visar att många invånare känner sig otrygga, framför allt i "
    "Svenljunga tätort och efter mörkrets inbrott. I trygghetsundersökningen nämner de samma platser år efter år: "
    "Torget, ICA-området, Thilanderska parken och Busstationen.\n"
    "Otryggheten hänger ofta ihop med ungdomar som samlas i grupp, misstänkt narkotikahantering, skadegörelse och "
    "klotter – och med kränkningar och bilder som sprids på sociala medier, där de unga själva är både utsatta och "
    "inblandade."
)
PROMISE_GOAL = (
    "Att fler i Svenljunga kommun känner sig trygga. Vi mäter det varje år med trygghetsundersökningen, och "
    "resultatet styr vilka platser och insatser nästa års löfte tar upp."
)
PROMISE_PARTIES = (
    "Lokalpolisområde Borås och Svenljunga kommun, med Barn- och utbildningsförvaltningen och Folkhälsan. Kommunen "
    "redovisar arbetet på hemsidan och på kommunens facebooksida."
)
# The four places of the 2019 survey.
PROMISE_HOTSPOTS = ("Torget", "ICA-området", "Thilanderska parken", "Busstationen")
# (days before today, text) per commitment, oldest first.
PROMISE_UPDATES = {
    "presence": [
        (
            70,
            "Vi har börjat med korta, återkommande besök vid Torget, ICA-området, Thilanderska parken och "
            "Busstationen – 10 till 16 minuter åt gången, oftast på kvällen när de flesta känner sig otrygga.",
        ),
        (
            35,
            "Efter synpunkter från boende kommer vi oftare till Torget på fredags- och lördagskvällar.",
        ),
        (
            8,
            "Busstationen och Thilanderska parken har haft färre besök än vi lovat de senaste veckorna. Vi lägger "
            "om kvällspassen så att de får sina besök.",
        ),
    ],
    "activities": [
        (
            80,
            "Planeringen med Barn- och utbildningsförvaltningen och Folkhälsan är klar: alla klasser i åk 4–6 får "
            "ett lektionspass om värdegrund och IT-relaterad brottslighet under terminen.",
        ),
        (
            30,
            "De första skolorna är besökta. Eleverna har pratat om hur det känns när bilder sprids och vad man kan "
            "göra om det händer.",
        ),
        (
            12,
            "Föräldraträffen om IT-relaterad brottslighet samlade föräldrar från flera skolor. Nästa träff hålls i "
            "vår.",
        ),
    ],
    "survey": [
        (
            60,
            "Frågorna till årets trygghetsundersökning är bestämda tillsammans med kommunen, så att svaren går att "
            "jämföra med tidigare år.",
        ),
        (
            8,
            "Årets trygghetsundersökning är öppen på kommunens hemsida. Alla som är 13 år eller äldre kan svara, "
            "och på marknaden kan man svara hos oss.",
        ),
    ],
}


def promise_title(year: int) -> str:
    return f"Medborgarlöfte Svenljunga {year}"


def _promise(area: Area, users: dict[str, User], spots: dict[str, HotSpot], today: date, survey_ids: list) -> str:
    """This year's published promise with its three commitments, assessments and dated updates, written by lena
    through the services (so audited as a supervisor's work). Left as it is when a promise of that title exists."""
    from fieldlog.errors import Conflict
    from fieldlog.promises import services as promises
    from fieldlog.promises.models import Promise

    title = promise_title(today.year)
    existing = db.session.scalar(select(Promise).where(Promise.area_id == area.id, Promise.title == title))
    if existing is not None:
        return f"Promise: {title} (already loaded)."
    lena = users["lena"]
    data = {
        "title": title,
        "starts_on": date(today.year, 1, 1),
        "ends_on": date(today.year, 12, 31),
        "situation": PROMISE_SITUATION,
        "goal": PROMISE_GOAL,
        "parties": PROMISE_PARTIES,
        "published": True,
        "commitments": [
            {
                "title": "Mer polisiär närvaro på de otrygga platserna",
                "description": "Korta, återkommande besök enligt hot spots-metoden vid de platser där flest känner "
                "sig otrygga, mest på kvällar och helgnätter.",
                "kind": "presence",
                "hotspot_ids": [str(spots[name].id) for name in PROMISE_HOTSPOTS if name in spots],
                "assessment": "at_risk",
            },
            {
                "title": "Värdegrund och IT-relaterad brottslighet i åk 4–6",
                "description": "Tillsammans med Barn- och utbildningsförvaltningen och Folkhälsan: ett lektionspass "
                "i varje klass i åk 4–6, och en föreläsning för vårdnadshavare kvällstid.",
                "kind": "activities",
                "activity_types": ["school_session", "parents_evening"],
                "target_count": 16,
                "reach_target": 14,
                "assessment": "on_track",
            },
            {
                "title": "En årlig trygghetsundersökning",
                "description": "Invånarnas egen bild av tryggheten, varje år, som grund för nästa års platser och "
                "löften.",
                "kind": "survey",
                "survey_ids": [str(i) for i in survey_ids],
                "assessment": "on_track",
            },
        ],
    }
    try:
        promise = promises.create(lena, data)
    except Conflict:  # another published promise of the area covers this year: add this one unpublished
        promise = promises.create(lena, dict(data, published=False))
    for commitment in promise.commitments:
        for days_ago, text in PROMISE_UPDATES[commitment.kind]:
            day = max(promise.starts_on, today - timedelta(days=days_ago))
            promises.add_update(lena, promise, commitment.id, {"date": min(day, today), "text": text})
    db.session.flush()
    published = "published" if promise.published else "not published: another promise covers the year"
    return f"Promise: {title} ({published}), 3 commitments with updates."
