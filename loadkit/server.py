"""gunicorn serving the app on one local port, and one HTTP request to it (only 127.0.0.1 is ever contacted)."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
# What a retrying phone treats as "try the same request again".
RETRYABLE_ERRORS = (OSError, http.client.HTTPException)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(url: str, instance: str, extra: dict | None = None) -> dict:
    env = dict(
        os.environ,
        FIELDLOG_DATABASE_URL=url,
        FIELDLOG_SECRET_KEY="load-bench",
        FIELDLOG_RATELIMIT_STORAGE_URI="memory://",
        FIELDLOG_PROOF_INSTANCE=instance,
    )
    env.update(extra or {})
    return env


class Server:
    """gunicorn serving the app on one fixed local port; it can be stopped, SIGKILLed and started again."""

    def __init__(
        self,
        url: str,
        instance: str,
        workers: int = 4,
        app: str = "fieldlog:create_app()",
        env: dict | None = None,
        port: int | None = None,
        timeout: int = 60,
        options: tuple[str, ...] = (),
    ):
        self.url = url
        self.instance = instance
        self.workers = workers
        self.app = app
        self.env = server_env(url, instance, env)
        self.port = port or free_port()
        self.timeout = timeout
        self.options = options  # further gunicorn options (a config file, an access log)
        self.proc: subprocess.Popen | None = None
        self.log_path = os.path.join(instance, f"gunicorn-{self.port}.log")
        self.starts = 0
        self.closed = False  # after close(), nothing may start it again (a fault thread that outlived its run)

    @property
    def address(self) -> tuple[str, int]:
        return (HOST, self.port)

    def start(self, ready_within: float = 60) -> None:
        if self.closed:
            raise RuntimeError("this server was closed")
        with open(self.log_path, "ab") as log:
            # A session of its own, so that one killpg reaches the master and every worker.
            self.proc = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    f"--workers={self.workers}",
                    "--worker-class=sync",
                    f"--bind={HOST}:{self.port}",
                    f"--timeout={self.timeout}",
                    "--graceful-timeout=5",
                    "--log-level=warning",
                    *self.options,
                    self.app,
                ],
                cwd=str(ROOT),
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        self.starts += 1
        self.wait_ready(ready_within)

    def wait_ready(self, within: float) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log_path}")
            try:
                status, _ = request(self.address, "GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except RETRYABLE_ERRORS:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer within {within} s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL to the master and all its workers at once: no graceful anything."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.proc = None

    def close(self) -> None:
        self.closed = True
        self.stop()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def request(
    address: tuple[str, int],
    method: str,
    path: str,
    body: bytes | None = None,
    token: str | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    """One HTTP request on a connection of its own (gunicorn's sync workers close every connection)."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection(*address, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
