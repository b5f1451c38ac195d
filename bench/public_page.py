"""The public promise page's targets (SPEC §9): the page ≤ 50 KB compressed, card.png ≤ 300 ms to render.

Usage:  .venv/bin/python bench/public_page.py [--runs 9]

Loads the demo (`fieldlog demo`) into a fresh SQLite database in a temporary folder and asks the app for
``/public/svenljunga`` as a browser would: the HTML and the style sheets it links, each gzip-compressed (level 6, what
a proxy typically sends); the total is what a first visit downloads (no JavaScript, no images: the pictures are inline
SVG). Then the card: the median of ``--runs`` drawings of card.png from the demo's figures (Pillow, PNG encoding
included; the server keeps the result until the figures change, so this is the cost of the first request after a
change), and the time of one whole uncached request for it.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import logging  # noqa: E402

from fieldlog import create_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the request log of every asking would bury the figures
    workdir = tempfile.mkdtemp(prefix="fieldlog-public-bench-")
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3", "SECRET_KEY": "bench", "INSTANCE_PATH": workdir}
    )
    with app.app_context():
        from flask_migrate import upgrade

        from fieldlog.demo import load_demo

        upgrade()
        list(load_demo())

    client = app.test_client()
    page = client.get("/public/svenljunga")
    assert page.status_code == 200, page.status_code
    html = page.get_data()
    has_promise = b'id="promise-title"' in html
    sizes = {"html": (len(html), len(gzip.compress(html, 6)))}
    for href in re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html):
        sheet = client.get(href.decode())
        body = sheet.get_data()
        sheet.close()
        sizes[href.decode()] = (len(body), len(gzip.compress(body, 6)))
    print(f"demo promise on the page: {'yes' if has_promise else 'NO (the figures are of the monthly report only)'}")
    for name, (raw, packed) in sizes.items():
        print(f"  {name}: {raw:,} bytes, {packed:,} bytes gzip")
    total = sum(packed for _raw, packed in sizes.values())
    html_kb = sizes["html"][1] / 1000
    print(f"public page, compressed: HTML {html_kb:.1f} KB; with its style sheets {total / 1000:.1f} KB")
    print("  target: <= 50 KB")

    from fieldlog.areas.models import Area
    from fieldlog.extensions import db
    from fieldlog.public import card, views

    with app.test_request_context("/public/svenljunga/card.png"):
        area = db.session.scalar(db.select(Area).where(Area.slug == "svenljunga"))
        data = views.public_data(area)
        figures = card.figures(area, data["promise"], data)
        card.render(figures)  # fonts loaded once, as in a running server
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            png = card.render(figures)
            times.append((time.perf_counter() - t0) * 1000)
    card._cache.clear()  # noqa: SLF001 (the first request after a change draws it again)
    t0 = time.perf_counter()
    response = client.get("/public/svenljunga/card.png")
    whole = (time.perf_counter() - t0) * 1000
    assert response.status_code == 200
    print(
        f"card.png render: median {statistics.median(times):.0f} ms of {args.runs} runs "
        f"(min {min(times):.0f}, max {max(times):.0f}); {len(png):,} bytes; "
        f"one uncached request {whole:.0f} ms"
    )
    print("  target: <= 300 ms")


if __name__ == "__main__":
    main()
