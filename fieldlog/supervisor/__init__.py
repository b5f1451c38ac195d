"""Server-rendered pages for supervisors and admins."""

from fieldlog.supervisor import people  # noqa: F401  (its routes join the blueprint)
from fieldlog.supervisor.views import bp

__all__ = ["bp"]
