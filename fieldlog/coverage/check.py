"""``fieldlog coverage check``: are the stored coverage day rows what the visits give?

The day rows are rebuilt from the visits in a scratch transaction that is rolled back — nothing is changed, whatever
the answer — and compared with the stored rows brought up to date with their queue (what the next read would show).
A difference means a change reached the visits but not the days: a lost update, a restore from a copy that was not
consistent, or a bug. Used after a restore (``fieldlog restore``) and by the load harness (``loadkit.load``).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from sqlalchemy import Uuid, bindparam, select, text
from sqlalchemy.orm import Session

from fieldlog.areas.models import Area
from fieldlog.coverage import days
from fieldlog.coverage.terms import DAY_FIGURES

# Seconds are sums of floats: two runs that add the same terms in another order may differ in the last bits.
_TOLERANCE = 1e-3
_QUEUE_ALL = "SELECT hotspot_id, MIN(started_at), MAX(started_at) FROM visit WHERE {scope} GROUP BY hotspot_id"


@dataclass(frozen=True)
class Difference:
    hotspot_id: uuid.UUID
    day: int  # days since 1970-01-01 in the area's time zone
    stored: tuple | None  # DAY_FIGURES, None when the row is missing
    rebuilt: tuple | None

    def describe(self) -> str:
        def show(figures):
            return (
                "missing"
                if figures is None
                else ", ".join(f"{n}={v:g}" for n, v in zip(DAY_FIGURES, figures, strict=True))
            )

        return f"hot spot {self.hotspot_id}, day {self.day}: stored {show(self.stored)}; rebuilt {show(self.rebuilt)}"


@dataclass(frozen=True)
class Report:
    areas: list[str]
    days: int  # day rows compared
    differences: list[Difference]


def check(session: Session, area_slug: str | None = None) -> Report:
    """Compare the stored day rows of every area (or one) with a rebuild; the session's transaction is rolled back.

    Raises LookupError for an unknown area."""
    query = select(Area).order_by(Area.slug)
    if area_slug is not None:
        query = query.where(Area.slug == area_slug)
    areas = [(a.id, a.slug, a.timezone) for a in session.scalars(query)]
    if area_slug is not None and not areas:
        raise LookupError(area_slug)
    try:
        for area_id, _slug, tz in areas:
            days.refresh(session, area_id, tz)
        area_ids = [a[0] for a in areas]
        stored = _snapshot(session, area_ids)
        scope = "hotspot_id IN (SELECT id FROM hotspot WHERE area_id IN :areas)"
        params = {"areas": area_ids}
        session.execute(text(f"DELETE FROM coverage_day WHERE {scope}").bindparams(_areas()), params)  # noqa: S608
        queue_all = "INSERT INTO coverage_stale (hotspot_id, start_from, start_to) " + _QUEUE_ALL.format(scope=scope)
        session.execute(text(queue_all).bindparams(_areas()), params)
        for area_id, _slug, tz in areas:
            days.refresh(session, area_id, tz)
        rebuilt = _snapshot(session, area_ids)
    finally:
        session.rollback()
    differences = [
        Difference(key[0], key[1], stored.get(key), rebuilt.get(key))
        for key in sorted(stored.keys() | rebuilt.keys(), key=lambda k: (str(k[0]), k[1]))
        if not _same(stored.get(key), rebuilt.get(key))
    ]
    return Report(areas=[a[1] for a in areas], days=len(stored.keys() | rebuilt.keys()), differences=differences)


def _areas():
    return bindparam("areas", expanding=True)


def _snapshot(session: Session, area_ids: list[int]) -> dict[tuple[uuid.UUID, int], tuple]:
    if not area_ids:
        return {}
    rows = session.execute(
        text(
            f"SELECT hotspot_id, day, {', '.join(DAY_FIGURES)} FROM coverage_day"  # noqa: S608
            " WHERE hotspot_id IN (SELECT id FROM hotspot WHERE area_id IN :areas)"
        )
        .bindparams(_areas())
        .columns(hotspot_id=Uuid),
        {"areas": area_ids},
    ).all()
    return {(r[0], int(r[1])): tuple(float(v) for v in r[2:]) for r in rows}


def _same(a: tuple | None, b: tuple | None) -> bool:
    if a is None or b is None:
        return a is b
    return all(math.isclose(x, y, rel_tol=0, abs_tol=_TOLERANCE) for x, y in zip(a, b, strict=True))
