"""A promise's computed progress (SPEC §6 ``GET /api/v1/promises/<id>/progress``), per commitment and by kind.

``progress(promise, as_of)`` returns the document of the API, JSON-ready (ids, dates as strings)::

    {"promise_id": "<uuid>", "as_of": "YYYY-MM-DD",
     "commitments": [{"id": "<uuid>", "kind": "presence" | "activities" | "survey", "assessment": "<code>",
                      "progress": {...by kind, below...},
                      "updates": [{"id": "<uuid>", "date": "YYYY-MM-DD", "text": "..."}]}]}

in the commitments' order; each commitment's updates newest first. No officer, author or note appears anywhere in
it: the public page shows the same document.

**presence** — the figures of SPEC §3's coverage (``fieldlog.coverage``: the day rows of ``coverage_day``, read by
``coverage.queries.bucket_rows``; nothing is recomputed from visits here) over the promise's days from ``starts_on``
up to ``min(ends_on, as_of)`` inclusive, in the area's time zone, summed over the commitment's hot spots (all of the
area's when ``hotspot_ids`` is empty; archived ones included, for the visits made while they existed)::

    {"visits", "presence_minutes", "koper_visits", "hot_hour_minutes", "target_visits", "visit_compliance",
     "from": "YYYY-MM-DD", "to": "YYYY-MM-DD",          # the days counted (to < from before the promise starts)
     "hotspots": [{"id", "name", "public", "visits", "presence_minutes", "koper_visits", "hot_hour_minutes",
                   "target_visits"}],                     # per hot spot (public pages name only ``public`` ones)
     "weeks": {"met", "judged", "total", "series": [...]}}

Each figure is the sum of the hot spots' coverage figures as the coverage API rounds them (minutes to one decimal,
targets to two), so that they add up to what ``GET /api/v1/coverage?from&to`` shows for the same spots and days.
``target_visits`` is Σ ``target_visits_per_week`` × days / 7, each hot spot counted only from the day it was created
and up to the day it was archived (``coverage.services.target_visits``); ``null`` when no spot has a target.
``visit_compliance`` = visits / target_visits (3 decimals; ``null`` without a target).

``weeks`` draws "41 av 52 veckor med minst målet av besök". ``series`` has one entry per ISO week (Monday..Sunday)
overlapping the counted days, oldest first, each clipped to them::

    {"monday": "YYYY-MM-DD", "first": "YYYY-MM-DD", "last": "YYYY-MM-DD", "days": 1..7,
     "visits": int, "presence_minutes": float, "target_visits": float | null, "met": bool | null, "complete": bool}

``target_visits`` is the week's target for its days in the promise (so the promise's first and last weeks, often
short, have a smaller target); ``met`` is ``visits >= target_visits`` (``null`` when the week has no target);
``complete`` is false only for the week that ``as_of`` cuts short (it is still running). The week's visits are those
of the summed hot spots whose start falls in the week. ``met`` counts the complete weeks whose target was met,
``judged`` the complete weeks with a target, ``total`` the ISO weeks of the whole promise period (what the promise
will be judged on at its end: "41 av 52").

**activities** — the area's activities of the commitment's ``activity_types`` whose ``starts_at`` falls in the promise
period (local days ``starts_on``..``ends_on``), not deleted::

    {"done", "planned", "target_count", "groups_reached", "reach_target", "participants"}

``done`` counts those with status ``done`` that started by the end of ``as_of`` (all of them, when ``as_of`` is today:
a done activity cannot lie ahead), ``planned`` those with status ``planned`` in the whole period. A group is a
distinct (school, grade, class) of a done activity, compared without regard to case and surrounding spaces: grades
[4, 5] and no class reach (school, 4, "") and (school, 5, ""). ``participants`` is the sum over the done ones.

**survey** — the commitment's waves (``survey_ids``: surveys of the promise's area; others are left out), oldest
first::

    {"waves": [{"survey_id": "<uuid>", "year", "state": "draft" | "open" | "closed", "responses", "safe_share"}]}

``state`` now; ``responses`` and ``safe_share`` are the wave's headline (``fieldlog.surveys.results.headline``:
suspect answers left out, ``safe_share`` null under MIN_GROUP respondents). ``{"waves": []}`` when none is chosen
(pages say "no survey yet").
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from fieldlog import periods
from fieldlog.activities.models import Activity
from fieldlog.coverage import queries
from fieldlog.coverage.services import round1, target_visits
from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.promises.models import Commitment, Promise
from fieldlog.surveys.models import Survey
from fieldlog.surveys.results import headline


def progress(promise: Promise, as_of: date) -> dict:
    """The progress document of ``promise`` as it stood at the end of the local day ``as_of`` (see the module)."""
    return {
        "promise_id": str(promise.id),
        "as_of": as_of.isoformat(),
        "commitments": [
            {
                "id": str(c.id),
                "kind": c.kind,
                "assessment": c.assessment,
                "progress": commitment_progress(promise, c, as_of),
                "updates": [{"id": str(u.id), "date": u.date.isoformat(), "text": u.text} for u in c.updates],
            }
            for c in promise.commitments
        ],
    }


def commitment_progress(promise: Promise, commitment: Commitment, as_of: date) -> dict:
    if commitment.kind == "presence":
        return presence(promise, commitment, as_of)
    if commitment.kind == "activities":
        return activities(promise, commitment, as_of)
    return survey(promise, commitment)


def _uuids(values) -> list[uuid.UUID]:
    out = []
    for value in values or []:
        try:
            out.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return out


def hotspots_of(promise: Promise, commitment: Commitment) -> list[HotSpot]:
    """The hot spots a presence commitment counts: those it names in the promise's area, or all of the area's
    (archived ones too: their visits before archiving were delivered)."""
    stmt = select(HotSpot).where(HotSpot.area_id == promise.area_id)
    ids = _uuids(commitment.hotspot_ids)
    if ids:
        stmt = stmt.where(HotSpot.id.in_(ids))
    return list(db.session.scalars(stmt.order_by(HotSpot.priority, HotSpot.name, HotSpot.id)))


def iso_weeks(first: date, last: date) -> list[tuple[date, date, date]]:
    """(monday, first day, last day) of each ISO week overlapping first..last, clipped to it."""
    weeks = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        weeks.append((monday, max(monday, first), min(monday + timedelta(days=6), last)))
        monday += timedelta(weeks=1)
    return weeks


def _target_sum(spots: list[HotSpot], first: date, last: date, timezone: str) -> tuple[float | None, float]:
    """(the sum of the spots' targets as coverage rounds them, or None without any target; the unrounded sum)."""
    rounded, exact, any_target = 0.0, 0.0, False
    for spot in spots:
        t = target_visits(spot.target_visits_per_week, first, last, timezone, spot.created_at, spot.deleted_at)
        if t is None:
            continue
        any_target = True
        rounded += round(t, 2)
        exact += t
    return (round(rounded, 2) if any_target else None), exact


def presence(promise: Promise, commitment: Commitment, as_of: date) -> dict:
    area = promise.area
    tz = area.timezone
    first, last = promise.starts_on, min(promise.ends_on, as_of)
    spots = hotspots_of(promise, commitment)
    weeks = iso_weeks(first, last)
    ids = {s.id for s in spots}
    rows: list[dict] = []
    if spots and first <= last:
        # Bucket 0 is the whole counted period (a union over it, as the coverage API counts it); 1.. the weeks.
        buckets = [(first, last)] + [(a, b) for _m, a, b in weeks]
        rows = [r for r in queries.bucket_rows(db.session, area.id, tz, buckets, archived=True) if r["h"] in ids]
    by_key = {(r["h"], int(r["k"])): r for r in rows}

    per_spot = []
    for spot in spots:
        r = by_key.get((spot.id, 0), {})
        target, _ = _target_sum([spot], first, last, tz)
        per_spot.append(
            {
                "id": str(spot.id),
                "name": spot.name,
                "public": bool(spot.public),
                "visits": int(r.get("visits") or 0),
                "presence_minutes": round1((r.get("presence_sec") or 0) / 60),
                "koper_visits": int(r.get("koper") or 0),
                "hot_hour_minutes": round1((r.get("hot_sec") or 0) / 60),
                "target_visits": target,
            }
        )
    visits = sum(s["visits"] for s in per_spot)
    target, exact = _target_sum(spots, first, last, tz)

    series = []
    for i, (monday, a, b) in enumerate(weeks, start=1):
        week_visits = sum(int(by_key.get((s.id, i), {}).get("visits") or 0) for s in spots)
        week_presence = sum(round1((by_key.get((s.id, i), {}).get("presence_sec") or 0) / 60) for s in spots)
        week_target, week_exact = _target_sum(spots, a, b, tz)
        series.append(
            {
                "monday": monday.isoformat(),
                "first": a.isoformat(),
                "last": b.isoformat(),
                "days": (b - a).days + 1,
                "visits": week_visits,
                "presence_minutes": round1(week_presence),
                "target_visits": week_target,
                "met": (week_visits >= week_exact - 1e-9) if week_target else None,
                "complete": b == min(monday + timedelta(days=6), promise.ends_on),
            }
        )
    judged = [w for w in series if w["complete"] and w["met"] is not None]
    return {
        "visits": visits,
        "presence_minutes": round1(sum(s["presence_minutes"] for s in per_spot)),
        "koper_visits": sum(s["koper_visits"] for s in per_spot),
        "hot_hour_minutes": round1(sum(s["hot_hour_minutes"] for s in per_spot)),
        "target_visits": target,
        "visit_compliance": round(visits / exact, 3) if exact else None,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "hotspots": per_spot,
        "weeks": {
            "met": sum(1 for w in judged if w["met"]),
            "judged": len(judged),
            "total": len(iso_weeks(promise.starts_on, promise.ends_on)),
            "series": series,
        },
    }


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def activities(promise: Promise, commitment: Commitment, as_of: date) -> dict:
    tz = promise.area.timezone
    whole = periods.period(promise.starts_on, promise.ends_on, tz)
    done_until = periods.period(as_of, as_of, tz).end
    types = [t for t in (commitment.activity_types or []) if isinstance(t, str)]
    rows = db.session.execute(
        select(
            Activity.status, Activity.starts_at, Activity.school, Activity.grades, Activity.group, Activity.participants
        ).where(
            Activity.area_id == promise.area_id,
            Activity.type.in_(types),
            Activity.status.in_(("done", "planned")),
            Activity.starts_at >= whole.start,
            Activity.starts_at < whole.end,
            Activity.deleted.is_(False),
        )
    ).all()
    done = planned = participants = 0
    groups: set[tuple[str, int, str]] = set()
    for status, starts_at, school, grades, group, count in rows:
        if status == "planned":
            planned += 1
            continue
        if starts_at >= done_until:
            continue
        done += 1
        participants += count or 0
        for grade in grades or []:
            if isinstance(grade, int):
                groups.add((_norm(school), grade, _norm(group)))
    return {
        "done": done,
        "planned": planned,
        "target_count": commitment.target_count,
        "groups_reached": len(groups),
        "reach_target": commitment.reach_target,
        "participants": participants,
    }


def survey(promise: Promise, commitment: Commitment) -> dict:
    ids = _uuids(commitment.survey_ids)
    if not ids:
        return {"waves": []}
    waves = list(
        db.session.scalars(
            select(Survey).where(Survey.area_id == promise.area_id, Survey.id.in_(ids)).order_by(Survey.year, Survey.id)
        )
    )
    heads = headline(waves) if waves else {}
    now = utcnow()
    out = []
    for wave in waves:
        head = heads.get(wave.id) or heads.get(str(wave.id)) or {}
        out.append(
            {
                "survey_id": str(wave.id),
                "year": wave.year,
                "state": wave.state(now),
                "responses": int(head.get("responses") or 0),
                "safe_share": head.get("safe_share"),
            }
        )
    return {"waves": out}
