import uuid

import pytest

from fieldlog.audit.models import AuditEntry
from fieldlog.hotspots.models import HotSpot

NEW = {
    "name": "Busstationen",
    "lat": 57.4969,
    "lon": 13.1118,
    "radius_m": 100,
    "priority": 2,
    "target_visits_per_week": 6,
    "target_minutes": 15,
    "hot_hours": [{"days": [6, 5], "from": "21:00", "to": "01:00"}],
    "public": True,
}


@pytest.fixture
def other_area(make_area):
    return make_area("tranemo", name="Tranemo")


def test_supervisor_creates_hotspot_in_own_area(client, supervisor, auth):
    response = client.post("/api/v1/hotspots", json=NEW, headers=auth(supervisor))
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["ETag"] == '"1"'
    assert body["rev"] == 1 and body["deleted"] is False and body["area"] == "svenljunga"
    assert body["hot_hours"] == [{"days": [5, 6], "from": "21:00", "to": "01:00"}]
    assert body["description"] == "" and body["active"] is True


def test_create_applies_spec_defaults(client, supervisor, auth):
    response = client.post(
        "/api/v1/hotspots", json={"name": "Torget", "lat": 57.5, "lon": 13.1}, headers=auth(supervisor)
    )
    body = response.get_json()
    assert (body["radius_m"], body["priority"], body["target_minutes"], body["hot_hours"]) == (150, 2, 15, [])
    assert body["target_visits_per_week"] is None and body["public"] is False


def test_officer_may_not_create_hotspot(client, officer, auth):
    response = client.post("/api/v1/hotspots", json=NEW, headers=auth(officer))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_admin_creates_hotspot_in_named_area(client, admin, area, auth):
    response = client.post("/api/v1/hotspots", json={**NEW, "area": "svenljunga"}, headers=auth(admin))
    assert response.status_code == 201
    assert response.get_json()["area"] == "svenljunga"


def test_admin_create_without_area_names_the_field(client, admin, area, auth):
    response = client.post("/api/v1/hotspots", json=NEW, headers=auth(admin))
    assert response.status_code == 400
    assert "area" in response.get_json()["error"]["fields"]


def test_supervisor_may_not_create_in_another_area(client, supervisor, other_area, auth):
    response = client.post("/api/v1/hotspots", json={**NEW, "area": "tranemo"}, headers=auth(supervisor))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lat": 91}, "lat"),
        ({"lon": "13.1"}, "lon"),
        ({"priority": 4}, "priority"),
        ({"radius_m": 0}, "radius_m"),
        ({"radius_m": 1.5}, "radius_m"),
        ({"public": "yes"}, "public"),
        ({"name": ""}, "name"),
        ({"hot_hours": [{"days": [8], "from": "20:00", "to": "22:00"}]}, "hot_hours.0.days.0"),
        ({"hot_hours": [{"days": [1, 1], "from": "20:00", "to": "22:00"}]}, "hot_hours.0.days"),
        ({"hot_hours": [{"days": [1], "from": "25:00", "to": "22:00"}]}, "hot_hours.0.from"),
        ({"hot_hours": [{"days": [1], "from": "20:00", "to": "20:00"}]}, "hot_hours.0.to"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_hotspot_is_rejected_naming_the_field(client, supervisor, auth, db, change, field):
    response = client.post("/api/v1/hotspots", json={**NEW, **change}, headers=auth(supervisor))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error
    assert db.session.scalar(db.select(db.func.count()).select_from(HotSpot)) == 0


def test_officer_lists_own_area_only(client, officer, hotspot, make_hotspot, other_area, auth):
    make_hotspot(other_area, "Tranemo torg")
    response = client.get("/api/v1/hotspots", headers=auth(officer))
    assert response.status_code == 200
    assert [h["name"] for h in response.get_json()["hotspots"]] == ["Torget"]


def test_officer_reads_hotspot_of_own_area_with_etag(client, officer, hotspot, auth):
    response = client.get(f"/api/v1/hotspots/{hotspot.id}", headers=auth(officer))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert response.get_json()["id"] == str(hotspot.id)


def test_hotspot_of_another_area_is_not_found(client, officer, supervisor, other_area, make_hotspot, auth):
    foreign = make_hotspot(other_area, "Tranemo torg")
    for user in (officer, supervisor):
        response = client.get(f"/api/v1/hotspots/{foreign.id}", headers=auth(user))
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_admin_lists_every_area_or_one(client, admin, hotspot, other_area, make_hotspot, auth):
    make_hotspot(other_area, "Tranemo torg")
    all_names = {h["name"] for h in client.get("/api/v1/hotspots", headers=auth(admin)).get_json()["hotspots"]}
    assert all_names == {"Torget", "Tranemo torg"}
    one = client.get("/api/v1/hotspots?area=tranemo", headers=auth(admin)).get_json()["hotspots"]
    assert [h["name"] for h in one] == ["Tranemo torg"]


def test_unknown_hotspot_id_is_not_found(client, officer, auth):
    assert client.get(f"/api/v1/hotspots/{uuid.uuid4()}", headers=auth(officer)).status_code == 404
    assert client.get("/api/v1/hotspots/not-a-uuid", headers=auth(officer)).status_code == 404


def test_patch_with_current_rev_applies_and_bumps_rev(client, supervisor, hotspot, auth):
    response = client.patch(
        f"/api/v1/hotspots/{hotspot.id}",
        json={"priority": 1, "radius_m": 80},
        headers=auth(supervisor, **{"If-Match": '"1"'}),
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["priority"], body["radius_m"], body["rev"]) == (1, 80, 2)
    assert response.headers["ETag"] == '"2"'


def test_patch_with_stale_rev_is_precondition_failed(client, supervisor, hotspot, auth, db):
    headers = auth(supervisor)
    client.patch(f"/api/v1/hotspots/{hotspot.id}", json={"priority": 1}, headers={**headers, "If-Match": '"1"'})
    response = client.patch(
        f"/api/v1/hotspots/{hotspot.id}", json={"priority": 3}, headers={**headers, "If-Match": '"1"'}
    )
    assert response.status_code == 412
    assert response.get_json()["error"]["code"] == "precondition_failed"
    assert db.session.get(HotSpot, hotspot.id).priority == 1


def test_patch_without_if_match_is_precondition_required(client, supervisor, hotspot, auth):
    response = client.patch(f"/api/v1/hotspots/{hotspot.id}", json={"priority": 1}, headers=auth(supervisor))
    assert response.status_code == 428
    assert response.get_json()["error"]["code"] == "precondition_required"


def test_patch_may_not_move_hotspot_to_another_area(client, supervisor, hotspot, auth):
    response = client.patch(
        f"/api/v1/hotspots/{hotspot.id}", json={"area": "tranemo"}, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    assert response.status_code == 400
    assert "area" in response.get_json()["error"]["fields"]


def test_officer_may_not_patch(client, officer, hotspot, auth):
    response = client.patch(
        f"/api/v1/hotspots/{hotspot.id}", json={"priority": 1}, headers=auth(officer, **{"If-Match": '"1"'})
    )
    assert response.status_code == 403


def test_delete_archives_as_tombstone(client, supervisor, officer, hotspot, auth):
    response = client.delete(f"/api/v1/hotspots/{hotspot.id}", headers=auth(supervisor, **{"If-Match": '"1"'}))
    assert response.status_code == 204
    assert response.headers["ETag"] == '"2"'
    body = client.get(f"/api/v1/hotspots/{hotspot.id}", headers=auth(officer)).get_json()
    assert body["deleted"] is True and body["rev"] == 2
    assert client.get("/api/v1/hotspots", headers=auth(officer)).get_json()["hotspots"] == []
    archived = client.get("/api/v1/hotspots?include_deleted=true", headers=auth(officer)).get_json()["hotspots"]
    assert [h["id"] for h in archived] == [str(hotspot.id)]


def test_delete_with_stale_rev_is_precondition_failed(client, supervisor, hotspot, auth):
    response = client.delete(f"/api/v1/hotspots/{hotspot.id}", headers=auth(supervisor, **{"If-Match": '"7"'}))
    assert response.status_code == 412


def test_patch_of_archived_hotspot_is_conflict(client, supervisor, hotspot, auth):
    headers = auth(supervisor)
    client.delete(f"/api/v1/hotspots/{hotspot.id}", headers={**headers, "If-Match": '"1"'})
    response = client.patch(
        f"/api/v1/hotspots/{hotspot.id}", json={"priority": 1}, headers={**headers, "If-Match": '"2"'}
    )
    assert response.status_code == 409


def test_changes_are_audited_with_before_and_after(client, supervisor, hotspot, auth, db):
    client.patch(
        f"/api/v1/hotspots/{hotspot.id}", json={"priority": 1}, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.entity_id == str(hotspot.id))).one()
    assert entry.action == "update" and entry.actor_id == supervisor.id
    assert entry.before["priority"] == 2 and entry.after["priority"] == 1


def test_each_change_gets_a_later_change_seq(client, supervisor, hotspot, auth, db):
    client.patch(
        f"/api/v1/hotspots/{hotspot.id}", json={"priority": 1}, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    assert db.session.get(HotSpot, hotspot.id).change_seq > hotspot.change_seq


def test_hotspot_api_needs_a_token(client, hotspot):
    for method, path in [("get", "/api/v1/hotspots"), ("get", f"/api/v1/hotspots/{hotspot.id}")]:
        response = getattr(client, method)(path)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
