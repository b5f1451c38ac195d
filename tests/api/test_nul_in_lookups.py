"""A NUL character in a value the server looks up (PostgreSQL cannot hold or compare one) is a 400 naming the
field, never a 500 — found by fuzzing on PostgreSQL (``?area=%00`` as admin)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/api/v1/hotspots?area=%00", "/api/v1/hotspots/status?area=a%00b"])
def test_nul_in_the_area_query_is_a_400(client, admin, auth, path):
    response = client.get(path, headers=auth(admin))
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"area": ["Får inte innehålla ett NUL-tecken."]}


@pytest.mark.parametrize("field", ["username", "device_name"])
def test_nul_in_a_token_request_is_a_400(client, officer, field):
    body = {"username": "anna", "password": "x", "device_name": "phone", field: "an\x00na"}
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 400
    assert list(response.get_json()["error"]["fields"]) == [field]
