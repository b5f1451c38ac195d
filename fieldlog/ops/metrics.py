"""Prometheus metrics (prometheus-client): requests and latency per route, push mutations by status, sign-in
failures, and the coverage refresh queue read from the database at each scrape.

Under gunicorn each worker is a process of its own: with ``PROMETHEUS_MULTIPROC_DIR`` set (``gunicorn.conf.py`` sets
it up and cleans a dead worker's files), prometheus-client keeps the counters in files there and a scrape of any worker
adds up all of them. Without it (``fieldlog run``, tests) the counters live in this process.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter as Tally
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

# No ``*_created`` series: Prometheus does not need them, and they double the size of every scrape.
disable_created_metrics()

# The process's own metrics, kept apart from prometheus-client's default registry (which also carries process and
# platform collectors that make no sense summed over workers).
OWN = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "fieldlog_http_requests",
    "HTTP requests answered, by method, route (the Flask endpoint, never the raw path) and status.",
    ["method", "route", "status"],
    registry=OWN,
)
LATENCY = Histogram(
    "fieldlog_http_request_duration_seconds",
    "Time from the request's start to its response, by method and route (the Flask endpoint).",
    ["method", "route"],
    registry=OWN,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
PUSH_MUTATIONS = Counter(
    "fieldlog_push_mutations",
    "Pushed mutations by result status (applied, conflict, rejected; replays count again).",
    ["status"],
    registry=OWN,
)
SIGN_IN_FAILURES = Counter(
    "fieldlog_sign_in_failures",
    "Failed sign-ins (wrong username or password, inactive account), by entry point (api, page).",
    ["via"],
    registry=OWN,
)

# The sign-in entry points and what they answer to wrong credentials (SPEC §3: 401 on both).
_SIGN_IN_ENDPOINTS = {"api.auth.create_token": "api", "auth.login": "page"}


# A metric's child per label values, looked up once: ``labels()`` checks and joins its arguments and takes a lock on
# every call, and every request makes two or three. prometheus-client keeps one child per label values until
# ``remove``/``clear`` (never called here), so the cached child is the very one ``labels()`` returns. The keys are
# bounded: methods × Flask endpoints × statuses.
_CHILDREN: dict[tuple, object] = {}


def _child(metric, *values: str):
    key = (id(metric), values)
    child = _CHILDREN.get(key)
    if child is None:
        child = _CHILDREN[key] = metric.labels(*values)
    return child


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    _child(REQUESTS, method, endpoint, str(status)).inc()
    _child(LATENCY, method, endpoint).observe(seconds)
    if status == 401 and method == "POST" and endpoint in _SIGN_IN_ENDPOINTS:
        SIGN_IN_FAILURES.labels(_SIGN_IN_ENDPOINTS[endpoint]).inc()


def count_push_results(results: list[dict]) -> None:
    """One increment per status of a push, not one per mutation: a 500-mutation push stays cheap."""
    if len(results) == 1:  # a phone's push after each save
        _child(PUSH_MUTATIONS, results[0]["status"]).inc()
        return
    for status, n in Tally(r["status"] for r in results).items():
        _child(PUSH_MUTATIONS, status).inc(n)


class _Own:
    """This process's metrics, for the registry of one scrape (plain mode)."""

    def collect(self):
        return OWN.collect()


class _Database:
    """Figures read from the database at scrape time: the coverage refresh queue and whether the database answers."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        from fieldlog.extensions import db

        up = GaugeMetricFamily("fieldlog_database_up", "1 when the database answered the scrape's queries, else 0.")
        try:
            with db.engine.connect() as connection:
                rows, oldest_id, newest_id = connection.execute(
                    text("SELECT COUNT(*), MIN(id), MAX(id) FROM coverage_stale")
                ).one()
        except SQLAlchemyError:
            self.app.logger.warning("metrics: the database does not answer", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "fieldlog_coverage_refresh_queue_rows",
            "Changes queued for the coverage day rows (coverage_stale), waiting for a refresh.",
            value=rows,
        )
        age = QueueClock(Path(self.app.instance_path) / "coverage-queue-clock.json").age(oldest_id, newest_id)
        yield GaugeMetricFamily(
            "fieldlog_coverage_refresh_oldest_age_seconds",
            "How long the oldest queued coverage refresh has been waiting (0 when the queue is empty), measured from "
            "the first scrape that saw it queued: accurate to one scrape interval.",
            value=age,
        )


class QueueClock:
    """When queue rows were first seen, without a timestamp column on the queue (its rows are written by triggers).

    Queue ids only grow (SQLite reuses them only once the queue is empty, which resets the clock). Each scrape notes
    (newest id, now); the oldest waiting row (smallest id) has been queued at least since the first note whose newest
    id reached it. The notes are kept in a small file of the instance folder, so that every worker of a server (a
    scrape reaches any one of them) and the next server process after a restart share them.
    """

    def __init__(self, path: Path):
        self.path = path

    def age(self, oldest_id: int | None, newest_id: int | None, now: float | None = None) -> float:
        now = time.time() if now is None else now
        if oldest_id is None:
            self._write([])
            return 0.0
        notes = self._read()
        if notes and newest_id < notes[-1][0]:
            notes = []  # the ids went back: SQLite emptied the queue and began again between two scrapes
        notes = [n for n in notes if n[0] >= oldest_id]
        seen = min((t for _newest, t in notes), default=now)
        if not notes or notes[-1][0] < newest_id:
            notes.append((newest_id, now))
        self._write(notes)
        return max(0.0, now - seen)

    def _read(self) -> list[tuple[int, float]]:
        try:
            return [(int(i), float(t)) for i, t in json.loads(self.path.read_text())]
        except (OSError, ValueError, TypeError):
            return []

    def _write(self, notes: list[tuple[int, float]]) -> None:
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".coverage-queue-clock.")
            with os.fdopen(fd, "w") as f:
                json.dump(notes, f)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only instance folder costs the age's memory, never the scrape


def render(app) -> tuple[bytes, str]:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Own())
    registry.register(_Database(app))
    return generate_latest(registry), CONTENT_TYPE_LATEST
