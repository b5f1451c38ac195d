"""The server killed with SIGKILL at random moments during pushes, ten times, and started again; the phones retry
the same batches: every visit is stored exactly once (SPEC §5 "faults"). Runs on SQLite and on PostgreSQL.

SIGKILL goes to gunicorn's whole process group (master and workers) while at least one push is on the wire, so
some pushes die before, some during and some after their transaction's commit; their phones cannot tell which.
"""

from __future__ import annotations

import random
import time

import pytest

from loadkit.load import run_load

pytestmark = pytest.mark.slow

KILLS = 10


def test_server_killed_ten_times_mid_push_every_visit_stored_exactly_once(server_database, workers, tmp_path):
    rng = random.Random(20261125)
    in_flight_at_kill: list[int] = []

    def killer(server, tally, stop):
        for _ in range(KILLS):
            waited = time.monotonic() + 30
            while tally.pushes_in_flight == 0 and time.monotonic() < waited:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.25))
            in_flight_at_kill.append(tally.pushes_in_flight)
            server.kill()
            time.sleep(rng.uniform(0, 0.5))
            server.start()

    report = run_load(
        server_database,
        str(tmp_path),
        visits=20_000,  # an upper bound: the phones stop taking new batches after the tenth restart
        clients=8,
        workers=workers,
        batch=25,
        readers=1,
        pullers=2,
        deadline=400,
        server_app="tests.faults.wsgi:create_app()",
        fault=killer,
        until_fault_done=True,
    )
    print("\n".join(report.lines()))
    print(f"pushes on the wire at each kill: {in_flight_at_kill}")
    assert len(in_flight_at_kill) == KILLS
    assert all(n > 0 for n in in_flight_at_kill)
    assert report.tally.transport_errors, "the kills were felt by the phones"
    assert report.expected > 0
    assert report.stored == report.expected
    assert report.lost == 0
    assert report.duplicated == 0
    assert report.server_errors - report.unavailable == 0  # 503 is an honest "try again"; 500 is not
    assert report.tally.problems == []
    assert report.tally.pull_mismatches == []
