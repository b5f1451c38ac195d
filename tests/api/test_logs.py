"""Secrets never reach the logs: not passwords, not bearer tokens."""

import logging

from tests.fixtures.users import PASSWORD


def test_sign_ins_and_api_calls_log_no_password_or_token(client, officer, caplog, login):
    caplog.set_level(logging.DEBUG)
    client.post("/api/v1/auth/token", json={"username": "anna", "password": "wrong-Secret-1", "device_name": "x"})
    token = client.post(
        "/api/v1/auth/token", json={"username": "anna", "password": PASSWORD, "device_name": "x"}
    ).get_json()["token"]
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-real-token-Secret-2"})
    login("anna", "wrong-Secret-3")
    assert caplog.records, "the sign-in failures should have been logged"
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (PASSWORD, "wrong-Secret-1", token, "not-a-real-token-Secret-2", "wrong-Secret-3"):
        assert secret not in text
