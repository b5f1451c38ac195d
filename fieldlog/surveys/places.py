"""Where residents feel unsafe (SPEC §7 question 5), against where officers were: the places of a wave's results,
perception against presence per hot spot, and candidate places where no hot spot is yet.

**Snapping.** A mark picked from the list of named places (``hotspot_id``) belongs to that hot spot. A mark on the
map belongs to the nearest of the area's hot spots (archived ones aside) whose radius + ``SNAP_MARGIN_M`` reaches it,
else to a ``CELL_M`` grid cell. Distances at this scale use the local flat projection of the sphere of
``fieldlog.geo`` (``EARTH_RADIUS_M``): within a few kilometres it differs from the great circle by far less than a
metre, and it is cheap enough for 25,000 marks × every hot spot.

A cell is a row of ``CELL_M`` of latitude and, within the row, a column of ``CELL_M`` at the row's middle latitude:
cells are ``CELL_M`` square everywhere and the same for every wave, so waves compare cell by cell.

Places are never broken down by background (no figure here is about a group), so the ``MIN_GROUP`` rule of
``results`` has nothing to hide here; the public page shows only public hot spots with ≥ ``MIN_GROUP`` marks.

**Candidates.** The marks that no *active* hot spot covers are counted in ``CLUSTER_CELL_M`` cells; from the densest
cell down, a cell and its eight neighbours not yet taken form a cluster when they hold at least
``SURVEY_CANDIDATE_MIN_MARKS`` marks (config). Its centre is the marks' mean; its radius covers 80 % of them,
clamped to 50–300 m; its ``id`` is made from the seed cell, so it stays the same while the marks come in and a
decision sticks to it. Suggested hot hours follow SPEC §7's mapping for each time of day that at least a quarter of
the cluster's timed marks name, on every day (a mark has no weekday).

A decided candidate stays listed with its ``decision`` (dismissed: with the reason). An accepted one leaves the list
by itself: its marks now belong to the new hot spot (unless that is made inactive, when it shows again, decided).
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import String, Text, cast, select

from fieldlog.extensions import db
from fieldlog.geo import EARTH_RADIUS_M, distance_m
from fieldlog.hotspots.models import HotSpot
from fieldlog.surveys import questionnaire as q

SNAP_MARGIN_M = 50
CELL_M = 250
CLUSTER_CELL_M = 150
RADIUS_MIN_M, RADIUS_MAX_M = 50, 300
RADIUS_COVERS = 0.8
TOP_REASONS = 3
WHEN_SHARE = 0.25
# SPEC §7: the hot hours a time of day suggests.
HOT_HOURS = {"day": ("10:00", "18:00"), "evening": ("18:00", "23:00"), "night": ("22:00", "04:00")}
EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
M_PER_DEG = math.pi * EARTH_RADIUS_M / 180


class Mark(NamedTuple):
    """The shape of a mark as ``marks_of`` reads it (a Core row with these columns, by name or index): ``reasons`` is
    the stored JSON text (parsed once per distinct text, see ``reason_counts``); ``respondent`` only tells marks of
    one response apart from another's."""

    respondent: object
    lat: float
    lon: float
    when: str | None
    reasons: str | list | None
    hotspot_id: uuid.UUID | None


@dataclass(frozen=True)
class Spot:
    id: uuid.UUID
    lat: float
    lon: float
    reach_m: float
    active: bool


@cache
def _parsed(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def reason_counts(raw: Counter) -> Counter:
    """Reasons counted from a count of the stored JSON texts (a few distinct texts among thousands of marks)."""
    out: Counter = Counter()
    for text, count in raw.items():
        for reason in _parsed(text) if isinstance(text, str) else (text or ()):
            out[reason] += count
    return out


def figures(group: list, n: int) -> dict:
    """Marks, share of respondents, marks by time of day and top reasons of a place's marks."""
    when = Counter(m[3] for m in group)
    return {
        "marks": len(group),
        "share": round(len({m[0] for m in group}) / n, 4) if n else None,
        "when": {w: when[w] for w in q.PLACE_WHEN},
        "reasons": top_reasons(reason_counts(Counter(m[4] for m in group))),
    }


def top_reasons(counts: Counter) -> dict[str, int]:
    """The ``TOP_REASONS`` most named reasons with their counts (ties in the questionnaire's order)."""
    order = {r: i for i, r in enumerate(q.PLACE_REASONS)}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order))))
    return dict(ranked[:TOP_REASONS])


# --- reading ------------------------------------------------------------------------------------------------------


def marks_of(survey_id, include_suspect: bool = False) -> list[Mark]:
    """The wave's marks (suspect responses' only with ``include_suspect``): just the columns places need, the
    response id and the reasons as text (no UUID or JSON objects made for 25,000 rows)."""
    from fieldlog.surveys.models import SurveyMark as m
    from fieldlog.surveys.models import SurveyResponse as r

    stmt = select(
        cast(m.response_id, String).label("respondent"),
        m.lat,
        m.lon,
        m.when,
        cast(m.reasons, Text).label("reasons"),
        m.hotspot_id,
    ).where(m.survey_id == survey_id)
    conn = db.session.connection()
    rows = conn.execute(stmt).all()  # rows as ``Mark`` (Core rows: by attribute or index)
    if include_suspect:
        return rows
    # the few suspect responses, left out here: cheaper than a NOT IN or a join for each of 25,000 marks
    suspects = set(conn.scalars(select(cast(r.id, String)).where(r.survey_id == survey_id, r.suspect.is_(True))))
    return [row for row in rows if row[0] not in suspects] if suspects else rows


def spots_of(area_id: int) -> list[Spot]:
    rows = db.session.execute(
        select(HotSpot.id, HotSpot.lat, HotSpot.lon, HotSpot.radius_m, HotSpot.active).where(
            HotSpot.area_id == area_id, HotSpot.deleted.is_(False)
        )
    )
    return [Spot(i, lat, lon, radius + SNAP_MARGIN_M, bool(active)) for i, lat, lon, radius, active in rows]


# --- snapping -----------------------------------------------------------------------------------------------------


def snap(marks: list[Mark], spots: list[Spot]) -> list[uuid.UUID | None]:
    """Per mark the hot spot it belongs to (None: none reaches it). The spots are put in a grid of cells as large as
    the longest reach, so that a mark is measured only against the spots of its own and the eight cells around."""
    known = {s.id for s in spots}
    if not spots:
        return [m.hotspot_id if m.hotspot_id in known else None for m in marks]
    size = max(s.reach_m for s in spots) * 1.05  # the margin covers the grid's one longitude scale
    ky = M_PER_DEG / size
    kx = M_PER_DEG * math.cos(math.radians(sum(s.lat for s in spots) / len(spots))) / size
    grid: dict[tuple[int, int], list] = defaultdict(list)
    for s in spots:
        gy, gx = math.floor(s.lat * ky), math.floor(s.lon * kx)
        entry = (s.id, s.lat, s.lon, s.reach_m**2, M_PER_DEG * math.cos(math.radians(s.lat)))
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                grid[(gy + dy, gx + dx)].append(entry)
    out: list = []
    for _respondent, lat, lon, _when, _reasons, hotspot_id in marks:
        if hotspot_id is not None and hotspot_id in known:
            out.append(hotspot_id)
            continue
        best, best_d = None, None
        for sid, slat, slon, reach2, mx in grid.get((math.floor(lat * ky), math.floor(lon * kx)), ()):
            dy = (lat - slat) * M_PER_DEG
            dx = (lon - slon) * mx
            d2 = dx * dx + dy * dy
            if d2 <= reach2 and (best_d is None or d2 < best_d):
                best, best_d = sid, d2
        out.append(best)
    return out


@cache
def _metres_per_lon_degree(row: int, size_m: float) -> float:
    """In the cell row ``row``: metres per degree of longitude at the row's middle latitude."""
    return M_PER_DEG * math.cos(math.radians((row + 0.5) * size_m / M_PER_DEG))


def cell_of(lat: float, lon: float, size_m: float = CELL_M) -> tuple[int, int]:
    row = math.floor(lat * M_PER_DEG / size_m)
    return row, math.floor(lon * _metres_per_lon_degree(row, size_m) / size_m)


def cell_centre(row: int, col: int, size_m: float = CELL_M) -> tuple[float, float]:
    lat = (row + 0.5) * size_m / M_PER_DEG
    return round(lat, 6), round((col + 0.5) * size_m / (M_PER_DEG * math.cos(math.radians(lat))), 6)


def summarise_places(marks: list[Mark], spots: list[Spot], n: int) -> dict:
    """``{"hotspots": [...], "cells": [...]}`` of SPEC §7's results, the most marked first."""
    owners = snap(marks, spots)
    by_spot: dict = defaultdict(list)
    by_cell: dict = defaultdict(list)
    for mark, owner in zip(marks, owners, strict=True):
        if owner is not None:
            by_spot[owner].append(mark)
        else:
            by_cell[cell_of(mark[1], mark[2])].append(mark)
    hotspots = [{"hotspot_id": str(h), **figures(group, n)} for h, group in by_spot.items()]
    hotspots.sort(key=lambda e: (-e["marks"], e["hotspot_id"]))
    cells = []
    for (row, col), group in by_cell.items():
        lat, lon = cell_centre(row, col)
        cells.append({"lat": lat, "lon": lon, "size_m": CELL_M, **figures(group, n)})
    cells.sort(key=lambda e: (-e["marks"], e["lat"], e["lon"]))
    return {"hotspots": hotspots, "cells": cells}


def places_summary(survey, n: int, include_suspect: bool = False) -> dict:
    return summarise_places(marks_of(survey.id, include_suspect), spots_of(survey.area_id), n)


# --- candidates ---------------------------------------------------------------------------------------------------


def candidate_id(row: int, col: int) -> str:
    return hashlib.sha256(f"cluster:{CLUSTER_CELL_M}:{row}:{col}".encode()).hexdigest()[:16]


def suggested_hot_hours(when: Counter) -> list[dict]:
    timed = sum(when.values())
    out = []
    for w in q.PLACE_WHEN:
        if timed and when[w] / timed >= WHEN_SHARE:
            start, end = HOT_HOURS[w]
            out.append({"days": list(EVERY_DAY), "from": start, "to": end})
    return out


def clusters(marks: list[Mark], min_marks: int) -> list[dict]:
    """Clusters of at least ``min_marks`` marks (see the module's note), the largest first."""
    cells: dict[tuple[int, int], list[Mark]] = defaultdict(list)
    for mark in marks:
        cells[cell_of(mark.lat, mark.lon, CLUSTER_CELL_M)].append(mark)
    taken: set = set()
    out = []
    for (row, col), _seed in sorted(cells.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if (row, col) in taken:
            continue
        block = [(row + dr, col + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]
        block = [c for c in block if c in cells and c not in taken]
        members = [m for c in block for m in cells[c]]
        if len(members) < min_marks:
            continue
        taken.update(block)
        lat = sum(m.lat for m in members) / len(members)
        lon = sum(m.lon for m in members) / len(members)
        distances = sorted(distance_m(lat, lon, m.lat, m.lon) for m in members)
        covering = distances[max(0, math.ceil(RADIUS_COVERS * len(distances)) - 1)]
        place = figures(members, 0)
        out.append(
            {
                "id": candidate_id(row, col),
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "radius_m": int(min(RADIUS_MAX_M, max(RADIUS_MIN_M, math.ceil(covering)))),
                "marks": len(members),
                "when": place["when"],
                "reasons": place["reasons"],
                "hot_hours": suggested_hot_hours(Counter(place["when"])),
            }
        )
    out.sort(key=lambda c: (-c["marks"], c["id"]))
    return out


def candidates_of(survey, decisions: dict | None = None) -> list[dict]:
    """The wave's candidate places (suspects left out), each with its ``decision`` (None while undecided)."""
    marks = marks_of(survey.id)
    spots = [s for s in spots_of(survey.area_id) if s.active]
    owners = snap(marks, spots)
    uncovered = [m for m, owner in zip(marks, owners, strict=True) if owner is None]
    found = clusters(uncovered, int(current_app.config["SURVEY_CANDIDATE_MIN_MARKS"]))
    decisions = decision_map(survey) if decisions is None else decisions
    for c in found:
        c["decision"] = decisions.get(c["id"])
    return found


def decision_map(survey) -> dict:
    from fieldlog.surveys.models import CandidateDecision

    rows = db.session.scalars(select(CandidateDecision).where(CandidateDecision.survey_id == survey.id))
    return {
        d.candidate_id: {
            "decision": d.decision,
            "reason": d.reason or "",
            "hotspot_id": str(d.hotspot_id) if d.hotspot_id else None,
            "decided_at": d.decided_at.isoformat() if d.decided_at else None,
        }
        for d in rows
    }


# --- perception against presence ---------------------------------------------------------------------------------


def previous_wave(survey):
    from fieldlog.surveys.models import Survey

    return db.session.scalar(
        select(Survey)
        .where(Survey.area_id == survey.area_id, Survey.year < survey.year)
        .order_by(Survey.year.desc())
        .limit(1)
    )


def between(survey, previous) -> tuple:
    """The local days between two waves: from the day the previous one closed to the day before this one opened
    (without a previous wave: the 365 days before this one opened). None when there is no such day."""
    tz = ZoneInfo(survey.area.timezone)
    last = survey.opens_at.astimezone(tz).date() - timedelta(days=1)
    first = previous.closes_at.astimezone(tz).date() if previous is not None else last - timedelta(days=364)
    return (first, last) if first <= last else None


def perception(survey) -> dict:
    """SPEC §7 ``GET /surveys/<id>/places``: per hot spot the marks of this wave and the previous one, and the
    presence between them as §3's coverage counts it (``coverage.queries.bucket_rows``: nothing recomputed here)."""
    from fieldlog.coverage.queries import bucket_rows
    from fieldlog.coverage.services import round1

    area = survey.area
    previous = previous_wave(survey)
    spots = db.session.scalars(
        select(HotSpot).where(HotSpot.area_id == area.id, HotSpot.deleted.is_(False)).order_by(HotSpot.name)
    ).all()
    plain = [Spot(s.id, s.lat, s.lon, s.radius_m + SNAP_MARGIN_M, bool(s.active)) for s in spots]

    def marks_per_spot(wave) -> Counter:
        if wave is None:
            return Counter()
        owners = snap(marks_of(wave.id), plain)
        return Counter(o for o in owners if o is not None)

    now_marks, before_marks = marks_per_spot(survey), marks_per_spot(previous)
    days = between(survey, previous)
    presence = {}
    if days is not None and spots:
        presence = {r["h"]: r for r in bucket_rows(db.session, area.id, area.timezone, [days])}
    rows = []
    for s in spots:
        r = presence.get(s.id, {})
        rows.append(
            {
                "hotspot_id": str(s.id),
                "name": s.name,
                "active": bool(s.active),
                "public": bool(s.public),
                "marks": now_marks[s.id],
                "previous_marks": before_marks[s.id] if previous is not None else None,
                "visits": int(r.get("visits") or 0),
                "presence_minutes": round1((r.get("presence_sec") or 0) / 60),
                "hot_hour_minutes": round1((r.get("hot_sec") or 0) / 60),
            }
        )
    rows.sort(key=lambda e: (-e["marks"], e["name"]))
    return {
        "survey_id": str(survey.id),
        "previous_survey_id": str(previous.id) if previous is not None else None,
        "presence_from": days[0].isoformat() if days else None,
        "presence_to": days[1].isoformat() if days else None,
        "hotspots": rows,
        "candidates": candidates_of(survey),
    }


# --- deciding on a candidate --------------------------------------------------------------------------------------


def candidate_of(survey, candidate_id: str) -> dict:
    """The wave's candidate by its id; ``NotFound`` if no cluster has it now; ``Conflict`` once decided."""
    from fieldlog.errors import Conflict, NotFound

    for c in candidates_of(survey):
        if c["id"] == candidate_id:
            if c["decision"] is not None:
                raise Conflict("This candidate place has already been decided on.")
            return c
    raise NotFound("No such candidate place.")


def hotspot_defaults(survey, candidate: dict) -> dict:
    """The hot spot a candidate suggests: its centre, radius and hot hours, and a name to change."""
    from flask_babel import gettext

    return {
        "name": gettext("Place from the survey %(year)s", year=survey.year),
        "lat": candidate["lat"],
        "lon": candidate["lon"],
        "radius_m": candidate["radius_m"],
        "hot_hours": candidate["hot_hours"],
    }


def _decide(user, survey, candidate_id: str, decision: str, reason: str = "", hotspot_id=None) -> None:
    from fieldlog.audit import services as audit
    from fieldlog.db import utcnow
    from fieldlog.surveys.models import CandidateDecision

    row = CandidateDecision(
        survey_id=survey.id,
        candidate_id=candidate_id,
        decision=decision,
        reason=reason,
        hotspot_id=hotspot_id,
        decided_by=user.id,
        decided_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    after = {"survey_id": str(survey.id), "candidate_id": candidate_id, "decision": decision, "reason": reason}
    if hotspot_id is not None:
        after["hotspot_id"] = str(hotspot_id)
    audit.record(user, "survey_candidate", candidate_id, decision, None, after)


def accept(user, survey, candidate_id: str, overrides: dict) -> HotSpot:
    """Turn a candidate into a hot spot through the hot-spot service (its rules, sync stamp and audit), prefilled
    from the candidate; ``overrides`` (hot-spot fields, already validated) win."""
    from fieldlog.api.helpers import load
    from fieldlog.hotspots import services as hotspots
    from fieldlog.hotspots.schemas import HotSpotInputSchema

    candidate = candidate_of(survey, candidate_id)
    data = {**hotspot_defaults(survey, candidate), **overrides}
    data.pop("area", None)
    data = load(HotSpotInputSchema(), data)  # the hot spot's own rules, on the merged fields
    data["area"] = survey.area.slug
    hotspot = hotspots.create(user, data)
    _decide(user, survey, candidate_id, "accepted", hotspot_id=hotspot.id)
    return hotspot


def dismiss(user, survey, candidate_id: str, reason: str) -> None:
    from fieldlog.errors import Invalid

    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Say why the place is dismissed.", {"reason": ["Required."]})
    candidate_of(survey, candidate_id)
    _decide(user, survey, candidate_id, "dismissed", reason=reason)
