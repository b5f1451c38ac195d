"""Proof of backup and restore (issue 16 §2): phones push and pull over real HTTP while ``fieldlog backup`` runs; the
backup is restored into a fresh instance, and

* every visit acknowledged before the backup began is there, with the same id, rev and tombstone (or a later state
  that was itself acknowledged, when the phone changed it again while the backup ran);
* every mutation acknowledged before the backup is still known: sent again, it answers as the first time;
* every pull cursor handed out before the backup answers the restored server with a reset or a continuation that
  brings the phone's copy exactly to the server's — never a gap;
* ``fieldlog coverage check`` passes on the restored copy.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.request
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldlog import create_app
from fieldlog.extensions import db as _db
from tests.fixtures.app import base_config

PHONES = 3
BATCH_NEW = 4
PUSHES_BEFORE_BACKUP = 6
PUSHES_AFTER_BACKUP = 3


def call(base: str, method: str, path: str, token: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (the local test server)
        return json.loads(response.read())


class Phone(threading.Thread):
    """One officer's phone: pushes new visits, edits and deletes of its own, and pulls, until told to stop."""

    def __init__(self, base: str, token: str, hotspot_ids: list[str], seed: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.base, self.token, self.hotspot_ids, self.stop = base, token, hotspot_ids, stop
        self.rnd = random.Random(seed)
        self.state: dict[str, tuple[int, bool]] = {}  # record → (rev, deleted), as acknowledged
        self.acks: dict[str, list[tuple[float, int, bool]]] = defaultdict(list)  # record → (when, rev, deleted)
        self.applied: list[tuple[float, dict, dict]] = []  # (when, mutation, result)
        self.pulls: list[tuple[float, str, dict]] = []  # (when, cursor, the copy it stands for)
        self.copy: dict[str, tuple[int, bool]] = {}
        self.cursor: str | None = None
        self.pushes = 0
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.push()
                self.pull()
        except BaseException as e:  # noqa: BLE001 (reported by the test)
            self.failure = e

    def visit(self) -> dict:
        started = datetime.now(UTC) - timedelta(days=self.rnd.randint(0, 6), minutes=self.rnd.randint(30, 600))
        return {
            "hotspot_id": self.rnd.choice(self.hotspot_ids),
            "started_at": started.isoformat(),
            "ended_at": (started + timedelta(minutes=self.rnd.choice((4, 11, 14, 22)))).isoformat(),
            "mode": "foot",
            "officers": self.rnd.randint(1, 3),
            "notes": "",
        }

    def push(self) -> None:
        mutations = [
            {
                "mutation_id": str(uuid.uuid4()),
                "type": "visit.upsert",
                "record_id": str(uuid.uuid4()),
                "data": self.visit(),
            }
            for _ in range(BATCH_NEW)
        ]
        live = sorted(r for r, (_rev, deleted) in self.state.items() if not deleted)
        for kind in ("visit.upsert", "visit.delete"):
            if live:
                record = live.pop(self.rnd.randrange(len(live)))
                mutation = {"mutation_id": str(uuid.uuid4()), "type": kind, "record_id": record}
                mutation["base_rev"] = self.state[record][0]
                if kind == "visit.upsert":
                    mutation["data"] = self.visit()
                mutations.append(mutation)
        results = call(self.base, "POST", "/api/v1/sync/push", self.token, {"protocol": 1, "mutations": mutations})
        when = time.monotonic()
        for mutation, result in zip(mutations, results["results"], strict=True):
            assert result["status"] == "applied", result
            state = (result["rev"], mutation["type"] == "visit.delete")
            self.state[mutation["record_id"]] = state
            self.acks[mutation["record_id"]].append((when, *state))
            self.applied.append((when, mutation, result))
        self.pushes += 1

    def pull(self) -> None:
        self.cursor, self.copy, _reset = pull_all(
            lambda path: call(self.base, "GET", path, self.token), self.cursor, self.copy
        )
        self.pulls.append((time.monotonic(), self.cursor, dict(self.copy)))


def pull_all(get, cursor: str | None, copy: dict) -> tuple[str, dict, bool]:
    """Pull every page from ``cursor``: the new cursor, the phone's copy of its visits afterwards (a reset replaces
    it), and whether the server answered with a reset."""
    copy = dict(copy)
    reset = False
    while True:
        page = get("/api/v1/sync/pull?limit=50" + (f"&cursor={cursor}" if cursor else ""))
        if page["reset"]:
            copy, reset = {}, True
        for change in page["changes"]:
            if change["type"] == "visit":
                copy[change["id"]] = (change["rev"], change["deleted"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor, copy, reset


def live(copy: dict) -> dict[str, int]:
    return {record: rev for record, (rev, deleted) in copy.items() if not deleted}


@pytest.fixture
def restored(scratch_database, tmp_path):
    app = create_app(base_config(scratch_database("proof"), str(tmp_path / "restored-instance")))
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_a_backup_taken_under_pushes_restores_every_acknowledged_visit_and_serves_old_cursors_without_gaps(
    app,
    runner,
    live_server,
    area,
    make_user,
    make_hotspot,
    make_token,
    restored,
    tmp_path,
):
    hotspot_ids = [str(make_hotspot(area, name).id) for name in ("Torget", "ICA-området", "Busstationen")]
    officers = [make_user("officer", area, username=f"phone{i}") for i in range(PHONES)]
    tokens = [make_token(officer) for officer in officers]
    stop = threading.Event()
    phones = [Phone(live_server, token, hotspot_ids, seed, stop) for seed, token in enumerate(tokens)]
    for phone in phones:
        phone.start()

    def wait_for(pushes: int) -> None:
        deadline = time.monotonic() + 120
        while any(p.pushes < pushes and p.failure is None for p in phones):
            assert time.monotonic() < deadline, "the phones did not get their pushes through"
            time.sleep(0.02)

    wait_for(PUSHES_BEFORE_BACKUP)
    file = tmp_path / "fieldlog.backup"
    counts_at = [p.pushes for p in phones]
    began = time.monotonic()
    result = runner.invoke(args=["backup", str(file)])
    assert result.exit_code == 0, result.output
    wait_for(max(counts_at) + PUSHES_AFTER_BACKUP)  # and the phones carry on after it
    stop.set()
    for phone in phones:
        phone.join(timeout=60)
        assert phone.failure is None, repr(phone.failure)
    assert all(any(when > began for when, _m, _r in p.applied) for p in phones), "pushes must go on past the backup"

    result = restored.test_cli_runner().invoke(args=["restore", str(file)])
    assert result.exit_code == 0, result.output
    assert "Coverage check: all" in result.output

    with restored.app_context():
        rows = _db.session.execute(sa.text("SELECT id, rev, deleted FROM visit")).all()
        stored = {str(uuid.UUID(str(r[0]))): (r[1], bool(r[2])) for r in rows}
        from fieldlog.coverage.check import check

        assert check(_db.session).differences == []

    acknowledged_before = 0
    for phone in phones:
        for record, acks in phone.acks.items():
            before = [i for i, (when, _rev, _deleted) in enumerate(acks) if when < began]
            if not before:
                continue
            acknowledged_before += 1
            assert record in stored, f"visit {record}, acknowledged before the backup, is missing"
            later_states = [(rev, deleted) for _when, rev, deleted in acks[before[-1] :]]
            assert stored[record] in later_states, (record, stored[record], acks)
            if before[-1] == len(acks) - 1:
                assert stored[record] == acks[-1][1:]  # nothing changed it after: exactly that rev and tombstone
    assert acknowledged_before >= PHONES * PUSHES_BEFORE_BACKUP * BATCH_NEW

    client = restored.test_client()
    continued = 0
    for phone, token in zip(phones, tokens, strict=True):
        headers = {"Authorization": f"Bearer {token}"}  # its device is in the backup: it signs in as before

        # Exactly once across the restore: a mutation acknowledged before the backup answers as the first time.
        for when, mutation, first in phone.applied[:: max(1, len(phone.applied) // 10)]:
            if when < began:
                body = client.post("/api/v1/sync/push", json={"protocol": 1, "mutations": [mutation]}, headers=headers)
                assert body.status_code == 200
                again = body.get_json()["results"][0]
                assert (again["status"], again["rev"]) == (first["status"], first["rev"])

        officer_visits = {record: state for record, state in stored.items() if record in phone.acks}
        cursors = [(cursor, copy) for when, cursor, copy in phone.pulls if when < began]
        assert cursors, "the phone pulled before the backup"
        for cursor, copy in cursors[:: max(1, len(cursors) // 4)] + [cursors[-1]]:

            def get(path, headers=headers):
                response = client.get(path, headers=headers)
                assert response.status_code == 200, response.get_data(as_text=True)
                return response.get_json()

            _cursor, caught_up, reset = pull_all(get, cursor, copy)
            assert live(caught_up) == live(officer_visits), "the phone's copy differs from the restored server's"
            continued += not reset
    assert continued, "cursors from before the backup continue (a reset would be allowed, but is not what happens)"
