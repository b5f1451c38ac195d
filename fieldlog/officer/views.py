"""Serves the officer app's shell (``/app``), its manifest and the service worker (``/sw.js``).

The shell carries no user data: the app signs in with a bearer token kept in IndexedDB, never the cookie session,
so the same cached page serves every officer offline. The service worker's text names the app version (a hash of
every precached file), so any change to the shell makes the browser install a new worker and the page offer a reload.

All three answers carry a weak ETag of their text (``revalidated``) and answer ``If-None-Match`` with a 304: they
stay ``no-cache``, but the worker's precache, which revalidates the shell the page has just loaded, and the
browser's update checks of ``/sw.js`` pay only headers while nothing changed (issue 14). Weak, because the same text
goes out in Brotli, gzip or plain (fieldlog/compression.py) — one meaning, not one byte sequence.
"""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, current_app, render_template, request, url_for

from fieldlog.officer.shell import PRELOAD_MODULES, SHELL_STATIC, STATIC, SW_SOURCE, TEMPLATE, shell_config

bp = Blueprint("officer", __name__)

NO_CACHE = "no-cache"


def revalidated(response: Response) -> Response:
    """The response with a weak ETag of its text, or a 304 when the request's ``If-None-Match`` names it."""
    response.add_etag(weak=True)
    return response.make_conditional(request)


def shell_urls() -> list[str]:
    return [url_for("officer.shell"), url_for("officer.manifest")] + [
        url_for("static", filename=name) for name in SHELL_STATIC
    ]


def precache_integrity() -> dict[str, str]:
    """Each precached static file's Subresource Integrity value, by URL (fieldlog/static_files.py): the worker takes a
    file the browser already holds from its HTTP cache when it matches, and fetches it only when it does not."""
    integrity = current_app.extensions.get("static_integrity", {})
    return {url_for("static", filename=name): integrity[name] for name in SHELL_STATIC if name in integrity}


def app_version() -> str:
    """A hash of the service worker, every shell file and the config the server gives the app (plus
    OFFICER_APP_VERSION, to force an update): a change to any of them makes every phone offer a reload."""
    cache = current_app.extensions.setdefault("officer_app_version", {})
    extra = str(current_app.config.get("OFFICER_APP_VERSION") or "")
    config = json.dumps(shell_config(), sort_keys=True)
    key = (extra, config)
    if key not in cache:
        digest = hashlib.sha256(SW_SOURCE.read_bytes())
        for name in SHELL_STATIC:
            digest.update((STATIC / name).read_bytes())
        digest.update(TEMPLATE.read_bytes())
        digest.update(config.encode())
        digest.update(extra.encode())
        cache[key] = digest.hexdigest()[:16]
    return cache[key]


@bp.get("/app")
def shell():
    response = Response(
        render_template(
            "officer/app.html",
            version=app_version(),
            tile_url=current_app.config.get("TILE_URL") or "",
            config=shell_config(),
            modules=PRELOAD_MODULES,
        )
    )
    response.headers["Cache-Control"] = NO_CACHE
    return revalidated(response)


@bp.get("/app/manifest.webmanifest")
def manifest():
    icons = [
        {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": url_for("static", filename="icons/icon-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": url_for("static", filename="icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    body = {
        "name": "fieldlog",
        "short_name": "fieldlog",
        "description": "Logga besök vid hot spots, med eller utan täckning.",
        "lang": "sv",
        "id": url_for("officer.shell"),
        "start_url": url_for("officer.shell"),
        "scope": url_for("officer.shell"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b4f9c",
        "icons": icons,
    }
    return revalidated(
        Response(
            json.dumps(body, ensure_ascii=False),
            mimetype="application/manifest+json",
            headers={"Cache-Control": NO_CACHE},
        )
    )


def worker_config() -> dict:
    """The part of the shell's config that the worker's own modules read (sync.js and what it imports: each record
    type's wire fields and defaults, the key entries are sealed for): all of it but the survey kiosk's questionnaires
    and the words the page shows (``labels``) — the worker draws nothing, and its text is fetched on every install."""
    from fieldlog.sync.records import RECORDS

    config = shell_config()
    out = {name: value for name, value in config.items() if name != "survey"}
    for name in RECORDS:
        out[name] = {key: value for key, value in config[name].items() if key != "labels"}
    return out


# The worker imports the page's sync module (a module worker, so that Background Sync uploads by itself). A browser
# that cannot run module workers registers ``/sw.js?classic=1``: the same worker without the import, which only
# asks open pages to sync.
SW_IMPORT = 'import { syncInWorker } from "/static/js/sync.js";'


@bp.get("/sw.js")
def service_worker():
    source = SW_SOURCE.read_text(encoding="utf-8")
    source = (
        source.replace('"__VERSION__"', json.dumps(app_version()))
        .replace("__PRECACHE__", json.dumps(shell_urls()))
        .replace("__INTEGRITY__", json.dumps(precache_integrity()))
        .replace("__CONFIG__", json.dumps(worker_config()))
    )
    if request.args.get("classic"):
        source = source.replace(SW_IMPORT, "const syncInWorker = null;", 1)
    return revalidated(
        Response(
            source,
            mimetype="text/javascript",
            headers={"Cache-Control": NO_CACHE, "Service-Worker-Allowed": url_for("officer.shell")},
        )
    )
