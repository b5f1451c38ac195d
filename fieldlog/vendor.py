"""Third-party browser libraries served from their Python packages (no CDN, no copies in the repository).

Leaflet comes from ``xstatic-leaflet`` (Leaflet 1.9.3), served under /static/vendor/leaflet/ to the supervisor pages
and to the officer app, which loads it only when the map is opened.
"""

from __future__ import annotations

import mimetypes
import os

from flask import Blueprint, Response, abort
from werkzeug.security import safe_join

bp = Blueprint("vendor", __name__)


@bp.get("/static/vendor/leaflet/<path:filename>")
def leaflet(filename: str):
    """Read into memory (a few small files) rather than streamed, so that no file handle outlives the request."""
    from xstatic.pkg import leaflet as package

    path = safe_join(package.BASE_DIR, filename)
    if path is None or not os.path.isfile(path):
        abort(404)
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if mimetype == "application/javascript":
        mimetype = "text/javascript"
    with open(path, "rb") as f:
        response = Response(f.read(), mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response
