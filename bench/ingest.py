"""Push ingest over real HTTP against a bare sqlite3 insert of the same rows (SPEC §5), in one run.

    .venv/bin/python bench/ingest.py [--visits 20000] [--batch 500] [--profile]

1. A fresh SQLite file, migrated; an area, an officer with a bearer token, 50 hot spots.
2. The app under gunicorn as in production (`gunicorn --config gunicorn.conf.py "fieldlog:create_app()"`, with 1
   sync worker) on a free local port; one client pushes the visits in batches over HTTP (a gunicorn sync worker
   closes each connection, so there is no keep-alive). The request bodies are encoded before the clock starts, so
   the figure is the server's.
3. The bare insert SPEC §5 defines: plain sqlite3, a table with the visit's columns and a UUID text primary key, WAL,
   synchronous=NORMAL, executemany of one batch of rows per transaction — no parsing, validation, idempotency or
   bookkeeping — of the same rows. It runs three times (once before the push, twice after, each on a fresh file)
   and its fastest run is the yardstick: on a shared, noisy machine that makes the ratio err on the low side.

Prints visits/s of both and their ratio (target ≥ 0.10), and the gunicorn worker's CPU time per visit (from
/proc: on a shared machine it varies far less between runs than the wall clock, so it shows what a code change
did). With --profile, the same pushes also run in-process under cProfile (a separate, fresh database) and the top
functions by cumulative time are printed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import area_in_fresh_database, profiled_pushes  # noqa: E402
from loadkit.database import add_hotspots  # noqa: E402
from loadkit.load import MODES, OBSERVATIONS  # noqa: E402
from loadkit.server import Server  # noqa: E402

CONFIG = ROOT / "gunicorn.conf.py"


def setup_database(url: str, instance: str, hotspots: int = 50) -> tuple[str, list[dict]]:
    """Migrate a fresh database; create the area, an officer and hot spots; return a token and the hot spots."""
    from fieldlog.auth.services import create_user, issue_token
    from fieldlog.extensions import db

    with area_in_fresh_database(url, instance, "bench", "Bench") as area:
        officer = create_user("bench.officer", "bench-password", "officer", area)
        spots = add_hotspots(db.session, area, hotspots, name="Spot {i}", lat=57.49, lon=13.10, step=0.001)
        token, _device = issue_token(officer, "bench phone")
        result = [{"id": str(s.id), "lat": s.lat, "lon": s.lon} for s in spots]
    return token, result


def make_visits(count: int, hotspots: list[dict]) -> list[dict]:
    """Visits as a phone sends them: varied codes, a fix near the spot, all within the last days."""
    now = datetime.now(UTC)
    visits = []
    for i in range(count):
        spot = hotspots[i % len(hotspots)]
        started = now - timedelta(minutes=30 + (i * 7) % (60 * 24 * 20))
        visits.append(
            {
                "id": str(uuid.uuid4()),
                "hotspot_id": spot["id"],
                "started_at": started.isoformat(),
                "ended_at": (started + timedelta(minutes=5 + i % 20)).isoformat(),
                "mode": MODES[i % len(MODES)],
                "officers": 1 + i % 3,
                "observations": [OBSERVATIONS[i % len(OBSERVATIONS)]],
                "activities": ["visible_presence", "dialogue"] if i % 2 else ["visible_presence"],
                "contacts": i % 5,
                "notes": "" if i % 4 else "Lugnt, några ungdomar vid busskuren.",
                "position": {"lat": spot["lat"] + 0.0003, "lon": spot["lon"], "accuracy_m": 12.0},
            }
        )
    return visits


def push_bodies(visits: list[dict], batch: int) -> list[bytes]:
    bodies = []
    for start in range(0, len(visits), batch):
        mutations = []
        for visit in visits[start : start + batch]:
            data = {k: v for k, v in visit.items() if k != "id"}
            mutations.append(
                {
                    "mutation_id": str(uuid.uuid4()),
                    "type": "visit.upsert",
                    "record_id": visit["id"],
                    "base_rev": None,
                    "data": data,
                }
            )
        bodies.append(json.dumps({"protocol": 1, "mutations": mutations}).encode())
    return bodies


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def worker_pid(master: int) -> int | None:
    """The one gunicorn worker (a child of the master), or None where /proc does not tell."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if len(children) == 1 else None


def http_push(port: int, token: str, bodies: list[bytes], worker: int | None = None) -> tuple[float, float | None]:
    """Push the bodies; return the wall-clock seconds and the worker's CPU seconds (None if unknown)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    # Warm up: the worker imports the app on its first request; that is not ingest.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/api/v1/sync/push", body=b'{"protocol": 1, "mutations": []}', headers=headers)
    conn.getresponse().read()
    conn.close()
    cpu_before = process_cpu_seconds(worker) if worker else None
    started = time.perf_counter()
    for body in bodies:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/api/v1/sync/push", body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"push failed: {response.status} {payload[:500]!r}")
        results = json.loads(payload)["results"]
        bad = [r for r in results if r["status"] != "applied"]
        if bad:
            raise SystemExit(f"push not applied: {bad[:3]}")
    elapsed = time.perf_counter() - started
    cpu_after = process_cpu_seconds(worker) if worker else None
    return elapsed, (cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None)


def bare_columns() -> dict[str, str]:
    """The visit table's columns (the model's, in its order) and each one's SQLite affinity."""
    import fieldlog.auth.models  # noqa: F401 — the users' table, so that the foreign keys' types are known
    from fieldlog.visits.models import Visit

    def affinity(column) -> str:
        try:
            kind = column.type.python_type
        except NotImplementedError:
            return "TEXT"
        return "INTEGER" if kind in (int, bool) else "REAL" if kind is float else "TEXT"

    return {c.name: affinity(c) for c in Visit.__table__.columns}


def bare_rows(visits: list[dict], columns: list[str]) -> list[tuple]:
    """The visits as rows of the visit table, the phone's columns as the declaration stores them
    (``fieldlog.sync.records.VISIT.client_values``), the server's filled in as a push would."""
    from fieldlog.sync.records import VISIT

    now = datetime.now(UTC).isoformat()
    server = {"officer_id": 1, "rev": 1, "deleted": 0, "created_at": now, "updated_at": now, "change_seq": 1}
    template = dict.fromkeys(columns) | server
    rows = []
    for v in visits:
        row = template | VISIT.client_values({"entry": "live", **v})
        row["id"] = v["id"]
        row["observations"] = json.dumps(row["observations"])
        row["activities"] = json.dumps(row["activities"])
        rows.append(tuple(row[c] for c in columns))
    return rows


def bare_insert(path: str, visits: list[dict], batch: int) -> float:
    """SPEC §5's yardstick: plain sqlite3 executemany, one transaction per batch, nothing else."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    declared = bare_columns()
    columns = list(declared)
    # A UUID text primary key (the id comes first in the model).
    conn.execute(f"CREATE TABLE visit ({', '.join(f'{n} {a}' for n, a in declared.items())}, PRIMARY KEY (id))")
    rows = bare_rows(visits, columns)
    sql = f"INSERT INTO visit ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    for start in range(0, len(rows), batch):
        conn.execute("BEGIN")
        conn.executemany(sql, rows[start : start + batch])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def profile_in_process(workdir: str, visits: list[dict], batch: int) -> None:
    """The same pushes through the app's test client under cProfile: where the server's time goes."""
    url = f"sqlite:///{workdir}/profile.sqlite3"
    token, hotspots = setup_database(url, workdir)
    from fieldlog import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": workdir})
    client = app.test_client()
    # Same rows, but on this database's hot spots.
    ids = [h["id"] for h in hotspots]
    moved = [dict(v, hotspot_id=ids[i % len(ids)], id=str(uuid.uuid4())) for i, v in enumerate(visits)]
    bodies = push_bodies(moved, batch)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    stats = profiled_pushes(client, headers, bodies)
    stats.sort_stats("cumulative").print_stats(30)
    print_breakdown(stats)


CATEGORIES = (
    ("marshmallow (validation)", ("marshmallow/",)),
    ("fieldlog validation (LeanSchema loop, strict fields)", ("fieldlog/api/schemas.py", "fieldlog/api/fields.py")),
    (
        "sqlite3 (C: executemany, commit, queries)",
        ("method 'executemany' of 'sqlite3", "method 'execute' of 'sqlite3", "method 'commit' of 'sqlite3"),
    ),
    ("SQLAlchemy (statements, bind processing)", ("sqlalchemy/",)),
    ("fieldlog (push logic, visit rules)", ("fieldlog/",)),
    ("json (parse, hash input, response)", ("json/", "_json", "hashlib", "sha256")),
    ("Flask / Werkzeug", ("flask/", "werkzeug/")),
)


def print_breakdown(stats) -> None:
    """Own time by component: where the server's time goes (profiler overhead inflates Python code)."""
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        where = f"{filename}:{name}" if filename != "~" else name
        label = next((lab for lab, keys in CATEGORIES if any(k in where for k in keys)), "other (builtins, uuid, ...)")
        totals[label] = totals.get(label, 0.0) + tottime
    whole = sum(totals.values())
    print("own time by component (cProfile, in-process test client):")
    for label, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {label:55s} {seconds:7.3f} s  {100 * seconds / whole:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fieldlog-bench-") as workdir:
        db_path = os.path.join(workdir, "fieldlog.sqlite3")
        url = f"sqlite:///{db_path}"
        token, hotspots = setup_database(url, workdir)
        visits = make_visits(args.visits, hotspots)
        bodies = push_bodies(visits, args.batch)

        bare_runs = [bare_insert(os.path.join(workdir, "bare0.sqlite3"), visits, args.batch)]
        http_seconds, server_cpu = run_server_and_push(url, workdir, token, bodies)
        check = sqlite3.connect(db_path)
        stored = check.execute("SELECT count(*) FROM visit").fetchone()[0]
        check.close()
        if stored != args.visits:
            raise SystemExit(f"expected {args.visits} stored visits, found {stored}")
        for i in (1, 2):
            bare_runs.append(bare_insert(os.path.join(workdir, f"bare{i}.sqlite3"), visits, args.batch))
        bare_seconds = min(bare_runs)

        http_rate = args.visits / http_seconds
        bare_rate = args.visits / bare_seconds
        print(f"visits: {args.visits} in batches of {args.batch}; gunicorn.conf.py, 1 sync worker; SQLite (WAL)")
        print(f"push over HTTP             : {http_rate:8.0f} visits/s  ({http_seconds:.2f} s)")
        runs = ", ".join(f"{args.visits / b:.0f}" for b in bare_runs)
        print(f"bare sqlite3 insert        : {bare_rate:8.0f} visits/s  ({bare_seconds:.3f} s; fastest of {runs})")
        print(f"ratio push / bare          : {http_rate / bare_rate:8.3f}  (target >= 0.10)")
        if server_cpu:
            # Less sensitive to other processes on a shared machine than the wall clock; not the target's figure.
            per_visit = 1e6 * server_cpu / args.visits
            rate = args.visits / server_cpu
            print(f"server worker CPU time     : {per_visit:8.1f} us/visit  ({rate:.0f} visits per CPU-s)")

        if args.profile:
            profile_in_process(workdir, visits, args.batch)


def run_server_and_push(url: str, instance: str, token: str, bodies: list[bytes]) -> tuple[float, float | None]:
    """Start gunicorn as in production (gunicorn.conf.py, 1 sync worker) on the database, push the bodies over HTTP;
    return the wall-clock seconds it took and the worker's CPU seconds (None where /proc cannot tell)."""
    server = Server(url, instance, workers=1, env={"FIELDLOG_SECRET_KEY": "bench"}, options=(f"--config={CONFIG}",))
    with server:
        return http_push(server.port, token, bodies, worker_pid(server.proc.pid))


if __name__ == "__main__":
    main()
