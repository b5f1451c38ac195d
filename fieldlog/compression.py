"""gzip for the app's own HTML, JSON and JavaScript answers when the client accepts it (issue 14): the officer app's
shell, its service worker and manifest (Brotli where accepted, below), the public report, the API. Static files are
WhiteNoise's (fieldlog/static_files.py), compressed once at start.

Twenty lines on the standard library's gzip rather than Flask-Compress: that library would bring a compiled
dependency (zstandard) for what ``gzip.compress`` does here, and what must *not* be compressed is this app's own
decision:

* nothing small (under ``MIN_SIZE`` bytes: a one-visit push's answer is about 250 — gzip would add work and bytes),
  nothing streamed (an export), nothing already encoded, nothing with a strong ETag (a record's ETag names its exact
  bytes: ``If-Match`` compares them strongly; a weak one, the officer shell's, names only what the text means);
* no page of a signed-in browser session (BREACH): a supervisor page carries the CSRF token beside text the user
  typed, and compressing both lets an attacker who can inject text and watch sizes guess the token. The pages that
  are compressed carry no secret: public (cookieless) answers, the officer shell (no user data: fieldlog/officer),
  and the API, which has no cookie session and whose one secret, the token answer, is not compressed either.

Level 6 (zlib's default): on a 40 KB answer it saves nearly all that level 9 does, in a third of the time.

The officer app's shell, manifest and service worker (``SHELL_PAGES``) go in Brotli when the client accepts it —
every phone's browser does — at its best quality: the shell and the worker are a tenth smaller than gzip's, on every
first load and every update (issue 14). Their text is the same for every request of one app version (no user data,
no secret), so each is compressed once per process and version (``_brotli``, 20–30 ms at quality 11) and answered
from memory after that. Everything else stays gzip: an answer made per request (a pull, a public page) would pay
Brotli's slower compression each time. The ``brotli`` package is WhiteNoise's own (whitenoise[brotli]).
"""

from __future__ import annotations

import functools
import gzip

import brotli
from flask import Flask, request

MIN_SIZE = 512
LEVEL = 6
COMPRESSIBLE = ("text/html", "text/css", "application/json", "text/javascript", "application/manifest+json", "text/csv")
# Answers that carry a secret beside text a client sent (BREACH): never compressed.
NEVER = {"api.auth.create_token"}
# Pages a browser session sees that carry no secret of it: the officer app's own, whose text is also the same for
# every request of one app version (Brotli, cached: ``SHELL_PAGES``).
NO_SECRET_PAGES = {"officer.shell", "officer.manifest", "officer.service_worker"}
SHELL_PAGES = NO_SECRET_PAGES
# One shell, manifest and worker (in each of its forms) per version; a few versions overlap in an update.
BROTLI_CACHED = 16


def accepts(coding: str) -> bool:
    """Whether the request's Accept-Encoding takes ``coding`` (by name or ``*``), with a quality above 0."""
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in (coding, "*"):
            quality = params.strip().removeprefix("q=")
            return not (params and quality.replace(".", "", 1).isdigit() and float(quality) == 0)
    return False


def accepts_gzip() -> bool:
    return accepts("gzip")


@functools.lru_cache(maxsize=BROTLI_CACHED)
def _brotli(body: bytes) -> bytes:
    return brotli.compress(body, quality=11)


def may_compress() -> bool:
    from fieldlog.security import is_cookieless

    endpoint = request.endpoint
    if endpoint in NEVER:
        return False
    return request.path.startswith("/api/") or is_cookieless() or endpoint in NO_SECRET_PAGES


def compress(response):
    if response.direct_passthrough or response.is_streamed:
        return response
    # Small first: it is the cheapest check and the commonest answer (a one-visit push's 250 bytes), and every check
    # below also leaves the response as it is.
    if len(response.get_data()) < MIN_SIZE:
        return response
    if (
        response.status_code < 200
        or response.status_code in (204, 206, 304)
        or "Content-Encoding" in response.headers
        or not response.headers.get("ETag", "W/").startswith("W/")
        or response.mimetype not in COMPRESSIBLE
    ):
        return response
    if not may_compress():
        return response
    body = response.get_data()
    response.vary.add("Accept-Encoding")
    if request.endpoint in SHELL_PAGES and accepts("br"):
        response.set_data(_brotli(body))
        response.headers["Content-Encoding"] = "br"
    elif accepts_gzip():
        response.set_data(gzip.compress(body, LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    """Registered right after ``ops``: it then runs after the request boundary's commit (whose 503 it may compress)
    and before the request is measured and logged."""
    app.after_request(compress)
