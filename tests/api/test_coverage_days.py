"""Coverage kept per hot spot and local day (``coverage_day``): the days add up to the exact union, and every way a
visit or a hot spot changes reaches the figures — on SQLite and PostgreSQL."""

from __future__ import annotations

import statistics
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from fieldlog import create_app
from fieldlog.coverage import queries, services
from fieldlog.coverage.models import CoverageDay, CoverageStale
from fieldlog.hotspots.models import HotSpot
from fieldlog.visits.models import Visit
from tests.api.sync_support import delete, push_results, upsert, visit_data
from tests.fixtures.app import base_config
from tests.fixtures.util import utc

TZ = "Europe/Stockholm"


def _row(client, headers, spot, first: str, last: str) -> dict:
    response = client.get(f"/api/v1/coverage?from={first}&to={last}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return next(h for h in response.get_json()["hotspots"] if h["id"] == str(spot.id))


def test_visits_past_midnight_overlapping_the_next_days_visits_count_once(
    client, auth, supervisor, make_hotspot, make_visit, area, officer
):
    # Tuesday 17 Nov 23:50–00:20 local and Wednesday 00:00–00:15 local: the union is 23:50–00:20, 30 minutes.
    spot = make_hotspot(area, "Torget", hot_hours=[{"days": [2], "from": "23:00", "to": "00:10"}])
    make_visit(spot, officer, utc(2026, 11, 17, 22, 50), 30)
    make_visit(spot, officer, utc(2026, 11, 17, 23, 0), 15)
    row = _row(client, auth(supervisor), spot, "2026-11-16", "2026-11-22")
    # Hot: Tuesday 23:00 → Wednesday 00:10 covers 23:50–00:10 of the union.
    assert (row["visits"], row["presence_minutes"], row["hot_hour_minutes"]) == (2, 30.0, 20.0)
    assert row["officer_minutes"] == 45.0


def test_moving_a_visit_away_from_midnight_frees_the_next_day_of_its_overlap(
    client, auth, supervisor, make_hotspot, make_visit, area, officer, db
):
    spot = make_hotspot(area, "Torget")
    late = make_visit(spot, officer, utc(2026, 11, 17, 22, 50), 40)  # Tuesday 23:50 → Wednesday 00:30 local
    make_visit(spot, officer, utc(2026, 11, 17, 23, 0), 20)  # Wednesday 00:00–00:20
    headers = auth(supervisor)
    assert _row(client, headers, spot, "2026-11-17", "2026-11-18")["presence_minutes"] == 40.0
    visit = db.session.get(Visit, late.id)
    visit.started_at, visit.ended_at = utc(2026, 11, 17, 19, 0), utc(2026, 11, 17, 19, 10)  # Tuesday 20:00–20:10
    db.session.commit()
    # Only Tuesday's visit changed, but Wednesday's figures depended on it.
    assert _row(client, headers, spot, "2026-11-17", "2026-11-18")["presence_minutes"] == 30.0


def test_the_days_before_the_period_take_nothing_from_its_first_day(
    client, auth, supervisor, make_hotspot, make_visit, area, officer
):
    # Sunday 15 Nov 23:50–00:30 starts before the period; Monday's 00:00–00:20 counts whole.
    spot = make_hotspot(area, "Torget", hot_hours=[{"days": [1], "from": "00:00", "to": "01:00"}])
    make_visit(spot, officer, utc(2026, 11, 15, 22, 50), 40)
    make_visit(spot, officer, utc(2026, 11, 15, 23, 0), 20)
    headers = auth(supervisor)
    row = _row(client, headers, spot, "2026-11-16", "2026-11-22")
    assert (row["visits"], row["presence_minutes"], row["hot_hour_minutes"]) == (1, 20.0, 20.0)
    # With Sunday in the period, the union is 23:50–00:30: 40 minutes, 30 of them in Monday's hot hour.
    row = _row(client, headers, spot, "2026-11-15", "2026-11-22")
    assert (row["visits"], row["presence_minutes"], row["hot_hour_minutes"]) == (2, 40.0, 30.0)


def test_a_last_day_visit_past_the_end_of_the_period_counts_whole(
    client, auth, supervisor, make_hotspot, make_visit, area, officer
):
    spot = make_hotspot(area, "Torget")
    make_visit(spot, officer, utc(2026, 11, 22, 22, 30), 90)  # Sunday 23:30 → Monday 01:00 local
    make_visit(spot, officer, utc(2026, 11, 22, 23, 10), 10)  # Monday: not in the period
    row = _row(client, auth(supervisor), spot, "2026-11-16", "2026-11-22")
    assert (row["visits"], row["presence_minutes"]) == (1, 90.0)


def test_weekly_trend_and_public_report_count_a_visit_past_midnight_in_its_own_bucket(
    app, client, make_hotspot, make_visit, area, officer
):
    spot = make_hotspot(area, "Torget", public=True)
    make_visit(spot, officer, utc(2026, 10, 31, 22, 30), 60)  # Saturday 31 Oct 23:30 CET → 1 Nov 00:30
    make_visit(spot, officer, utc(2026, 10, 31, 23, 10), 30)  # 1 Nov 00:10–00:40: a new month and bucket
    with app.app_context():
        from fieldlog.areas.models import Area
        from fieldlog.extensions import db

        rows = queries.bucket_rows(
            db.session, area.id, TZ, [(date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 11, 1), date(2026, 11, 30))]
        )
        db.session.commit()
        assert sorted((r["k"], r["visits"], r["presence_sec"]) for r in rows) == [(0, 1, 3600.0), (1, 1, 1800.0)]
        mondays, trend = services.weekly_trend(db.session.get(Area, area.id), 2, date(2026, 11, 1))
        assert mondays == [date(2026, 10, 19), date(2026, 10, 26)]
        assert trend[spot.id] == [0, 2]


def test_every_change_to_a_visit_reaches_the_figures(client, auth, supervisor, officer, make_hotspot, area, db):
    spot = make_hotspot(area, "Torget", hot_hours=[])
    officer_headers, headers = auth(officer), auth(supervisor)
    started = datetime.now(ZoneInfo(TZ)).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=2)
    day = started.date().isoformat()
    record = uuid.uuid4()

    def figures() -> tuple:
        row = _row(client, headers, spot, day, day)
        return row["visits"], row["presence_minutes"], row["koper_visits"]

    assert figures() == (0, 0.0, 0)
    [created] = push_results(client, officer_headers, upsert(record, visit_data(spot, started, 12)))
    assert created["status"] == "applied"
    assert figures() == (1, 12.0, 1)
    [updated] = push_results(client, officer_headers, upsert(record, visit_data(spot, started, 30), base_rev=1))
    assert updated["status"] == "applied"
    assert figures() == (1, 30.0, 0)
    assert push_results(client, officer_headers, delete(record, base_rev=2))[0]["status"] == "applied"
    assert figures() == (0, 0.0, 0)

    # Written behind the application's back (a bulk load, a hand-made fix): the triggers still see it.
    other = uuid.uuid4()
    db.session.execute(
        sa.insert(Visit).values(
            id=other,
            hotspot_id=spot.id,
            officer_id=officer.id,
            started_at=started,
            ended_at=started + timedelta(minutes=15),
            on_site=True,
            change_seq=1,
        )
    )
    db.session.commit()
    assert figures() == (1, 15.0, 1)
    db.session.execute(sa.delete(Visit).where(Visit.id == other))
    db.session.commit()
    assert figures() == (0, 0.0, 0)


def test_new_hot_hours_recount_every_past_day(client, auth, supervisor, make_hotspot, make_visit, area, officer):
    spot = make_hotspot(area, "Torget", hot_hours=[])
    make_visit(spot, officer, utc(2026, 9, 1, 8, 0), 20)  # Tuesday 10:00 CEST
    make_visit(spot, officer, utc(2026, 11, 17, 9, 0), 20)  # Tuesday 10:00 CET
    headers = auth(supervisor)
    assert _row(client, headers, spot, "2026-09-01", "2026-11-30")["hot_hour_minutes"] == 0.0
    etag = client.get(f"/api/v1/hotspots/{spot.id}", headers=headers).headers["ETag"]
    response = client.patch(
        f"/api/v1/hotspots/{spot.id}",
        json={"hot_hours": [{"days": [2], "from": "10:10", "to": "12:00"}]},
        headers={**headers, "If-Match": etag},
    )
    assert response.status_code == 200, response.get_json()
    assert _row(client, headers, spot, "2026-09-01", "2026-11-30")["hot_hour_minutes"] == 20.0
    assert _row(client, headers, spot, "2026-09-01", "2026-09-01")["hot_hour_minutes"] == 10.0


def test_reading_drains_the_queue_and_keeps_one_row_per_day(
    client, auth, supervisor, make_hotspot, make_visit, area, officer, db
):
    spot = make_hotspot(area, "Torget")
    for day in (16, 16, 17, 19):
        make_visit(spot, officer, utc(2026, 11, day, 10, 0), 12)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CoverageStale)) == 4
    _row(client, auth(supervisor), spot, "2026-11-16", "2026-11-22")
    db.session.commit()  # a fresh snapshot of what the request wrote
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CoverageStale)) == 0
    days = db.session.execute(sa.select(CoverageDay.day, CoverageDay.visits).order_by(CoverageDay.day)).all()
    first = (date(2026, 11, 16) - date(1970, 1, 1)).days
    assert days == [(first, 2), (first + 1, 1), (first + 3, 1)]


def test_a_read_refreshes_only_its_own_days_and_the_command_refreshes_the_rest(
    client, auth, supervisor, make_hotspot, make_visit, area, officer, db, runner
):
    spot = make_hotspot(area, "Torget", hot_hours=[])
    make_visit(spot, officer, utc(2026, 9, 1, 8, 0), 20)
    make_visit(spot, officer, utc(2026, 11, 17, 9, 0), 20)
    # New hot hours queue every day from the first visit to the last, in one row.
    db.session.get(HotSpot, spot.id).hot_hours = [{"days": [2], "from": "10:00", "to": "12:00"}]
    db.session.commit()
    headers = auth(supervisor)
    assert _row(client, headers, spot, "2026-11-16", "2026-11-22")["hot_hour_minutes"] == 20.0
    db.session.commit()

    def queued_days() -> list[date]:
        rows = db.session.execute(sa.select(CoverageStale.start_from, CoverageStale.start_to)).all()
        return sorted({moment.astimezone(ZoneInfo(TZ)).date() for row in rows for moment in row})

    def stored_days() -> list[int]:
        return db.session.scalars(sa.select(CoverageDay.day).order_by(CoverageDay.day)).all()

    # Only the days the read needed were recomputed; September waits in the queue, outside the read's days.
    assert queued_days() == [date(2026, 9, 1), date(2026, 11, 14)]
    assert stored_days() == [(date(2026, 11, 17) - date(1970, 1, 1)).days]
    result = runner.invoke(args=["coverage", "refresh"])
    assert result.exit_code == 0, result.output
    assert "svenljunga: " in result.output
    db.session.commit()
    assert queued_days() == []
    assert len(stored_days()) == 2
    assert _row(client, headers, spot, "2026-09-01", "2026-09-01")["hot_hour_minutes"] == 20.0
    assert "No area" in runner.invoke(args=["coverage", "refresh", "--area", "nowhere"]).output


def test_a_visit_that_could_reach_two_days_ahead_is_refused_at_start_up(database_url, tmp_path):
    with pytest.raises(ValueError, match="VISIT_MAX_HOURS"):
        create_app({**base_config(database_url, str(tmp_path)), "VISIT_MAX_HOURS": 24})


# -- Property: whatever is written, in whatever order, the figures equal a plain recount of the visits.

BASE = datetime(2026, 10, 22, 12, 0, tzinfo=ZoneInfo(TZ))  # a Thursday; the autumn DST change is on Sunday 25th
SPAN_MINUTES = 6 * 24 * 60


@dataclass
class V:
    id: uuid.UUID
    officer: int
    start: datetime
    minutes: int | None
    officers: int
    on_site: bool | None
    deleted: bool = False


def _window(days: set[int], f: int, length: int) -> dict:
    t = (f + length) % 1440
    return {"days": sorted(days), "from": f"{f // 60:02d}:{f % 60:02d}", "to": f"{t // 60:02d}:{t % 60:02d}"}


# Any window, or one across midnight (where a day's visits meet the next day's).
weekdays = st.sets(st.integers(1, 7), min_size=1, max_size=3)
windows = st.lists(
    st.one_of(
        st.builds(_window, weekdays, st.integers(0, 1439), st.integers(1, 1439)),
        st.builds(_window, weekdays, st.integers(20 * 60, 1439), st.integers(60, 300)),
    ),
    max_size=2,
)
minutes = st.one_of(st.sampled_from([0, 9, 10, 16, 17]), st.integers(0, 12 * 60), st.none())
# Starts anywhere in the span, or close to a local midnight (BASE is at noon; adding minutes keeps to wall time).
offsets = st.one_of(
    st.integers(-24 * 60, SPAN_MINUTES),
    st.builds(lambda day, m: 720 + 1440 * day + m, st.integers(-1, 5), st.integers(-150, 60)),
)
visits = st.builds(
    lambda officer, offset, length, officers, on_site: (officer, offset, length, officers, on_site),
    st.integers(0, 1),
    offsets,
    minutes,
    st.integers(1, 3),
    st.sampled_from([True, False, None]),
)
steps = st.one_of(
    st.tuples(st.just("add"), visits),
    st.tuples(st.just("move"), st.integers(0, 20), offsets, minutes),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("erase"), st.integers(0, 20)),
    st.tuples(st.just("hot_hours"), windows),
    st.tuples(st.just("read"), st.integers(-1, 5), st.integers(0, 5)),
)


def _wall(offset: int) -> datetime:
    """BASE plus wall-clock minutes, as the UTC moment it names. In UTC because an aware local time in the hour that
    repeats when summer time ends never equals another zone's time (PEP 495), so `last_visit_at` would never compare
    equal to the stored value."""
    return (BASE + timedelta(minutes=offset)).astimezone(UTC)


def _after(start: datetime, minutes: int) -> datetime:
    """Real minutes later (adding to an aware local time would add wall-clock time, wrong across a DST change)."""
    return start.astimezone(UTC) + timedelta(minutes=minutes)


def _in_hot_hours(local: datetime, hot_hours: list[dict]) -> bool:
    weekday, second = local.isoweekday(), local.hour * 3600 + local.minute * 60
    yesterday = (weekday - 2) % 7 + 1
    for w in hot_hours:
        f = int(w["from"][:2]) * 3600 + int(w["from"][3:]) * 60
        t = int(w["to"][:2]) * 3600 + int(w["to"][3:]) * 60
        if t > f:
            if weekday in w["days"] and f <= second < t:
                return True
        elif (weekday in w["days"] and second >= f) or (yesterday in w["days"] and second < t):
            return True
    return False


def recount(vs: list[V], hot_hours: list[dict], first: date, last: date) -> dict:
    """SPEC §3's definitions, minute by minute (every time in this test is on a whole minute)."""
    p = queries.period(first, last, TZ)
    ended = [v for v in vs if not v.deleted and v.minutes is not None]
    counting = [v for v in ended if p.start <= v.start < p.end]
    covered = set()
    for v in counting:
        t0 = int(v.start.timestamp()) // 60
        covered.update(range(t0, t0 + v.minutes))
    tz = ZoneInfo(TZ)
    hot = sum(1 for m in covered if _in_hot_hours(datetime.fromtimestamp(m * 60, tz), hot_hours))
    durations = [v.minutes for v in counting]
    before_end = [v.start for v in ended if v.start < p.end]
    return {
        "visits": len(counting),
        "presence_minutes": float(len(covered)),
        "officer_minutes": float(sum(v.minutes * v.officers for v in counting)),
        "median_visit_minutes": services.round1(statistics.median(durations)) if durations else None,
        "koper_visits": sum(1 for d in durations if 10 <= d <= 16),
        "on_site_visits": sum(1 for v in counting if v.on_site),
        "hot_hour_minutes": float(hot),
        "officers_distinct": len({v.officer for v in counting}),
        "last_visit_at": max(before_end) if before_end else None,
    }


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(initial=st.lists(visits, max_size=10), plan=st.lists(steps, max_size=12), hot_hours=windows)
# A visit at 02:00 on 25 October 2026: the hour that repeats when summer time ends.
@example(initial=[(0, 3720, 10, 1, True)], plan=[], hot_hours=[])
def test_figures_equal_a_plain_recount_after_any_writes(db, area, officer, make_user, initial, plan, hot_hours):
    note(f"hot_hours={hot_hours} initial={initial} plan={plan}")
    session = db.session
    from fieldlog.areas.models import Area

    officers = [officer.id, make_user("officer", area).id]
    spot = HotSpot(area_id=area.id, name="P", lat=57.5, lon=13.1, hot_hours=hot_hours, change_seq=1)
    spot.created_at = spot.updated_at = BASE
    session.add(spot)
    session.commit()
    stored: list[V] = []
    # At the end, every day alone and every run of days to the end of the span.
    final = [("read", first, length) for first in range(-1, 6) for length in (0, 5 - first)]
    for step in [*(("add", v) for v in initial), *plan, *final]:
        kind = step[0]
        if kind == "add":
            who, offset, length, crew, on_site = step[1]
            v = V(uuid.uuid4(), officers[who], _wall(offset), length, crew, on_site)
            stored.append(v)
            session.add(
                Visit(
                    id=v.id,
                    hotspot_id=spot.id,
                    officer_id=v.officer,
                    started_at=v.start,
                    ended_at=None if length is None else _after(v.start, length),
                    officers=crew,
                    on_site=on_site,
                    change_seq=1,
                )
            )
        elif kind in ("move", "delete", "erase") and stored:
            v = stored[step[1] % len(stored)]
            row = session.get(Visit, v.id)
            if kind == "move":
                v.start, v.minutes = _wall(step[2]), step[3]
                row.started_at = v.start
                row.ended_at = None if v.minutes is None else _after(v.start, v.minutes)
            elif kind == "delete":
                v.deleted = row.deleted = True
            else:
                stored.remove(v)
                session.delete(row)
        elif kind == "hot_hours":
            hot_hours = step[1]
            session.get(HotSpot, spot.id).hot_hours = hot_hours
        elif kind == "read":
            first = BASE.date() + timedelta(days=step[1])
            last = first + timedelta(days=step[2])
            session.commit()
            result = services.coverage(session.get(Area, area.id), queries.period(first, last, TZ))
            session.commit()
            [row] = [h for h in result["hotspots"] if h["id"] == spot.id]
            got = {key: row[key] for key in recount([], [], first, last)}
            assert got == recount(stored, hot_hours, first, last), f"{first}..{last}"
        session.commit()
