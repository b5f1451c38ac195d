"""Shared by the officer app benchmarks: a fresh SQLite database with an area, an officer and hot spots, the app
under gunicorn on a free local port, and system Chromium signed in to the app."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "correct horse battery"
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_database(url: str, instance: str, hotspots: int = 20) -> None:
    from flask_migrate import upgrade

    from fieldlog import create_app
    from fieldlog.areas.models import Area
    from fieldlog.auth.services import create_user
    from fieldlog.db import utcnow
    from fieldlog.extensions import db
    from fieldlog.hotspots.models import HotSpot
    from fieldlog.sync.changes import current_change_seq

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance})
    with app.app_context():
        upgrade()
        area = Area(slug="svenljunga", name="Svenljunga", timezone="Europe/Stockholm")
        db.session.add(area)
        db.session.flush()
        create_user("anna", PASSWORD, "officer", area, display_name="Anna")
        now = utcnow()
        for i in range(hotspots):
            db.session.add(
                HotSpot(
                    area_id=area.id,
                    name=f"Plats {i + 1}",
                    lat=57.49 + i * 0.002,
                    lon=13.10 + i * 0.002,
                    priority=1 + i % 3,
                    target_visits_per_week=1 + i % 7,
                    hot_hours=[{"days": [5, 6], "from": "20:00", "to": "02:00"}],
                    created_at=now,
                    updated_at=now,
                    change_seq=current_change_seq(db.session),
                )
            )
        db.session.commit()
        db.engine.dispose()


# One line per request in the access log: method, path, query, status (read by ``served_since``).
ACCESS_FORMAT = "%(m)s %(U)s %(q)s %(s)s"


@contextmanager
def running_app(workers: int = 2, access_log: str | None = None):
    """The app under gunicorn with a fresh database; yields (base URL, database URL). With ``access_log``, gunicorn
    writes every request it answered to that file (see ``served_since``)."""
    tmp = tempfile.mkdtemp(prefix="fieldlog-bench-")
    url = f"sqlite:///{tmp}/bench.sqlite3"
    setup_database(url, tmp)
    port = free_port()
    env = {**os.environ, "FIELDLOG_DATABASE_URL": url, "FIELDLOG_SECRET_KEY": "bench"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    logging = ["--access-logfile", access_log, "--access-logformat", ACCESS_FORMAT] if access_log else []
    proc = subprocess.Popen(
        [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", *logging]
        + ["fieldlog:create_app()"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()  # noqa: S310 (local URL)
                break
            except OSError:
                time.sleep(0.1)
        yield base, url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])


def sign_in(page, base: str) -> None:
    page.goto(base + "/app")
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
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
