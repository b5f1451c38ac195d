"""Visits for supervisors (SPEC §3): list, flag, exports."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest

from tests.fixtures.util import utc

PERIOD = "from=2026-11-16&to=2026-11-22"


@pytest.fixture
def visits(make_visit, hotspot, officer):
    """Three visits of anna at Torget; one with a position, one deleted."""
    a = make_visit(
        hotspot,
        officer,
        utc(2026, 11, 16, 10, 0),
        12,
        lat=57.4956,
        lon=13.1091,
        accuracy_m=8.0,
        distance_m=12.4,
        on_site=True,
        notes='=HYPERLINK("x")',
    )
    b = make_visit(hotspot, officer, utc(2026, 11, 17, 18, 0), 15, mode="vehicle", observations=["youth_gathering"])
    make_visit(hotspot, officer, utc(2026, 11, 18, 18, 0), 15, deleted=True)
    return a, b


def test_list_is_newest_first_in_the_wire_format(client, auth, supervisor, visits):
    response = client.get(f"/api/v1/visits?{PERIOD}", headers=auth(supervisor))
    assert response.status_code == 200
    body = response.get_json()
    assert [v["id"] for v in body["visits"]] == [str(visits[1].id), str(visits[0].id)]
    assert body["next_cursor"] is None
    first = body["visits"][1]
    assert first["officer"] == "anna"
    assert first["position"] == {"lat": 57.4956, "lon": 13.1091, "accuracy_m": 8.0}
    assert first["started_at"] == "2026-11-16T10:00:00+00:00"
    assert first["flag"] is None
    assert body["visits"][0]["position"] is None


def test_list_pages_with_a_cursor(client, auth, supervisor, make_visit, hotspot, officer):
    for i in range(105):
        make_visit(hotspot, officer, utc(2026, 11, 16, 0, 0) + timedelta(minutes=i if i < 100 else 0), 1)  # ties too
    headers = auth(supervisor)
    first = client.get(f"/api/v1/visits?{PERIOD}", headers=headers).get_json()
    assert len(first["visits"]) == 100 and first["next_cursor"]
    second = client.get(f"/api/v1/visits?{PERIOD}&cursor={first['next_cursor']}", headers=headers).get_json()
    assert len(second["visits"]) == 5 and second["next_cursor"] is None
    ids = [v["id"] for v in first["visits"] + second["visits"]]
    assert len(set(ids)) == 105


def test_list_filters_by_hot_spot_and_officer(
    client, auth, supervisor, make_user, area, make_hotspot, make_visit, visits
):
    bertil = make_user("officer", area, username="bertil")
    other = make_hotspot(area, "Busstationen")
    make_visit(other, bertil, utc(2026, 11, 19, 12, 0), 10)
    headers = auth(supervisor)
    by_spot = client.get(f"/api/v1/visits?{PERIOD}&hotspot_id={other.id}", headers=headers).get_json()["visits"]
    assert [v["officer"] for v in by_spot] == ["bertil"]
    by_officer = client.get(f"/api/v1/visits?{PERIOD}&officer=anna", headers=headers).get_json()["visits"]
    assert {v["officer"] for v in by_officer} == {"anna"} and len(by_officer) == 2


def test_list_hides_other_areas(client, auth, supervisor, make_area, make_user, make_hotspot, make_visit, visits):
    tranemo = make_area("tranemo")
    stranger = make_user("officer", tranemo, username="tore")
    make_visit(make_hotspot(tranemo, "Torget"), stranger, utc(2026, 11, 17, 12, 0), 10)
    body = client.get(f"/api/v1/visits?{PERIOD}", headers=auth(supervisor)).get_json()
    assert "tore" not in {v["officer"] for v in body["visits"]}
    assert client.get("/api/v1/visits?area=tranemo", headers=auth(supervisor)).status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwgIjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMCJd", "cursor"),
        ("hotspot_id=nope", "hotspot_id"),
        ("from=2026-02-30", "from"),
        ("x=1", "x"),
    ],
)
def test_bad_list_query_names_the_field(client, auth, supervisor, query, field):
    response = client.get(f"/api/v1/visits?{query}", headers=auth(supervisor))
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_officers_may_not_list_the_area(client, auth, officer):
    assert client.get("/api/v1/visits", headers=auth(officer)).status_code == 403


def test_flag_bumps_rev_and_change_seq_and_is_audited(app, client, auth, supervisor, visits):
    visit = visits[0]
    response = client.post(
        f"/api/v1/visits/{visit.id}/flag", json={"comment": "Position saknas?"}, headers=auth(supervisor)
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["flag"]["comment"] == "Position saknas?"
    assert body["flag"]["by"] == "sven"
    assert body["rev"] == visit.rev + 1
    with app.app_context():
        from fieldlog.audit.models import AuditEntry
        from fieldlog.extensions import db
        from fieldlog.visits.models import Visit

        stored = db.session.get(Visit, visit.id)
        assert stored.change_seq > visit.change_seq
        entry = db.session.query(AuditEntry).filter_by(entity_type="visit", entity_id=str(visit.id)).one()
        assert entry.action == "flag" and entry.after["comment"] == "Position saknas?"


def test_unflag_clears_the_flag_and_bumps_rev(client, auth, supervisor, visits):
    headers = auth(supervisor)
    flagged = client.post(f"/api/v1/visits/{visits[0].id}/flag", json={"comment": "Kolla"}, headers=headers).get_json()
    assert client.delete(f"/api/v1/visits/{visits[0].id}/flag", headers=headers).status_code == 204
    listed = client.get(f"/api/v1/visits?{PERIOD}", headers=headers).get_json()["visits"]
    again = next(v for v in listed if v["id"] == str(visits[0].id))
    assert again["flag"] is None and again["rev"] == flagged["rev"] + 1


@pytest.mark.parametrize(
    "body", [{}, {"comment": ""}, {"comment": 5}, {"comment": "x" * 2001}, {"comment": "ok", "x": 1}]
)
def test_flag_without_a_good_comment_is_rejected(client, auth, supervisor, visits, body):
    response = client.post(f"/api/v1/visits/{visits[0].id}/flag", json=body, headers=auth(supervisor))
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"]


def test_flag_of_unknown_or_foreign_visit_is_not_found(
    client, auth, supervisor, make_area, make_user, make_hotspot, make_visit
):
    tranemo = make_area("tranemo")
    foreign = make_visit(make_hotspot(tranemo, "Torget"), make_user("officer", tranemo), utc(2026, 11, 17, 12, 0), 10)
    headers = auth(supervisor)
    assert client.post(f"/api/v1/visits/{foreign.id}/flag", json={"comment": "x"}, headers=headers).status_code == 404
    assert client.post(f"/api/v1/visits/{uuid.uuid4()}/flag", json={"comment": "x"}, headers=headers).status_code == 404


def test_csv_export_has_a_header_and_one_row_per_visit(client, auth, supervisor, visits):
    response = client.get(f"/api/v1/visits.csv?{PERIOD}", headers=auth(supervisor))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == [str(visits[0].id), str(visits[1].id)]
    assert rows[0]["officer"] == "anna"
    assert rows[0]["started_at"] == "2026-11-16T11:00:00+01:00"
    assert rows[0]["duration_minutes"] == "12.0"
    assert rows[0]["notes"].startswith("'=")  # not run as a formula by spreadsheets
    assert rows[1]["observations"] == "youth_gathering"
    assert [r["entry"] for r in rows] == ["live", "live"]


def test_geojson_export_holds_visits_with_a_position(client, auth, supervisor, visits):
    response = client.get(f"/api/v1/visits.geojson?{PERIOD}", headers=auth(supervisor))
    assert response.status_code == 200
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 1
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [13.1091, 57.4956]}
    assert feature["properties"]["officer"] == "anna"


def test_exports_need_a_supervisor(client, auth, officer):
    assert client.get("/api/v1/visits.csv", headers=auth(officer)).status_code == 403
    assert client.get("/api/v1/visits.geojson").status_code == 401


def test_openapi_lists_the_supervisor_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/coverage",
        "/coverage/{hotspot_id}/grid",
        "/visits",
        "/visits/{visit_id}/flag",
        "/visits.csv",
        "/visits.geojson",
    ):
        assert path in paths
