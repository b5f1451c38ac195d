"""Security headers, and cookies marked Secure whenever the request came over HTTPS.

``X-Content-Type-Options`` (and HSTS) go on every response. The rest (CSP, frame and referrer policy, Permissions-
and Cross-Origin-Opener-Policy) only govern a document or a worker: a browser ignores them on a script, a style
sheet, an image or a font loaded by a page. So files under /static do not carry them — about 830 bytes of headers
per file, paid twice on the officer app's first load (the page's fetch and the service worker's precache). Pages,
API answers, the manifest and the service worker script (/sw.js is not a static file: its CSP is the worker's own)
keep them all.
"""

from __future__ import annotations

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def content_security_policy() -> str:
    tiles = current_app.config.get("TILE_HOSTS", "")
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
            "frame-ancestors 'none'",
        ]
    )


def is_subresource(response) -> bool:
    """A static file a page loads (script, style, image, font): nothing a browser renders as a document."""
    static = (current_app.static_url_path or "/static") + "/"
    return request.path.startswith(static) and response.mimetype != "text/html"


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if not is_subresource(response):
        headers.setdefault("Content-Security-Policy", content_security_policy())
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")
    return response
