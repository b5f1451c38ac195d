"""1,000 visits queued offline in the officer app, then back online: seconds until all are uploaded (SPEC §5: ≤ 5 s).

    .venv/bin/python bench/offline_upload.py [--visits 1000]

The app runs under gunicorn (2 workers) on a fresh SQLite database; system Chromium signs in through the app, goes
offline, and the app's own outbox module (the code the Arrive/Leave buttons call) queues the visits. The clock starts
when the network comes back (the app's `online` trigger starts the sync) and stops when the status line says
everything is uploaded; the server's table is then checked to hold exactly those visits, once each.
"""

from __future__ import annotations

import argparse

from officer_support import launch, queue_and_upload, running_app, sign_in, stored_visits
from playwright.sync_api import sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1000)
    args = parser.parse_args()
    with running_app() as (base, url), sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, base)

        queue_s, upload_s = queue_and_upload(page, context, args.visits)
        browser.close()

    stored, distinct = stored_visits(url)
    print(f"visits queued offline:        {args.visits}  ({queue_s:.2f} s to queue, one IndexedDB transaction each)")
    print(f"stored on the server:         {stored} ({distinct} distinct)")
    print(f"upload once online:           {upload_s:.2f} s  (target ≤ 5 s)")


if __name__ == "__main__":
    main()
