"""Responses racing over real HTTP (SPEC §7): the same response sent at once by several connections is stored once
(the others answer 200, the replay), and one code used at once by several respondents answers exactly one of them.
Written for PostgreSQL, where the transactions truly overlap; on SQLite the writers take turns."""

from __future__ import annotations

import http.client
import json
import threading
import uuid

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from fieldlog.surveys.models import SurveyCode, SurveyResponse
from fieldlog.surveys.services import code_hash

RACERS = 6


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield ("127.0.0.1", httpd.server_port)
    httpd.shutdown()
    thread.join(timeout=5)


def race(address, path: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    """Each body posted on its own connection, all released at once."""
    start = threading.Barrier(len(bodies))
    results: list = [None] * len(bodies)

    def post(i: int) -> None:
        conn = http.client.HTTPConnection(*address, timeout=60)
        try:
            payload = json.dumps(bodies[i]).encode()
            start.wait()
            conn.request("POST", path, body=payload, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            results[i] = (response.status, json.loads(response.read()))
        finally:
            conn.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_same_response_sent_at_once_is_stored_once(server, db, survey):
    body = {"response_id": str(uuid.uuid4()), "answers": {"evening_safety": "very_safe"}}
    results = race(server, f"/api/v1/surveys/{survey.id}/responses", [body] * RACERS)
    assert sorted(status for status, _ in results) == [200] * (RACERS - 1) + [201]
    assert {answer["response_id"] for _, answer in results} == {body["response_id"]}
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_one_code_used_at_once_answers_exactly_one(server, db, make_survey, area):
    survey = make_survey(area, mode="codes")
    db.session.add(SurveyCode(survey_id=survey.id, code_hash=code_hash("RACER-CODE7")))
    db.session.commit()
    bodies = [{"response_id": str(uuid.uuid4()), "answers": {}, "code": "RACER-CODE7"} for _ in range(RACERS)]
    results = race(server, f"/api/v1/surveys/{survey.id}/responses", bodies)
    assert sorted(status for status, _ in results) == [201] + [409] * (RACERS - 1)
    assert {answer["error"]["code"] for status, answer in results if status == 409} == {"code_used"}
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
