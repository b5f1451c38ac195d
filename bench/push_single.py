"""A single-visit push — what a phone sends after each save (SPEC §9): batch of 1, sequential, one client.

    .venv/bin/python bench/push_single.py [--pushes 1000] [--repeat 5] [--workers 2]
                                          [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_push]
                                          [--tree /path/to/another/checkout] [--profile]

1. A fresh database (a SQLite file by default; a PostgreSQL URL is emptied and migrated), an area, an officer with a
   bearer token, 50 hot spots (``bench/ingest.py``'s set-up).
2. The app under gunicorn as in production (``gunicorn.conf.py``, ``--workers`` sync workers) on a free local port.
   With ``--tree``, gunicorn runs that checkout's code instead (its ``fieldlog`` package first on the path), so that
   two versions can be measured in the same run on the same machine.
3. One client pushes ``--pushes`` single-visit pushes one after another, each on a new connection (a gunicorn sync
   worker closes every connection), the bodies encoded before the clock starts; every answer must be ``applied``.
   Then the database must hold exactly that many visits. This runs ``--repeat`` times on the same server.

Prints, per repetition and as min/median/max over them: visits/s, p50 and p95 latency of one push (client-side,
connect to last byte), the gunicorn workers' CPU time per push (from /proc: what a code change did, far less
sensitive than the wall clock to other processes and to the disk's fsync latency) and the machine's load average
before each repetition (a shared machine: say it). With
``--profile`` the same pushes also run in-process under cProfile (a separate database) and the top functions by
cumulative time are printed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import make_visits, process_cpu_seconds, push_bodies  # noqa: E402  (sibling script)

from loadkit.server import RETRYABLE_ERRORS, free_port, request  # noqa: E402


def wait_for(port: int, server: subprocess.Popen, within: float = 60) -> None:
    """Until the server answers /healthz (it may be another checkout's, so not loadkit's Server)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if request(("127.0.0.1", port), "GET", "/healthz", timeout=2)[0] == 200:
                return
        except RETRYABLE_ERRORS:
            pass
        time.sleep(0.05)
    raise SystemExit(f"gunicorn did not answer within {within} s")


def reset_database(url: str) -> None:
    """PostgreSQL: drop and recreate the public schema (the database itself must exist or is created)."""
    import sqlalchemy as sa

    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if (
            conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).first()
            is None
        ):
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = sa.create_engine(target, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def setup(url: str, workdir: str) -> tuple[str, list[dict]]:
    from ingest import setup_database

    if url.startswith("postgresql"):
        reset_database(url)
    return setup_database(url, workdir)


def count_visits(url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM visit")).scalar_one()
    engine.dispose()
    return n


def push_one_by_one(port: int, token: str, bodies: list[bytes]) -> tuple[float, list[float]]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept-Encoding": "gzip"}
    latencies = []
    started = time.perf_counter()
    for body in bodies:
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/api/v1/sync/push", body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        latencies.append(time.perf_counter() - t0)
        if response.status != 200:
            raise SystemExit(f"push failed: {response.status} {payload[:500]!r}")
        if response.getheader("Content-Encoding") == "gzip":
            import gzip

            payload = gzip.decompress(payload)
        if b'"applied"' not in payload:
            raise SystemExit(f"push not applied: {payload[:500]!r}")
    return time.perf_counter() - started, latencies


def start_server(url: str, tree: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(
        os.environ,
        FIELDLOG_DATABASE_URL=url,
        FIELDLOG_SECRET_KEY="bench",
        FIELDLOG_RATELIMIT_STORAGE_URI="memory://",
        PYTHONPATH=str(tree),
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        f"--config={tree / 'gunicorn.conf.py'}",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "fieldlog:create_app()",
    ]
    server = subprocess.Popen(command, cwd=str(tree), env=env, stderr=subprocess.DEVNULL)
    wait_for(port, server)
    return server, port


def workers_cpu(master: int) -> float:
    """User + system CPU seconds of the server's workers (Linux /proc; 0 where it cannot be read)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    return sum(process_cpu_seconds(int(pid)) or 0.0 for pid in children)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(urls: list[str], workdir: str, trees: list[Path], pushes: int, repeat: int, workers: int) -> list[list[dict]]:
    """Every tree's server up at once on its own database; the repetitions interleaved (tree A, tree B, A, B, ...),
    so that a noisy machine weighs on each alike."""
    servers = []
    try:
        for url, tree in zip(urls, trees, strict=True):
            token, hotspots = setup(url, workdir)
            server, port = start_server(url, tree, workers)
            servers.append((server, port, token, hotspots))
            # Warm up every worker (imports, first connections): not what a phone waits for.
            push_one_by_one(port, token, push_bodies(make_visits(20 * workers, hotspots), 1))
        runs: list[list[dict]] = [[] for _ in trees]
        for _ in range(repeat):
            for i, (server, port, token, hotspots) in enumerate(servers):
                bodies = push_bodies(make_visits(pushes, hotspots), 1)
                load = os.getloadavg()[0]
                cpu = workers_cpu(server.pid)
                seconds, latencies = push_one_by_one(port, token, bodies)
                cpu = workers_cpu(server.pid) - cpu
                runs[i].append(
                    {
                        "rate": pushes / seconds,
                        "p50": 1000 * statistics.median(latencies),
                        "p95": 1000 * percentile(latencies, 0.95),
                        "load": load,
                        "cpu_ms": 1000 * cpu / pushes,
                    }
                )
    finally:
        for server, *_ in servers:
            server.terminate()
            server.wait(timeout=10)
    for url in urls:
        stored = count_visits(url)
        expected = 20 * workers + pushes * repeat
        if stored != expected:
            raise SystemExit(f"{url}: expected {expected} stored visits, found {stored}")
    return runs


def summary(runs: list[dict], key: str, fmt: str) -> str:
    values = [r[key] for r in runs]
    return (
        f"min {fmt.format(min(values))}  median {fmt.format(statistics.median(values))}  max {fmt.format(max(values))}"
    )


def report(label: str, runs: list[dict]) -> None:
    print(f"{label}:")
    for i, r in enumerate(runs, 1):
        print(
            f"  run {i}: {r['rate']:6.0f} visits/s  p50 {r['p50']:.2f} ms  p95 {r['p95']:.2f} ms  load {r['load']:.2f}"
        )
    print(f"  visits/s  {summary(runs, 'rate', '{:.0f}')}   (target >= 500 on SQLite)")
    print(f"  p50 ms    {summary(runs, 'p50', '{:.2f}')}   (target <= 1.5 on SQLite)")
    print(f"  p95 ms    {summary(runs, 'p95', '{:.2f}')}")
    print(f"  server CPU ms per push {summary(runs, 'cpu_ms', '{:.2f}')}   (the workers' own time: less noisy)")
    print(f"  load avg  {summary(runs, 'load', '{:.2f}')}")


def profile_in_process(workdir: str, url: str, pushes: int) -> None:
    from bench.harness import profiled_pushes

    token, hotspots = setup(url, workdir)
    from fieldlog import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": workdir})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for body in push_bodies(make_visits(50, hotspots), 1):
        client.post("/api/v1/sync/push", data=body, headers=headers)
    bodies = push_bodies(make_visits(pushes, hotspots), 1)
    stats = profiled_pushes(client, headers, bodies)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--tree", action="append", default=None, help="checkout(s) to run; default: this one")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    trees = [Path(t).resolve() for t in (args.tree or [str(ROOT)])]
    with tempfile.TemporaryDirectory(prefix="fieldlog-push1-") as workdir:
        if args.profile:
            profile_in_process(workdir, f"sqlite:///{workdir}/profile.sqlite3", args.pushes)
            return
        kind = "PostgreSQL" if args.database_url else "SQLite (WAL)"
        print(
            f"single-visit pushes: {args.pushes} x {args.repeat}; gunicorn.conf.py, {args.workers} sync workers; {kind}"
        )
        if args.database_url:
            # One database per tree: NAME, NAME_2, ...
            urls = [args.database_url + ("" if i == 0 else f"_{i + 1}") for i in range(len(trees))]
        else:
            urls = [f"sqlite:///{workdir}/push{i}.sqlite3" for i in range(len(trees))]
        for tree, runs in zip(trees, run(urls, workdir, trees, args.pushes, args.repeat, args.workers), strict=True):
            report(str(tree), runs)


if __name__ == "__main__":
    main()
