"""The coverage SQL, in one place (SPEC §3 "Coverage").

Every figure is computed by the database, one statement per question, on SQLite and PostgreSQL alike. The two
dialects differ only in a handful of spellings (time → seconds, floor, greatest/least, reading the hot-hours JSON);
``_Dialect`` holds those, the statements are otherwise the same text.

How the set logic works, so that the statement can be read:

* ``v``: the visits that count — of the chosen hot spots, started inside the period (a half-open UTC range the
  index ``ix_visit_hotspot_started`` serves, so the cost follows the period and not the table), ended, not deleted.
  Times become seconds since the epoch (``s``, ``e``).
* ``pc``: the union of a hot spot's visit intervals as disjoint pieces, in one sweep: in (start, end) order, a visit
  adds the part of it after the latest end of the visits before it (``m``, a running maximum). Presence = Σ piece
  length; two crews at once count once. One window pass, streamed in index order (no sort, no grouping of islands).
* Local time: the area's UTC offset is piecewise constant; ``seg`` lists its pieces (computed by ``zoneinfo`` for the
  period, so DST changes are exact). A piece is cut at the offset changes and shifted into local seconds, then cut
  at local midnights (``split``, recursive: a visit may run past midnight) into (local day, from, to) pieces.
* Hot hours: each window ``{"days", "from", "to"}`` becomes per-weekday second ranges (past midnight spills into
  the next weekday), merged per weekday so that overlapping windows count once, and intersected with the pieces.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.orm import Session

from fieldlog.db import UTCDateTime

FAR = 10**12  # seconds: "before/after anything stored"
# Durations come from stored times; a thousandth of a second absorbs floating-point noise at the Koper bounds.
EPS = 0.001
KOPER_MIN_S, KOPER_MAX_S = 10 * 60, 16 * 60


@dataclass(frozen=True)
class Period:
    """Inclusive local days, as the half-open UTC range [start, end)."""

    first: date
    last: date
    timezone: str
    start: datetime
    end: datetime

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def period(first: date, last: date, timezone: str) -> Period:
    tz = ZoneInfo(timezone)
    start = datetime.combine(first, datetime.min.time(), tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    return Period(first, last, timezone, start, end)


def offset_segments(timezone: str, start: datetime, end: datetime) -> list[tuple[int, int, int]]:
    """The area's UTC offset as pieces (from_s, to_s, offset_s) covering all time, exact over [start−2d, end+3d]."""
    tz = ZoneInfo(timezone)
    lo = int((start - timedelta(days=2)).timestamp()) // 3600 * 3600
    hi = int((end + timedelta(days=3)).timestamp())

    def offset(t: int) -> int:
        return int(datetime.fromtimestamp(t, tz).utcoffset().total_seconds())

    segments, seg_start, current = [], -FAR, offset(lo)
    t = lo
    while t < hi:
        nxt = t + 3600
        if offset(nxt) != current:
            # Transitions fall on whole seconds within this hour: find the exact one by bisection.
            a, b = t, nxt
            while b - a > 1:
                mid = (a + b) // 2
                if offset(mid) == current:
                    a = mid
                else:
                    b = mid
            segments.append((seg_start, b, current))
            seg_start, current = b, offset(b)
        t = nxt
    segments.append((seg_start, FAR, current))
    return segments


_AREA_HOTSPOTS = (
    "SELECT id, name, priority, target_visits_per_week, hot_hours FROM hotspot WHERE area_id = :area_id AND NOT deleted"
)


class _Dialect:
    def __init__(self, name: str):
        self.pg = name == "postgresql"

    def secs(self, col: str) -> str:
        if self.pg:
            return f"CAST(EXTRACT(EPOCH FROM {col}) AS DOUBLE PRECISION)"
        return f"ROUND((julianday({col}) - 2440587.5) * 86400.0, 3)"

    def floor(self, expr: str) -> str:
        return f"CAST(FLOOR({expr}) AS BIGINT)" if self.pg else f"CAST({expr} AS INTEGER)"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"MAX({a}, {b})"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"MIN({a}, {b})"

    def hot_hours_from(self) -> str:
        """FROM clause yielding (hot spot id h, window w_from 'HH:MM', w_to, weekday dow) per window and day."""
        if self.pg:
            return (
                "SELECT hs.id AS h, w.value ->> 'from' AS w_from, w.value ->> 'to' AS w_to, "
                "CAST(d.value AS INTEGER) AS dow "
                "FROM hs, json_array_elements(hs.hot_hours) AS w, json_array_elements_text(w.value -> 'days') AS d"
            )
        return (
            "SELECT hs.id AS h, json_extract(w.value, '$.from') AS w_from, json_extract(w.value, '$.to') AS w_to, "
            "CAST(d.value AS INTEGER) AS dow FROM hs, json_each(hs.hot_hours) AS w, json_each(w.value, '$.days') AS d"
        )


def _hhmm(col: str) -> str:
    return f"(CAST(substr({col}, 1, 2) AS INTEGER) * 3600 + CAST(substr({col}, 4, 2) AS INTEGER) * 60)"


def _values(name: str, columns: tuple[str, ...], rows: list[tuple], params: dict, types: dict | None = None):
    """A CTE of literal rows as bound parameters: ``name(cols) AS (VALUES (...), ...)``; returns (sql, binds)."""
    binds, lines = [], []
    for i, row in enumerate(rows):
        names = []
        for col, value in zip(columns, row, strict=True):
            key = f"{name}_{col}_{i}"
            params[key] = value
            names.append(f":{key}")
            if types and col in types:
                binds.append(bindparam(key, type_=types[col]))
        lines.append("(" + ", ".join(names) + ")")
    return f"{name}({', '.join(columns)}) AS (VALUES {', '.join(lines)})", binds


def _common(d: _Dialect, hs_sql: str, bucketed: bool) -> str:
    """The CTEs up to the local-day pieces. ``bucketed`` partitions everything by a period bucket ``k`` as well."""
    k = "bucket.k" if bucketed else "0"
    if bucketed:
        v_from = "FROM visit JOIN bucket ON visit.started_at >= bucket.bs AND visit.started_at < bucket.be"
        v_range = ""
    else:
        v_from = "FROM visit"
        v_range = "AND visit.started_at >= :start AND visit.started_at < :end"
    part = "visit.hotspot_id, bucket.k" if bucketed else "visit.hotspot_id"
    gs, ls_ = d.greatest, d.least
    # MATERIALIZED: each figure's CTE is computed once; the planners cannot estimate their sizes and would otherwise
    # re-run them per hot spot in a nested loop.
    # The window orders by the stored columns, as the index does, and the hot spots come as an IN list (sorted):
    # SQLite then streams the window without a sort. Times become seconds only outside the window.
    if d.pg and not bucketed:
        # PostgreSQL: per hot spot, the index hands the visits over in window order, so no sort at all.
        vw = """vw AS (
  SELECT hs.id AS h, 0 AS k, x.o, x.n, x.on_site, x.s_at, x.e_at, x.m_at
  FROM hs CROSS JOIN LATERAL (
    SELECT visit.officer_id AS o, visit.officers AS n, visit.on_site AS on_site,
           visit.started_at AS s_at, visit.ended_at AS e_at,
           MAX(visit.ended_at) OVER (ORDER BY visit.started_at, visit.ended_at
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m_at
    FROM visit
    WHERE visit.hotspot_id = hs.id AND NOT visit.deleted AND visit.ended_at IS NOT NULL
      AND visit.started_at >= :start AND visit.started_at < :end
  ) AS x
)"""
    else:
        vw = f"""vw AS (
  SELECT visit.hotspot_id AS h, {k} AS k, visit.officer_id AS o, visit.officers AS n, visit.on_site AS on_site,
         visit.started_at AS s_at, visit.ended_at AS e_at,
         MAX(visit.ended_at) OVER (PARTITION BY {part} ORDER BY visit.started_at, visit.ended_at
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m_at
  {v_from}
  WHERE visit.hotspot_id IN (SELECT id FROM hs) AND NOT visit.deleted AND visit.ended_at IS NOT NULL {v_range}
)"""  # noqa: S608
    return f"""
hs AS ({hs_sql}),
{vw},
v AS MATERIALIZED (
  SELECT h, k, o, n, on_site, {d.secs("s_at")} AS s, {d.secs("e_at")} AS e, {d.secs("m_at")} AS m FROM vw
),
pc AS MATERIALIZED (
  SELECT h, k, ps, e AS pe FROM (
    SELECT h, k, e, CASE WHEN m IS NOT NULL AND m > s THEN m ELSE s END AS ps FROM v
  ) AS swept WHERE e > ps
),
pieces AS (
  SELECT h, k, ls, le, {d.floor("ls / 86400")} AS d0 FROM (
    SELECT pc.h AS h, pc.k AS k, {gs("pc.ps", "seg.a")} + seg.off AS ls, {ls_("pc.pe", "seg.b")} + seg.off AS le
    FROM pc JOIN seg ON seg.a < pc.pe AND seg.b > pc.ps
  ) AS cut WHERE le > ls
),
{_split(d)}"""  # noqa: S608 (constant fragments only; every value is a bound parameter)


def _split(d: _Dialect) -> str:
    """Pieces cut at local midnights: (hot spot, bucket, local day number, from, to in seconds of that day)."""
    if d.pg:
        return """split AS (
  SELECT h, k, g.d AS d, GREATEST(ls, g.d * 86400) - g.d * 86400 AS a, LEAST(le, (g.d + 1) * 86400) - g.d * 86400 AS b
  FROM pieces CROSS JOIN LATERAL generate_series(d0, CAST(FLOOR((le - 0.000001) / 86400) AS BIGINT)) AS g(d)
)"""
    return """split(h, k, d, a, b, rest) AS (
  SELECT h, k, d0, ls - d0 * 86400, MIN(le, (d0 + 1) * 86400) - d0 * 86400, le FROM pieces
  UNION ALL
  SELECT h, k, d + 1, CAST(0 AS DOUBLE PRECISION), MIN(rest - (d + 1) * 86400, 86400), rest
  FROM split WHERE rest > (d + 1) * 86400
)"""


def _hot_windows(d: _Dialect) -> str:
    """Hot-hour windows per hot spot and ISO weekday in seconds of the local day, merged where they overlap."""
    return f"""
hw_raw AS ({d.hot_hours_from()}),
hw_sec AS (SELECT h, dow, {_hhmm("w_from")} AS f, {_hhmm("w_to")} AS t FROM hw_raw),
hw_day AS (
  SELECT h, dow, f AS a, CASE WHEN t > f THEN t ELSE 86400 END AS b FROM hw_sec
  UNION ALL
  SELECT h, dow % 7 + 1, 0, t FROM hw_sec WHERE t < f AND t > 0
),
hw_marked AS (
  SELECT h, dow, a, b,
         CASE WHEN a <= MAX(b) OVER (PARTITION BY h, dow ORDER BY a, b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
              THEN 0 ELSE 1 END AS fresh
  FROM hw_day
),
hw_grouped AS (
  SELECT h, dow, a, b, SUM(fresh) OVER (PARTITION BY h, dow ORDER BY a, b ROWS UNBOUNDED PRECEDING) AS g FROM hw_marked
),
hw AS (SELECT h, dow, MIN(a) AS wa, MAX(b) AS wb FROM hw_grouped GROUP BY h, dow, g)"""  # noqa: S608


def _seg_cte(p: Period, params: dict) -> str:
    sql, _ = _values("seg", ("a", "b", "off"), offset_segments(p.timezone, p.start, p.end), params)
    return sql


def _prepare(session: Session, d: _Dialect) -> None:
    """Let the sorts and window partitions of a large period run in memory rather than in temporary files.

    PostgreSQL: for this transaction only. SQLite: for the pooled connection (the pragmas only size caches).
    """
    if d.pg:
        session.execute(text("SET LOCAL work_mem = '32MB'"))
    else:
        session.execute(text("PRAGMA temp_store = MEMORY"))
        session.execute(text("PRAGMA cache_size = -32768"))


def _median(d: _Dialect) -> str:
    """The median duration per hot spot: PostgreSQL's ordered-set aggregate; on SQLite the middle row(s) by rank."""
    if d.pg:
        return "med AS MATERIALIZED (SELECT h, median_sec AS sec FROM stats)"
    return """ranked AS (
  SELECT h, e - s AS dur, ROW_NUMBER() OVER (PARTITION BY h ORDER BY e - s) AS rn, COUNT(*) OVER (PARTITION BY h) AS c
  FROM v
),
med AS MATERIALIZED (SELECT h, AVG(dur) AS sec FROM ranked WHERE rn IN ((c + 1) / 2, (c + 2) / 2) GROUP BY h)"""


def coverage_rows(session: Session, area_id: int, p: Period) -> list[dict]:
    """One row per live hot spot of the area with every coverage figure (seconds; see ``coverage.services``)."""
    d = _Dialect(session.get_bind().dialect.name)
    _prepare(session, d)
    params: dict = {"area_id": area_id, "start": p.start, "end": p.end}
    gs, ls_ = d.greatest, d.least
    sql = f"""
WITH RECURSIVE {_seg_cte(p, params)},
{_common(d, _AREA_HOTSPOTS, False)},
{_hot_windows(d)},
presence AS MATERIALIZED (SELECT h, SUM(pe - ps) AS sec FROM pc GROUP BY h),
hot AS MATERIALIZED (
  SELECT split.h AS h, SUM({ls_("split.b", "hw.wb")} - {gs("split.a", "hw.wa")}) AS sec
  FROM split JOIN hw ON hw.h = split.h AND hw.dow = (split.d + 3) % 7 + 1 AND hw.wa < split.b AND hw.wb > split.a
  GROUP BY split.h
),
stats AS MATERIALIZED (
  SELECT h, COUNT(*) AS visits, SUM((e - s) * n) AS officer_sec,
         SUM(CASE WHEN e - s >= {KOPER_MIN_S - EPS} AND e - s <= {KOPER_MAX_S + EPS} THEN 1 ELSE 0 END) AS koper,
         SUM(CASE WHEN on_site THEN 1 ELSE 0 END) AS on_site, COUNT(DISTINCT o) AS officers_distinct
         {", PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY e - s) AS median_sec" if d.pg else ""}
  FROM v GROUP BY h
),
{_median(d)}
SELECT hs.id AS id, hs.name AS name, hs.priority AS priority, hs.target_visits_per_week AS target_per_week,
       COALESCE(stats.visits, 0) AS visits, COALESCE(presence.sec, 0) AS presence_sec,
       COALESCE(stats.officer_sec, 0) AS officer_sec, med.sec AS median_sec, COALESCE(stats.koper, 0) AS koper,
       COALESCE(stats.on_site, 0) AS on_site, COALESCE(hot.sec, 0) AS hot_sec,
       COALESCE(stats.officers_distinct, 0) AS officers_distinct,
       (SELECT lv.started_at FROM visit AS lv
         WHERE lv.hotspot_id = hs.id AND lv.started_at < :end AND NOT lv.deleted AND lv.ended_at IS NOT NULL
         ORDER BY lv.started_at DESC LIMIT 1) AS last_visit_at
FROM hs
LEFT JOIN stats ON stats.h = hs.id
LEFT JOIN presence ON presence.h = hs.id
LEFT JOIN hot ON hot.h = hs.id
LEFT JOIN med ON med.h = hs.id
ORDER BY hs.priority, hs.name, hs.id
"""  # noqa: S608
    stmt = (
        text(sql)
        .bindparams(bindparam("start", type_=UTCDateTime), bindparam("end", type_=UTCDateTime))
        .columns(last_visit_at=UTCDateTime, id=Uuid)
    )
    return [dict(row) for row in session.execute(stmt, params).mappings()]


def grid_rows(session: Session, hotspot_id: uuid.UUID, p: Period) -> list[list[float]]:
    """Presence seconds per local weekday (Mon..Sun) × hour (0..23) for one hot spot over the period."""
    d = _Dialect(session.get_bind().dialect.name)
    params: dict = {"hotspot_id": hotspot_id, "start": p.start, "end": p.end}
    gs, ls_ = d.greatest, d.least
    hours = ", ".join(f"({h})" for h in range(24))
    sql = f"""
WITH RECURSIVE {_seg_cte(p, params)},
{_common(d, "SELECT id, hot_hours FROM hotspot WHERE id = :hotspot_id", False)},
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


def bucket_rows(
    session: Session, hs_sql: str, hs_params: dict, timezone: str, buckets: list[tuple[datetime, datetime]]
) -> list[dict]:
    """Visits and presence seconds per hot spot and bucket (e.g. weeks or months): rows (h, k, visits, presence_sec).

    ``hs_sql`` selects the hot spots (columns ``id`` and ``hot_hours``). A visit belongs to the bucket its start
    falls in; its island stays within that bucket.
    """
    d = _Dialect(session.get_bind().dialect.name)
    params: dict = dict(hs_params)
    p = Period(date.min, date.min, timezone, buckets[0][0], buckets[-1][1])
    bucket_sql, binds = _bucket_values(buckets, params)
    sql = f"""
WITH RECURSIVE {_seg_cte(p, params)},
{bucket_sql},
{_common(d, hs_sql, True)},
presence AS MATERIALIZED (SELECT h, k, SUM(pe - ps) AS sec FROM pc GROUP BY h, k),
counts AS (SELECT h, k, COUNT(*) AS visits FROM v GROUP BY h, k)
SELECT counts.h AS h, counts.k AS k, counts.visits AS visits, COALESCE(presence.sec, 0) AS presence_sec
FROM counts LEFT JOIN presence ON presence.h = counts.h AND presence.k = counts.k
"""  # noqa: S608
    stmt = text(sql).bindparams(*binds).columns(h=Uuid)
    return [dict(row) for row in session.execute(stmt, params).mappings()]


def _bucket_values(buckets: list[tuple[datetime, datetime]], params: dict):
    """The buckets as a VALUES table ``bucket(k, bs, be)``: k is the bucket's index, [bs, be) its UTC span."""
    return _values(
        "bucket",
        ("k", "bs", "be"),
        [(i, bs, be) for i, (bs, be) in enumerate(buckets)],
        params,
        {"bs": UTCDateTime, "be": UTCDateTime},
    )


def bucket_counts(session: Session, area_id: int, buckets: list[tuple[datetime, datetime]]) -> list[dict]:
    """Counting visits per live hot spot of the area and bucket (e.g. weeks): rows (h, k, visits). One index pass."""
    params: dict = {"area_id": area_id}
    bucket_sql, binds = _bucket_values(buckets, params)
    sql = f"""
WITH {bucket_sql}
SELECT visit.hotspot_id AS h, bucket.k AS k, COUNT(*) AS visits
FROM visit JOIN bucket ON visit.started_at >= bucket.bs AND visit.started_at < bucket.be
WHERE visit.hotspot_id IN (SELECT id FROM hotspot WHERE area_id = :area_id AND NOT deleted)
  AND NOT visit.deleted AND visit.ended_at IS NOT NULL
GROUP BY visit.hotspot_id, bucket.k
"""  # noqa: S608
    stmt = text(sql).bindparams(*binds).columns(h=Uuid)
    return [dict(row) for row in session.execute(stmt, params).mappings()]
