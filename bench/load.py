"""Load under concurrency (SPEC §5): the app under gunicorn, many phones pushing with retries, supervisors reading,
phones pulling — then the database is checked: every visit stored exactly once, no server error.

    .venv/bin/python bench/load.py [--visits 100000] [--clients 50] [--workers 4] [--batch 100]
                                   [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load]

1. The database (PostgreSQL ``bench_load`` by default; a SQLite URL works too) is emptied (its schema dropped) and
   migrated with ``fieldlog db upgrade``; an area, 50 hot spots, one officer per client (each with its own device
   token, and a second device for a pulling phone) and supervisors are created.
2. gunicorn serves ``fieldlog:create_app()`` with ``--workers`` sync workers on a free port of 127.0.0.1.
3. ``--clients`` threads, each an officer with its own HTTP connection, push their own visits in batches of
   ``--batch``. A timeout, a connection error or a ``503`` is retried with the *same* body (the same mutation ids),
   after a short backoff. Meanwhile supervisors read ``/api/v1/hotspots/status`` (and ``/api/v1/coverage`` when the
   server has it) and phones follow ``/api/v1/sync/pull`` with their cursors.
4. The database is checked: visits stored, lost, duplicated; server errors (5xx); push latency p50/p95 (per HTTP
   attempt); throughput. Every pulling phone must hold exactly its officer's visits.

The exit code is non-zero when anything was lost or duplicated, any 5xx was answered, a client met an unexpected
answer, or a pulling phone's copy differs. Everything is bounded: ``--deadline`` seconds for the pushes, request
timeouts, and only 127.0.0.1 is contacted. The run is ``loadkit.load.run_load``; the test suite runs the same code at
5,000 visits (tests/load/).

On PostgreSQL it also prints the server's CPU time per stored visit, split between the app (this run's gunicorn
workers, their start-up included: use enough visits) and the database (the backends of this database), with the
load average before the run: what the p50/p95 follow (``CpuSplit``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loadkit.database import prepare  # noqa: E402
from loadkit.load import run_load  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_load"


class CpuSplit(threading.Thread):
    """Where the machine's CPU went while the load ran (Linux /proc, sampled every half second): this run's gunicorn
    workers (their environment names the run's instance folder) and the PostgreSQL backends of its database (their
    process title names it). The p50/p95 of a push are mostly waiting in line behind the other clients' pushes
    (50 phones, each with one push in flight: latency is about clients / pushes per second), so they follow
    the server's CPU per visit — the app's and the database's — and what the rest of the machine leaves them."""

    def __init__(self, instance: str, database: str):
        super().__init__(daemon=True, name="cpu-split")
        self.instance, self.database = instance.encode(), database
        self.app: dict[int, float] = {}
        self.db: dict[int, float] = {}
        self.stop = threading.Event()
        self.tick = os.sysconf("SC_CLK_TCK")
        self.start_cpu: dict[int, float] = {}
        self.first = True

    def _cpu(self, pid: str) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self.tick

    def sample(self) -> None:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres") and f" {self.database} ".encode() in title.replace(b"\0", b" "):
                target = self.db
            elif b"gunicorn" in title:
                try:
                    if self.instance not in Path(f"/proc/{pid}/environ").read_bytes():
                        continue
                except OSError:
                    continue
                target = self.app
            else:
                continue
            cpu = self._cpu(pid)
            if cpu is not None:
                # A process already there at the first sample counts from then; a later one from its start.
                self.start_cpu.setdefault(int(pid), cpu if self.first else 0.0)
                target[int(pid)] = cpu

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample()

    def seconds(self, which: dict[int, float]) -> float:
        return sum(cpu - self.start_cpu.get(pid, 0.0) for pid, cpu in which.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--readers", type=int, default=3, help="supervisor clients")
    parser.add_argument("--pullers", type=int, default=5, help="officers whose second phone pulls")
    parser.add_argument("--deadline", type=float, default=1800, help="seconds allowed for the pushes")
    parser.add_argument("--database-url", default=os.environ.get("FIELDLOG_LOAD_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or not 1 <= args.visits <= 2_000_000:
        parser.error("--clients must be 1..500 and --visits 1..2,000,000")

    with tempfile.TemporaryDirectory(prefix="fieldlog-load-") as instance:
        print(f"preparing {args.database_url.rsplit('@', 1)[-1]}: {args.clients} officers, 50 hot spots ...")
        fleet = prepare(args.database_url, instance, args.clients)
        print(
            f"pushing {args.visits} visits: {args.clients} phones, batches of {args.batch}, gunicorn "
            f"{args.workers} sync workers; {args.readers} supervisors reading, {args.pullers} phones pulling"
        )
        split = None
        if args.database_url.startswith("postgresql") and Path("/proc/self/stat").exists():
            split = CpuSplit(instance, args.database_url.rsplit("/", 1)[-1])
            split.sample()  # backends already open (none of the app's yet)
            split.first = False
            split.start()
        load_before = os.getloadavg()[0]
        report = run_load(
            args.database_url,
            instance,
            visits=args.visits,
            clients=args.clients,
            workers=args.workers,
            batch=args.batch,
            readers=args.readers,
            pullers=min(args.pullers, args.clients),
            deadline=args.deadline,
            fleet=fleet,
        )
        if split is not None:
            split.stop.set()
            split.join()
    for line in report.lines():
        print(line)
    if split is not None and report.stored:
        app, database = split.seconds(split.app), split.seconds(split.db)
        print(
            f"server CPU/visit : app (gunicorn workers) {1e6 * app / report.stored:.0f} us, PostgreSQL backends of "
            f"this database {1e6 * database / report.stored:.0f} us; load average {load_before:.2f} before"
        )
    print("RESULT           : " + ("OK — 0 lost, 0 duplicated, 0 server errors" if report.ok else "FAILED"))
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    main()
