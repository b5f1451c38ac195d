"""Shared by the officer app benchmarks: a fresh SQLite database with an area, an officer and hot spots, the app
under gunicorn on a free local port, and system Chromium signed in to the app."""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import area_in_fresh_database  # noqa: E402
from loadkit.database import add_hotspots  # noqa: E402
from loadkit.server import Server, free_port  # noqa: E402

PASSWORD = "correct horse battery"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
# A restarted browser's own chores (component updates, background requests, first-run set-up) run on the same two
# cores as the page: off, as in tests/browser/conftest.py, so that a restart times the app's start, not Chromium's.
QUIET_ARGS = ["--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def setup_database(url: str, instance: str, hotspots: int = 20) -> None:
    from fieldlog.auth.services import create_user
    from fieldlog.extensions import db

    with area_in_fresh_database(url, instance, "svenljunga", "Svenljunga") as area:
        create_user("anna", PASSWORD, "officer", area, display_name="Anna")
        add_hotspots(
            db.session,
            area,
            hotspots,
            name="Plats {n}",
            lat=57.49,
            lon=13.10,
            fields=lambda i: {
                "priority": 1 + i % 3,
                "target_visits_per_week": 1 + i % 7,
                "hot_hours": [{"days": [5, 6], "from": "20:00", "to": "02:00"}],
            },
        )


# One line per request in the access log: method, path, query, status (read by ``served_since``).
ACCESS_FORMAT = "%(m)s %(U)s %(q)s %(s)s"


@contextmanager
def running_app(workers: int = 2, access_log: str | None = None):
    """The app under gunicorn with a fresh database; yields (base URL, database URL). With ``access_log``, gunicorn
    writes every request it answered to that file (see ``served_since``)."""
    tmp = tempfile.mkdtemp(prefix="fieldlog-bench-")
    url = f"sqlite:///{tmp}/bench.sqlite3"
    setup_database(url, tmp)
    logging = ("--access-logfile", access_log, "--access-logformat", ACCESS_FORMAT) if access_log else ()
    # The sign-in throttle keeps its counts where production does (the database), not in the harness's memory.
    env = {"FIELDLOG_SECRET_KEY": "bench", "FIELDLOG_RATELIMIT_STORAGE_URI": "database"}
    with Server(url, tmp, workers=workers, env=env, options=logging) as server:
        yield f"http://127.0.0.1:{server.port}", url


def serve_tree(tree: Path, workdir: str, index: int) -> tuple[subprocess.Popen, str, str]:
    """A checkout's own code (``tree``) under gunicorn, 2 workers, on a fresh SQLite database of its own: (process,
    base URL, database URL) — for benches that compare checkouts in one run (``--tree``)."""
    url = f"sqlite:///{workdir}/tree{index}.sqlite3"
    setup_database(url, workdir)
    port = free_port()
    env = dict(os.environ, FIELDLOG_DATABASE_URL=url, FIELDLOG_SECRET_KEY="bench", PYTHONPATH=str(tree))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
        + ["fieldlog:create_app()"],
        cwd=str(tree),
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()  # noqa: S310 (local URL)
            return server, base, url
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{tree}: the server did not start")


def summary(values: list[float], unit: str = "ms", digits: int = 0) -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"min {low:.{digits}f}  median {mid:.{digits}f}  max {high:.{digits}f} {unit}"


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def launch_profile(playwright, profile: str):
    """Chromium with a profile kept on disk (its service worker and stored data survive a restart)."""
    return playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS + QUIET_ARGS
    )


# Set before the PIN is typed: the moment the lock's form is submitted (PBKDF2 starts) and the moment the first data
# view is drawn (a hot spot's Arrive button in the DOM), in ms since navigation start — the same for any tree.
WATCH_UNLOCK = """() => {
  window.__unlock = {};
  document.addEventListener('submit', () => { window.__unlock.submit ??= performance.now(); }, { capture: true });
  const drawn = () => [...document.querySelectorAll('#main button')].some(
    (b) => (b.getAttribute('aria-label') || b.textContent).startsWith('Anländ vid'));
  new MutationObserver((_, observer) => {
    if (window.__unlock.submit === undefined || !drawn()) return;
    window.__unlock.view = performance.now();
    observer.disconnect();
  }).observe(document.getElementById('main'), { childList: true, subtree: true });
}"""
# The lock screen's own mark (app.js); a tree from before it marked the lock screen `fieldlog-interactive`.
# With the navigation's own timing, the same for any tree: when its answer was in (responseEnd) and when the page was
# parsed (domInteractive; the lock screen's modules run after it).
MARKS = """() => {
  const at = (name) => performance.getEntriesByName(name).map((e) => e.startTime).pop() ?? null;
  const navigation = performance.getEntriesByType('navigation')[0];
  return { lock: at('fieldlog-lock-ready') ?? at('fieldlog-interactive'), unlocked: at('fieldlog-unlocked'),
           view: at('fieldlog-data-view'), response: navigation.responseEnd, parsed: navigation.domInteractive,
           ...window.__unlock };
}"""


def cold_open(context, base: str) -> dict[str, float | None]:
    """Open the app in a new tab, wait for the lock screen, unlock it and wait for the hot spots. In ms: ``lock`` from
    navigation start to the lock screen drawn and ready for the PIN; ``response`` and ``parsed`` to the navigation's
    answer received and the page parsed, on the way there; ``unlock`` from the PIN's submit to the first data view
    drawn (PBKDF2 included); ``after_key`` from the key in memory to that view (None for a tree without the marks)."""
    page = context.new_page()
    page.goto(base + "/app")
    page.get_by_role("heading", name="Appen är låst").wait_for()
    page.evaluate(WATCH_UNLOCK)
    unlock(page)
    page.get_by_role("button", name="Anländ vid Plats 1", exact=True).wait_for()
    page.wait_for_function("() => window.__unlock.view !== undefined")
    marks = page.evaluate(MARKS)
    page.close()
    return {
        "lock": marks["lock"],
        "response": marks["response"],
        "parsed": marks["parsed"],
        "unlock": marks["view"] - marks["submit"],
        "after_key": marks["view"] - marks["unlocked"] if marks["unlocked"] is not None else None,
    }


def open_offline(context, base: str) -> float:
    """Open the app in a new tab: the milliseconds until its first screen (since issue 15 the lock screen) was ready."""
    return cold_open(context, base)["lock"]


PIN = "246813"


def unlock(page, pin: str = PIN) -> None:
    """The lock screen of a cold start (issue 15), where there is one: the PIN."""
    if page.get_by_role("heading", name="Appen är låst").count():
        page.get_by_label("PIN-kod", exact=True).fill(pin)
        page.get_by_role("button", name="Lås upp").click()


def sign_in(page, base: str) -> None:
    page.goto(base + "/app")
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    # The app lock's PIN, chosen after the sign-in (issue 15).
    page.get_by_label("Upprepa PIN-koden").fill(PIN)
    page.get_by_label("PIN-kod", exact=True).fill(PIN)
    page.get_by_role("button", name="Spara PIN-koden").click()
    # The first pull has brought the hot spots.
    page.get_by_role("button", name="Anländ vid Plats 1", exact=True).wait_for(timeout=30_000)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)


def served_since(access_log: str, offset: int) -> tuple[list[tuple[str, str, int]], int]:
    """The requests gunicorn answered since byte ``offset`` of its access log: (method, path with query, status) —
    and the new offset. A worker writes its line just after sending the response, so the log is read once it has
    stopped growing."""
    size = -1
    while size != (size := os.path.getsize(access_log)):
        time.sleep(0.5)
    with open(access_log, encoding="utf-8") as log:
        log.seek(offset)
        text = log.read()
        end = log.tell()
    served = []
    for line in text.splitlines():
        method, path, query, status = line.split(" ")
        query = "" if query in ("", "-") else query
        served.append((method, path + (f"?{query}" if query else ""), int(status)))
    return served, end


# Save `count` visits as the app saves them (outbox.js, sealed by storage.js), spread over the area's hot spots.
QUEUE = """async (count) => {
  const { newVisit, saveVisit } = await import('/static/js/outbox.js');
  const { getMeta, getAll } = await import('/static/js/storage.js');
  const session = await getMeta('session');
  const spots = await getAll('hotspots');
  const now = Date.now();
  for (let i = 0; i < count; i += 1) {
    const start = now - 11 * 3600 * 1000 + i * 30 * 1000;
    await saveVisit(newVisit({
      hotspot_id: spots[i % spots.length].id,
      started_at: new Date(start).toISOString(),
      ended_at: new Date(start + 12 * 60 * 1000).toISOString(),
      mode: 'foot', officers: 2, observations: ['nothing_to_report'], activities: ['visible_presence'],
      position: { lat: spots[i % spots.length].lat, lon: spots[i % spots.length].lon, accuracy_m: 15 },
    }, session.user.id));
  }
  return (await getAll('outbox')).length;
}"""


def queue_and_upload(page, context, count: int, timeout_ms: int = 120_000) -> tuple[float, float]:
    """Queue ``count`` visits offline, then go online: the seconds to queue them (until the status line shows them all
    waiting) and to upload them all."""
    context.set_offline(True)
    started = time.perf_counter()
    queued = page.evaluate(QUEUE, count)
    page.wait_for_selector(f'#sync-status[data-waiting="{count}"]', timeout=timeout_ms)
    queue_s = time.perf_counter() - started
    assert queued == count, queued
    started = time.perf_counter()
    context.set_offline(False)
    page.wait_for_selector('#sync-status.sync-synced[data-waiting="0"]', timeout=timeout_ms)
    return queue_s, time.perf_counter() - started


def stored_visits(url: str) -> tuple[int, int]:
    """The visits a SQLite database holds, and how many distinct."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute("SELECT count(*), count(DISTINCT id) FROM visit").fetchone()
