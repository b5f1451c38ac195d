"""Coverage per hot spot and local day (``coverage_day``), and keeping it true.

Why days add up to the exact figures of a period. A visit belongs to the day its start falls on (local time), as it
belongs to a period by its start (SPEC §3). Let U(D) be the union of the intervals of day D's visits. A visit lasts at
most ``VISIT_MAX_HOURS`` (≤ 23, checked at start-up) and a local day lasts at least 23 hours, so U(D) may reach into
day D+1 but never into D+2. By inclusion–exclusion, the union over the days F..L of a period is therefore

    Σ |U(D)|  −  Σ |U(D−1) ∩ U(D)|   (the second sum over D = F+1..L)

with no further terms (U(D) ∩ U(D+2) is empty). Each day row stores |U(D)| (``presence_sec``) and |U(D−1) ∩ U(D)|
(``overlap_sec``): a period adds ``presence_sec − overlap_sec`` over its days and gives back the first day's overlap,
whose earlier day lies outside. Hot-hour seconds are the same sums restricted to the hot hours. Counts and sums
(visits, Koper, on site, officer seconds) simply add. The median and distinct officers do not add; they are read from
the visits' covering index (``queries.coverage_rows``).

Keeping it true. Triggers (``coverage.triggers``; migration 0003) queue (hot spot, visit starts from, to) in
``coverage_stale`` in the transaction that writes a counting visit, changes a figure of one, removes one (its start),
or changes a hot spot's hot hours (its first to its last visit). ``refresh`` drains the queue of one area (or of the
days a read shows) and recomputes the days it names and the day after each (whose overlap depends on it). Readers run
their statement together with a look at the queue (``stale``, same statement, so the same snapshot): no queued row in
the snapshot means every change the snapshot holds is in the day rows, because the refresh that drained a row
committed its day rows with the deletion. Otherwise they refresh and read again.

Concurrency: the refresh deletes only queue rows it can see (committed ones), and recomputes after that, so it sees
those changes; a change committed meanwhile leaves its own row for the next refresh. Refreshes of PostgreSQL are
serialised by an advisory lock (held to the end of the transaction) so that an older recomputation never overwrites
a newer one; SQLite serialises writers.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection, Uuid, bindparam, text
from sqlalchemy.orm import Session

from fieldlog.coverage.sql import (
    Dialect,
    day_of,
    day_start,
    hot_windows,
    iso_weekday,
    local_split,
    seg_cte,
    sweep,
    values,
)
from fieldlog.coverage.terms import DAY_FIGURES, counts, is_koper
from fieldlog.db import UTCDateTime

# pg_advisory_xact_lock key for refreshes (any constant of our own: "fieldlog coverage").
_LOCK_KEY = 0x46_4C_43_56
# Days within this many of each other are recomputed in one run: fewer, larger runs; runs stay far enough apart that
# the visits each one reads (its days and the one before) never overlap.
_MERGE_GAP = 8
_RUNS_PER_STATEMENT = 400
READ_ATTEMPTS = 3
_TICK = timedelta(microseconds=1)  # the stored times' resolution
_DRAIN = "DELETE FROM coverage_stale WHERE hotspot_id IN (SELECT id FROM hotspot WHERE area_id = :area_id)"


def refresh(session: Session, area_id: int, timezone: str, window: tuple[datetime, datetime] | None = None) -> int:
    """Recompute the queued days of one area's hot spots; returns how many queue rows it drained.

    With ``window`` (UTC from, to), only the days of visits starting in it: the queue keeps the rest, so that a read
    does no more than its period needs (after a bulk load the whole queue can be hours of work; ``fieldlog coverage
    refresh`` drains it outside any request).

    It writes in the session's transaction, which the caller commits (the request boundary, the CLI): on SQLite a
    second connection would wait for the write lock a request may already hold (a token's sliding expiry)."""
    conn = session.connection()
    d = Dialect(conn.dialect.name)
    if d.pg:
        # The planner cannot estimate the statement's CTEs and costs it high enough to JIT-compile it: a second of
        # compiling for tens of milliseconds of work.
        conn.execute(text("SET LOCAL jit = off"))
        conn.execute(text("SET LOCAL work_mem = '64MB'"))
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    drain = _DRAIN if window is None else _DRAIN + " AND start_from < :hi AND start_to >= :lo"
    params = {"area_id": area_id} if window is None else {"area_id": area_id, "lo": window[0], "hi": window[1]}
    queued = conn.execute(
        text(drain + " RETURNING hotspot_id, start_from, start_to")
        .bindparams(*(bindparam(key, type_=UTCDateTime) for key in ("lo", "hi") if key in params))
        .columns(hotspot_id=Uuid, start_from=UTCDateTime, start_to=UTCDateTime),
        params,
    ).all()
    if window is not None:
        queued = _clip(conn, queued, *window)
    runs = _runs(queued, timezone)
    for i in range(0, len(runs), _RUNS_PER_STATEMENT):
        _recompute(conn, d, runs[i : i + _RUNS_PER_STATEMENT], timezone)
    return len(queued)


def _clip(conn: Connection, queued, lo: datetime, hi: datetime) -> list[tuple[uuid.UUID, datetime, datetime]]:
    """The parts of the drained rows inside [lo, hi); the parts outside go back into the queue."""
    inside, outside = [], []
    for hotspot_id, start_from, start_to in queued:
        if start_from < lo:
            outside.append({"h": hotspot_id, "f": start_from, "t": lo - _TICK})
        if start_to >= hi:
            outside.append({"h": hotspot_id, "f": hi, "t": start_to})
        inside.append((hotspot_id, max(start_from, lo), min(start_to, hi - _TICK)))
    if outside:
        conn.execute(
            text("INSERT INTO coverage_stale (hotspot_id, start_from, start_to) VALUES (:h, :f, :t)").bindparams(
                bindparam("h", type_=Uuid), bindparam("f", type_=UTCDateTime), bindparam("t", type_=UTCDateTime)
            ),
            outside,
        )
    return inside


def read_fresh(
    session: Session,
    area_id: int,
    timezone: str,
    window: tuple[datetime, datetime],
    read: Callable[[], tuple[list, bool]],
) -> list:
    """Run ``read`` (rows, stale?) until the day rows it read were current, refreshing the days of visits starting
    within ``window`` in between."""
    for _ in range(READ_ATTEMPTS - 1):
        rows, stale = read()
        if not stale:
            return rows
        refresh(session, area_id, timezone, window)
    # Still behind after refreshing: pushes are arriving right now. The rows are at most that far behind.
    rows, _stale = read()
    return rows


def stale_check(start_param: str, end_param: str) -> str:
    """CTE ``stale`` (one row, ``n`` 0 or 1): is a change queued for the area (``:area_id``) of visits starting
    between the two times?"""
    return f"""stale AS (
  SELECT COUNT(*) AS n FROM (
    SELECT 1 FROM coverage_stale
    WHERE hotspot_id IN (SELECT id FROM hotspot WHERE area_id = :area_id)
      AND start_from < :{end_param} AND start_to >= :{start_param}
    LIMIT 1
  ) AS q
)"""  # noqa: S608


Run = tuple[uuid.UUID, int, int, datetime, datetime]


def _runs(queued, timezone: str) -> list[Run]:
    """Queue rows → runs (hot spot, first day, last day, visits from, visits to) to recompute.

    Queued starts from day A to day B make the days A..B+1 stale (B+1's overlap depends on B). A run reads the
    visits of its days and of the day before its first (for that day's overlap)."""
    spans: dict[uuid.UUID, list[tuple[int, int]]] = defaultdict(list)
    for hotspot_id, start_from, start_to in queued:
        spans[hotspot_id].append((day_of(start_from, timezone), day_of(start_to, timezone) + 1))
    runs: list[Run] = []
    for hotspot_id, wanted in spans.items():
        wanted.sort()
        first, last = wanted[0]
        for lo, hi in wanted[1:]:
            if lo - last > _MERGE_GAP:
                runs.append(_run(hotspot_id, first, last, timezone))
                first, last = lo, hi
            else:
                last = max(last, hi)
        runs.append(_run(hotspot_id, first, last, timezone))
    return runs


def _run(hotspot_id: uuid.UUID, first: int, last: int, timezone: str) -> Run:
    return hotspot_id, first, last, day_start(first - 1, timezone), day_start(last + 1, timezone)


def _recompute(conn: Connection, d: Dialect, runs: list[Run], timezone: str) -> None:
    """Delete the runs' day rows and insert them anew from their visits.

    ``vr`` looks the visits up run by run through the covering index, and only then are deleted and unfinished ones
    dropped (``v``): given any other condition on the visit, SQLite first reads every visit to build a Bloom filter.
    """
    params: dict = {}
    rng, binds = values(
        "rng",
        ("h", "dlo", "dhi", "lo", "hi"),
        runs,
        params,
        {"h": Uuid, "lo": UTCDateTime, "hi": UTCDateTime},
    )
    # Driven by the runs through the primary key (a correlated EXISTS would test every stored day against every run).
    if d.pg:
        delete = f"""WITH {rng}
DELETE FROM coverage_day AS cd USING rng
WHERE cd.hotspot_id = rng.h AND cd.day >= rng.dlo AND cd.day <= rng.dhi"""  # noqa: S608
    else:
        delete = f"""WITH {rng}
DELETE FROM coverage_day WHERE rowid IN (
  SELECT cd.rowid FROM rng JOIN coverage_day AS cd ON cd.hotspot_id = rng.h AND cd.day >= rng.dlo AND cd.day <= rng.dhi
)"""  # noqa: S608
    conn.execute(text(delete).bindparams(*binds), params)
    seg = seg_cte(timezone, min(r[3] for r in runs), max(r[4] for r in runs), params)
    gs, ls_ = d.greatest, d.least
    sql = f"""
WITH RECURSIVE {seg},
{rng},
hs AS (SELECT id, hot_hours FROM hotspot WHERE id IN (SELECT h FROM rng)),
vr AS MATERIALIZED (
  SELECT visit.hotspot_id AS h, visit.officers AS n, visit.on_site AS on_site, visit.deleted AS gone,
         {d.secs("visit.started_at")} AS s, {d.secs("visit.ended_at")} AS e
  FROM rng CROSS JOIN visit
  WHERE visit.hotspot_id = rng.h AND visit.started_at >= rng.lo AND visit.started_at < rng.hi
),
v AS MATERIALIZED (
  SELECT vr.h AS h, vr.n AS n, vr.on_site AS on_site, vr.s AS s, vr.e AS e, {d.floor("(vr.s + seg.off) / 86400")} AS k
  FROM vr JOIN seg ON seg.a <= vr.s AND vr.s < seg.b
  WHERE {counts(ended_at="vr.e", deleted="vr.gone")}
),
pc AS MATERIALIZED ({sweep("v", "h, k")}),
ov AS MATERIALIZED (
  SELECT b.h AS h, b.k AS k, {gs("a.ps", "b.ps")} AS ps, {ls_("a.pe", "b.pe")} AS pe
  FROM pc AS a JOIN pc AS b ON b.h = a.h AND b.k = a.k + 1 AND a.pe > b.ps AND a.ps < b.pe
),
sp AS (SELECT h, k, 1 AS sg, ps, pe FROM pc UNION ALL SELECT h, k, -1 AS sg, ps, pe FROM ov),
{local_split(d, "sp")},
{hot_windows(d)},
hot AS MATERIALIZED (
  SELECT h, k, SUM(CASE WHEN sg > 0 THEN sec ELSE 0 END) AS sec, SUM(CASE WHEN sg < 0 THEN sec ELSE 0 END) AS osec
  FROM (
    SELECT split.h AS h, split.k AS k, split.sg AS sg, {ls_("split.b", "hw.wb")} - {gs("split.a", "hw.wa")} AS sec
    FROM split JOIN hw ON hw.h = split.h AND hw.dow = {iso_weekday("split.d")} AND hw.wa < split.b AND hw.wb > split.a
  ) AS parts GROUP BY h, k
),
stats AS MATERIALIZED (
  SELECT h, k, COUNT(*) AS visits,
         SUM(CASE WHEN {is_koper("e - s")} THEN 1 ELSE 0 END) AS koper,
         SUM(CASE WHEN on_site THEN 1 ELSE 0 END) AS on_site, SUM((e - s) * n) AS officer_sec
  FROM v GROUP BY h, k
),
pres AS MATERIALIZED (SELECT h, k, SUM(pe - ps) AS sec FROM pc GROUP BY h, k),
ovs AS MATERIALIZED (SELECT h, k, SUM(pe - ps) AS sec FROM ov GROUP BY h, k)
INSERT INTO coverage_day (hotspot_id, day, {", ".join(DAY_FIGURES)})
SELECT stats.h, stats.k, stats.visits, stats.koper, stats.on_site, stats.officer_sec, COALESCE(pres.sec, 0),
       COALESCE(hot.sec, 0), COALESCE(ovs.sec, 0), COALESCE(hot.osec, 0)
FROM stats
JOIN rng ON rng.h = stats.h AND stats.k >= rng.dlo AND stats.k <= rng.dhi
LEFT JOIN pres ON pres.h = stats.h AND pres.k = stats.k
LEFT JOIN ovs ON ovs.h = stats.h AND ovs.k = stats.k
LEFT JOIN hot ON hot.h = stats.h AND hot.k = stats.k
"""  # noqa: S608 (constant fragments only; every value is a bound parameter)
    conn.execute(text(sql).bindparams(*binds), params)
