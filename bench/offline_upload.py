"""1,000 visits queued offline in the officer app, then back online: seconds to queue them one save after another, and
until all are uploaded (SPEC §5: ≤ 5 s) — several checkouts interleaved in one run.

    .venv/bin/python bench/offline_upload.py [--visits 1000] [--repeat 1] [--tree /path/to/another/checkout ...]

For each tree (default: this checkout) the app runs under gunicorn (2 workers, the tree's code) on a fresh SQLite
database; system Chromium signs in through the app (and chooses the app lock's PIN), goes offline, and the app's own
outbox module (the code the Arrive/Leave buttons call) saves the visits one after another, each in its own
transaction, while the status line counts them. The queuing time ends when the status line shows them all waiting.
The upload clock starts when the network comes back (the app's `online` trigger starts the sync) and stops when the
status line says everything is uploaded; the server's table is then checked to hold exactly those visits, once each.
With --repeat N the trees take turns N times, each on a fresh browser and database.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from officer_support import ROOT, launch, queue_and_upload, serve_tree, sign_in, stored_visits, summary
from playwright.sync_api import sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--tree", action="append", default=None, help="checkout(s) to measure; default: this one")
    args = parser.parse_args()
    trees = [Path(t).resolve() for t in (args.tree or [str(ROOT)])]
    queued: list[list[float]] = [[] for _ in trees]
    uploaded: list[list[float]] = [[] for _ in trees]
    stored: list[list[tuple[int, int]]] = [[] for _ in trees]
    loads: list[float] = []
    with sync_playwright() as p:
        for round_ in range(args.repeat):
            for i, tree in enumerate(trees):
                loads.append(os.getloadavg()[0])
                server, base, url = serve_tree(tree, tempfile.mkdtemp(prefix="fieldlog-upload-"), round_)
                try:
                    browser = launch(p)
                    context = browser.new_context()
                    page = context.new_page()
                    sign_in(page, base)
                    queue_s, upload_s = queue_and_upload(page, context, args.visits, timeout_ms=600_000)
                    browser.close()
                finally:
                    server.terminate()
                    server.wait(timeout=10)
                queued[i].append(queue_s)
                uploaded[i].append(upload_s)
                stored[i].append(stored_visits(url))
    print(f"{args.visits} visits saved offline one after another, then uploaded; {args.repeat} round(s), trees in turn")
    print(f"load average at each start: {' '.join(f'{x:.2f}' for x in loads)}")
    for i, tree in enumerate(trees):
        print(f"{tree}:")
        runs = " ".join(f"{x:.2f}" for x in queued[i])
        print(f"  queuing, until the status line shows them all: {summary(queued[i], 's', 2)}   runs {runs}")
        runs = " ".join(f"{x:.2f}" for x in uploaded[i])
        print(f"  upload once online: {summary(uploaded[i], 's', 2)}   runs {runs}")
        print(f"  stored on the server (rows, distinct): {' '.join(f'{a}/{b}' for a, b in stored[i])}")
    print("target: upload <= 5 s (SPEC §5)")


if __name__ == "__main__":
    main()
