"""Survey results at scale (SPEC §9): 10,000 responses with 25,000 marks, ``GET /api/v1/surveys/<id>/results`` on
SQLite and PostgreSQL — target ≤ 300 ms.

Usage:  .venv/bin/python bench/survey_results.py [--database-url URL]... [--responses 10000] [--marks 25000]
                                                [--repeat 9]

Each ``--database-url`` is WIPED (its schema dropped) and migrated with the real migrations; without one the bench
uses a scratch SQLite file. The data set, the same on every database (seeded): one area with 20 hot spots; 10,000
responses with every question answered or skipped at random (background skewed, so that some groups are small and
suppression works), 3 % suspect; 25,000 marks — most near the hot spots, some in four clusters without one (the
candidates), the rest spread over 6 km. Loaded with executemany, no ORM objects.

Timed, warm, ``--repeat`` times each (first call not counted): the results through the API as a supervisor gets them
(the test client in process: authentication, the queries, the figures, the JSON), the ``results()`` call alone,
and the places endpoint (perception against presence, candidates). Printed: every run, min/median/max of the wall
clock, the median CPU time of this process (on SQLite all the work; on PostgreSQL without the server's), and the
load average before and after (a shared machine: compare figures of one run only).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from bench.harness import app_for, reset_and_migrate  # noqa: E402
from fieldlog.extensions import db  # noqa: E402

CENTRE = (57.4955, 13.1090)
HOTSPOTS = 20


def _pick(rnd: random.Random, codes, skip=0.05, skew=None):
    if rnd.random() < skip:
        return None
    if skew is not None:
        return rnd.choices(codes, weights=skew[: len(codes)])[0]
    return rnd.choice(codes)


def build(app, responses: int, marks: int, seed: int = 13) -> tuple:
    """The data set on an empty, migrated database: (survey id, supervisor id)."""
    from fieldlog.areas.models import Area
    from fieldlog.auth.models import User
    from fieldlog.db import utcnow
    from fieldlog.hotspots.models import HotSpot
    from fieldlog.surveys import questionnaire as q
    from fieldlog.surveys.models import Survey, SurveyMark, SurveyResponse
    from fieldlog.sync.changes import stamp

    rnd = random.Random(seed)
    now = utcnow()
    with app.app_context():
        area = Area(slug="svenljunga", name="Svenljunga", timezone="Europe/Stockholm")
        db.session.add(area)
        db.session.flush()
        boss = User(username="sven", display_name="Sven", role="supervisor", area_id=area.id)
        boss.password_hash = "x"
        db.session.add(boss)
        spots = []
        for i in range(HOTSPOTS):
            spot = HotSpot(
                area_id=area.id,
                name=f"Plats {i}",
                lat=CENTRE[0] + rnd.uniform(-0.02, 0.02),
                lon=CENTRE[1] + rnd.uniform(-0.035, 0.035),
                radius_m=rnd.choice((100, 150, 200)),
                created_at=now - timedelta(days=400),
            )
            stamp(db.session, spot, now)
            spots.append(spot)
        db.session.add_all(spots)
        survey = Survey(
            area_id=area.id, year=now.year, title="Trygghetsundersökning", opens_at=now - timedelta(days=30),
            closes_at=now - timedelta(days=1),
        )  # fmt: skip
        db.session.add(survey)
        db.session.commit()
        survey_id, boss_id = survey.id, boss.id
        spot_xy = [(s.lat, s.lon) for s in spots]

        skew = [40, 30, 15, 8, 5, 2, 1]
        rows, ids = [], []
        for _ in range(responses):
            rid = uuid.uuid4()
            ids.append(rid)
            rows.append(
                {
                    "id": rid,
                    "survey_id": survey_id,
                    "channel": "web",
                    "suspect": rnd.random() < 0.03,
                    "suspect_reasons": [],
                    "created_at": now - timedelta(days=rnd.uniform(1, 29)),
                    "evening_safety": _pick(rnd, q.EVENING_SAFETY),
                    "overall_safety": _pick(rnd, q.OVERALL_SAFETY),
                    "avoids_places": _pick(rnd, q.AVOIDS_PLACES),
                    "age_band": _pick(rnd, q.AGE_BANDS, skew=skew),
                    "gender": _pick(rnd, q.GENDERS, skew=[50, 45, 1, 4]),
                    "lives_in": _pick(rnd, q.LIVES_IN, skew=[70, 29, 1]),
                    "problems": {p: rnd.choice(q.PROBLEM_ANSWERS) for p in q.PROBLEMS if rnd.random() < 0.9},
                    "improvements": "",
                }
            )
        clusters = [(CENTRE[0] + rnd.uniform(-0.03, 0.03), CENTRE[1] + rnd.uniform(-0.05, 0.05)) for _ in range(4)]
        mark_rows = []
        for i in range(marks):
            kind = rnd.random()
            if kind < 0.6:
                lat, lon = rnd.choice(spot_xy)
                lat, lon = lat + rnd.gauss(0, 0.0008), lon + rnd.gauss(0, 0.0014)
            elif kind < 0.9:
                lat, lon = rnd.choice(clusters)
                lat, lon = lat + rnd.gauss(0, 0.0005), lon + rnd.gauss(0, 0.0009)
            else:
                lat, lon = CENTRE[0] + rnd.uniform(-0.03, 0.03), CENTRE[1] + rnd.uniform(-0.05, 0.05)
            mark_rows.append(
                {
                    "survey_id": survey_id,
                    "response_id": ids[i % len(ids)],
                    "lat": lat,
                    "lon": lon,
                    "when": _pick(rnd, q.PLACE_WHEN, skip=0.1, skew=[1, 3, 2]),
                    "reasons": rnd.sample(q.PLACE_REASONS, rnd.randint(0, 3)),
                    "hotspot_id": None,
                }
            )
        db.session.execute(sa.insert(SurveyResponse), rows)
        db.session.execute(sa.insert(SurveyMark), mark_rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    sa.text("ANALYZE survey_response; ANALYZE survey_mark")
                )
    return survey_id, boss_id


def timed(fn, repeat: int) -> tuple[list[float], list[float]]:
    """(wall ms, this process's CPU ms) of each warm run."""
    fn()  # warm
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def spread(times: tuple[list[float], list[float]]) -> dict:
    wall, cpu = times
    return {
        "min_ms": round(min(wall), 1),
        "median_ms": round(statistics.median(wall), 1),
        "max_ms": round(max(wall), 1),
        "runs_ms": [round(t, 1) for t in wall],
        "cpu_min_ms": round(min(cpu), 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
    }


def measure(url: str, args) -> dict:
    from fieldlog.auth.models import User
    from fieldlog.auth.services import issue_token
    from fieldlog.surveys.models import Survey
    from fieldlog.surveys.results import results

    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and os.path.exists(parsed.database):
        os.remove(parsed.database)  # a scratch file: start empty, as PostgreSQL's schema is dropped
    app = app_for(url, tempfile.mkdtemp(prefix="fieldlog-bench-"))
    reset_and_migrate(app)
    start = time.perf_counter()
    survey_id, boss_id = build(app, args.responses, args.marks)
    load_s = time.perf_counter() - start
    with app.app_context():
        token, _ = issue_token(db.session.get(User, boss_id), "bench")
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def api(path):
        def call():
            response = client.get(f"/api/v1/surveys/{survey_id}/{path}", headers=headers)
            assert response.status_code == 200, response.get_data()
            return response

        return call

    load_before = os.getloadavg()[0]
    body = api("results")().get_json()
    api_times = timed(api("results"), args.repeat)

    def direct():
        with app.app_context():
            results(db.session.get(Survey, survey_id))

    direct_times = timed(direct, args.repeat)
    places_times = timed(api("places"), args.repeat)
    candidates = len(api("places")().get_json()["candidates"])
    load_after = os.getloadavg()[0]
    with app.app_context():
        db.engine.dispose()
    return {
        "database": sa.engine.make_url(url).get_backend_name(),
        "responses": args.responses,
        "marks": args.marks,
        "n_without_suspects": body["n"],
        "hotspots_marked": len(body["places"]["hotspots"]),
        "cells": len(body["places"]["cells"]),
        "candidates": candidates,
        "load_seconds": round(load_s, 1),
        "results_api": spread(api_times),
        "results_function": spread(direct_times),
        "places_api": spread(places_times),
        "loadavg_1min": [round(load_before, 2), round(load_after, 2)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", action="append", default=[], help="a database to WIPE and use (repeat)")
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--marks", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    urls = args.database_url or ["sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="fieldlog-bench-"), "s.sqlite3")]
    for url in urls:
        figures = measure(url, args)
        print(json.dumps(figures), flush=True)
        for key in ("results_api", "results_function", "places_api"):
            f = figures[key]
            print(
                f"{figures['database']:>10} {key:<17} min {f['min_ms']:.0f}  median {f['median_ms']:.0f}  "
                f"max {f['max_ms']:.0f} ms; process CPU min {f['cpu_min_ms']:.0f} median {f['cpu_median_ms']:.0f} ms "
                f"(load {figures['loadavg_1min']})",
                flush=True,
            )
    print("target: results for 10,000 responses with 25,000 marks <= 300 ms on SQLite and PostgreSQL (SPEC §9)")


if __name__ == "__main__":
    main()
