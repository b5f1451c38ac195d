"""Server-rendered pages for supervisors and admins: the supervisor blueprint (``dashboard.bp``, ``/supervisor``)
with the people and areas pages on it, and each feature's pages nested in it as a blueprint of their own."""

from fieldlog.audit.views import bp as audit_pages
from fieldlog.hotspots.views import bp as hotspot_pages
from fieldlog.supervisor import people  # noqa: F401  (the people and areas pages join the supervisor blueprint)
from fieldlog.supervisor.dashboard import bp
from fieldlog.visits.views import bp as visit_pages

for _pages in (hotspot_pages, visit_pages, audit_pages):
    bp.register_blueprint(_pages)

__all__ = ["bp"]
