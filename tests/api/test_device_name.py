"""PATCH /api/v1/me/device: the officer names their own device (issue 10 D6; an addition to SPEC §3)."""

from __future__ import annotations

from fieldlog.auth.models import Device
from tests.fixtures.users import PASSWORD


def sign_in(client, username="anna", device_name="Chrome på Android (Pixel 7)"):
    body = client.post(
        "/api/v1/auth/token", json={"username": username, "password": PASSWORD, "device_name": device_name}
    ).get_json()
    return {"Authorization": f"Bearer {body['token']}"}, body["device_id"]


def test_device_named_at_sign_in_is_the_one_the_app_sent(client, officer):
    headers, device_id = sign_in(client)
    body = client.get("/api/v1/me/device", headers=headers).get_json()
    assert (body["id"], body["name"]) == (device_id, "Chrome på Android (Pixel 7)")


def test_officer_renames_only_the_calling_device(client, db, officer):
    headers, device_id = sign_in(client)
    _other_headers, other_id = sign_in(client, device_name="Safari på iPhone")
    response = client.patch("/api/v1/me/device", json={"name": "  Annas tjänstetelefon "}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["name"] == "Annas tjänstetelefon"
    names = {str(d.id): d.name for d in db.session.scalars(db.select(Device))}
    assert names == {device_id: "Annas tjänstetelefon", other_id: "Safari på iPhone"}


def test_rename_without_a_name_is_rejected_naming_the_field(client, officer):
    headers, _ = sign_in(client)
    for body in ({"name": "   "}, {"name": ""}, {"name": "x" * 201}, {}, {"name": "a\x00b"}, {"name": 7}):
        response = client.patch("/api/v1/me/device", json=body, headers=headers)
        assert response.status_code == 400, body
        error = response.get_json()["error"]
        assert error["code"] == "validation_error" and "name" in error["fields"], body
    response = client.patch("/api/v1/me/device", json={"name": "ok", "user_id": 1}, headers=headers)
    assert response.status_code == 400 and "user_id" in response.get_json()["error"]["fields"]


def test_rename_needs_a_token(client, officer):
    response = client.patch("/api/v1/me/device", json={"name": "x"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_rename_is_documented_in_the_openapi(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    operation = paths["/me/device"]["patch"]
    assert set(operation["responses"]) >= {"200", "400", "401"}
    assert "requestBody" in operation
