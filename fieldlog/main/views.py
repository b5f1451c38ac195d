"""The start page: who is signed in, and the area's hot spots."""

from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from fieldlog.hotspots import services as hotspots

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    if current_user.role in ("supervisor", "admin"):
        return redirect(url_for("supervisor.dashboard"))
    return render_template("main/index.html", hotspots=hotspots.list_for(current_user))


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every site: the app icon (PNG, which every browser takes here)."""
    path = Path(current_app.static_folder) / "icons" / "icon-192.png"
    response = current_app.response_class(path.read_bytes(), mimetype="image/png")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response
