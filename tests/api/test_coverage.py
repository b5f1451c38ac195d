"""Coverage (SPEC §3) against hand-worked examples, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.fixtures.util import utc

WEEK = "from=2026-11-16&to=2026-11-22"  # Monday..Sunday, CET (UTC+1)


@pytest.fixture
def bertil(make_user, area):
    return make_user("officer", area, username="bertil")


@pytest.fixture
def week_visits(make_hotspot, make_visit, area, officer, bertil):
    """Torget: two overlapping visits and a short one on Monday 16 November, plus visits that must not count."""
    spot = make_hotspot(
        area, "Torget", target_visits_per_week=5, hot_hours=[{"days": [1], "from": "11:00", "to": "11:15"}]
    )
    make_hotspot(area, "Busstationen", target_visits_per_week=None, hot_hours=[])
    # 11:00–11:12 and 11:06–11:20 local overlap: presence 20 minutes, officer minutes 12×2 + 14.
    make_visit(spot, officer, utc(2026, 11, 16, 10, 0), 12, officers=2, on_site=True)
    make_visit(spot, bertil, utc(2026, 11, 16, 10, 6), 14, on_site=False)
    make_visit(spot, officer, utc(2026, 11, 16, 14, 0), 5)
    make_visit(spot, officer, utc(2026, 11, 17, 10, 0), 30, deleted=True)  # deleted
    make_visit(spot, bertil, utc(2026, 11, 18, 10, 0), None)  # in progress
    make_visit(spot, officer, utc(2026, 11, 10, 10, 0), 15)  # before the period
    make_visit(spot, officer, utc(2026, 11, 22, 23, 0), 15)  # Monday 00:00 local: after the period
    return spot


def _row(body, name):
    return next(h for h in body["hotspots"] if h["name"] == name)


def test_coverage_figures_for_overlapping_visits(client, auth, supervisor, week_visits):
    response = client.get(f"/api/v1/coverage?{WEEK}", headers=auth(supervisor))
    assert response.status_code == 200
    body = response.get_json()
    assert body["area"] == "svenljunga"
    assert (body["from"], body["to"], body["timezone"]) == ("2026-11-16", "2026-11-22", "Europe/Stockholm")
    row = _row(body, "Torget")
    assert row["visits"] == 3
    assert row["presence_minutes"] == 25.0
    assert row["officer_minutes"] == 43.0
    assert row["median_visit_minutes"] == 12.0
    assert row["koper_visits"] == 2
    assert row["on_site_visits"] == 1
    assert row["hot_hour_minutes"] == 15.0
    assert row["target_visits"] == 5.0
    assert row["visit_compliance"] == 0.6
    assert row["last_visit_at"] == "2026-11-16T14:00:00+00:00"
    assert row["officers_distinct"] == 2
    assert row["id"] == str(week_visits.id)
    assert row["priority"] == 2


def test_coverage_lists_hot_spots_without_visits_with_zeros(client, auth, supervisor, week_visits):
    row = _row(client.get(f"/api/v1/coverage?{WEEK}", headers=auth(supervisor)).get_json(), "Busstationen")
    assert row == {
        "id": row["id"],
        "name": "Busstationen",
        "priority": 2,
        "visits": 0,
        "presence_minutes": 0.0,
        "officer_minutes": 0.0,
        "median_visit_minutes": None,
        "koper_visits": 0,
        "on_site_visits": 0,
        "hot_hour_minutes": 0.0,
        "target_visits": None,
        "visit_compliance": None,
        "last_visit_at": None,
        "officers_distinct": 0,
    }


def test_last_visit_reaches_back_before_the_period(client, auth, supervisor, week_visits):
    body = client.get("/api/v1/coverage?from=2026-11-12&to=2026-11-14", headers=auth(supervisor)).get_json()
    row = _row(body, "Torget")
    assert row["visits"] == 0
    assert row["last_visit_at"] == "2026-11-10T10:00:00+00:00"
    assert row["target_visits"] == round(5 * 3 / 7, 2)
    assert row["visit_compliance"] == 0.0


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(
    client, auth, supervisor, make_hotspot, make_visit, area, officer
):
    spot = make_hotspot(area, "ICA-området")
    for start_min, minutes in ((0, 4), (30, 10), (60, 13), (90, 40)):
        make_visit(
            spot,
            officer,
            utc(2026, 11, 17, 8, start_min % 60) if start_min < 60 else utc(2026, 11, 17, 9, start_min - 60),
            minutes,
        )
    row = _row(client.get(f"/api/v1/coverage?{WEEK}", headers=auth(supervisor)).get_json(), "ICA-området")
    assert row["median_visit_minutes"] == 11.5
    assert row["koper_visits"] == 2  # 10 and 13; 4 and 40 are outside 10–16


def test_koper_bounds_are_inclusive(client, auth, supervisor, make_hotspot, make_visit, area, officer):
    spot = make_hotspot(area, "Torget")
    make_visit(spot, officer, utc(2026, 11, 17, 8, 0), 10)
    make_visit(spot, officer, utc(2026, 11, 17, 9, 0), 16)
    make_visit(spot, officer, utc(2026, 11, 17, 10, 0), 16.05)
    make_visit(spot, officer, utc(2026, 11, 17, 11, 0), 9.95)
    row = _row(client.get(f"/api/v1/coverage?{WEEK}", headers=auth(supervisor)).get_json(), "Torget")
    assert row["koper_visits"] == 2


def test_visit_across_midnight_counts_hot_hours_past_midnight(
    client, auth, supervisor, make_hotspot, make_visit, area, officer
):
    # Saturday 24 October 23:50 CEST (21:50 UTC) for 20 minutes; hot Saturday 23:00 → Sunday 00:05.
    spot = make_hotspot(area, "Torget", hot_hours=[{"days": [6], "from": "23:00", "to": "00:05"}])
    make_visit(spot, officer, utc(2026, 10, 24, 21, 50), 20)
    headers = auth(supervisor)
    row = _row(client.get("/api/v1/coverage?from=2026-10-24&to=2026-10-24", headers=headers).get_json(), "Torget")
    assert (row["visits"], row["presence_minutes"], row["hot_hour_minutes"]) == (1, 20.0, 15.0)
    grid = client.get(f"/api/v1/coverage/{spot.id}/grid?from=2026-10-24&to=2026-10-24", headers=headers).get_json()
    assert grid["minutes"][5][23] == 10.0  # Saturday 23:50–24:00
    assert grid["minutes"][6][0] == 10.0  # Sunday 00:00–00:10
    assert sum(map(sum, grid["minutes"])) == 20.0


def test_day_of_the_autumn_dst_change_has_25_hours(client, auth, supervisor, make_hotspot, make_visit, area, officer):
    spot = make_hotspot(area, "Torget")
    make_visit(spot, officer, utc(2026, 10, 24, 22, 0), 5)  # 00:00 CEST Sunday: first minute of the day
    make_visit(spot, officer, utc(2026, 10, 25, 22, 55), 5)  # 23:55 CET Sunday: last minutes of the day
    make_visit(spot, officer, utc(2026, 10, 24, 21, 55), 5)  # 23:55 CEST Saturday: not in the period
    make_visit(spot, officer, utc(2026, 10, 25, 23, 0), 5)  # 00:00 CET Monday: not in the period
    row = _row(
        client.get("/api/v1/coverage?from=2026-10-25&to=2026-10-25", headers=auth(supervisor)).get_json(), "Torget"
    )
    assert row["visits"] == 2
    assert row["target_visits"] == round(5 / 7, 2)


def test_repeated_hour_at_the_autumn_change_counts_both_hours(
    client, auth, supervisor, make_hotspot, make_visit, area, officer
):
    # 02:30 CEST → 02:30 CET is one real hour spent entirely in local hour 02, which is hot.
    spot = make_hotspot(area, "Torget", hot_hours=[{"days": [7], "from": "02:00", "to": "03:00"}])
    make_visit(spot, officer, utc(2026, 10, 25, 0, 30), 60)
    headers = auth(supervisor)
    row = _row(client.get("/api/v1/coverage?from=2026-10-25&to=2026-10-25", headers=headers).get_json(), "Torget")
    assert (row["presence_minutes"], row["hot_hour_minutes"]) == (60.0, 60.0)
    grid = client.get(f"/api/v1/coverage/{spot.id}/grid?from=2026-10-25&to=2026-10-25", headers=headers).get_json()
    assert grid["minutes"][6][2] == 60.0


def test_spring_change_skips_the_missing_hour(client, auth, supervisor, make_hotspot, make_visit, area, officer):
    # 01:30 CET → 03:30 CEST on Sunday 29 March: one real hour, half in local hour 01 and half in 03.
    spot = make_hotspot(area, "Torget", hot_hours=[{"days": [7], "from": "03:00", "to": "04:00"}])
    make_visit(spot, officer, utc(2026, 3, 29, 0, 30), 60)
    headers = auth(supervisor)
    row = _row(client.get("/api/v1/coverage?from=2026-03-29&to=2026-03-29", headers=headers).get_json(), "Torget")
    assert (row["presence_minutes"], row["hot_hour_minutes"]) == (60.0, 30.0)
    grid = client.get(f"/api/v1/coverage/{spot.id}/grid?from=2026-03-29&to=2026-03-29", headers=headers).get_json()
    assert (grid["minutes"][6][1], grid["minutes"][6][2], grid["minutes"][6][3]) == (30.0, 0.0, 30.0)


def test_overlapping_hot_hour_windows_count_once(client, auth, supervisor, make_hotspot, make_visit, area, officer):
    spot = make_hotspot(
        area,
        "Torget",
        hot_hours=[{"days": [2], "from": "08:00", "to": "12:00"}, {"days": [1, 2], "from": "10:00", "to": "13:00"}],
    )
    make_visit(spot, officer, utc(2026, 11, 17, 8, 30), 120)  # Tuesday 09:30–11:30 local
    row = _row(client.get(f"/api/v1/coverage?{WEEK}", headers=auth(supervisor)).get_json(), "Torget")
    assert row["hot_hour_minutes"] == 120.0


def test_grid_shape_and_total_equal_presence(client, auth, supervisor, week_visits):
    headers = auth(supervisor)
    grid = client.get(f"/api/v1/coverage/{week_visits.id}/grid?{WEEK}", headers=headers).get_json()["minutes"]
    assert len(grid) == 7 and all(len(day) == 24 for day in grid)
    assert grid[0][11] == 20.0  # Monday 11:00–11:20 local, the union of the two overlapping visits
    assert grid[0][15] == 5.0
    assert sum(map(sum, grid)) == 25.0


def test_supervisor_asking_for_another_area_is_forbidden(client, auth, supervisor, make_area):
    make_area("tranemo")
    response = client.get("/api/v1/coverage?area=tranemo", headers=auth(supervisor))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_officer_may_not_read_coverage(client, auth, officer):
    response = client.get("/api/v1/coverage", headers=auth(officer))
    assert response.status_code == 403


def test_admin_names_the_area(client, auth, admin, week_visits):
    response = client.get(f"/api/v1/coverage?{WEEK}", headers=auth(admin))
    assert response.status_code == 400
    assert "area" in response.get_json()["error"]["fields"]
    response = client.get(f"/api/v1/coverage?{WEEK}&area=svenljunga", headers=auth(admin))
    assert response.status_code == 200
    assert _row(response.get_json(), "Torget")["visits"] == 3
    assert client.get("/api/v1/coverage?area=nowhere", headers=auth(admin)).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13-01&to=2026-12-01", "from"),
        ("from=2026-11-20&to=2026-11-19", "to"),
        ("from=2024-01-01&to=2026-01-01", "to"),
        ("from=2026-11-16&to=2026-11-22&bogus=1", "bogus"),
        ("from=0001-01-01&to=0001-01-01", "from"),
        ("from=9999-12-31&to=9999-12-31", "from"),
    ],
)
def test_bad_period_names_the_field(client, auth, supervisor, query, field):
    response = client.get(f"/api/v1/coverage?{query}", headers=auth(supervisor))
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_grid_of_a_hot_spot_in_another_area_is_not_found(client, auth, supervisor, make_area, make_hotspot):
    other = make_hotspot(make_area("tranemo"), "Torget")
    assert client.get(f"/api/v1/coverage/{other.id}/grid", headers=auth(supervisor)).status_code == 404


def test_coverage_without_a_token_is_401_json(client):
    response = client.get("/api/v1/coverage")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_weekly_trend_counts_visits_per_local_week(app, area, hotspot, officer, make_visit):
    from datetime import date

    from fieldlog.areas.models import Area
    from fieldlog.coverage.services import weekly_trend
    from fieldlog.extensions import db

    make_visit(hotspot, officer, utc(2026, 11, 15, 22, 59), 5)  # Sunday 23:59 local: the week before
    make_visit(hotspot, officer, utc(2026, 11, 15, 23, 0), 5)  # Monday 00:00 local
    make_visit(hotspot, officer, utc(2026, 11, 18, 12, 0), 5)
    make_visit(hotspot, officer, utc(2026, 11, 18, 13, 0), 5, deleted=True)
    with app.app_context():
        mondays, trend = weekly_trend(db.session.get(Area, area.id), 3, date(2026, 11, 22))
    assert mondays == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert trend[hotspot.id] == [0, 1, 2]
