"""The worker's precache (service_worker/sw.js): a static file the browser already holds is taken from its HTTP
cache only when its bytes are this version's (the server's Subresource Integrity value); otherwise it is fetched."""

from __future__ import annotations

import base64
import hashlib

from playwright.sync_api import expect

from tests.browser.officer import WAIT, reload_app, sign_in

SHELL_COPIES = """async (url) => {
  const names = (await caches.keys()).filter((n) => n.startsWith("fieldlog-officer-shell-"));
  return Promise.all(names.map(async (n) => (await (await caches.open(n)).match(url)).text()));
}"""


def test_an_update_precaches_a_changed_module_s_new_bytes_not_the_http_cache_s_old_copy(
    page, live_server, app, officer, hotspot
):
    sign_in(page, live_server)  # version 1 installed: the browser's HTTP cache holds its modules
    changed, kept = "/static/js/views/map.js", "/static/js/views/visit.js"
    (old,) = page.evaluate(SHELL_COPIES, changed)
    (unchanged,) = page.evaluate(SHELL_COPIES, kept)
    body = (old + "\n// the next version\n").encode()
    served = app.wsgi_app

    def next_version(environ, start_response):
        if environ["PATH_INFO"] != changed:
            return served(environ, start_response)
        headers = [("Content-Type", "text/javascript; charset=utf-8"), ("Cache-Control", "no-cache")]
        start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    app.wsgi_app = next_version
    app.extensions["static_integrity"]["js/views/map.js"] = (
        "sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    )
    app.config["OFFICER_APP_VERSION"] = "next"
    try:
        reload_app(page)
        expect(page.get_by_text("En ny version finns.")).to_be_visible(timeout=WAIT)
        # Both versions' caches: the new one holds the server's new bytes, the old one its own.
        assert sorted(page.evaluate(SHELL_COPIES, changed)) == sorted([old, body.decode()])
        assert page.evaluate(SHELL_COPIES, kept) == [unchanged, unchanged]
    finally:
        app.wsgi_app = served
