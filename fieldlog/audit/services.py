from __future__ import annotations

from fieldlog.audit.models import AuditEntry
from fieldlog.extensions import db


def record(actor, entity_type: str, entity_id, action: str, before: dict | None, after: dict | None) -> None:
    """Add an audit entry to the current transaction (committed or rolled back with the change itself)."""
    db.session.add(
        AuditEntry(
            actor_id=getattr(actor, "id", None),
            entity_type=entity_type,
            entity_id=str(entity_id),
            action=action,
            before=before,
            after=after,
        )
    )
