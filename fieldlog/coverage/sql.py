"""SQL fragments the coverage statements share, in the spellings of SQLite and PostgreSQL.

The two dialects differ only in a handful of spellings (time → seconds, floor, greatest/least, reading the hot-hours
JSON, the median); ``Dialect`` holds those, the statements are otherwise the same text.

How the set logic works, so that the statements can be read:

* Times become seconds since the epoch (``s``, ``e``).
* ``sweep``: the union of visit intervals as disjoint pieces, in one window pass: in (start, end) order, a visit
  adds the part of it after the latest end of the visits before it in its partition (a running maximum). Presence =
  Σ piece length; two crews at once count once.
* Local time: the area's UTC offset is piecewise constant; ``seg`` lists its pieces (computed by ``zoneinfo``, so DST
  changes are exact). A local day is ``floor((s + offset) / 86400)``: days since 1970-01-01 on the local calendar.
  ``local_split`` cuts pieces at the offset changes, shifts them into local seconds and cuts them at local midnights
  (recursive: a piece may run past midnight) into (local day, from, to) parts.
* Hot hours: each window ``{"days", "from", "to"}`` becomes per-weekday second ranges (past midnight spills into
  the next weekday), merged per weekday so that overlapping windows count once, and intersected with the parts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam

FAR = 10**12  # seconds: "before/after anything stored"
EPOCH_DAY = date(1970, 1, 1)


def day_number(day: date) -> int:
    """A local calendar day as the integer the statements use (days since 1970-01-01)."""
    return (day - EPOCH_DAY).days


def day_of(moment: datetime, timezone: str) -> int:
    return day_number(moment.astimezone(ZoneInfo(timezone)).date())


def day_start(day: int, timezone: str) -> datetime:
    """Local midnight starting day ``day``, in UTC."""
    local = datetime.combine(EPOCH_DAY + timedelta(days=day), datetime.min.time(), ZoneInfo(timezone))
    return local.astimezone(UTC)


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


class Dialect:
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

    def median_duration(self) -> str:
        """The median visit duration in seconds (aggregate): PostgreSQL's ordered-set aggregate; on SQLite the
        aggregate ``fieldlog.db`` adds to every connection, over day fractions (fewer operations a row), rounded to
        the millisecond once so that float noise cannot tip a rounding bound."""
        if self.pg:
            return (
                "PERCENTILE_CONT(0.5) WITHIN GROUP"
                " (ORDER BY CAST(EXTRACT(EPOCH FROM (ended_at - started_at)) AS DOUBLE PRECISION))"
            )
        return "ROUND(fieldlog_median(julianday(ended_at) - julianday(started_at)) * 86400.0, 3)"

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


def values(name: str, columns: tuple[str, ...], rows: list[tuple], params: dict, types: dict | None = None):
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


def seg_cte(timezone: str, start: datetime, end: datetime, params: dict) -> str:
    sql, _ = values("seg", ("a", "b", "off"), offset_segments(timezone, start, end), params)
    return sql


def sweep(source: str, partition: str) -> str:
    """From ``source`` rows (h, k, s, e): the disjoint pieces (h, k, ps, pe) of their union per ``partition``."""
    return f"""
  SELECT h, k, ps, e AS pe FROM (
    SELECT h, k, e, CASE WHEN m IS NOT NULL AND m > s THEN m ELSE s END AS ps FROM (
      SELECT h, k, s, e,
             MAX(e) OVER (PARTITION BY {partition} ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m
      FROM {source}
    ) AS w
  ) AS swept WHERE e > ps"""  # noqa: S608 (constant fragments only)


def local_split(d: Dialect, source: str) -> str:
    """CTEs ``pieces`` and ``split``: ``source`` rows (h, k, sg, ps, pe) cut at offset changes and local midnights
    into (h, k, sg, d = local day, a, b = seconds of that day). Needs ``seg``."""
    gs, ls_ = d.greatest, d.least
    pieces = f"""pieces AS (
  SELECT h, k, sg, ls, le, {d.floor("ls / 86400")} AS d0 FROM (
    SELECT p.h AS h, p.k AS k, p.sg AS sg, {gs("p.ps", "seg.a")} + seg.off AS ls, {ls_("p.pe", "seg.b")} + seg.off AS le
    FROM {source} AS p JOIN seg ON seg.a < p.pe AND seg.b > p.ps
  ) AS cut WHERE le > ls
)"""  # noqa: S608
    if d.pg:
        return f"""{pieces},
split AS (
  SELECT h, k, sg, g.d AS d, GREATEST(ls, g.d * 86400) - g.d * 86400 AS a,
         LEAST(le, (g.d + 1) * 86400) - g.d * 86400 AS b
  FROM pieces CROSS JOIN LATERAL generate_series(d0, CAST(FLOOR((le - 0.000001) / 86400) AS BIGINT)) AS g(d)
)"""  # noqa: S608
    return f"""{pieces},
split(h, k, sg, d, a, b, rest) AS (
  SELECT h, k, sg, d0, ls - d0 * 86400, MIN(le, (d0 + 1) * 86400) - d0 * 86400, le FROM pieces
  UNION ALL
  SELECT h, k, sg, d + 1, CAST(0 AS DOUBLE PRECISION), MIN(rest - (d + 1) * 86400, 86400), rest
  FROM split WHERE rest > (d + 1) * 86400
)"""  # noqa: S608


def iso_weekday(day_expr: str) -> str:
    """ISO weekday (1 = Monday) of a local day number; 1970-01-01 was a Thursday."""
    return f"(({day_expr}) + 3) % 7 + 1"


def _hhmm(col: str) -> str:
    return f"(CAST(substr({col}, 1, 2) AS INTEGER) * 3600 + CAST(substr({col}, 4, 2) AS INTEGER) * 60)"


def hot_windows(d: Dialect) -> str:
    """CTE ``hw``: hot-hour windows per hot spot and ISO weekday in seconds of the local day, merged where they
    overlap. Needs ``hs`` (columns ``id``, ``hot_hours``)."""
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
