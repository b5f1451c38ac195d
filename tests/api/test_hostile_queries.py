"""NUL characters and extreme values in any query, path or form (issue 10 B8): a 400 with a clear error on both
databases, never a 500. PostgreSQL can neither store nor compare a NUL; years 1 and 9999 overflow date arithmetic."""

from __future__ import annotations

import pytest

from tests.fixtures.users import csrf_token

API_NUL = [
    "/api/v1/hotspots?area=%00",
    "/api/v1/hotspots/status?area=a%00b",
    "/api/v1/coverage?area=%00",
    "/api/v1/coverage?from=2026-01-01%00",
    "/api/v1/visits?officer=an%00na",
    "/api/v1/visits?hotspot_id=%00",
    "/api/v1/visits?cursor=%00",
    "/api/v1/visits.csv?from=%00",
    "/api/v1/visits.geojson?to=%00",
    "/api/v1/sync/pull?cursor=a%00",
    "/api/v1/hotspots/%00",
    "/api/v1/me?x%00=1",
]

PAGE_NUL = [
    "/supervisor/?area=%00",
    "/supervisor/visits?officer=an%00na",
    "/supervisor/visits?hotspot=%00",
    "/supervisor/visits?cursor=%00",
    "/supervisor/report?from=%00&period=custom",
    "/supervisor/people?area=%00",
    "/supervisor/audit?area=%00",
    "/supervisor/export/visits.csv?officer=%00",
    "/public/%00",
    "/public/%00.json",
    "/login?next=%00",
]

HUGE = "9" * 400
API_EXTREME = [
    "/api/v1/coverage?from=0001-01-01&to=0001-01-07",
    "/api/v1/coverage?from=9999-12-25&to=9999-12-31",
    "/api/v1/coverage?from=2026-01-01&to=9999-12-31",
    "/api/v1/visits?from=0001-01-01",
    "/api/v1/visits?to=9999-12-31",
    "/api/v1/visits?from=0001-01-01&to=9999-12-31",
    f"/api/v1/visits?cursor={HUGE}",
    "/api/v1/visits?cursor=9999-12-31T23:59:59.999999%2B00:00",
    "/api/v1/visits.csv?from=0001-01-01&to=0001-01-02",
    "/api/v1/visits.geojson?from=9999-12-30&to=9999-12-31",
    f"/api/v1/sync/pull?cursor={HUGE}",
    "/api/v1/sync/pull?limit=99999999999999999999",
    "/api/v1/sync/pull?limit=-1",
]


@pytest.fixture
def world(area, supervisor, admin, officer, hotspot, make_visit):
    make_visit(hotspot, officer)


@pytest.mark.parametrize("path", API_NUL)
def test_nul_in_an_api_query_or_path_is_a_400_naming_it(client, world, admin, auth, path):
    response = client.get(path, headers=auth(admin))
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert any("NUL" in reason for reasons in error["fields"].values() for reason in reasons)


@pytest.mark.parametrize("path", PAGE_NUL)
def test_nul_in_a_page_query_or_path_is_a_400_page(client, world, login, path):
    login("root")
    response = client.get(path)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "NUL" in response.get_data(as_text=True)


def test_nul_in_the_sign_in_username_is_a_400(client, world):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "an\x00na", "password": "x", "csrf_token": token})
    assert response.status_code == 400


def test_nul_in_a_supervisor_form_is_a_400(client, world, login):
    login("sven")
    token = csrf_token(client, "/supervisor/people")
    data = {"csrf_token": token, "username": "ny", "display_name": "N\x00y", "password": "ett långt lösenord"}
    response = client.post("/supervisor/people", data=data)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"username": "an\x00na", "password": "x", "device_name": "p"},
        {"username": "anna", "password": "x\x00", "device_name": "p"},
    ],
)
def test_nul_in_a_json_body_is_a_400(client, world, body):
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "validation_error"


def test_nul_in_a_hotspot_json_body_is_a_400_naming_the_field(client, world, supervisor, auth):
    body = {"name": "Tor\x00get", "lat": 57.5, "lon": 13.1}
    response = client.post("/api/v1/hotspots", json=body, headers=auth(supervisor))
    assert response.status_code == 400
    assert "name" in response.get_json()["error"]["fields"]


def test_an_escaped_backslash_before_u0000_is_not_a_nul(client, world):
    body = b'{"username": "anna\\\\u0000", "password": "x", "device_name": "p"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize("path", API_EXTREME)
def test_extreme_dates_and_cursors_are_answered_without_a_server_error(client, world, admin, supervisor, auth, path):
    response = client.get(path, headers=auth(supervisor))
    assert response.status_code in (200, 400), (response.status_code, response.get_data(as_text=True)[:500])
    if response.status_code == 400:
        assert response.get_json()["error"]["fields"] or response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/supervisor/?period=custom&from=0001-01-01&to=0001-01-07",
        "/supervisor/?period=custom&from=9999-12-25&to=9999-12-31",
        "/supervisor/visits?period=custom&from=0001-01-01&to=9999-12-31",
        f"/supervisor/visits?cursor={HUGE}",
        "/supervisor/visits?cursor=9999-12-31T23:59:59%2B00:00",
        "/supervisor/report?period=custom&from=9999-12-25&to=9999-12-31",
        "/supervisor/export/visits.csv?period=custom&from=0001-01-01&to=0001-01-02",
        "/supervisor/audit?cursor=" + HUGE,
    ],
)
def test_extreme_dates_and_cursors_on_pages_are_not_server_errors(client, world, login, path):
    login("sven")
    response = client.get(path)
    assert response.status_code < 500


@pytest.mark.parametrize("period", ["from=0001-01-01&to=0001-01-07", "from=9999-12-25&to=9999-12-31"])
def test_extreme_days_of_the_coverage_grid_are_not_server_errors(client, world, hotspot, supervisor, auth, period):
    response = client.get(f"/api/v1/coverage/{hotspot.id}/grid?{period}", headers=auth(supervisor))
    assert response.status_code in (200, 400)


def test_nul_in_a_push_rejects_only_that_mutation(client, world, hotspot, officer, auth):
    """SPEC §3 rule 2: the push checks NUL per mutation, so one bad visit never blocks the others."""
    import uuid

    def mutation(notes):
        data = {"hotspot_id": str(hotspot.id), "started_at": "2026-12-01T10:00:00+00:00", "notes": notes}
        data["ended_at"] = "2026-12-01T10:12:00+00:00"
        return {"mutation_id": str(uuid.uuid4()), "type": "visit.upsert", "record_id": str(uuid.uuid4()), "data": data}

    body = {"protocol": 1, "mutations": [mutation("ok"), mutation("bad\x00")]}
    response = client.post("/api/v1/sync/push", json=body, headers=auth(officer))
    assert response.status_code == 200
    statuses = [r["status"] for r in response.get_json()["results"]]
    assert statuses[1] == "rejected"
