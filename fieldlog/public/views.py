"""The public report (SPEC §3): aggregated monthly visits and presence hours, no login, no personal data."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, jsonify, render_template
from sqlalchemy import select

from fieldlog.areas.models import Area
from fieldlog.coverage import queries
from fieldlog.coverage.services import round1, today_in
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot

bp = Blueprint("public", __name__, url_prefix="/public")

MONTHS = 12
_lock = threading.Lock()


def _months(area: Area) -> list[tuple[str, date, date]]:
    """The last 12 calendar months up to the current one, in the area's time zone."""
    today = today_in(area)
    year, month = today.year, today.month
    out = []
    for _ in range(MONTHS):
        first = date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        out.append((f"{year:04d}-{month:02d}", first, nxt))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(out))


def report(area: Area) -> dict:
    months = _months(area)
    # Every hot spot of the area counts towards its totals, archived ones too.
    buckets = [(first, nxt - timedelta(days=1)) for _, first, nxt in months]
    rows = queries.bucket_rows(db.session, area.id, area.timezone, buckets, archived=True)
    totals = [[0, 0.0] for _ in months]
    per_spot: dict = {}
    for r in rows:
        k = int(r["k"])
        totals[k][0] += int(r["visits"])
        totals[k][1] += float(r["presence_sec"])
        spot = per_spot.setdefault(r["h"], [[0, 0.0] for _ in months])
        spot[k][0] += int(r["visits"])
        spot[k][1] += float(r["presence_sec"])

    def series(values):
        return [
            {"month": label, "visits": v, "presence_hours": round1(sec / 3600)}
            for (label, _f, _n), (v, sec) in zip(months, values, strict=True)
        ]

    public_spots = db.session.scalars(
        select(HotSpot)
        .where(HotSpot.area_id == area.id, HotSpot.public.is_(True), HotSpot.deleted.is_(False))
        .order_by(HotSpot.name)
    ).all()
    return {
        "area": {"slug": area.slug, "name": area.name},
        "months": series(totals),
        "hotspots": [
            {"name": s.name, "months": series(per_spot.get(s.id, [[0, 0.0] for _ in months]))} for s in public_spots
        ],
    }


def cached_report(area: Area) -> dict:
    """The report, kept for PUBLIC_REPORT_CACHE_SECONDS (default 600) per app process.

    It reads a year of the area's visits (seconds for a large region) and changes slowly; anyone may ask for it, so
    it must not cost a year's scan per request. Monthly figures may lag by the cache time.
    """
    ttl = float(current_app.config.get("PUBLIC_REPORT_CACHE_SECONDS", 600))
    cache = current_app.extensions.setdefault("fieldlog_public_reports", {})
    key = (area.id, _months(area)[-1][0])
    now = time.monotonic()
    with _lock:
        hit = cache.get(key)
        if hit is not None and now - hit[0] < ttl:
            return hit[1]
    data = report(area)
    with _lock:
        cache[key] = (now, data)
    return data


def _public_area(slug: str) -> Area:
    area = db.session.scalar(select(Area).where(Area.slug == slug))
    if area is None or not area.public_report:
        abort(404)
    return area


@bp.get("/<slug>.json")
def report_json(slug: str):
    response = jsonify(cached_report(_public_area(slug)))
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/<slug>")
def report_page(slug: str):
    area = _public_area(slug)
    data = cached_report(area)
    peak = max((m["visits"] for m in data["months"]), default=0) or 1
    response = render_template("public/report.html", area=area, data=data, peak=peak)
    return response, 200, {"Cache-Control": "public, max-age=300"}
