"""The API's own words follow the user's language (issue 10 C1): the bearer token's user, else Accept-Language,
Swedish by default. Codes and field names never change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.sync_support import push_results, upsert, visit_data


def _old_visit(hotspot):
    return visit_data(hotspot, datetime.now(UTC) - timedelta(days=200), mode="skate")


def test_a_swedish_officer_gets_swedish_reasons_in_a_push(client, officer, hotspot, auth):
    [result] = push_results(client, auth(officer), upsert(data=_old_visit(hotspot)))
    error = result["error"]
    assert error["code"] == "validation_error"
    assert error["fields"]["mode"] == ["Måste vara en av: foot, vehicle, bicycle, drive_through, other."]


def test_a_swedish_officer_gets_swedish_visit_rules(client, officer, hotspot, auth):
    data = _old_visit(hotspot)
    data["mode"] = "foot"
    [result] = push_results(client, auth(officer), upsert(data=data))
    assert result["error"]["fields"] == {"started_at": ["Äldre än 90 dagar."]}
    assert result["error"]["message"] == "Besöket är inte giltigt."


def test_an_english_officer_gets_english_reasons(client, officer, hotspot, auth, set_locale):
    set_locale(officer, "en")
    data = _old_visit(hotspot)
    data["mode"] = "foot"
    [result] = push_results(client, auth(officer), upsert(data=data))
    assert result["error"]["fields"] == {"started_at": ["Older than 90 days."]}


def test_the_envelope_follows_the_users_language(client, officer, auth, set_locale):
    swedish = client.get("/api/v1/coverage?from=2026-02-01&to=2026-01-01", headers=auth(officer)).get_json()
    set_locale(officer, "en")
    english = client.get("/api/v1/coverage?from=2026-02-01&to=2026-01-01", headers=auth(officer)).get_json()
    assert swedish["error"]["code"] == english["error"]["code"]
    assert swedish["error"]["message"] != english["error"]["message"]


def test_the_users_language_wins_over_accept_language(client, officer, auth):
    headers = auth(officer, **{"Accept-Language": "en"})
    response = client.get("/api/v1/hotspots/not-a-uuid", headers=headers)
    assert response.get_json()["error"]["message"] == "Det finns inget på den här adressen."


def test_without_a_user_accept_language_decides_and_swedish_is_the_default(client, officer):
    body = {"username": "anna", "password": "wrong", "device_name": "x"}
    swedish = client.post("/api/v1/auth/token", json=body).get_json()["error"]
    english = client.post("/api/v1/auth/token", json=body, headers={"Accept-Language": "en-GB,en;q=0.8"}).get_json()
    english = english["error"]
    assert swedish["code"] == english["code"] == "invalid_credentials"
    assert swedish["message"] == "Fel användarnamn eller lösenord, eller så är kontot avstängt."
    assert english["message"].startswith("Wrong username")


def test_missing_fields_are_named_in_swedish(client):
    response = client.post("/api/v1/auth/token", json={"username": "anna"})
    fields = response.get_json()["error"]["fields"]
    assert fields == {"password": ["Obligatoriskt fält saknas."], "device_name": ["Obligatoriskt fält saknas."]}


def test_unauthorized_is_swedish_by_default(client):
    assert client.get("/api/v1/me").get_json()["error"]["message"].startswith("Logga in")


def test_a_query_error_before_authentication_is_in_the_users_language(client, officer, auth, set_locale):
    set_locale(officer, "en")
    response = client.get("/api/v1/visits?officer=a%00b", headers=auth(officer))
    assert response.get_json()["error"]["fields"] == {"officer": ["Must not contain a NUL character."]}


def test_every_message_template_has_a_swedish_translation(app):
    from flask_babel import force_locale, gettext

    from fieldlog.api.messages import TEMPLATES

    with app.test_request_context("/api/v1/me"), force_locale("sv"):
        missing = [t for t in TEMPLATES if gettext(t) == t]
    assert missing == []


def test_a_message_matching_two_templates_takes_the_more_specific(client, officer, hotspot, auth):
    """A message matching "More than %(limit)s." and the clock rule takes the longer template: it reads Swedish."""
    data = visit_data(hotspot, datetime.now(UTC) + timedelta(hours=2), minutes=10)
    [result] = push_results(client, auth(officer), upsert(data=data))
    assert result["error"]["fields"]["started_at"] == ["Mer än 10 minuter före serverns klocka."]
