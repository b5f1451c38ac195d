"""Issue 15: each device's recovery key — released to the same install on a password sign-in, never to another
device or another install, never after a revoke (a revoke destroys it), and stored sealed."""

from __future__ import annotations

import base64
import re

from fieldlog.auth.models import Device, DeviceRecovery
from tests.fixtures.users import PASSWORD, csrf_token

SECRET = "s" * 43
OTHER_SECRET = "o" * 43


def sign_in(client, username="anna", password=PASSWORD, **fields):
    body = {"username": username, "password": password, "device_name": "Pixel 7", **fields}
    return client.post("/api/v1/auth/token", json=body)


def key_of(answer) -> bytes:
    text = answer.get_json()["recovery_key"]
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_a_sign_in_with_a_device_secret_gets_a_new_32_byte_recovery_key(client, officer):
    first, second = sign_in(client, device_secret=SECRET), sign_in(client, device_secret=SECRET)
    assert first.status_code == second.status_code == 201
    assert len(key_of(first)) == 32
    assert key_of(first) != key_of(second)
    assert first.get_json()["device_id"] != second.get_json()["device_id"]


def test_a_sign_in_without_a_device_secret_answers_as_spec_section_3_says(client, officer):
    body = sign_in(client).get_json()
    assert "recovery_key" not in body
    assert set(body) == {"token", "token_type", "expires_at", "device_id", "user"}


def test_the_same_install_signing_in_again_keeps_its_device_and_gets_its_key_back(client, officer, db):
    first = sign_in(client, device_secret=SECRET)
    device_id = first.get_json()["device_id"]
    again = sign_in(client, device_secret=SECRET, recover_device_id=device_id)
    assert again.status_code == 201
    assert again.get_json()["device_id"] == device_id
    assert key_of(again) == key_of(first)
    # A new token for the same device; the old one no longer works.
    assert again.get_json()["token"] != first.get_json()["token"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Device)) == 1
    old = {"Authorization": f"Bearer {first.get_json()['token']}"}
    assert client.get("/api/v1/me", headers=old).status_code == 401
    new = {"Authorization": f"Bearer {again.get_json()['token']}"}
    assert client.get("/api/v1/me", headers=new).status_code == 200


def test_another_install_cannot_get_the_key_even_with_the_password(client, officer):
    first = sign_in(client, device_secret=SECRET)
    device_id = first.get_json()["device_id"]
    other = sign_in(client, device_secret=OTHER_SECRET, recover_device_id=device_id)
    assert other.status_code == 201
    assert other.get_json()["device_id"] != device_id
    assert key_of(other) != key_of(first)


def test_another_officer_cannot_get_the_key(client, officer, make_user, area):
    make_user("officer", area, username="bo")
    device_id = sign_in(client, device_secret=SECRET).get_json()["device_id"]
    first_key = key_of(sign_in(client, device_secret=SECRET, recover_device_id=device_id))
    answer = sign_in(client, "bo", device_secret=SECRET, recover_device_id=device_id)
    assert answer.get_json()["device_id"] != device_id
    assert key_of(answer) != first_key


def test_a_wrong_password_releases_nothing(client, officer):
    device_id = sign_in(client, device_secret=SECRET).get_json()["device_id"]
    answer = sign_in(client, password="wrong password", device_secret=SECRET, recover_device_id=device_id)
    assert answer.status_code == 401
    assert "recovery_key" not in answer.get_data(as_text=True)


def test_signing_out_destroys_the_key_and_the_device_cannot_recover(client, officer, db):
    first = sign_in(client, device_secret=SECRET)
    device_id = first.get_json()["device_id"]
    headers = {"Authorization": f"Bearer {first.get_json()['token']}"}
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert db.session.scalar(db.select(db.func.count()).select_from(DeviceRecovery)) == 0
    again = sign_in(client, device_secret=SECRET, recover_device_id=device_id)
    assert again.get_json()["device_id"] != device_id
    assert key_of(again) != key_of(first)


def test_a_device_revoked_by_its_supervisor_cannot_recover(client, officer, supervisor, login, db):
    first = sign_in(client, device_secret=SECRET)
    device_id = first.get_json()["device_id"]
    login("sven")
    url = f"/supervisor/people/{officer.id}"
    action = re.search(r'action="(/supervisor/devices/[^"]+/revoke)"', client.get(url).get_data(as_text=True))
    response = client.post(action.group(1), data={"csrf_token": csrf_token(client, url), "confirm": "yes"})
    assert response.status_code in (302, 303)
    assert db.session.scalars(db.select(Device)).one().revoked_at is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(DeviceRecovery)) == 0
    again = sign_in(client, device_secret=SECRET, recover_device_id=device_id)
    assert again.get_json()["device_id"] != device_id
    assert key_of(again) != key_of(first)


def test_the_key_is_stored_sealed_and_the_secret_only_as_a_hash(client, officer, db):
    answer = sign_in(client, device_secret=SECRET)
    row = db.session.scalars(db.select(DeviceRecovery)).one()
    assert key_of(answer) not in row.sealed_key
    assert SECRET not in row.secret_hash and len(row.secret_hash) == 64
