"""A phone whose connection drops mid-request — half a body sent, or the whole request sent and the connection
closed before the answer is read — leaves the server healthy, and a retry of the same batch is applied exactly once.
Against real gunicorn workers; runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import socket
import tempfile

import pytest
import sqlalchemy as sa

from loadkit.database import prepare
from loadkit.load import make_visits
from loadkit.server import Server, request

pytestmark = pytest.mark.slow


@pytest.fixture
def served(server_database, workers, tmp_path):
    """The prepared database and gunicorn serving it; the server is stopped by the fixture."""
    instance = tempfile.mkdtemp(dir=tmp_path)
    fleet = prepare(server_database, instance, officers=1, supervisors=1)
    server = Server(server_database, instance, workers=workers, app="tests.faults.wsgi:create_app()")
    server.start()
    yield server, fleet
    server.close()


def push_body(visits) -> bytes:
    return json.dumps(
        {
            "protocol": 1,
            "mutations": [
                {"mutation_id": mid, "type": "visit.upsert", "record_id": rid, "base_rev": None, "data": data}
                for mid, (rid, data) in visits
            ],
        }
    ).encode()


def raw_request(address, token: str, body: bytes) -> bytes:
    head = (
        "POST /api/v1/sync/push HTTP/1.1\r\n"
        f"Host: {address[0]}:{address[1]}\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def stored(url: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            visits = conn.execute(sa.text("SELECT id, rev FROM visit")).all()
            mutations = conn.execute(sa.text("SELECT count(*) FROM sync_mutation")).scalar_one()
    finally:
        engine.dispose()
    return visits, mutations


def test_dropped_connections_leave_the_server_healthy_and_a_retry_applies_once(served, server_database):
    import uuid

    server, fleet = served
    officer = fleet.officers[0]
    visits = [(str(uuid.uuid4()), v) for v in make_visits(50, fleet.hotspots, seed=1)]
    body = push_body(visits)
    message = raw_request(server.address, officer.token, body)
    head_length = len(message) - len(body)

    for round_ in range(8):
        # Half the body, then the phone is gone.
        with socket.create_connection(server.address, timeout=10) as s:
            s.sendall(message[: head_length + len(body) // 2])
        # The headers only, then gone.
        with socket.create_connection(server.address, timeout=10) as s:
            s.sendall(message[:head_length])
        # Everything sent, the connection closed before the answer is read (the server may well commit this one).
        with socket.create_connection(server.address, timeout=10) as s:
            s.sendall(message)
            if round_ % 2:
                s.shutdown(socket.SHUT_RDWR)
        status, _ = request(server.address, "GET", "/healthz", timeout=10)
        assert status == 200

    # The phone retries the very same batch: every mutation applied once, as a replay of the first time or freshly.
    status, raw = request(server.address, "POST", "/api/v1/sync/push", body, officer.token, timeout=30)
    assert status == 200, raw
    results = json.loads(raw)["results"]
    assert [r["record_id"] for r in results] == [rid for _, (rid, _) in visits]
    assert {(r["status"], r["rev"]) for r in results} == {("applied", 1)}

    rows, mutations = stored(server_database)
    assert sorted(str(uuid.UUID(str(r.id))) for r in rows) == sorted(rid for _, (rid, _) in visits)
    assert {r.rev for r in rows} == {1}
    assert mutations == len(visits)

    # Still serving normally.
    status, raw = request(server.address, "GET", "/api/v1/sync/pull", token=officer.second_token, timeout=30)
    assert status == 200
    assert {c["id"] for c in json.loads(raw)["changes"] if c["type"] == "visit"} == {rid for _, (rid, _) in visits}
