"""The officer app's first load (compressed bytes over the wire) and offline cold start to interactive (SPEC §5:
≤ 100 KB, map library excluded; ≤ 300 ms in headless Chromium).

    .venv/bin/python bench/officer_load.py [--runs 7]

First load: a fresh browser profile opens /app; every response the page and its service worker fetch is recorded
(the map library is not fetched: it loads only when the map is opened). The bytes are counted as gzip (level 6)
would send them — what any production proxy in front of gunicorn serves — plus the response headers; the raw
size is printed beside them.

Cold start: the officer has signed in once (20 hot spots pulled into IndexedDB); the network goes off; then /app is
opened offline (a) in a new tab of the running browser, (b) after the whole browser was closed and started again on
the same profile — the phone having closed the app. The figure is the app's own `fieldlog-interactive` performance
mark (set after the first view is rendered from IndexedDB with its handlers attached), in ms since navigation start;
median and worst of the runs.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import tempfile

from officer_support import CHROMIUM, launch, running_app, sign_in
from playwright.sync_api import sync_playwright

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg")


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
        headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items()) + 20
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


def launch_profile(playwright, profile: str):
    return playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
    )


def open_offline(context, base: str) -> float:
    page = context.new_page()
    page.goto(base + "/app")
    page.wait_for_selector("html[data-ready='1']")
    page.get_by_role("button", name="Anländ vid Plats 1", exact=True).wait_for()
    elapsed = page.evaluate("performance.getEntriesByName('fieldlog-interactive')[0].startTime")
    page.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with running_app() as (base, _url), sync_playwright() as p:
        browser = launch(p)
        loaded = first_load(browser, base)
        browser.close()
        tabs, restarts = cold_starts(p, base, args.runs)

    raw = sum(r for _, r, _ in loaded)
    wire = sum(w for _, _, w in loaded)
    print(f"first load: {len(loaded)} responses (page and service worker precache)")
    for url, r, w in sorted(loaded, key=lambda x: -x[2]):
        print(f"  {w:>7,} B gzip  {r:>7,} B raw  {url}")
    print(f"first load total: {wire / 1024:.1f} KB compressed ({raw / 1024:.1f} KB raw)  (target ≤ 100 KB)")
    for label, times in (("new tab, browser running", tabs), ("browser restarted (phone reopened the app)", restarts)):
        print(
            f"offline cold start to interactive, {label}: median {statistics.median(times):.0f} ms, "
            f"worst {max(times):.0f} ms over {len(times)} runs  (target ≤ 300 ms)"
        )


if __name__ == "__main__":
    main()
