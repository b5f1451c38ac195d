"""Third-party browser libraries served from their Python packages (no CDN, no copies in the repository).

Leaflet comes from ``xstatic-leaflet`` (Leaflet 1.9.3), served under /static/vendor/leaflet/.
"""

from __future__ import annotations

from flask import Blueprint, send_from_directory

bp = Blueprint("vendor", __name__)


@bp.get("/static/vendor/leaflet/<path:filename>")
def leaflet(filename: str):
    import xstatic.pkg.leaflet

    return send_from_directory(xstatic.pkg.leaflet.BASE_DIR, filename, max_age=7 * 24 * 3600)
