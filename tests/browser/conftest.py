"""Browser tests: the real app served on a free local port, driven in Debian's Chromium by pytest-playwright."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


class _OneRequestPerConnection(WSGIRequestHandler):
    # No keep-alive: a handler thread ends with its response, so teardown can wait for every request in flight.
    protocol_version = "HTTP/1.0"


def _closing(app):
    """The app, with every response closed even when the browser hangs up mid-response (navigating away while a
    script still downloads): werkzeug's dev server then skips ``close()`` when draining the dead socket fails, and
    the unclosed static file surfaces as a ResourceWarning in whatever test runs next. A generator is closed when
    dropped, and closes the response in turn."""

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        try:
            yield from response
        finally:
            if hasattr(response, "close"):
                response.close()

    return wsgi


@pytest.fixture
def live_server(app):
    """The app under a real threaded WSGI server; yields its base URL (http://127.0.0.1:PORT).

    At teardown it stops accepting and waits for the requests in flight (the officer app syncs on a timer), so that
    no request still holds a database connection when the test's app and engine are torn down.
    """
    server = make_server("127.0.0.1", 0, _closing(app), threaded=True, request_handler=_OneRequestPerConnection)
    server.daemon_threads = False  # tracked, so that server_close() joins them
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
