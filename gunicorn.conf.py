"""gunicorn settings for production (README: `gunicorn --config gunicorn.conf.py ...`) and for bench/ingest.py.

The garbage collector: once a worker has loaded the app, its long-lived objects (SQLAlchemy metadata, Flask,
marshmallow schemas, compiled statements) are frozen out of the collector's reach, and young-generation collections
run after 50,000 new container objects instead of 700. A push allocates hundreds of thousands of short-lived
objects; with the defaults about a tenth of the server's time went to collections that scanned the same long-lived
objects again and again (bench/ingest.py --profile). Nothing is disabled: cycles are still collected, only less
often, and a worker's extra memory for that is a few megabytes.
"""

import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
