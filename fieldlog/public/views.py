"""The public pages (SPEC §3, §8): the area's current promise and its progress, then the monthly visits and presence
hours; the same as JSON, a compact version other sites may frame, a picture to share and an Atom feed of updates.
No login, no cookie, no personal data; cacheable by anyone."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from sqlalchemy import select

from fieldlog.areas.models import Area
from fieldlog.coverage import queries
from fieldlog.coverage.services import round1
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.periods import today_in
from fieldlog.public import card, charts, feed, texts
from fieldlog.public.promise import current_promise, feed_entries, fingerprint, public_promise, survey_results
from fieldlog.scope import area_by_slug
from fieldlog.security import content_security_policy
from fieldlog.templating import current_locale

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


def cached_promise(area: Area) -> dict | None:
    """The current published promise as public data, kept like the report but also keyed by what people change
    (the promise, its commitments, their assessments and updates): an update shows at once, figures lag by at most
    PUBLIC_REPORT_CACHE_SECONDS."""
    today = today_in(area)
    ttl = float(current_app.config.get("PUBLIC_REPORT_CACHE_SECONDS", 600))
    cache = current_app.extensions.setdefault("fieldlog_public_promises", {})
    key = (area.id, today, fingerprint(area))
    now = time.monotonic()
    with _lock:
        hit = cache.get(key)
        if hit is not None and now - hit[0] < ttl:
            return hit[1]
    promise = current_promise(area, today)
    data = public_promise(promise, today) if promise is not None else None
    with _lock:
        for old in [k for k in cache if k[0] == area.id]:
            del cache[old]
        cache[key] = (now, data)
    return data


def public_data(area: Area) -> dict:
    """``/public/<slug>.json``: the monthly report's keys, and ``promise`` (null when none is published)."""
    return {**cached_report(area), "promise": cached_promise(area)}


def _public_area(slug: str) -> Area:
    area = area_by_slug(slug)
    if area is None or not area.public_report:
        abort(404)
    return area


CACHEABLE = {"Cache-Control": "public, max-age=300"}


@bp.get("/<slug>.json")
def report_json(slug: str):
    response = jsonify(public_data(_public_area(slug)))
    response.headers.update(CACHEABLE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _page_context(area: Area) -> dict:
    data = public_data(area)
    months = data["months"]
    return {
        "area": area,
        "data": data,
        "promise": data["promise"],
        "complete_months": months[:-1],  # the last one is the month still running
        "peak": max((m["visits"] for m in months), default=0) or 1,
        "summary": texts.summary(data["promise"], area.name),
        "lang": current_locale(),
        "t": texts,
        "charts": charts,
    }


@bp.get("/<slug>")
def report_page(slug: str):
    area = _public_area(slug)
    return render_template("public/report.html", **_page_context(area)), 200, CACHEABLE


@bp.get("/<slug>/embed")
def embed(slug: str):
    """The compact page for the municipality's site: only the area's ``embed_origins`` may frame it."""
    area = _public_area(slug)
    origins = " ".join(area.embed_origins or []) or "'none'"
    headers = {**CACHEABLE, "Content-Security-Policy": content_security_policy(frame_ancestors=origins)}
    return render_template("public/embed.html", **_page_context(area)), 200, headers


@bp.get("/<slug>/card.png")
def card_png(slug: str):
    area = _public_area(slug)
    context = _page_context(area)
    image, etag = card.card(area, context["promise"], context["data"])
    response = current_app.response_class(image, mimetype="image/png", headers=CACHEABLE)
    response.set_etag(etag)
    return response.make_conditional(request)


@bp.get("/<slug>/feed.atom")
def feed_atom(slug: str):
    area = _public_area(slug)
    body = feed.atom(area, cached_promise(area), feed_entries(area), survey_results(area))
    return current_app.response_class(body, mimetype="application/atom+xml", headers=CACHEABLE)
