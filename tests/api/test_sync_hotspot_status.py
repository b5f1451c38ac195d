"""GET /api/v1/hotspots/status: what the phone shows as "overdue" when online."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def status(client, headers, **query) -> dict:
    response = client.get("/api/v1/hotspots/status", headers=headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return {h["name"]: h for h in response.get_json()["hotspots"]}


def test_status_counts_visits_and_presence_of_the_last_7_days(client, auth, officer, area, hotspot, make_visit):
    now = datetime.now(UTC).replace(microsecond=0)
    make_visit(hotspot, officer, started_at=now - timedelta(hours=5), minutes=15)
    # Overlaps the first by 5 minutes: presence is the union, 15 + 10.
    make_visit(hotspot, officer, started_at=now - timedelta(hours=5) + timedelta(minutes=10), minutes=15)
    make_visit(hotspot, officer, started_at=now - timedelta(days=2), minutes=12)
    make_visit(hotspot, officer, started_at=now - timedelta(days=8), minutes=30)
    torget = status(client, auth(officer))["Torget"]
    assert torget["visits_7d"] == 3
    assert torget["presence_minutes_7d"] == 37.0
    assert torget["last_visit_at"] == (now - timedelta(hours=5) + timedelta(minutes=10)).isoformat()


def test_status_leaves_out_deleted_and_in_progress_visits(client, auth, officer, hotspot, make_visit):
    now = datetime.now(UTC)
    make_visit(hotspot, officer, started_at=now - timedelta(hours=1), minutes=10, deleted=True)
    make_visit(hotspot, officer, started_at=now - timedelta(minutes=5), minutes=None)
    torget = status(client, auth(officer))["Torget"]
    assert torget == {**torget, "visits_7d": 0, "presence_minutes_7d": 0.0, "last_visit_at": None}


def test_status_lists_live_hotspots_of_own_area_only(client, auth, officer, area, hotspot, make_hotspot, make_area):
    make_hotspot(area, "Archived", deleted=True)
    make_hotspot(make_area("boras"), "Elsewhere")
    assert set(status(client, auth(officer))) == {"Torget"}


def test_status_of_another_area_is_forbidden(client, auth, officer, make_area):
    make_area("boras")
    response = client.get("/api/v1/hotspots/status?area=boras", headers=auth(officer))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_admin_may_ask_for_any_area(client, auth, admin, area, hotspot):
    assert set(status(client, auth(admin), area="svenljunga")) == {"Torget"}


def test_status_needs_a_token(client):
    response = client.get("/api/v1/hotspots/status")
    assert response.status_code == 401


def test_status_presence_counts_nested_touching_and_shared_visits_once(client, auth, officer, hotspot, make_visit):
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(hours=3)
    make_visit(hotspot, officer, started_at=start, minutes=30)  # 0–30
    make_visit(hotspot, officer, started_at=start + timedelta(minutes=5), minutes=10)  # 5–15, inside the first
    make_visit(hotspot, officer, started_at=start, minutes=30, officers=3)  # a second crew, the same half hour
    make_visit(hotspot, officer, started_at=start + timedelta(minutes=30), minutes=10)  # 30–40, touches the first
    make_visit(hotspot, officer, started_at=start + timedelta(minutes=60), minutes=5)  # 60–65, apart
    torget = status(client, auth(officer))["Torget"]
    assert (torget["visits_7d"], torget["presence_minutes_7d"]) == (5, 45.0)


def test_status_counts_a_visit_by_its_start(client, auth, officer, hotspot, make_visit):
    now = datetime.now(UTC).replace(microsecond=0)
    # Started before the 7 days and still going into them: not a visit of the 7 days, none of its minutes either.
    make_visit(hotspot, officer, started_at=now - timedelta(days=7, minutes=10), minutes=30)
    # Starting after now (a phone's clock ahead): not counted yet.
    make_visit(hotspot, officer, started_at=now + timedelta(minutes=5), minutes=15)
    torget = status(client, auth(officer))["Torget"]
    assert (torget["visits_7d"], torget["presence_minutes_7d"]) == (0, 0.0)
    assert torget["last_visit_at"] == (now - timedelta(days=7, minutes=10)).isoformat()
