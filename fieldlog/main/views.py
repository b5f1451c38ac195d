"""The start page: who is signed in, and the area's hot spots."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from fieldlog.hotspots import services as hotspots

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    if current_user.role in ("supervisor", "admin"):
        return redirect(url_for("supervisor.dashboard"))
    return render_template("main/index.html", hotspots=hotspots.list_for(current_user))
