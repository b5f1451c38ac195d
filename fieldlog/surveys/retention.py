"""The survey's share of ``fieldlog purge``: the free text of a response (``improvements``, which may hold personal
data) is blanked after the same retention as visit notes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, select, update

from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.surveys.models import SurveyResponse


def purge_improvements(months: int, dry_run: bool = False) -> int:
    """Blank the free text of responses given more than ``months`` months (of 30 days) ago; returns how many."""
    cutoff = utcnow() - timedelta(days=30 * months)
    old_with_text = and_(SurveyResponse.created_at < cutoff, SurveyResponse.improvements != "")
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(SurveyResponse).where(old_with_text))
    return db.session.execute(update(SurveyResponse).where(old_with_text).values(improvements="")).rowcount
