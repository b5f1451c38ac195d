"""Load under concurrency (SPEC §5): many phones pushing with retries, supervisors reading, phones pulling, against
the app under gunicorn — then the database is checked: every visit stored exactly once, no server error.

``run_load`` is the whole run (bench/load.py at 100,000 visits, tests/load at 5,000, tests/faults with a fault beside
it); its parts — the phones' visits (``make_visits``), the clients, the tally and the report — are here too.
"""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from loadkit.database import Fleet, Officer, prepare
from loadkit.server import RETRYABLE_ERRORS, Server, request

MODES = ["foot", "vehicle", "bicycle", "drive_through"]
OBSERVATIONS = ["nothing_to_report", "youth_gathering", "disorder", "vandalism", "graffiti", "traffic"]


def make_visits(count: int, hotspots: list[dict], seed: int) -> list[tuple[str, dict]]:
    """A phone's visits: ``(record_id, data)``, each with its own start time, all within the last 20 days."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    step = max(1, min(600, 20 * 86400 // max(count, 1)))
    visits = []
    for i in range(count):
        spot = hotspots[rng.randrange(len(hotspots))]
        started = (now - timedelta(hours=1, seconds=i * step)).replace(microsecond=0)
        visits.append(
            (
                str(uuid.uuid4()),
                {
                    "hotspot_id": spot["id"],
                    "started_at": started.isoformat(),
                    "ended_at": (started + timedelta(minutes=rng.randint(3, 25))).isoformat(),
                    "mode": rng.choice(MODES),
                    "officers": rng.randint(1, 3),
                    "observations": [rng.choice(OBSERVATIONS)],
                    "activities": ["visible_presence", "dialogue"] if i % 2 else ["visible_presence"],
                    "contacts": rng.randint(0, 5),
                    "notes": "" if i % 4 else "Lugnt vid busskuren; åtta ungdomar.",
                    "position": {"lat": spot["lat"] + 0.0003, "lon": spot["lon"], "accuracy_m": 12.0},
                },
            )
        )
    return visits


@dataclass
class Tally:
    """What the clients saw, merged across threads under a lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)  # HTTP status of every answered request, by route
    push_latencies: list[float] = field(default_factory=list)
    retries: int = 0
    transport_errors: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # unexpected answers: each is a failure
    sent: dict[int, set[str]] = field(default_factory=dict)  # user id -> record ids the phone had confirmed
    pushes_in_flight: int = 0
    reads: int = 0
    pulls: int = 0
    pull_mismatches: list[str] = field(default_factory=list)

    def status(self, route: str, status: int) -> None:
        with self.lock:
            self.statuses[(route, status)] += 1

    def problem(self, text: str) -> None:
        with self.lock:
            if len(self.problems) < 50:
                self.problems.append(text)
            else:
                self.problems[-1] = f"... and more; last: {text}"

    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.statuses.items() if status >= 500)

    def count(self, status: int) -> int:
        return sum(n for (_, s), n in self.statuses.items() if s == status)


class Pusher(threading.Thread):
    """A phone: pushes its visits batch by batch; on a timeout, a connection error or 503, sends the same batch
    again (same mutation ids) until it has an answer or the deadline passes."""

    def __init__(
        self,
        address,
        officer: Officer,
        visits: list[tuple[str, dict]],
        batch: int,
        tally: Tally,
        deadline: float,
        stop_new: threading.Event | None = None,
        timeout: float = 30,
    ):
        super().__init__(daemon=True, name=f"push-{officer.username}")
        self.address = address
        self.officer = officer
        self.visits = visits
        self.batch = batch
        self.tally = tally
        self.deadline = deadline
        self.stop_new = stop_new
        self.timeout = timeout
        self.attempted: list[str] = []  # record ids of every batch this phone started to send
        self.confirmed: set[str] = set()
        self.rng = random.Random(officer.user_id)

    def run(self) -> None:
        for start in range(0, len(self.visits), self.batch):
            if self.stop_new is not None and self.stop_new.is_set():
                break
            chunk = self.visits[start : start + self.batch]
            self.attempted.extend(record_id for record_id, _ in chunk)
            body = json.dumps(
                {
                    "protocol": 1,
                    "mutations": [
                        {
                            "mutation_id": str(uuid.uuid4()),
                            "type": "visit.upsert",
                            "record_id": record_id,
                            "base_rev": None,
                            "data": data,
                        }
                        for record_id, data in chunk
                    ],
                }
            ).encode()
            if not self.send(body, [record_id for record_id, _ in chunk]):
                return

    def send(self, body: bytes, record_ids: list[str]) -> bool:
        attempt = 0
        while time.monotonic() < self.deadline:
            if attempt:
                with self.tally.lock:
                    self.tally.retries += 1
                time.sleep(min(1.0, 0.05 * 2 ** min(attempt, 5)) * (0.5 + self.rng.random()))
            attempt += 1
            with self.tally.lock:
                self.tally.pushes_in_flight += 1
            began = time.perf_counter()
            try:
                status, raw = request(self.address, "POST", "/api/v1/sync/push", body, self.officer.token, self.timeout)
            except RETRYABLE_ERRORS as e:
                with self.tally.lock:
                    self.tally.transport_errors[type(e).__name__] += 1
                continue
            finally:
                with self.tally.lock:
                    self.tally.pushes_in_flight -= 1
            elapsed = time.perf_counter() - began
            self.tally.status("push", status)
            if status == 503:
                continue
            if status != 200:
                self.tally.problem(f"{self.officer.username}: push answered {status}: {raw[:300]!r}")
                return False
            with self.tally.lock:
                self.tally.push_latencies.append(elapsed)
            results = json.loads(raw)["results"]
            if [r["record_id"] for r in results] != record_ids or any(r["status"] != "applied" for r in results):
                bad = [r for r in results if r["status"] != "applied"][:2]
                self.tally.problem(f"{self.officer.username}: push results not all applied: {bad}")
                return False
            self.confirmed.update(record_ids)
            return True
        self.tally.problem(f"{self.officer.username}: gave up on a batch at the deadline")
        return False


class Reader(threading.Thread):
    """A supervisor's screen: reads hot spot status (and coverage, when the server has it) until told to stop."""

    def __init__(self, address, token: str, paths: list[str], tally: Tally, stop: threading.Event):
        super().__init__(daemon=True, name="reader")
        self.address, self.token, self.paths, self.tally, self.stop = address, token, paths, tally, stop

    def run(self) -> None:
        while not self.stop.is_set():
            for path in self.paths:
                try:
                    status, raw = request(self.address, "GET", path, token=self.token, timeout=30)
                except RETRYABLE_ERRORS as e:
                    with self.tally.lock:
                        self.tally.transport_errors[type(e).__name__] += 1
                    continue
                route = path.split("?")[0]
                self.tally.status(route, status)
                with self.tally.lock:
                    self.tally.reads += 1
                if status not in (200, 503):
                    self.tally.problem(f"GET {path} answered {status}: {raw[:200]!r}")
            self.stop.wait(0.2)


class Puller(threading.Thread):
    """An officer's second phone: follows the pull cursor while the first one pushes; at the end it must hold
    exactly the officer's visits."""

    def __init__(self, address, officer: Officer, tally: Tally, stop: threading.Event, deadline: float):
        super().__init__(daemon=True, name=f"pull-{officer.username}")
        self.address, self.officer, self.tally, self.stop, self.deadline = address, officer, tally, stop, deadline
        self.cursor: str | None = None
        self.visits: dict[str, bool] = {}  # id -> live

    def pull_until_current(self) -> bool:
        while time.monotonic() < self.deadline:
            path = "/api/v1/sync/pull?limit=500" + (f"&cursor={self.cursor}" if self.cursor else "")
            try:
                status, raw = request(self.address, "GET", path, token=self.officer.second_token, timeout=30)
            except RETRYABLE_ERRORS as e:
                with self.tally.lock:
                    self.tally.transport_errors[type(e).__name__] += 1
                time.sleep(0.2)
                continue
            self.tally.status("pull", status)
            if status == 503:
                time.sleep(0.2)
                continue
            if status != 200:
                self.tally.problem(f"pull answered {status}: {raw[:200]!r}")
                return False
            with self.tally.lock:
                self.tally.pulls += 1
            page = json.loads(raw)
            if page["reset"]:
                self.visits.clear()
            for change in page["changes"]:
                if change["type"] == "visit":
                    self.visits[change["id"]] = not change["deleted"]
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return True
        return False

    def run(self) -> None:
        while not self.stop.is_set():
            self.pull_until_current()
            self.stop.wait(0.5)

    def finish(self, expected: set[str]) -> None:
        """One last walk after the pushes ended; then compare with what the officer's phone had confirmed."""
        if not self.pull_until_current():
            self.tally.pull_mismatches.append(f"{self.officer.username}: could not finish pulling")
            return
        held = {record_id for record_id, live in self.visits.items() if live}
        if held != expected:
            self.tally.pull_mismatches.append(
                f"{self.officer.username}: pulled {len(held)}, expected {len(expected)} "
                f"(missing {len(expected - held)}, extra {len(held - expected)})"
            )


@dataclass
class Report:
    expected: int  # visits the phones sent
    stored: int
    lost: int
    duplicated: int
    server_errors: int  # 5xx answers of any kind
    unavailable: int  # of which 503
    tally: Tally
    seconds: float
    notes: list[str]
    mutations_stored: int = 0
    unexpected_rows: int = 0

    @property
    def throughput(self) -> float:
        return self.stored / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        values = sorted(self.tally.push_latencies)
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.duplicated == 0
            and self.server_errors == 0
            and not self.tally.problems
            and not self.tally.pull_mismatches
        )

    def lines(self) -> list[str]:
        t = self.tally
        by_route = ", ".join(f"{route} {status}: {n}" for (route, status), n in sorted(t.statuses.items()))
        lines = [
            f"visits sent      : {self.expected}",
            f"visits stored    : {self.stored}",
            f"lost             : {self.lost}",
            f"duplicated       : {self.duplicated}  (rows beyond one per sent visit: {self.unexpected_rows})",
            f"server errors    : {self.server_errors}  (5xx answers; of which 503: {self.unavailable})",
            f"push p50 / p95   : {self.percentile(50) * 1000:.0f} ms / {self.percentile(95) * 1000:.0f} ms "
            f"(per HTTP attempt, {len(t.push_latencies)} answered pushes)",
            f"throughput       : {self.throughput:.0f} visits/s  ({self.stored} in {self.seconds:.1f} s)",
            f"retries          : {t.retries}  (transport errors: {dict(t.transport_errors) or 0})",
            f"reads / pulls    : {t.reads} supervisor reads, {t.pulls} pull pages",
            f"answers          : {by_route}",
        ]
        lines += [f"note             : {note}" for note in self.notes]
        lines += [f"PROBLEM          : {p}" for p in t.problems]
        lines += [f"PULL MISMATCH    : {p}" for p in t.pull_mismatches]
        return lines


def server_has_route(address, token: str, path: str) -> bool:
    status, raw = request(address, "GET", "/api/v1/openapi.json", token=token)
    return status == 200 and path in json.loads(raw).get("paths", {})


def coverage_days_differing(url: str, instance: str) -> int:
    """How many (hot spot, day) rows of coverage kept while the load ran differ from the same days rebuilt from
    scratch afterwards (0: no update was lost between the phones' pushes and the supervisors' refreshing reads).
    The rebuild is ``fieldlog coverage check``'s, rolled back."""
    from fieldlog import create_app
    from fieldlog.coverage.check import check
    from fieldlog.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "load-bench", "INSTANCE_PATH": instance})
    with app.app_context():
        report = check(db.session, "lasttest")
        db.session.remove()
        db.engine.dispose()
    return len(report.differences)


def count_database(url: str, fleet: Fleet, sent: dict[int, list[str]]) -> tuple[int, int, int, int, int]:
    """(stored, lost, duplicated, unexpected rows, mutations stored) for the fleet's officers."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    user_ids = [o.user_id for o in fleet.officers]
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT id, officer_id, rev, deleted FROM visit WHERE officer_id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": user_ids},
            ).all()
            # The same visit stored twice under any id: one officer cannot be at two starts at once.
            dup_groups = conn.execute(
                sa.text(
                    "SELECT count(*) - 1 FROM visit WHERE officer_id IN :ids "
                    "GROUP BY officer_id, started_at HAVING count(*) > 1"
                ).bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": user_ids},
            ).all()
            mutations = conn.execute(
                sa.text("SELECT count(*) FROM sync_mutation WHERE user_id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": user_ids},
            ).scalar_one()
    finally:
        engine.dispose()
    stored_ids = {str(uuid.UUID(str(r.id))) for r in rows}  # SQLite gives 32 hex digits
    expected = {record_id for ids in sent.values() for record_id in ids}
    lost = len(expected - stored_ids)
    unexpected = len(stored_ids - expected)
    # A visit applied twice would carry rev 2 or more (every one is sent once, as a create).
    twice = sum(1 for r in rows if r.rev != 1 or r.deleted)
    duplicated = sum(n for (n,) in dup_groups) + unexpected + twice
    return len(rows), lost, duplicated, unexpected, mutations


def run_load(
    url: str,
    instance: str,
    *,
    visits: int,
    clients: int,
    workers: int = 4,
    batch: int = 100,
    readers: int = 3,
    pullers: int = 5,
    deadline: float = 1800,
    server_app: str = "fieldlog:create_app()",
    server_env_extra: dict | None = None,
    fault: Callable[[Server, Tally, threading.Event], None] | None = None,
    until_fault_done: bool = False,
    fleet: Fleet | None = None,
    server_url: str | None = None,
) -> Report:
    """Prepare the database, start the server, run the clients (and ``fault`` beside them), check the database.

    With ``until_fault_done``, phones keep sending new batches (up to ``visits``) until ``fault`` returns, so the
    fault always strikes during pushes; then they finish the batch in hand. ``server_url`` is the database URL the
    server is given, when it differs from the one set up and checked here (a proxy in between).
    """
    fleet = fleet or prepare(url, instance, clients)
    per_client = [visits // clients + (1 if i < visits % clients else 0) for i in range(clients)]
    tally = Tally()
    stop = threading.Event()
    fault_done = threading.Event()
    ends = time.monotonic() + deadline
    notes: list[str] = []
    server = Server(server_url or url, instance, workers=workers, app=server_app, env=server_env_extra)
    server.start()
    try:
        sup = fleet.supervisor_tokens[0]
        paths = ["/api/v1/hotspots/status"]
        if server_has_route(server.address, sup, "/coverage"):
            today = datetime.now(UTC).date()
            paths.append(f"/api/v1/coverage?from={today - timedelta(days=27)}&to={today}")
        else:
            notes.append("/api/v1/coverage is not on this server yet: supervisors read /api/v1/hotspots/status only")
        pushers = [
            Pusher(
                server.address,
                officer,
                make_visits(n, fleet.hotspots, seed=officer.user_id),
                batch,
                tally,
                ends,
                stop_new=fault_done if until_fault_done else None,
            )
            for officer, n in zip(fleet.officers[:clients], per_client, strict=True)
        ]
        pull_threads = [Puller(server.address, o, tally, stop, ends) for o in fleet.officers[:pullers]]
        read_threads = [
            Reader(server.address, fleet.supervisor_tokens[i % len(fleet.supervisor_tokens)], paths, tally, stop)
            for i in range(readers)
        ]
        began = time.perf_counter()
        for thread in (*pushers, *pull_threads, *read_threads):
            thread.start()
        fault_thread = None
        if fault is not None:

            def run_fault() -> None:
                try:
                    fault(server, tally, stop)
                except Exception as e:  # a broken fault is a failed run, not a silent one
                    tally.problem(f"fault injector failed: {e!r}")
                finally:
                    fault_done.set()

            fault_thread = threading.Thread(target=run_fault, daemon=True, name="fault")
            fault_thread.start()
        for thread in pushers:
            thread.join(max(0.0, ends - time.monotonic()) + 60)
        seconds = time.perf_counter() - began
        if fault_thread is not None:
            fault_thread.join(max(0.0, ends - time.monotonic()) + 60)
            if server.proc is None:
                server.start()
        stop.set()
        for thread in read_threads:
            thread.join(60)
        for thread in pull_threads:
            thread.join(60)
        if any(t.is_alive() for t in pushers):
            tally.problem("a pushing phone did not finish in time")
        sent = {p.officer.user_id: p.attempted for p in pushers}
        for puller in pull_threads:
            puller.finish(set(next(p.confirmed for p in pushers if p.officer.user_id == puller.officer.user_id)))
    finally:
        stop.set()
        server.close()
    stored, lost, duplicated, unexpected, mutations = count_database(url, fleet, sent)
    expected = sum(len(ids) for ids in sent.values())
    if mutations != expected:
        tally.problem(f"{mutations} mutations recorded for {expected} sent")
    differing = coverage_days_differing(url, instance)
    if differing:
        tally.problem(f"{differing} coverage days kept during the run differ from a rebuild")
    return Report(
        expected=expected,
        stored=stored,
        lost=lost,
        duplicated=duplicated,
        server_errors=tally.server_errors(),
        unavailable=tally.count(503),
        tally=tally,
        seconds=seconds,
        notes=notes,
        mutations_stored=mutations,
        unexpected_rows=unexpected,
    )
