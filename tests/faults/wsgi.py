"""A test-only gunicorn entry point: the real ``fieldlog.create_app()`` with what a fault test needs around it.

``FIELDLOG_PROOF_INSTANCE``: the instance folder (a temporary one per test).
``PROOF_NULL_POOL=1``: no connection pool, so that every request opens the database afresh — a SQLite file that has
been taken away is then noticed by the next request (a pooled connection keeps the file open and would not care).
"""

from __future__ import annotations

import os

import fieldlog


def create_app():
    config = {"INSTANCE_PATH": os.environ["FIELDLOG_PROOF_INSTANCE"]}
    if os.environ.get("PROOF_NULL_POOL") == "1":
        from sqlalchemy.pool import NullPool

        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": NullPool}
    return fieldlog.create_app(config)
