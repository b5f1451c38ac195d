"""Running it for years: health, metrics and request logs (this package), backup and restore (``backup.py``).

``init_app`` is called early in ``create_app`` so that its ``after_request`` hook runs last, after the request
boundary's commit has settled the status a client actually gets (Flask runs ``after_request`` hooks in reverse).
"""

from __future__ import annotations

import time

from flask import Flask, g, request


def init_app(app: Flask) -> None:
    from fieldlog.ops import logs, metrics
    from fieldlog.ops.views import bp

    logs.configure(app)
    app.register_blueprint(bp)

    @app.before_request
    def start_clock():
        g.ops_started = time.perf_counter()

    @app.after_request
    def measure(response):
        started = g.pop("ops_started", None)
        seconds = time.perf_counter() - started if started is not None else 0.0
        endpoint = request.endpoint or "unmatched"
        metrics.observe_request(request.method, endpoint, response.status_code, seconds)
        logs.log_request(app, endpoint, response.status_code, seconds)
        return response
