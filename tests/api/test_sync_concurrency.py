"""Concurrency over real HTTP: phones push (and retry) while a supervisor edits hot spots and another phone follows
the pull cursor page by page. At the end the follower holds exactly what the server holds: no change was missed,
whatever order the concurrent transactions committed in.

Written for PostgreSQL (where transactions truly overlap); it runs on SQLite as well, where writers take turns.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from fieldlog.hotspots.models import HotSpot
from fieldlog.visits.models import Visit
from tests.api.sync_support import iso


@pytest.fixture
def server(app):
    """The app under a real threaded WSGI server; yields (host, port)."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield ("127.0.0.1", httpd.server_port)
    httpd.shutdown()
    thread.join(timeout=5)


class Http:
    """One client with its own connection, as each phone has."""

    def __init__(self, address, token: str):
        self.address = address
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict | None, dict]:
        conn = http.client.HTTPConnection(*self.address, timeout=60)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=payload, headers={**self.headers, **(headers or {})})
            response = conn.getresponse()
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None), dict(response.getheaders())
        finally:
            conn.close()


def visit(hotspot_id: str, minutes_ago: int, notes: str = "") -> dict:
    started = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return {
        "hotspot_id": hotspot_id,
        "started_at": iso(started),
        "ended_at": iso(started + timedelta(minutes=12)),
        "notes": notes,
    }


def test_follower_sees_every_change_under_concurrent_pushes_and_edits(
    server, app, make_token, officer, supervisor, area, make_hotspot, make_user, db
):
    spots = [make_hotspot(area, f"Spot {i}") for i in range(4)]
    spot_ids = [str(s.id) for s in spots]
    other_officer = make_user("officer", area, username="bo")
    errors: list[str] = []
    done = threading.Event()

    def pusher(seed: int, token: str) -> None:
        rng = random.Random(seed)
        client = Http(server, token)
        mine: dict[str, int] = {}
        try:
            for round_ in range(6):
                mutations = []
                for _ in range(15):
                    record = str(uuid.uuid4())
                    data = visit(rng.choice(spot_ids), rng.randint(20, 600), f"r{round_}")
                    mutations.append(
                        {"mutation_id": str(uuid.uuid4()), "type": "visit.upsert", "record_id": record, "data": data}
                    )
                for record, rev in rng.sample(sorted(mine.items()), min(4, len(mine))):
                    kind = rng.choice(["visit.upsert", "visit.delete"])
                    mutation = {"mutation_id": str(uuid.uuid4()), "type": kind, "record_id": record, "base_rev": rev}
                    if kind == "visit.upsert":
                        mutation["data"] = visit(rng.choice(spot_ids), 30, f"edit {round_}")
                    mutations.append(mutation)
                for attempt in range(2):  # the answer "got lost": the phone sends the same batch again
                    status, body, _ = client.call("POST", "/api/v1/sync/push", {"protocol": 1, "mutations": mutations})
                    if status != 200:
                        errors.append(f"push {status} {body}")
                        return
                    for result in body["results"]:
                        if result["status"] in ("applied", "conflict"):
                            mine[result["record_id"]] = result["rev"]
                        elif attempt == 0:
                            errors.append(f"rejected {result}")
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            errors.append(repr(e))

    def editor(token: str) -> None:
        client = Http(server, token)
        rng = random.Random(7)
        try:
            for i in range(20):
                spot = rng.choice(spot_ids)
                status, body, headers = client.call("GET", f"/api/v1/hotspots/{spot}")
                rev = body["rev"]
                status, body, _ = client.call(
                    "PATCH", f"/api/v1/hotspots/{spot}", {"description": f"edit {i}"}, {"If-Match": f'"{rev}"'}
                )
                if status not in (200, 412):
                    errors.append(f"patch {status} {body}")
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    mirror: dict[tuple[str, str], tuple[int, bool]] = {}
    follower = Http(server, make_token(officer, "follower"))

    def apply_page(page: dict) -> None:
        if page["reset"]:
            mirror.clear()
        for change in page["changes"]:
            key = (change["type"], change["id"])
            if key in mirror and mirror[key][0] > change["rev"]:
                errors.append(f"rev went back for {key}: {mirror[key][0]} -> {change['rev']}")
            mirror[key] = (change["rev"], change["deleted"])

    # The snapshot comes first, so that every later change — tombstones included — reaches the follower.
    status, first, _ = follower.call("GET", "/api/v1/sync/pull?limit=7")
    assert status == 200 and first["reset"]
    apply_page(first)
    start = {"cursor": first["cursor"]}

    def follow() -> None:
        cursor = start["cursor"]
        try:
            while True:
                finishing = done.is_set()
                while True:
                    query = f"?limit=7&cursor={cursor}" if cursor else "?limit=7"
                    status, page, _ = follower.call("GET", "/api/v1/sync/pull" + query)
                    if status != 200:
                        errors.append(f"pull {status} {page}")
                        return
                    apply_page(page)
                    cursor = page["cursor"]
                    if not page["has_more"]:
                        break
                if finishing:
                    return
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    workers = [
        threading.Thread(target=pusher, args=(1, make_token(officer, "phone 1"))),
        threading.Thread(target=pusher, args=(2, make_token(officer, "phone 2"))),
        threading.Thread(target=pusher, args=(3, make_token(other_officer, "phone 3"))),
        threading.Thread(target=editor, args=(make_token(supervisor, "desk"),)),
    ]
    following = threading.Thread(target=follow)
    following.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    done.set()
    following.join(timeout=120)
    assert not errors, errors[:5]

    db.session.rollback()
    expected = {("hotspot", str(h.id)): (h.rev, h.deleted) for h in db.session.scalars(sa.select(HotSpot))}
    for v in db.session.scalars(sa.select(Visit).where(Visit.officer_id == officer.id)):
        expected[("visit", str(v.id))] = (v.rev, v.deleted)
    assert mirror == expected
    visits = [state for (kind, _), state in expected.items() if kind == "visit"]
    assert len(visits) == 2 * 6 * 15 and any(deleted for _, deleted in visits)
    assert any(rev > 1 for (kind, _), (rev, _) in expected.items() if kind == "hotspot")


def _at_once(count: int, work) -> list:
    """Run work(i) in count threads released together; return their results in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as e:  # noqa: BLE001
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_the_same_batch_pushed_at_once_from_two_connections_is_stored_once(server, make_token, officer, hotspot, db):
    token = make_token(officer)
    mutations = [
        {
            "mutation_id": str(uuid.uuid4()),
            "type": "visit.upsert",
            "record_id": str(uuid.uuid4()),
            "data": visit(str(hotspot.id), 30 + i),
        }
        for i in range(40)
    ]
    answers = _at_once(
        4, lambda i: Http(server, token).call("POST", "/api/v1/sync/push", {"protocol": 1, "mutations": mutations})
    )
    for status, body, _ in answers:
        assert status == 200, body
        assert [(r["status"], r["rev"]) for r in body["results"]] == [("applied", 1)] * 40
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 40


def test_racing_updates_of_one_visit_apply_exactly_one(server, make_token, officer, hotspot, db):
    token = make_token(officer)
    client = Http(server, token)
    record = str(uuid.uuid4())
    create = {"mutation_id": str(uuid.uuid4()), "type": "visit.upsert", "record_id": record}
    create["data"] = visit(str(hotspot.id), 60)
    assert client.call("POST", "/api/v1/sync/push", {"protocol": 1, "mutations": [create]})[0] == 200

    def edit(i: int):
        mutation = {"mutation_id": str(uuid.uuid4()), "type": "visit.upsert", "record_id": record, "base_rev": 1}
        mutation["data"] = visit(str(hotspot.id), 60, f"edit {i}")
        return Http(server, token).call("POST", "/api/v1/sync/push", {"protocol": 1, "mutations": [mutation]})

    answers = _at_once(4, edit)
    statuses = sorted(body["results"][0]["status"] for status, body, _ in answers if status == 200)
    assert statuses == ["applied", "conflict", "conflict", "conflict"], answers
    db.session.rollback()
    stored = db.session.get(Visit, uuid.UUID(record))
    assert stored.rev == 2
