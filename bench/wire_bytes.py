"""Bytes on the wire of the officer app's first load, from gunicorn alone (no proxy): compressed and not.

    .venv/bin/python bench/wire_bytes.py [--tree /path/to/another/checkout ...]

For each tree (default: this checkout), the app runs under gunicorn (``gunicorn.conf.py``, 2 workers) on a fresh
SQLite database; the first load is every URL a browser fetches on its first visit to ``/app``: the page, the files it
links (style sheet, icons, the modules it preloads and imports), the manifest, ``/sw.js`` and the service worker's
precache list (read from ``/sw.js``), each once. Each is fetched twice over plain HTTP/1.1, once with
``Accept-Encoding: gzip, deflate, br, zstd`` (what Chromium sends) and once without, and what came over the socket
is counted: status line, headers and body as sent. The SPEC §5 target is ≤ 100 KB; issue 14 asks ≤ 60 KB.

``bench/officer_load.py`` measures the same in real Chromium (it counts what the browser actually requested); this
one needs no browser and is exact about what the server sends.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import setup_database  # noqa: E402  (sibling script)
from push_single import wait_for  # noqa: E402  (sibling script)

from loadkit.server import free_port  # noqa: E402

# What Chromium sends, over HTTP to 127.0.0.1 as over HTTPS.
ACCEPT = "gzip, deflate, br, zstd"
LINKS = re.compile(r'(?:href|src)="(/[^"]+)"')


def fetch(port: int, path: str, gzip: bool) -> tuple[int, bytes, int, str]:
    """(status, body as sent, bytes on the wire, content-encoding)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": ACCEPT} if gzip else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + 2
    head += sum(len(k) + len(v) + 4 for k, v in response.getheaders())
    return response.status, body, head + len(body), response.getheader("Content-Encoding") or ""


def first_load_urls(port: int) -> list[str]:
    _, page, _, _ = fetch(port, "/app", False)
    html = page.decode()
    urls = ["/app", *LINKS.findall(html)]
    _, worker, _, _ = fetch(port, "/sw.js", False)
    precache = json.loads(re.search(rb"const PRECACHE = (\[.*?\]);", worker).group(1))
    urls += ["/sw.js", *precache]
    return list(dict.fromkeys(u for u in urls if not u.startswith("/static/vendor/")))


def measure(tree: Path, workdir: str, index: int) -> list[tuple[str, int, int, str]]:
    url = f"sqlite:///{workdir}/wire{index}.sqlite3"
    setup_database(url, workdir, hotspots=5)
    port = free_port()
    env = dict(os.environ, FIELDLOG_DATABASE_URL=url, FIELDLOG_SECRET_KEY="bench", PYTHONPATH=str(tree))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), f"--config={tree / 'gunicorn.conf.py'}", "--workers=2"]
        + [f"--bind=127.0.0.1:{port}", "--log-level=warning", "fieldlog:create_app()"],
        cwd=str(tree),
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, server)
        rows = []
        for path in first_load_urls(port):
            status, _, plain, _ = fetch(port, path, False)
            status_gz, _, wire, encoding = fetch(port, path, True)
            if status != 200 or status_gz != 200:
                raise SystemExit(f"{path}: {status}/{status_gz}")
            rows.append((path, plain, wire, encoding))
        return rows
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", default=None, help="checkout(s) to measure; default: this one")
    parser.add_argument("--verbose", action="store_true", help="every response")
    args = parser.parse_args()
    trees = [Path(t).resolve() for t in (args.tree or [str(ROOT)])]
    print(f"load average: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="fieldlog-wire-") as workdir:
        for i, tree in enumerate(trees):
            rows = measure(tree, workdir, i)
            if args.verbose:
                for path, plain, wire, encoding in sorted(rows, key=lambda r: -r[2]):
                    print(f"  {wire:>7,} B  {plain:>7,} B plain  {encoding or '-':4}  {path}")
            plain = sum(r[1] for r in rows)
            wire = sum(r[2] for r in rows)
            print(
                f"{tree}: first load {len(rows)} responses: {wire / 1024:.1f} KB on the wire with "
                "Accept-Encoding (as Chromium), "
                f"{plain / 1024:.1f} KB without (target <= 60 KB; SPEC §5 <= 100 KB)"
            )


if __name__ == "__main__":
    main()
