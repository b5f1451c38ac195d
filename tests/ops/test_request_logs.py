"""One log line per request (issue 16): method, route, status, duration, user id — and nothing a person typed."""

from __future__ import annotations

import json
import logging

from fieldlog.ops.logs import JsonFormatter, formatter
from tests.api.sync_support import push_results, upsert, visit_data
from tests.fixtures.users import PASSWORD


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "fieldlog.request"]


def test_each_request_logs_one_line_with_method_route_status_duration_and_user(client, officer, hotspot, auth, caplog):
    headers = auth(officer)
    caplog.set_level(logging.INFO, logger="fieldlog")
    client.get(f"/api/v1/hotspots/{hotspot.id}", headers=headers)
    (record,) = request_records(caplog)
    assert record.method == "GET"
    assert record.route == "/api/v1/hotspots/<uuid:hotspot_id>"
    assert record.status == 200
    assert record.duration_ms >= 0
    assert record.user_id == officer.id
    assert record.getMessage().startswith("GET /api/v1/hotspots/<uuid:hotspot_id> 200 ")
    assert record.getMessage().endswith(f" user={officer.id}")


def test_an_anonymous_request_logs_no_user(client, caplog):
    caplog.set_level(logging.INFO, logger="fieldlog")
    client.get("/no/such/page")
    (record,) = request_records(caplog)
    assert (record.route, record.status, record.user_id) == ("-", 404, None)


def test_request_lines_never_hold_tokens_passwords_notes_or_positions(client, officer, hotspot, caplog):
    caplog.set_level(logging.DEBUG)
    token = client.post(
        "/api/v1/auth/token", json={"username": "anna", "password": PASSWORD, "device_name": "x"}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    data = visit_data(hotspot, notes="Secret-note-text", position={"lat": 57.123456, "lon": 13.654321, "accuracy_m": 7})
    assert push_results(client, headers, upsert(data=data))[0]["status"] == "applied"
    client.get("/api/v1/sync/pull?cursor=Secret-cursor-xyz", headers=headers)
    lines = [JsonFormatter().format(r) for r in caplog.records] + [r.getMessage() for r in caplog.records]
    text = "\n".join(lines)
    assert len(request_records(caplog)) == 3
    for secret in (PASSWORD, token, "Secret-note-text", "57.123456", "13.654321", "Secret-cursor-xyz"):
        assert secret not in text


def test_json_format_gives_one_json_object_per_line(app, client, caplog):
    app.config["LOG_FORMAT"] = "json"
    caplog.set_level(logging.INFO, logger="fieldlog")
    client.get("/healthz")
    (record,) = request_records(caplog)
    line = formatter(app).format(record)  # the formatter configure() gives the fieldlog loggers' handler
    assert "\n" not in line
    parsed = json.loads(line)
    assert {k: parsed[k] for k in ("level", "logger", "method", "route", "status", "user_id")} == {
        "level": "INFO",
        "logger": "fieldlog.request",
        "method": "GET",
        "route": "/healthz",
        "status": 200,
        "user_id": None,
    }
    assert isinstance(parsed["duration_ms"], float)
    assert parsed["time"].endswith("+00:00")
