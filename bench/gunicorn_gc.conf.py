"""gunicorn settings for the ingest benchmark's second run: the app's long-lived objects (SQLAlchemy metadata,
Flask, marshmallow schemas) are moved out of the garbage collector's reach once the worker has loaded the app, and
young-generation collections run less often. A push allocates hundreds of thousands of short-lived objects; without
this, about a tenth of the server's time goes to collections scanning the same long-lived objects again and again.
"""

import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
