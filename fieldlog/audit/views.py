"""The audit log page: who changed what, as sentences (``fieldlog.supervisor.audit_text``); the entries a user may
read are ``fieldlog.audit.services.entries_visible_to``. A blueprint nested in the supervisor pages' blueprint."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from fieldlog.audit.services import entries_visible_to
from fieldlog.supervisor.access import supervisor_required

bp = Blueprint("audit", __name__)


@bp.get("/audit")
@supervisor_required
def log():
    return render_template("supervisor/audit.html", entries=entries_visible_to(current_user))
