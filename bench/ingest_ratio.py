"""SPEC §5's ingest ratio, several times and for several checkouts interleaved: ``bench/ingest.py`` repeated.

    .venv/bin/python bench/ingest_ratio.py [--visits 20000] [--batch 500] [--repeat 3] [--tree PATH ...]

Each round, for each tree (default: this checkout) in turn: a fresh SQLite database (migrated, one officer, 50 hot
spots), the app under gunicorn as ``bench/ingest.py`` runs it (``gunicorn.conf.py``, one sync worker, that tree's
code), the visits pushed over HTTP in batches; then SPEC §5's bare sqlite3 insert of the same rows, three times on
fresh files, the fastest kept (as ``bench/ingest.py`` does). The ratio is push rate / bare rate of the same round.
Printed per tree: each round's ratio, push rate, bare rate, the gunicorn worker's CPU time per visit (less
sensitive than the wall clock to other processes and the disk) and load average, then min/median/max of the ratio.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import bare_insert, http_push, make_visits, push_bodies, setup_database, worker_pid  # noqa: E402
from push_single import start_server  # noqa: E402


def one_round(tree: Path, workdir: str, name: str, visits_count: int, batch: int) -> dict:
    db_path = os.path.join(workdir, f"{name}.sqlite3")
    url = f"sqlite:///{db_path}"
    token, hotspots = setup_database(url, workdir)
    visits = make_visits(visits_count, hotspots)
    bodies = push_bodies(visits, batch)
    load = os.getloadavg()[0]
    server, port = start_server(url, tree, 1)
    try:
        seconds, cpu = http_push(port, token, bodies, worker_pid(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=10)
    check = sqlite3.connect(db_path)
    stored = check.execute("SELECT count(*) FROM visit").fetchone()[0]
    check.close()
    if stored != visits_count:
        raise SystemExit(f"{tree}: expected {visits_count} stored visits, found {stored}")
    bare = min(bare_insert(os.path.join(workdir, f"{name}-bare{i}.sqlite3"), visits, batch) for i in range(3))
    push_rate, bare_rate = visits_count / seconds, visits_count / bare
    cpu_us = 1e6 * cpu / visits_count if cpu else float("nan")
    return {"ratio": push_rate / bare_rate, "push": push_rate, "bare": bare_rate, "load": load, "cpu_us": cpu_us}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tree", action="append", default=None, help="checkout(s) to measure; default: this one")
    args = parser.parse_args()
    trees = [Path(t).resolve() for t in (args.tree or [str(ROOT)])]
    results: list[list[dict]] = [[] for _ in trees]
    with tempfile.TemporaryDirectory(prefix="fieldlog-ratio-") as workdir:
        for r in range(args.repeat):
            for i, tree in enumerate(trees):
                results[i].append(one_round(tree, workdir, f"t{i}r{r}", args.visits, args.batch))
    print(f"ingest: {args.visits} visits in batches of {args.batch}, 1 sync worker, SQLite; {args.repeat} rounds")
    for tree, rounds in zip(trees, results, strict=True):
        print(f"{tree}:")
        for k, x in enumerate(rounds, 1):
            print(
                f"  round {k}: ratio {x['ratio']:.3f}  push {x['push']:7.0f} visits/s  bare {x['bare']:7.0f} rows/s"
                f"  worker CPU {x['cpu_us']:.0f} us/visit  load {x['load']:.2f}"
            )
        ratios = [x["ratio"] for x in rounds]
        print(
            f"  ratio min {min(ratios):.3f}  median {statistics.median(ratios):.3f}  max {max(ratios):.3f}"
            "  (target >= 0.10)"
        )


if __name__ == "__main__":
    main()
