from datetime import timedelta

from fieldlog.auth.models import Device
from fieldlog.db import utcnow
from tests.fixtures.users import PASSWORD


def post_token(client, username, password=PASSWORD, device_name="Pixel 7", **kwargs):
    return client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": password, "device_name": device_name},
        **kwargs,
    )


def test_token_issued_with_user_and_area(client, officer):
    response = post_token(client, "anna")
    assert response.status_code == 201
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["token"] and body["device_id"] and body["expires_at"]
    assert body["user"] == {
        "id": officer.id,
        "username": "anna",
        "display_name": "Anna",
        "role": "officer",
        "area": {"id": officer.area_id, "slug": "svenljunga", "name": "Svenljunga", "timezone": "Europe/Stockholm"},
    }


def test_token_is_stored_only_as_hash(client, officer, db):
    token = post_token(client, "anna").get_json()["token"]
    device = db.session.scalars(db.select(Device)).one()
    assert device.name == "Pixel 7"
    assert token not in device.token_hash and len(device.token_hash) == 64


def test_me_returns_user_for_token(client, officer):
    token = post_token(client, "anna").get_json()["token"]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["username"] == "anna"


def test_wrong_password_is_invalid_credentials(client, officer):
    response = post_token(client, "anna", password="wrong")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_unknown_user_is_invalid_credentials(client, area):
    response = post_token(client, "nobody")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_inactive_user_is_invalid_credentials(client, make_user, area):
    make_user("officer", area, username="gone", active=False)
    response = post_token(client, "gone")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_missing_token_is_unauthorized(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_garbage_token_is_unauthorized(client, officer):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_expired_token_is_token_expired(client, officer, db):
    token = post_token(client, "anna").get_json()["token"]
    device = db.session.scalars(db.select(Device)).one()
    device.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_expired"


def test_token_slides_on_use(client, officer, db):
    token = post_token(client, "anna").get_json()["token"]
    device = db.session.scalars(db.select(Device)).one()
    device.last_seen_at = utcnow() - timedelta(days=10)
    device.expires_at = utcnow() + timedelta(days=20)
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    db.session.expire_all()
    device = db.session.scalars(db.select(Device)).one()
    assert device.expires_at > utcnow() + timedelta(days=29)
    assert device.last_seen_at > utcnow() - timedelta(minutes=1)


def test_delete_token_revokes_it(client, officer):
    token = post_token(client, "anna").get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_revoked"


def test_revoking_one_device_keeps_the_other(client, officer):
    first = post_token(client, "anna", device_name="phone").get_json()["token"]
    second = post_token(client, "anna", device_name="tablet").get_json()["token"]
    client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {first}"})
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200


def test_eleventh_failure_for_a_username_is_throttled(client, officer):
    for _ in range(10):
        assert post_token(client, "anna", password="wrong").status_code == 401
    response = post_token(client, "anna")
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"


def test_successful_sign_ins_are_not_counted(client, officer):
    for _ in range(12):
        assert post_token(client, "anna").status_code == 201


def test_failures_from_one_address_are_throttled_across_usernames(client, officer):
    for i in range(10):
        post_token(client, f"guess{i}", password="wrong", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    response = post_token(client, "anna", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 429
    other = post_token(client, "anna", environ_base={"REMOTE_ADDR": "10.9.9.10"})
    assert other.status_code == 201


def test_token_request_with_missing_field_names_it(client):
    response = client.post("/api/v1/auth/token", json={"username": "anna", "password": "x"})
    assert response.status_code == 400
    body = response.get_json()["error"]
    assert body["code"] == "validation_error"
    assert "device_name" in body["fields"]
