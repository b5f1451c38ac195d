"""The officer app's first load (compressed bytes over the wire) and offline cold start to interactive (SPEC §5:
≤ 100 KB, map library excluded; ≤ 300 ms in headless Chromium).

    .venv/bin/python bench/officer_load.py [--runs 7]

First load: a fresh browser profile opens /app and waits until its service worker is active (the map library is not
fetched: it loads only when the map is opened). The figure is what the server sent: every request gunicorn answered
meanwhile (its access log — the page's fetches, the worker script, the worker's imports and its precache, whose
bodies the browser does not hand the page), each fetched again to measure it. Bodies are counted as gzip (level 6)
would send them — what any production proxy in front of gunicorn serves — plus the response headers; a 304 is its
headers only; the raw size is printed beside. The sum of the responses the page itself saw (what this bench printed
before 2026-12, which missed the worker's bodies) is printed too, for comparison with older figures.

Cold start: the officer has signed in once (20 hot spots pulled into IndexedDB); the network goes off; then /app is
opened offline (a) in a new tab of the running browser, (b) after the whole browser was closed and started again on
the same profile — the phone having closed the app. The figure is the app's own `fieldlog-lock-ready` performance
mark (since the app lock, issue 15, the first view of a cold start is the lock screen: drawn, the PIN field ready), in
ms since navigation start; median and worst of the runs. bench/cold_start.py times the unlock after it too.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import tempfile
import urllib.error
import urllib.request

from officer_support import launch, launch_profile, open_offline, running_app, served_since, sign_in
from playwright.sync_api import sync_playwright

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg")


def header_bytes(headers) -> int:
    """Response headers as HTTP/1.1 sends them: ``name: value\\r\\n`` each, plus about 20 for the status line."""
    return sum(len(k) + len(v) + 4 for k, v in headers.items()) + 20


def measure(base: str, path: str, status: int) -> tuple[int, int]:
    """(raw, wire) bytes of one response the server sent: fetched again; a 304 again as a conditional request."""
    with urllib.request.urlopen(base + path) as response:  # noqa: S310 (the bench's own local server)
        body = response.read()
        headers = response.headers
    if status == 304:
        validators = {"If-None-Match": headers.get("ETag"), "If-Modified-Since": headers.get("Last-Modified")}
        request = urllib.request.Request(base + path, headers={k: v for k, v in validators.items() if v})
        try:
            urllib.request.urlopen(request).close()  # noqa: S310
        except urllib.error.HTTPError as not_modified:
            return header_bytes(not_modified.headers), header_bytes(not_modified.headers)
        return header_bytes(headers), header_bytes(headers)
    kind = headers.get("content-type", "")
    wire = len(gzip.compress(body, 6)) if kind.startswith(COMPRESSIBLE) else len(body)
    return len(body) + header_bytes(headers), wire + header_bytes(headers)


def first_load(browser, base: str) -> list[tuple[str, int, int]]:
    context = browser.new_context()
    page = context.new_page()
    seen: list[tuple[str, int, int]] = []

    def record(response):
        if response.status in (204, 304) or response.request.method != "GET":
            return
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 (a response the browser dropped)
            return
        headers = header_bytes(response.headers)
        kind = response.headers.get("content-type", "")
        wire = len(gzip.compress(body, 6)) if kind.startswith(COMPRESSIBLE) else len(body)
        seen.append((response.url.removeprefix(base), len(body) + headers, wire + headers))

    context.on("response", record)
    page.goto(base + "/app")
    page.wait_for_selector("html[data-ready='1']")
    page.wait_for_function(
        "() => navigator.serviceWorker.getRegistration().then((r) => r && r.active && r.active.state === 'activated')"
    )
    context.close()
    return seen


def cold_starts(playwright, base: str, runs: int) -> tuple[list[float], list[float]]:
    """(new tab in a running browser, whole browser restarted on the same profile) — both offline."""
    profile = tempfile.mkdtemp(prefix="fieldlog-profile-")
    context = launch_profile(playwright, profile)
    page = context.new_page()
    sign_in(page, base)
    page.close()
    context.set_offline(True)
    tabs = [open_offline(context, base) for _ in range(runs)]
    context.close()
    restarts = []
    for _ in range(runs):
        context = launch_profile(playwright, profile)
        context.set_offline(True)
        restarts.append(open_offline(context, base))
        context.close()
    return tabs, restarts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    access_log = os.path.join(tempfile.mkdtemp(prefix="fieldlog-access-"), "access.log")
    with running_app(access_log=access_log) as (base, _url), sync_playwright() as p:
        _, offset = served_since(access_log, 0)  # the start-up health checks
        browser = launch(p)
        seen = first_load(browser, base)
        browser.close()
        served, _ = served_since(access_log, offset)
        sent = [(path, status, *measure(base, path, status)) for method, path, status in served if method == "GET"]
        tabs, restarts = cold_starts(p, base, args.runs)

    raw = sum(r for *_, r, _ in sent)
    wire = sum(w for *_, w in sent)
    print(f"first load: {len(sent)} responses sent by the server (page, service worker, its imports and precache)")
    for path, status, r, w in sorted(sent, key=lambda x: -x[3]):
        print(f"  {w:>7,} B gzip  {r:>7,} B raw  {status}  {path}")
    print(f"first load total: {wire / 1024:.1f} KB compressed ({raw / 1024:.1f} KB raw)  (target ≤ 100 KB)")
    print(
        f"  of which the page saw {len(seen)} responses, {sum(w for *_, w in seen) / 1024:.1f} KB compressed "
        "(this bench's figure before 2026-12)"
    )
    for label, times in (("new tab, browser running", tabs), ("browser restarted (phone reopened the app)", restarts)):
        print(
            f"offline cold start to interactive, {label}: median {statistics.median(times):.0f} ms, "
            f"worst {max(times):.0f} ms over {len(times)} runs  (target ≤ 300 ms)"
        )


if __name__ == "__main__":
    main()
