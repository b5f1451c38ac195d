"""The audit log: recording a change with the change itself, and reading the entries a user may see."""

from __future__ import annotations

from sqlalchemy import or_, select

from fieldlog import scope
from fieldlog.activities.models import Activity
from fieldlog.audit.models import AuditEntry
from fieldlog.auth.models import Device, User
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.promises.models import Promise
from fieldlog.surveys.models import Survey


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


def _entries():
    return (
        select(AuditEntry, User.username, User.display_name.label("actor_name"))
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def entries_for(entity_type: str, entity_ids: list[str], limit: int = 50) -> list:
    """The latest entries about these records, newest first, with their actor's names."""
    if not entity_ids:
        return []
    query = _entries().where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id.in_(entity_ids))
    return list(db.session.execute(query.limit(limit)))


def entries_visible_to(user, limit: int = 200) -> list:
    """The latest entries a user may read: an admin all; a supervisor those about their area's hot spots, people,
    devices, activities, promises (those its people deleted too) and survey waves with the decisions on their
    candidate places (``survey_candidate``, whose entity id is the cluster's: the wave is in the entry), and the
    visits its people changed."""
    query = _entries().limit(limit)
    if not scope.is_admin(user):
        area_id = user.area_id
        spot_ids = [str(i) for i in db.session.scalars(select(HotSpot.id).where(HotSpot.area_id == area_id))]
        user_ids = list(db.session.scalars(select(User.id).where(User.area_id == area_id)))
        device_ids = [str(i) for i in db.session.scalars(select(Device.id).where(Device.user_id.in_(user_ids)))]
        promise_ids = [str(i) for i in db.session.scalars(select(Promise.id).where(Promise.area_id == area_id))]
        activity_ids = [str(i) for i in db.session.scalars(select(Activity.id).where(Activity.area_id == area_id))]
        survey_ids = [str(i) for i in db.session.scalars(select(Survey.id).where(Survey.area_id == area_id))]
        query = query.where(
            or_(
                (AuditEntry.entity_type == "hotspot") & AuditEntry.entity_id.in_(spot_ids),
                (AuditEntry.entity_type == "user") & AuditEntry.entity_id.in_([str(i) for i in user_ids]),
                (AuditEntry.entity_type == "device") & AuditEntry.entity_id.in_(device_ids),
                (AuditEntry.entity_type == "visit") & AuditEntry.actor_id.in_(user_ids),
                (AuditEntry.entity_type == "activity") & AuditEntry.entity_id.in_(activity_ids),
                (AuditEntry.entity_type == "promise")
                & (AuditEntry.entity_id.in_(promise_ids) | AuditEntry.actor_id.in_(user_ids)),
                (AuditEntry.entity_type == "survey") & AuditEntry.entity_id.in_(survey_ids),
                (AuditEntry.entity_type == "survey_candidate")
                & AuditEntry.after["survey_id"].as_string().in_(survey_ids),
            )
        )
    return list(db.session.execute(query))
