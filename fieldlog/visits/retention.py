"""Data retention: free-text notes are personal-data risk, so they do not outlive their use."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, func, select, update

from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.sync.changes import stamp_values
from fieldlog.visits.models import Visit


def purge_notes(months: int, dry_run: bool = False) -> int:
    """Blank the notes of visits that started more than ``months`` months (of 30 days) ago; returns how many.

    The change is a new revision of each visit (rev + 1, stamped for sync), so that a phone holding an old copy
    receives the blanked record on its next pull.
    """
    cutoff = utcnow() - timedelta(days=30 * months)
    old_with_notes = and_(Visit.started_at < cutoff, Visit.notes != "")
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(Visit).where(old_with_notes))
    result = db.session.execute(
        update(Visit).where(old_with_notes).values(notes="", **stamp_values(db.session, Visit.rev))
    )
    return result.rowcount
