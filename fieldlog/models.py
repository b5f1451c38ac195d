"""Every model, imported in one place so that the metadata (and Alembic) sees them all."""

from fieldlog.activities.models import Activity
from fieldlog.areas.models import Area
from fieldlog.audit.models import AuditEntry
from fieldlog.auth.models import Device, LoginFailure, User
from fieldlog.coverage.models import CoverageDay, CoverageStale
from fieldlog.hotspots.models import HotSpot
from fieldlog.promises.models import Commitment, CommitmentUpdate, Promise
from fieldlog.surveys.models import CandidateDecision, Survey, SurveyBrowser, SurveyCode, SurveyMark, SurveyResponse
from fieldlog.sync.models import ChangeCounter, SyncMutation
from fieldlog.visits.models import Visit

__all__ = [
    "Activity",
    "Area",
    "AuditEntry",
    "CandidateDecision",
    "ChangeCounter",
    "Commitment",
    "CommitmentUpdate",
    "CoverageDay",
    "CoverageStale",
    "Device",
    "HotSpot",
    "LoginFailure",
    "Promise",
    "Survey",
    "SurveyBrowser",
    "SurveyCode",
    "SurveyMark",
    "SurveyResponse",
    "SyncMutation",
    "User",
    "Visit",
]
