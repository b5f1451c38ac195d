"""Bytes on the wire of the officer app's first load, from gunicorn alone (no proxy): compressed and not.

    .venv/bin/python bench/wire_bytes.py [--tree /path/to/another/checkout ...] [--verbose]

For each tree (default: this checkout), the app runs under gunicorn (``gunicorn.conf.py``, 2 workers) on a fresh
SQLite database, and two figures are printed:

* **per URL**: every URL a browser fetches on its first visit to ``/app`` — the page, the files it links (style
  sheets, icons, the modules it preloads), the manifest, ``/sw.js`` and the service worker's precache list (read
  from ``/sw.js``) — each once. Each is fetched twice over plain HTTP/1.1, once with
  ``Accept-Encoding: gzip, deflate, br, zstd`` (what Chromium sends) and once without, and what came over the socket
  is counted: status line, headers and body as sent. Exact about what the server sends for each file, whoever asks.
* **in Chromium**: what real Chromium received on a first visit to ``/app`` in a fresh profile (the sign-in page,
  its modules, the service worker installing and precaching, until the worker is activated and the network is idle):
  the sum of CDP ``Network.loadingFinished.encodedDataLength`` (headers and body as received) over the page's and the
  service worker's requests, plus ``/sw.js`` itself as the per-URL figure has it (Chromium fetches the worker's
  script before the worker's target exists and reports it to no DevTools target). It counts what the per-URL sum
  cannot: a file fetched twice (by the page, then by the worker's precache, which revalidates: a 304's headers, or
  the whole file again when it has no validator), the modules the sign-in page loads, the real headers.

The issue 14 target (≤ 60 KB; SPEC §5 ≤ 100 KB) is judged by the Chromium figure: it is what an officer's phone
pays. ``bench/officer_load.py`` times the offline cold start.
"""

from __future__ import annotations

import argparse
import fcntl
import http.client
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
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

CHROMIUM = "/usr/bin/chromium"
# Chromium's own chores (component updates, background requests, first-run set-up) would add bytes of their own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
]
WORKER_ACTIVE = (
    "navigator.serviceWorker.getRegistration().then((r) => Boolean(r && r.active && r.active.state === 'activated'))"
)
IDLE_SECONDS = 0.5


class Chromium:
    """Chromium spoken to over the DevTools protocol on a pipe (``--remote-debugging-pipe``: fd 3 in, fd 4 out, one
    JSON message per NUL), flat sessions — the standard library suffices, and every target's events arrive here."""

    def __init__(self, profile: str) -> None:
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()

        def pipes() -> None:  # the child's fd 3 and 4, as Chromium expects them (either may be one of them now)
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_ARGS, f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=pipes,  # noqa: PLW1509 (no threads in this process)
            pass_fds=(3, 4),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive(timeout=30)
            if reply is None:
                raise SystemExit(f"Chromium did not answer {method}")
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise SystemExit(f"{method}: {reply['error']}")
                return reply["result"]

    def receive(self, timeout: float) -> dict | None:
        """The next message (an event is also kept in ``events``), or None after ``timeout`` seconds of silence."""
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._in], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise SystemExit("Chromium closed its pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self.events.append(message)
        return message

    def close(self) -> None:
        try:
            os.write(self._out, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        os.close(self._out)
        os.close(self._in)


def browser_first_load(base: str) -> list[tuple[str, str, int]]:
    """What real Chromium received over the network on a first visit to /app, in a fresh profile: the sign-in page,
    its modules, the service worker installing and precaching — until the worker is activated and the network has
    been idle for IDLE_SECONDS. One (target type, URL, bytes) per request: CDP's
    ``Network.loadingFinished.encodedDataLength`` (headers and body as received) for the page and the service worker
    targets; answers a service worker gave the page are not network bytes and are left out."""
    profile = tempfile.mkdtemp(prefix="fieldlog-wire-profile-")
    chromium = Chromium(profile)
    kinds: dict[str, str] = {}  # session id -> target type
    page = None
    try:
        # Every target, the worker included, waits for us at its start: its network is watched from its first byte.
        chromium.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True})
        target = chromium.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        handled = 0

        def attach_new() -> None:
            nonlocal handled, page
            while handled < len(chromium.events):
                event = chromium.events[handled]
                handled += 1
                if event["method"] != "Target.attachedToTarget":
                    continue
                session, info = event["params"]["sessionId"], event["params"]["targetInfo"]
                if info["type"] in ("page", "service_worker") and (
                    info["type"] != "page" or info["targetId"] == target
                ):
                    kinds[session] = info["type"]
                    if info["type"] == "page":
                        page = session
                    chromium.send("Network.enable", {}, session)
                if event["params"].get("waitingForDebugger"):
                    chromium.send("Runtime.runIfWaitingForDebugger", {}, session)

        attach_new()
        while page is None:
            if chromium.receive(timeout=30) is None:
                raise SystemExit("Chromium did not open its page")
            attach_new()
        chromium.send("Page.navigate", {"url": base + "/app"}, page)
        deadline = time.monotonic() + 120
        while True:
            attach_new()
            active = chromium.send(
                "Runtime.evaluate", {"expression": WORKER_ACTIVE, "awaitPromise": True, "returnByValue": True}, page
            )
            if active.get("result", {}).get("value") is True:
                break
            if time.monotonic() > deadline:
                raise SystemExit("the service worker did not activate within 120 s")
            chromium.receive(timeout=0.1)
        # Then until the network is idle: nothing in flight on the page or the worker for IDLE_SECONDS.
        while True:
            attach_new()
            pending = in_flight(chromium.events, kinds)
            message = chromium.receive(timeout=IDLE_SECONDS)
            if message is None and not pending:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"the network was not idle within 120 s: {sorted(pending)}")
        return received(chromium.events, kinds)
    finally:
        chromium.close()
        shutil.rmtree(profile, ignore_errors=True)


def in_flight(events: list[dict], kinds: dict[str, str]) -> set[tuple[str, str]]:
    started: set[tuple[str, str]] = set()
    for event in events:
        session = event.get("sessionId")
        if session not in kinds:
            continue
        key = (session, event["params"].get("requestId", ""))
        if event["method"] == "Network.requestWillBeSent":
            started.add(key)
        elif event["method"] in ("Network.loadingFinished", "Network.loadingFailed"):
            started.discard(key)
    return started


def received(events: list[dict], kinds: dict[str, str]) -> list[tuple[str, str, int]]:
    urls: dict[tuple[str, str], str] = {}
    from_worker: set[tuple[str, str]] = set()
    rows = []
    for event in events:
        session = event.get("sessionId")
        if session not in kinds:
            continue
        params = event["params"]
        key = (session, params.get("requestId", ""))
        if event["method"] == "Network.requestWillBeSent":
            urls[key] = params["request"]["url"]
        elif event["method"] == "Network.responseReceived" and params["response"].get("fromServiceWorker"):
            from_worker.add(key)
        elif event["method"] == "Network.loadingFinished" and key not in from_worker:
            url = urls.get(key, "?")
            if url.startswith(("http:", "https:")):
                rows.append((kinds[session], url, int(params["encodedDataLength"])))
    return rows


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


def measure(tree: Path, workdir: str, index: int) -> tuple[list[tuple[str, int, int, str]], list[tuple[str, str, int]]]:
    """(per-URL rows: path, plain bytes, bytes with Accept-Encoding, encoding; Chromium's rows: target, URL, bytes)."""
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
        return rows, browser_first_load(f"http://127.0.0.1:{port}")
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
            rows, browser = measure(tree, workdir, i)
            if args.verbose:
                for path, plain, wire, encoding in sorted(rows, key=lambda r: -r[2]):
                    print(f"  {wire:>7,} B  {plain:>7,} B plain  {encoding or '-':4}  {path}")
                print("  in Chromium:")
                for kind, url, size in browser:
                    print(f"  {size:>7,} B  {kind:14}  {url.split('//', 1)[-1].split('/', 1)[-1]}")
            plain = sum(r[1] for r in rows)
            wire = sum(r[2] for r in rows)
            print(
                f"{tree}: first load per URL, {len(rows)} responses: {wire / 1024:.1f} KB on the wire with "
                f"Accept-Encoding (as Chromium), {plain / 1024:.1f} KB without"
            )
            page = sum(size for kind, _, size in browser if kind == "page")
            worker = sum(size for kind, _, size in browser if kind != "page")
            # The worker's own script: Chromium fetches it before the worker's target exists, and reports it to no
            # DevTools target; what the server sends for it (per URL, with Chromium's Accept-Encoding) is added.
            script = next(r[2] for r in rows if r[0] == "/sw.js")
            total = page + worker + script
            print(
                f"{tree}: first load in Chromium, {len(browser) + 1} responses: {total / 1024:.1f} KB received "
                f"(page {page / 1024:.1f} KB, service worker {worker / 1024:.1f} KB, /sw.js {script / 1024:.1f} KB) "
                "— the figure the target is judged by (<= 60 KB; SPEC §5 <= 100 KB)"
            )


if __name__ == "__main__":
    main()
