"""Security headers, and cookies marked Secure whenever the request came over HTTPS.

``X-Content-Type-Options`` (and HSTS) go on every response. The rest (CSP, frame and referrer policy, Permissions-
and Cross-Origin-Opener-Policy) only govern a document or a worker: a browser ignores them on a script, a style
sheet, an image or a font loaded by a page. So files under /static do not carry them — about 830 bytes of headers
per file, paid twice on the officer app's first load (the page's fetch and the service worker's precache). Pages,
API answers, the manifest and the service worker script (/sw.js is not a static file: its CSP is the worker's own)
keep them all.
"""

from __future__ import annotations

import re
import weakref

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l

# Responses that other people's caches may keep (the public report, static files, the favicon): they never set a
# cookie and never vary by one, so what they show cannot depend on who asked.
COOKIELESS_BLUEPRINTS = {"public", "vendor"}
COOKIELESS_ENDPOINTS = {"static", "main.favicon", "ops.healthz"}


def is_cookieless() -> bool:
    req = request._get_current_object()  # one look through the context-local proxy, not two
    return req.blueprint in COOKIELESS_BLUEPRINTS or req.endpoint in COOKIELESS_ENDPOINTS


class SessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app):
        # Flask builds a new serializer (and its signer) for every request; it depends only on the keys, so it is
        # built once per set of keys (an app has one; tests make a few).
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = _SERIALIZERS.get(key)
        if serializer is None:
            serializer = _SERIALIZERS[key] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app, request):
        # No Cookie header (an API request with a bearer token): an empty session, as Flask's own open_session gives
        # then, without parsing the absent cookies or looking up the serializer.
        if app.secret_key and "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure

    def save_session(self, app, session, response) -> None:
        # Flask-Login reads the session after every request (and Flask then adds "Vary: Cookie"): a public response
        # is answered as if no cookie had come, so that "Cache-Control: public" is true.
        if is_cookieless():
            return None
        if not session and not session.modified:
            # What Flask's save_session does for an empty, unchanged session (every API request with a bearer token):
            # no cookie, only "Vary: Cookie" if it was read — without first looking up the cookie's seven settings.
            if session.accessed:
                headers = response.headers
                # One walk over the few headers: werkzeug's ``in`` and ``[]=`` each walk them, and a missing name
                # raises (and catches) an HTTP exception inside them.
                if any(name.lower() == "vary" for name, _value in headers):
                    response.vary.add("Cookie")
                else:
                    headers.add("Vary", "Cookie")
            return None
        return super().save_session(app, session, response)


_SERIALIZERS: dict[tuple, object] = {}


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    """The pages' policy; ``frame_ancestors`` is who may show the page in a frame (only the public embed, SPEC §8,
    names sites: its view sets the header itself, and then no X-Frame-Options is added)."""
    key = (current_app.config.get("TILE_HOSTS", ""), frame_ancestors)
    cached = _CSP_CACHE.get(key)
    if cached is None:
        cached = _CSP_CACHE[key] = _policy(*key)
    return cached


# The policy by tile hosts and frame ancestors (all it depends on): built once, not per response. The embed's
# ancestors are an admin's list of a few origins per area, so the cache stays small.
_CSP_CACHE: dict[tuple[str, str], str] = {}


def _policy(tiles: str, frame_ancestors: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: {tiles}".strip(),
            "connect-src 'self'",
            "font-src 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def is_subresource(response, path: str | None = None) -> bool:
    """A static file a page loads (script, style, image, font): nothing a browser renders as a document. ``path``:
    the request's, when the caller has it."""
    app = current_app._get_current_object()
    static = _STATIC_PREFIX.get(app)
    if static is None:
        # Flask works the static URL path out of the static folder's path on every read: once per app here.
        static = _STATIC_PREFIX[app] = (app.static_url_path or "/static") + "/"
    if path is None:
        path = request.path
    return path.startswith(static) and response.mimetype != "text/html"


_STATIC_PREFIX: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

# The headers of a document (page, API answer, manifest, worker script), each with its name in lower case, in the
# order they are added.
_NOSNIFF = ("X-Content-Type-Options", "nosniff", "x-content-type-options")
_FRAME = ("X-Frame-Options", "DENY", "x-frame-options")
_DOCUMENT = (
    ("Referrer-Policy", "same-origin", "referrer-policy"),
    ("Permissions-Policy", "geolocation=(self), camera=(), microphone=()", "permissions-policy"),
    ("Cross-Origin-Opener-Policy", "same-origin", "cross-origin-opener-policy"),
)
_HSTS = ("Strict-Transport-Security", "max-age=31536000", "strict-transport-security")
_NO_STORE = ("Cache-Control", "no-store", "cache-control")


def set_security_headers(response):
    headers = response.headers
    # What ``headers.setdefault`` does for each, with one look at the headers there are: werkzeug's Headers compare
    # every name case-insensitively on each look-up, and this runs on every response.
    present = {key.lower() for key, _value in headers}
    req = request._get_current_object()  # one look through the context-local proxy
    path = req.path
    wanted = [_NOSNIFF]
    if not is_subresource(response, path):
        if "content-security-policy" not in present:
            wanted.append(("Content-Security-Policy", content_security_policy(), "content-security-policy"))
            wanted.append(_FRAME)
        wanted.extend(_DOCUMENT)
    if req.is_secure:
        wanted.append(_HSTS)
    if path.startswith("/api/"):
        wanted.append(_NO_STORE)
    for key, value, lower in wanted:
        if lower not in present:
            headers.add(key, value)
    return response


# A JSON \u0000 escape that is not itself escaped (``"\\u0000"`` is a backslash and the text u0000): the only way a
# NUL reaches a parsed JSON string, since a raw NUL byte is not valid JSON.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
# Endpoints that check NUL in their bodies themselves, item by item: one bad mutation of a push is rejected alone
# (SPEC §3 rule 2), never the whole batch.
NUL_CHECKED_BY_ENDPOINT = {"api.sync.push"}

# The content types werkzeug parses into ``request.form`` (any other body leaves it empty).
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

NUL_MESSAGE = _l("Must not contain a NUL character.")


def _nul_fields() -> list[str]:
    """The names of the inputs of this request that hold a NUL: path, query, form and JSON body."""
    found: list[str] = []
    req = request._get_current_object()  # one look through the context-local proxy, not one per attribute
    if "\x00" in req.path:
        found.append("path")
    # An empty query string has no arguments: werkzeug's parser is not set up for it (a push has none).
    sources = [req.args] if req.query_string else []
    # Only a form body has form fields: reading ``request.form`` of a JSON body (every API write) finds none, but
    # sets up werkzeug's form parser for nothing.
    if req.method in ("POST", "PUT", "PATCH", "DELETE") and req.mimetype in _FORM_TYPES:
        sources.append(req.form)
    for source in sources:
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                found.append(name.replace("\x00", "\\0"))
    body_checked = req.endpoint not in NUL_CHECKED_BY_ENDPOINT and req.is_json
    if body_checked and _JSON_NUL.search(req.get_data(cache=True)):
        found.extend(_json_nul_paths(req.get_json(silent=True), "") or ["_schema"])
    return found


def _json_nul_paths(value, prefix: str) -> list[str]:
    if isinstance(value, str):
        return [prefix or "_schema"] if "\x00" in value else []
    out: list[str] = []
    if isinstance(value, dict):
        for key, sub in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.extend([name.replace("\x00", "\\0")] if "\x00" in str(key) else _json_nul_paths(sub, name))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out.extend(_json_nul_paths(sub, f"{prefix}.{i}" if prefix else str(i)))
    return out


def refuse_nul():
    """A NUL character in any input is a 400 naming the input, before any view sees it: PostgreSQL can neither store
    nor compare one (a 500 otherwise), and no real input holds one."""
    fields = _nul_fields()
    if not fields:
        return None
    from fieldlog.api.errors import ApiError, is_api_request

    if is_api_request():
        raise ApiError(
            400, "validation_error", _l("The request is not valid."), {name: [NUL_MESSAGE] for name in fields}
        )
    from fieldlog.main.errors import InputError

    raise InputError(description=str(NUL_MESSAGE) + " (" + ", ".join(fields) + ")")
