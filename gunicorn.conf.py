"""gunicorn settings for production (README: `gunicorn --config gunicorn.conf.py ...`) and for bench/ingest.py.

The garbage collector: once a worker has loaded the app, its long-lived objects (SQLAlchemy metadata, Flask,
marshmallow schemas, compiled statements) are frozen out of the collector's reach, and young-generation collections
run after 50,000 new container objects instead of 700. A push allocates hundreds of thousands of short-lived
objects; with the defaults about a tenth of the server's time went to collections that scanned the same long-lived
objects again and again (bench/ingest.py --profile). Nothing is disabled: cycles are still collected, only less
often, and a worker's extra memory for that is a few megabytes.

Metrics: each worker is a process, so prometheus-client keeps its counters in files of ``PROMETHEUS_MULTIPROC_DIR``
and a scrape of any worker adds up all of them (``fieldlog/ops/metrics.py``). The directory must be set before a worker
imports the app, and must not hold an earlier run's files: when the operator names one, its metric files are removed
at start; otherwise a fresh temporary one is made and removed at exit. A dead worker's live gauges are marked dead.
"""

import gc
import glob
import os
import shutil
import tempfile

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _METRICS_DIR, _OWN_METRICS_DIR = os.environ["PROMETHEUS_MULTIPROC_DIR"], False
    os.makedirs(_METRICS_DIR, exist_ok=True)
    for _stale in glob.glob(os.path.join(_METRICS_DIR, "*.db")):
        os.remove(_stale)
else:
    _METRICS_DIR, _OWN_METRICS_DIR = tempfile.mkdtemp(prefix="fieldlog-metrics-"), True
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _METRICS_DIR


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _OWN_METRICS_DIR:
        shutil.rmtree(_METRICS_DIR, ignore_errors=True)
