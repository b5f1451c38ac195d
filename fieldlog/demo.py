"""The Svenljunga demo: the area of the 2019 citizen promise, its hot spots, people and six weeks of visits.

Safe to run twice: what exists is left as it is; visits are generated only when the demo officers have none yet, with
a fixed seed, so a second run changes nothing.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from fieldlog.areas.models import Area
from fieldlog.auth.models import User
from fieldlog.auth.services import create_user
from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.geo import distance_m, on_site
from fieldlog.hotspots.models import HotSpot
from fieldlog.sync.changes import current_change_seq
from fieldlog.visits.models import OBSERVATIONS, Visit

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

PEOPLE = [
    {"username": "lena", "display_name": "Lena Berg", "role": "supervisor"},
    {"username": "anna", "display_name": "Anna Lind", "role": "officer"},
    {"username": "erik", "display_name": "Erik Holm", "role": "officer"},
    {"username": "sara", "display_name": "Sara Nyström", "role": "officer"},
]
ADMIN = {"username": "admin", "display_name": "Administratör", "role": "admin"}

NOTES = [
    "Lugnt.",
    "Ungdomar samlade vid bänkarna, samtal om läget.",
    "Nedskräpning vid soptunnorna, kommunen meddelad.",
    "Nytt klotter på väntkuren.",
    "Mopedåkning på gångytan, samtal.",
    "",
]
WEEKS = 6
_IDS = uuid.UUID("6b1e1f0e-2019-4a5e-9d1c-5f7e1a0b2019")


def load_demo(today: date | None = None) -> list[str]:
    """Create what is missing of the demo and return the lines to print."""
    area = db.session.scalar(select(Area).where(Area.slug == AREA["slug"]))
    if area is None:
        area = Area(**AREA)
        db.session.add(area)
        db.session.flush()

    existing = {h.name: h for h in db.session.scalars(select(HotSpot).where(HotSpot.area_id == area.id))}
    now = utcnow()
    for spec in HOTSPOTS:
        if spec["name"] not in existing:
            hotspot = HotSpot(
                area=area, created_at=now, updated_at=now, change_seq=current_change_seq(db.session), **spec
            )
            db.session.add(hotspot)
            existing[spec["name"]] = hotspot
    db.session.flush()

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
        users[person["username"]] = user

    officers = [users[p["username"]] for p in PEOPLE if p["role"] == "officer"]
    has_visits = db.session.scalar(
        select(func.count()).select_from(Visit).where(Visit.officer_id.in_([o.id for o in officers]))
    )
    created = 0
    if not has_visits:
        rows = _visit_history(list(existing.values()), officers, ZoneInfo(area.timezone), today or date.today())
        if rows:
            db.session.execute(insert(Visit), rows)
        created = len(rows)
    db.session.commit()

    total = db.session.scalar(select(func.count()).select_from(Visit).join(HotSpot).where(HotSpot.area_id == area.id))
    return [
        f"Svenljunga demo: {len(existing)} hot spots, {len(officers)} officers, 1 supervisor, 1 admin, "
        f"{total} visits ({'added ' + str(created) if created else 'nothing added, already loaded'}).",
        "Sign in (http://127.0.0.1:5000 with `make run`) as:",
        f"  supervisor  lena   / {DEMO_PASSWORD}",
        f"  officer     anna   / {DEMO_PASSWORD}   (also erik, sara)",
        f"  admin       admin  / {DEMO_PASSWORD}",
    ]


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


def _visit_history(hotspots: list[HotSpot], officers: list[User], tz: ZoneInfo, today: date) -> list[dict]:
    """Six weeks of plausible visits: more at hot hours, durations around 10–16 minutes, some drive-throughs."""
    rng = random.Random(2019)  # noqa: S311  (demo data, reproducible by design)
    seq = current_change_seq(db.session)
    created = utcnow()
    rows = []
    first_day = today - timedelta(days=WEEKS * 7)
    for hotspot in sorted(hotspots, key=lambda h: h.name):
        # Delivery falls short of target at some spots, so that the coverage pages have something to show.
        per_week = (hotspot.target_visits_per_week or 3) * rng.uniform(0.6, 1.15)
        for offset in range(WEEKS * 7):
            day = first_day + timedelta(days=offset)
            count = _poisson(rng, per_week / 7)
            for _ in range(count):
                local = _start_time(rng, hotspot, day, tz)
                start = local.astimezone(UTC)
                if start > created - timedelta(minutes=30):
                    continue
                rows.append(_visit_row(rng, hotspot, officers, start, seq, created, len(rows)))
    return rows


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


def _visit_row(rng, hotspot, officers, start, seq, created, index) -> dict:
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
    contacts = rng.randrange(1, 7) if "dialogue" in activities else 0
    lat = lon = accuracy = dist = site = None
    if rng.random() < 0.9:
        spread = 0.0006 if rng.random() < 0.85 else 0.004  # most fixes on site, some from further away
        lat = hotspot.lat + rng.gauss(0, spread)
        lon = hotspot.lon + rng.gauss(0, spread * 1.8)
        accuracy = round(rng.uniform(4, 35), 1)
        dist = round(distance_m(lat, lon, hotspot.lat, hotspot.lon), 1)
        site = on_site(dist, hotspot.radius_m, accuracy)
    return {
        "id": uuid.uuid5(_IDS, f"visit-{index}"),
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
        "lat": lat,
        "lon": lon,
        "accuracy_m": accuracy,
        "distance_m": dist,
        "on_site": site,
        "rev": 1,
        "deleted": False,
        "created_at": created,
        "updated_at": created,
        "change_seq": seq,
    }
