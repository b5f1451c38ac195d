"""Every model, imported in one place so that the metadata (and Alembic) sees them all."""

from fieldlog.areas.models import Area
from fieldlog.audit.models import AuditEntry
from fieldlog.auth.models import Device, LoginFailure, User
from fieldlog.coverage.models import CoverageDay, CoverageStale
from fieldlog.hotspots.models import HotSpot
from fieldlog.sync.models import ChangeCounter, SyncMutation
from fieldlog.visits.models import Visit

__all__ = [
    "Area",
    "AuditEntry",
    "ChangeCounter",
    "CoverageDay",
    "CoverageStale",
    "Device",
    "HotSpot",
    "LoginFailure",
    "SyncMutation",
    "User",
    "Visit",
]
