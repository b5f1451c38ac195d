"""``/healthz`` and ``/metrics`` (issue 16): what an operator and Prometheus see, and what the public does not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from fieldlog import create_app
from fieldlog.ops.metrics import QueueClock
from tests.api.sync_support import push_results, upsert, visit_data
from tests.fixtures.app import base_config
from tests.fixtures.users import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-tests"


@pytest.fixture
def metrics_app(app):
    app.config["METRICS_TOKEN"] = TOKEN
    return app


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def test_healthz_answers_up_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "up"}


def test_healthz_answers_503_without_detail_when_the_database_is_unreachable(tmp_path):
    url = "postgresql+psycopg://fieldlog:secret-pw@127.0.0.1:1/nowhere"
    app = create_app(base_config(url, str(tmp_path / "instance")))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "database unreachable"}
    body = response.get_data(as_text=True)
    for detail in ("127.0.0.1", "nowhere", "secret-pw", "psycopg", "refused"):
        assert detail not in body


def test_metrics_do_not_exist_without_a_configured_token(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


def test_metrics_refuse_a_missing_or_wrong_token(metrics_app, client, officer, auth):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers=auth(officer)).status_code == 403  # a user's token is not the token


def test_metrics_count_requests_per_route_by_endpoint_not_raw_path(metrics_app, client, supervisor, hotspot, auth):
    headers = auth(supervisor)
    before = scrape(client)
    key = (
        "fieldlog_http_requests_total",
        (("method", "GET"), ("route", "api.hotspots.get_hotspot"), ("status", "200")),
    )
    for _ in range(2):
        assert client.get(f"/api/v1/hotspots/{hotspot.id}", headers=headers).status_code == 200
    after = scrape(client)
    assert after[key] - before.get(key, 0) == 2
    latency = (
        "fieldlog_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "api.hotspots.get_hotspot")),
    )
    assert after[latency] - before.get(latency, 0) == 2
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    assert str(hotspot.id) not in text


def test_metrics_count_push_mutations_by_status(metrics_app, client, officer, hotspot, auth):
    headers = auth(officer)
    before = scrape(client)
    results = push_results(
        client,
        headers,
        upsert(data=visit_data(hotspot)),
        upsert(data=visit_data(hotspot)),
        upsert(data=visit_data(hotspot, mode="rocket")),
    )
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    after = scrape(client)

    def delta(status):
        key = ("fieldlog_push_mutations_total", (("status", status),))
        return after.get(key, 0) - before.get(key, 0)

    assert (delta("applied"), delta("rejected")) == (2, 1)


def test_metrics_count_sign_in_failures_on_the_api_and_the_page(metrics_app, client, officer, login):
    before = scrape(client)
    client.post("/api/v1/auth/token", json={"username": "anna", "password": "wrong", "device_name": "x"})
    login("anna", "wrong")
    login("anna", PASSWORD)  # a success is not a failure
    after = scrape(client)

    def delta(via):
        key = ("fieldlog_sign_in_failures_total", (("via", via),))
        return after.get(key, 0) - before.get(key, 0)

    assert (delta("api"), delta("page")) == (1, 1)


def test_metrics_show_the_coverage_refresh_queue(metrics_app, client, officer, hotspot, make_visit):
    assert scrape(client)[("fieldlog_coverage_refresh_queue_rows", ())] == 0
    make_visit(hotspot, officer)
    make_visit(hotspot, officer)
    samples = scrape(client)
    assert samples[("fieldlog_coverage_refresh_queue_rows", ())] == 2
    assert samples[("fieldlog_coverage_refresh_oldest_age_seconds", ())] >= 0
    assert samples[("fieldlog_database_up", ())] == 1


def test_queue_clock_ages_the_oldest_row_from_the_first_scrape_that_saw_it(tmp_path):
    clock = QueueClock(tmp_path / "clock.json")
    assert clock.age(None, None, now=100) == 0
    assert clock.age(1, 5, now=100) == 0  # first seen now
    assert clock.age(1, 9, now=130) == 30  # rows 1..5 were there at 100
    assert clock.age(6, 9, now=160) == 30  # row 6 was first seen at 130
    assert clock.age(10, 12, now=200) == 0  # rows 1..9 drained: row 10 is new
    assert clock.age(None, None, now=210) == 0
    assert clock.age(1, 2, now=220) == 0  # an emptied queue starts the clock again


def test_metrics_add_up_every_worker_in_multiprocess_mode(tmp_path, database_url):
    """With PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets it), two processes' requests appear in one scrape."""
    script = f"""
import json, sys
from fieldlog import create_app
from tests.fixtures.app import base_config
config = base_config({database_url!r}, {str(tmp_path / "instance")!r})
config["METRICS_TOKEN"] = {TOKEN!r}
client = create_app(config).test_client()
client.get("/healthz")
if sys.argv[1] == "scrape":
    print(client.get("/metrics", headers={{"Authorization": "Bearer {TOKEN}"}}).get_data(as_text=True))
"""
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prom"))
    (tmp_path / "prom").mkdir()
    for mode in ("serve", "scrape"):
        done = subprocess.run(
            [sys.executable, "-c", script, mode], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
    samples = {
        (s.name, json.dumps(s.labels, sort_keys=True)): s.value
        for family in text_string_to_metric_families(done.stdout)
        for s in family.samples
    }
    key = ("fieldlog_http_requests_total", json.dumps({"method": "GET", "route": "ops.healthz", "status": "200"}))
    assert samples[key] == 2
