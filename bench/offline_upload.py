"""1,000 visits queued offline in the officer app, then back online: seconds until all are uploaded (SPEC §5: ≤ 5 s).

    .venv/bin/python bench/offline_upload.py [--visits 1000]

The app runs under gunicorn (2 workers) on a fresh SQLite database; system Chromium signs in through the app, goes
offline, and the app's own outbox module (the code the Arrive/Leave buttons call) queues the visits. The clock starts
when the network comes back (the app's `online` trigger starts the sync) and stops when the status line says
everything is uploaded; the server's table is then checked to hold exactly those visits, once each.
"""

from __future__ import annotations

import argparse
import sqlite3
import time

from officer_support import launch, running_app, sign_in
from playwright.sync_api import sync_playwright

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1000)
    args = parser.parse_args()
    with running_app() as (base, url), sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, base)

        context.set_offline(True)
        started = time.perf_counter()
        queued = page.evaluate(QUEUE, args.visits)
        queue_s = time.perf_counter() - started
        page.wait_for_selector(f'#sync-status[data-waiting="{args.visits}"]', timeout=60_000)
        assert queued == args.visits, queued

        started = time.perf_counter()
        context.set_offline(False)
        page.wait_for_selector('#sync-status.sync-synced[data-waiting="0"]', timeout=120_000)
        upload_s = time.perf_counter() - started
        browser.close()

    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        stored, distinct = conn.execute("SELECT count(*), count(DISTINCT id) FROM visit").fetchone()
    print(f"visits queued offline:        {args.visits}  ({queue_s:.2f} s to queue, one IndexedDB transaction each)")
    print(f"stored on the server:         {stored} ({distinct} distinct)")
    print(f"upload once online:           {upload_s:.2f} s  (target ≤ 5 s)")


if __name__ == "__main__":
    main()
