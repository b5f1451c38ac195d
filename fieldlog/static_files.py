"""Static files served by WhiteNoise: compressed, cacheable, without a proxy in front (issue 14).

WhiteNoise (the well-kept WSGI static file server) answers ``/static/...`` before Flask sees the request: a Brotli
or gzip copy when the client accepts it (``Vary: Accept-Encoding``; every current browser accepts Brotli, which
saves a sixth more than gzip on the app's JavaScript), ETag and Last-Modified with 304s, HEAD and ranges. It
serves compressed copies only when they exist beside the file, so ``build`` makes them once:

* every file of ``static/`` is copied into a build folder named by a hash of all of their contents
  (``FIELDLOG_STATIC_BUILD_DIR``, by default the checkout's ``instance/static-build``), JavaScript and CSS minified
  on the way (``minified``), with WhiteNoise's own compressor writing a ``.br`` and a ``.gz`` beside each file worth
  it; a gunicorn worker that finds the folder already built uses it, so a restart or a second worker costs a scan.
  (The Leaflet package's files,
  /static/vendor/leaflet/, stay with ``fieldlog/vendor.py``, read into memory and gzipped by
  ``fieldlog/compression.py``: they are not in the officer app's first load, and a response that holds no open file
  is what its tests ask for);
* every file that is not a JavaScript module also gets a content-hashed name (``css/officer.3f2a91c04b7d.css``):
  ``url_for("static", ...)`` hands out that name, and WhiteNoise sends it with a year's ``Cache-Control: immutable``,
  so a browser never asks for it again until it changes (its name changes with it). JavaScript modules keep their
  names: they import each other by relative URL (``./api.js``), which a hashed name would break, and the officer
  app's service worker already keeps them until the next version. Unhashed names are ``no-cache``, as Flask served
  them: revalidated each time (a 304 costs only headers);
* every file's Subresource Integrity value (``sha256-…`` of the bytes served) is kept in
  ``app.extensions["static_integrity"]``: the officer app's worker takes a file from the browser's HTTP cache for its
  precache, with no request at all, when that copy's bytes are this version's (fieldlog/officer/views.py).

Minified, because the comments that explain the app's modules are a third of their Brotli'd bytes, paid on every
phone's first load (issue 14): rjsmin and rcssmin (pure Python, the minifiers django-compressor and webassets use)
strip comments and whitespace and rename nothing, so a served module is its source's program, token for token — the
sources in ``static/`` stay as they are, for readers; tests/unit/test_static_minify.py proves, with a real
JavaScript parser, that every minified module parses to the same syntax tree as its source.

Security headers: WhiteNoise's answers never pass Flask's ``after_request``; they carry what a script, style sheet or
image needs (``X-Content-Type-Options: nosniff``, fieldlog/security.py says why the page-only policies are left off)
and never a cookie (static files are cookieless, as before). No ``Access-Control-Allow-Origin``.
When the build folder cannot be written, the files are served from ``static/`` as they are, uncompressed and not
minified.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from flask import Flask

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
# The part of a hashed name that is the hash: ``name.<12 hex>.ext``.
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
# Files whose name stays as it is (ES modules import each other by relative URL).
UNHASHED_SUFFIXES = (".js", ".mjs", ".map")
COMPLETE = ".complete"
STALE_BUILD_SECONDS = 24 * 3600
RECIPE = "2"  # change when build() changes what it writes (2: JavaScript and CSS minified)


def sources(app: Flask) -> dict[str, Path]:
    """Every file of ``static/``, by its name under /static/."""
    base = Path(app.static_folder)
    return {
        path.relative_to(base).as_posix(): path
        for path in sorted(base.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def hashed_name(name: str, digest: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest[:12]}.{suffix}" if dot else f"{name}.{digest[:12]}"


def minified(name: str, data: bytes) -> bytes:
    """What is served for a file of ``static/``: JavaScript and CSS without comments and needless whitespace (rjsmin,
    rcssmin: nothing renamed, nothing reordered); any other file as it is."""
    if name.endswith(".js"):
        import rjsmin

        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")
    if name.endswith(".css"):
        import rcssmin

        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
    return data


def build(files: dict[str, Path], into: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The build folder for these files (made when missing), the hashed name of each file that has one, and each
    file's Subresource Integrity value (``sha256-…`` of the bytes served, before any compression)."""
    from whitenoise.compress import Compressor, brotli_installed

    contents = {name: minified(name, path.read_bytes()) for name, path in files.items()}
    # The folder's name says what it holds: the files, and how they were built.
    whole = hashlib.sha256(f"{RECIPE} brotli={brotli_installed}\0".encode())
    hashed: dict[str, str] = {}
    integrity: dict[str, str] = {}
    for name, data in contents.items():
        digest = hashlib.sha256(data)
        whole.update(f"{name}\0{digest.hexdigest()}\0".encode())
        integrity[name] = "sha256-" + base64.b64encode(digest.digest()).decode()
        if not name.endswith(UNHASHED_SUFFIXES):
            hashed[name] = hashed_name(name, digest.hexdigest())
    target = into / whole.hexdigest()[:16]
    if (target / COMPLETE).exists():
        return target, hashed, integrity
    into.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=into))
    try:
        compressor = Compressor(quiet=True)  # Brotli (whitenoise[brotli]) and gzip
        for name, data in contents.items():
            for served in {name, hashed.get(name, name)}:
                path = work / served
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                shutil.copystat(files[name], path)  # WhiteNoise's Last-Modified and ETag
                if compressor.should_compress(served):
                    compressor.compress(str(path))
        (work / COMPLETE).touch()
        try:
            os.rename(work, target)
        except OSError:  # another worker finished the same build first: use its folder
            if not (target / COMPLETE).exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # Builds of earlier versions, once no worker of theirs can still be running (a graceful restart overlaps).
    for old in into.iterdir():
        if old != target and old.stat().st_mtime < time.time() - STALE_BUILD_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    return target, hashed, integrity


def _add_headers(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"
    if not HASHED.search(url):
        headers["Cache-Control"] = "no-cache"


def init_app(app: Flask) -> None:
    from whitenoise import WhiteNoise

    files = sources(app)
    into = Path(app.config.get("STATIC_BUILD_DIR") or ROOT / "instance" / "static-build")
    try:
        root, hashed, integrity = build(files, into)
    except OSError:
        log.warning("static files: cannot build %s; serving them uncompressed", into, exc_info=True)
        root, hashed, integrity = None, {}, {}
    prefix = (app.static_url_path or "/static").strip("/") + "/"
    server = WhiteNoise(
        app.wsgi_app,
        max_age=None,
        allow_all_origins=False,
        add_headers_function=_add_headers,
        immutable_file_test=lambda path, url: bool(HASHED.search(url)),
    )
    if root is not None:
        server.add_files(str(root), prefix=prefix)
    else:
        server.add_files(app.static_folder, prefix=prefix)
    app.wsgi_app = server
    # What the officer app's service worker checks its precache against (fieldlog/officer/views.py).
    app.extensions["static_integrity"] = integrity

    @app.url_defaults
    def hashed_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static":
            name = values.get("filename")
            values["filename"] = hashed.get(name, name)
