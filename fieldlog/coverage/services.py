"""Coverage as the API and the pages show it: figures per hot spot, rounding, targets, weekly series.

Which area a user may see: ``fieldlog.scope``; periods: ``fieldlog.periods``."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fieldlog.areas.models import Area
from fieldlog.coverage import queries
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.periods import today_in


def round1(value: float | None) -> float | None:
    """One decimal, halves away from zero (not banker's rounding)."""
    if value is None:
        return None
    return math.floor(float(value) * 10 + 0.5) / 10


def days_existing(first: date, last: date, timezone: str, created_at: datetime | None, deleted_at=None) -> int:
    """How many of the inclusive local days first..last a hot spot existed: from the day it was created (that day
    counts) to the day it was archived (that day counts too)."""
    tz = ZoneInfo(timezone)
    if created_at is not None:
        first = max(first, created_at.astimezone(tz).date())
    if deleted_at is not None:
        last = min(last, deleted_at.astimezone(tz).date())
    return max(0, (last - first).days + 1)


def target_visits(
    per_week: int | None, first: date, last: date, timezone: str, created_at=None, deleted_at=None
) -> float | None:
    """The visit target of a period: the weekly target × the days of the period the hot spot existed / 7
    (a spot created this week is not behind its target for the weeks before it)."""
    if per_week is None:
        return None
    return per_week * days_existing(first, last, timezone, created_at, deleted_at) / 7


def coverage(area: Area, p: queries.Period) -> dict:
    rows = queries.coverage_rows(db.session, area.id, p)
    hotspots = []
    for r in rows:
        target = target_visits(r["target_per_week"], p.first, p.last, p.timezone, r["created_at"], r["deleted_at"])
        hotspots.append(
            {
                "id": r["id"],
                "name": r["name"],
                "priority": r["priority"],
                "visits": int(r["visits"]),
                "presence_minutes": round1(r["presence_sec"] / 60),
                "officer_minutes": round1(r["officer_sec"] / 60),
                "median_visit_minutes": round1(r["median_sec"] / 60) if r["median_sec"] is not None else None,
                "koper_visits": int(r["koper"]),
                "on_site_visits": int(r["on_site"]),
                "hot_hour_minutes": round1(r["hot_sec"] / 60),
                "target_visits": round(target, 2) if target is not None else None,
                "visit_compliance": round(int(r["visits"]) / target, 3) if target else None,
                "last_visit_at": r["last_visit_at"],
                "officers_distinct": int(r["officers_distinct"]),
            }
        )
    return {"area": area.slug, "from_": p.first, "to": p.last, "timezone": area.timezone, "hotspots": hotspots}


def grid(hotspot: HotSpot, p: queries.Period) -> list[list[float]]:
    return [[round1(sec / 60) for sec in day] for day in queries.grid_rows(db.session, hotspot.id, p)]


def weekly_trend(area: Area, weeks: int = 8, last_day: date | None = None) -> tuple[list[date], dict]:
    """Counting visits per live hot spot per ISO week, the last ``weeks`` weeks up to the one holding ``last_day``:
    ``(mondays, {hotspot_id: [visits, ...]})``, oldest week first."""
    last_day = last_day or today_in(area)
    monday = last_day - timedelta(days=last_day.weekday())
    mondays = [monday - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    rows = queries.bucket_rows(db.session, area.id, area.timezone, [(m, m + timedelta(days=6)) for m in mondays])
    trend: dict = {}
    for r in rows:
        trend.setdefault(r["h"], [0] * weeks)[int(r["k"])] = int(r["visits"])
    return mondays, trend


def weekly_figures(area: Area, weeks: int, last_day: date, spots: list[HotSpot]) -> tuple[list[date], dict]:
    """Per hot spot and ISO week (oldest first, the last one holding ``last_day``): visits, Koper visits, presence
    and hot-hour minutes, and the week's visit target (counted from the day the spot was created)."""
    monday = last_day - timedelta(days=last_day.weekday())
    mondays = [monday - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    rows = queries.bucket_rows(
        db.session, area.id, area.timezone, [(m, m + timedelta(days=6)) for m in mondays], archived=True
    )
    found = {(r["h"], int(r["k"])): r for r in rows}
    out = {}
    for spot in spots:
        series = []
        for i, m in enumerate(mondays):
            r = found.get((spot.id, i), {})
            series.append(
                {
                    "monday": m,
                    "visits": int(r.get("visits") or 0),
                    "koper": int(r.get("koper") or 0),
                    "presence_minutes": round1((r.get("presence_sec") or 0) / 60),
                    "hot_hour_minutes": round1((r.get("hot_sec") or 0) / 60),
                    "target": target_visits(
                        spot.target_visits_per_week,
                        m,
                        m + timedelta(days=6),
                        area.timezone,
                        spot.created_at,
                        spot.deleted_at,
                    ),
                }
            )
        out[spot.id] = series
    return mondays, out
