"""The coverage reads (SPEC §3 "Coverage"), each one statement, on SQLite and PostgreSQL alike.

The figures that add up over days come from ``coverage_day`` (``coverage.days``: a period reads its days, so the cost
follows the period and not the table); the median duration and distinct officers come from the visits of the period
through the covering index ``ix_visit_coverage``; the weekday × hour grid of one hot spot is computed from its
visits. SQL fragments and the set logic: ``coverage.sql``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.orm import Session

from fieldlog.coverage import days
from fieldlog.coverage.sql import Dialect, day_number, local_split, seg_cte, sweep, values
from fieldlog.coverage.terms import counts
from fieldlog.db import UTCDateTime
from fieldlog.periods import Period, period


def _stale_window(first: date, last: date, timezone: str, params: dict) -> tuple[datetime, datetime]:
    """The starts of visits whose queued changes matter to the days first..last (from the day before, whose visits
    the first day's overlap depends on), also set as the statement's ``stale_from`` and ``stale_to``."""
    window = period(first - timedelta(days=1), first, timezone).start, period(last, last, timezone).end
    params["stale_from"], params["stale_to"] = window
    return window


_TIMES = (
    bindparam("start", type_=UTCDateTime),
    bindparam("end", type_=UTCDateTime),
    bindparam("stale_from", type_=UTCDateTime),
    bindparam("stale_to", type_=UTCDateTime),
)


def _read(session: Session, stmt, params: dict) -> tuple[list[dict], bool]:
    """Rows of a statement whose first column is ``stale`` (the same in every row; one row of NULLs but ``stale``
    when the result is empty)."""
    rows = [dict(row) for row in session.execute(stmt, params).mappings()]
    return [r for r in rows if r["h"] is not None], bool(rows[0]["stale"])


def _last_visit(hotspot: str) -> str:
    """Scalar subquery: the latest start of a counting visit of ``hotspot`` (an SQL expression) before ``:end`` —
    whether or not inside the period (SPEC §3 ``last_visit_at``). Read from the index, newest first."""
    return f"""(SELECT lv.started_at FROM visit AS lv
           WHERE lv.hotspot_id = {hotspot} AND lv.started_at < :end AND {counts("lv")}
           ORDER BY lv.started_at DESC LIMIT 1)"""  # noqa: S608 (constant fragments only)


def _per_hotspot(d: Dialect, name: str, aggregates: str, table: str, where: str) -> tuple[str, str]:
    """Aggregates of ``table``'s rows per hot spot of ``hs``, each hot spot's rows read in index order: (CTE to add,
    join to add to ``FROM hs``), the result named ``name``.

    PostgreSQL: one small aggregate per hot spot (LATERAL); grouping the whole period's rows would sort them all, and
    joining grouped CTEs it cannot estimate makes it compare every pair. SQLite: one grouped pass, which walks the
    index hot spot by hot spot (the IN list is sorted) without a sort, joined by an automatic index."""
    if d.pg:
        lateral = f"SELECT {aggregates} FROM {table} WHERE hotspot_id = hs.id AND {where}"  # noqa: S608
        return "", f"CROSS JOIN LATERAL ({lateral}) AS {name}"
    cte = f"""{name} AS MATERIALIZED (
  SELECT hotspot_id AS h, {aggregates} FROM {table}
  WHERE hotspot_id IN (SELECT id FROM hs) AND {where} GROUP BY hotspot_id
),"""  # noqa: S608 (constant fragments only)
    return cte, f"LEFT JOIN {name} ON {name}.h = hs.id"


def coverage_rows(session: Session, area_id: int, p: Period) -> list[dict]:
    """One row per live hot spot of the area with every coverage figure (seconds; see ``coverage.services``)."""
    d = Dialect(session.get_bind().dialect.name)
    params: dict = {
        "area_id": area_id,
        "start": p.start,
        "end": p.end,
        "first": day_number(p.first),
        "last": day_number(p.last),
    }
    window = _stale_window(p.first, p.last, p.timezone, params)
    day_cte, day_join = _per_hotspot(
        d,
        "cd",
        "SUM(visits) AS visits, SUM(koper) AS koper, SUM(on_site) AS on_site, SUM(officer_sec) AS officer_sec,"
        " SUM(presence_sec - CASE WHEN day = :first THEN 0 ELSE overlap_sec END) AS presence_sec,"
        " SUM(hot_sec - CASE WHEN day = :first THEN 0 ELSE overlap_hot_sec END) AS hot_sec",
        "coverage_day",
        "day >= :first AND day <= :last",
    )
    visit_cte, visit_join = _per_hotspot(
        d,
        "vs",
        f"COUNT(DISTINCT officer_id) AS officers_distinct, {d.median_duration()} AS median_sec",
        "visit",
        f"started_at >= :start AND started_at < :end AND {counts()}",
    )
    sql = f"""
WITH hs AS (
  SELECT id, name, priority, target_visits_per_week, created_at, deleted_at FROM hotspot
  WHERE area_id = :area_id AND NOT deleted
),
{day_cte}
{visit_cte}
result AS (
  SELECT hs.id AS h, hs.name AS name, hs.priority AS priority, hs.target_visits_per_week AS target_per_week,
         hs.created_at AS created_at, hs.deleted_at AS deleted_at,
         COALESCE(cd.visits, 0) AS visits, COALESCE(cd.presence_sec, 0) AS presence_sec,
         COALESCE(cd.officer_sec, 0) AS officer_sec, vs.median_sec AS median_sec, COALESCE(cd.koper, 0) AS koper,
         COALESCE(cd.on_site, 0) AS on_site, COALESCE(cd.hot_sec, 0) AS hot_sec,
         COALESCE(vs.officers_distinct, 0) AS officers_distinct,
         {_last_visit("hs.id")} AS last_visit_at
  FROM hs {day_join} {visit_join}
),
{days.stale_check("stale_from", "stale_to")}
SELECT stale.n AS stale, result.* FROM stale LEFT JOIN result ON 1 = 1
ORDER BY result.priority, result.name, result.h
"""  # noqa: S608 (constant fragments only; every value is a bound parameter)
    stmt = (
        text(sql)
        .bindparams(*_TIMES)
        .columns(last_visit_at=UTCDateTime, created_at=UTCDateTime, deleted_at=UTCDateTime, h=Uuid)
    )
    rows = days.read_fresh(session, area_id, p.timezone, window, lambda: _read(session, stmt, params))
    for r in rows:
        r["id"] = r.pop("h")
    return rows


def bucket_rows(
    session: Session, area_id: int, timezone: str, buckets: list[tuple[date, date]], archived: bool = False
) -> list[dict]:
    """Visits, Koper visits, presence and hot-hour seconds per hot spot and bucket of inclusive local days (e.g. weeks
    or months): rows (h, k = the bucket's index, visits, koper, presence_sec, hot_sec). The area's live hot spots,
    and with ``archived`` the archived ones too. A visit belongs to the bucket its start falls in, and so does all
    of its presence."""
    params: dict = {"area_id": area_id}
    window = _stale_window(buckets[0][0], buckets[-1][1], timezone, params)
    bucket, _ = values(
        "bucket", ("k", "dlo", "dhi"), [(i, day_number(a), day_number(b)) for i, (a, b) in enumerate(buckets)], params
    )
    live = "" if archived else "AND NOT deleted"
    sql = f"""
WITH {bucket},
result AS (
  SELECT cd.hotspot_id AS h, bucket.k AS k, SUM(cd.visits) AS visits, SUM(cd.koper) AS koper,
         SUM(cd.presence_sec - CASE WHEN cd.day = bucket.dlo THEN 0 ELSE cd.overlap_sec END) AS presence_sec,
         SUM(cd.hot_sec - CASE WHEN cd.day = bucket.dlo THEN 0 ELSE cd.overlap_hot_sec END) AS hot_sec
  FROM coverage_day AS cd JOIN bucket ON cd.day >= bucket.dlo AND cd.day <= bucket.dhi
  WHERE cd.hotspot_id IN (SELECT id FROM hotspot WHERE area_id = :area_id {live})
  GROUP BY cd.hotspot_id, bucket.k
),
{days.stale_check("stale_from", "stale_to")}
SELECT stale.n AS stale, result.* FROM stale LEFT JOIN result ON 1 = 1
"""  # noqa: S608
    stmt = text(sql).bindparams(*_TIMES[2:]).columns(h=Uuid)
    return days.read_fresh(session, area_id, timezone, window, lambda: _read(session, stmt, params))


def grid_rows(session: Session, hotspot_id: uuid.UUID, p: Period) -> list[list[float]]:
    """Presence seconds per local weekday (Mon..Sun) × hour (0..23) for one hot spot over the period, from its
    visits (one hot spot's period is a few hundred visits at most)."""
    d = Dialect(session.get_bind().dialect.name)
    params: dict = {"hotspot_id": hotspot_id, "start": p.start, "end": p.end}
    gs, ls_ = d.greatest, d.least
    hours = ", ".join(f"({h})" for h in range(24))
    sql = f"""
WITH RECURSIVE {seg_cte(p.timezone, p.start, p.end, params)},
v AS MATERIALIZED (
  SELECT hotspot_id AS h, 0 AS k, {d.secs("started_at")} AS s, {d.secs("ended_at")} AS e FROM visit
  WHERE hotspot_id = :hotspot_id AND started_at >= :start AND started_at < :end
    AND {counts()}
),
pc AS MATERIALIZED ({sweep("v", "h")}),
sp AS (SELECT h, k, 1 AS sg, ps, pe FROM pc),
{local_split(d, "sp")},
hours(hr) AS (VALUES {hours})
SELECT (split.d + 3) % 7 AS wd, hours.hr AS hr,
       SUM({ls_("split.b", "(hours.hr + 1) * 3600")} - {gs("split.a", "hours.hr * 3600")}) AS sec
FROM split JOIN hours ON hours.hr * 3600 < split.b AND (hours.hr + 1) * 3600 > split.a
GROUP BY (split.d + 3) % 7, hours.hr
"""  # noqa: S608
    stmt = text(sql).bindparams(
        bindparam("start", type_=UTCDateTime),
        bindparam("end", type_=UTCDateTime),
        bindparam("hotspot_id", type_=Uuid),
    )
    grid = [[0.0] * 24 for _ in range(7)]
    for wd, hr, sec in session.execute(stmt, params):
        grid[int(wd)][int(hr)] = float(sec)
    return grid


def status_rows(
    session: Session, hotspot_ids: list[uuid.UUID], start: datetime, end: datetime
) -> dict[uuid.UUID, dict]:
    """Per hot spot: the counting visits starting in [start, end) (``visits``), their presence seconds (the union of
    their intervals, ``presence_sec``) and the latest start of a counting visit before ``end`` (``last_visit_at``).

    A rolling window (the last 7 days up to now) does not fall on local days, so this reads the visits themselves —
    a few days of a few hot spots — with the same sweep as the day rows and the grid."""
    if not hotspot_ids:
        return {}
    d = Dialect(session.get_bind().dialect.name)
    sql = f"""
WITH hs AS (SELECT id FROM hotspot WHERE id IN :ids),
v AS MATERIALIZED (
  SELECT hotspot_id AS h, 0 AS k, {d.secs("started_at")} AS s, {d.secs("ended_at")} AS e FROM visit
  WHERE hotspot_id IN (SELECT id FROM hs) AND started_at >= :start AND started_at < :end AND {counts()}
),
pc AS MATERIALIZED ({sweep("v", "h")}),
vn AS (SELECT h, COUNT(*) AS visits FROM v GROUP BY h),
pres AS (SELECT h, SUM(pe - ps) AS sec FROM pc GROUP BY h)
SELECT hs.id AS h, COALESCE(vn.visits, 0) AS visits, COALESCE(pres.sec, 0) AS presence_sec,
       {_last_visit("hs.id")} AS last_visit_at
FROM hs LEFT JOIN vn ON vn.h = hs.id LEFT JOIN pres ON pres.h = hs.id
"""  # noqa: S608 (constant fragments only; every value is a bound parameter)
    stmt = (
        text(sql)
        .bindparams(
            bindparam("ids", expanding=True, type_=Uuid),
            bindparam("start", type_=UTCDateTime),
            bindparam("end", type_=UTCDateTime),
        )
        .columns(h=Uuid, last_visit_at=UTCDateTime)
    )
    rows = session.execute(stmt, {"ids": list(hotspot_ids), "start": start, "end": end}).mappings()
    return {r["h"]: dict(r) for r in rows}
