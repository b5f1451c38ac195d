"""Helpers shared by the activity tests: activity payloads and mutations as a phone builds them (SPEC §6)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.api.sync_support import iso


def activity_data(start: datetime | None = None, minutes: float | None = 60, **overrides) -> dict:
    """A done school session at Kindbergskolan, class 5B, an hour ago."""
    start = start or datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    data = {
        "type": "school_session",
        "status": "done",
        "starts_at": iso(start),
        "ends_at": iso(start + timedelta(minutes=minutes)) if minutes is not None else None,
        "place": "Kindbergskolan, aulan",
        "hotspot_id": None,
        "school": "Kindbergskolan",
        "grades": [5],
        "group": "5B",
        "participants": 24,
        "staff": 2,
        "topics": ["values", "it_crime"],
        "partners": ["school", "public_health"],
        "notes": "",
    }
    data.update(overrides)
    return data


def upsert(record_id=None, data=None, base_rev=None, mutation_id=None) -> dict:
    return {
        "mutation_id": str(mutation_id or uuid.uuid4()),
        "type": "activity.upsert",
        "record_id": str(record_id or uuid.uuid4()),
        "base_rev": base_rev,
        "data": data,
    }


def delete(record_id, base_rev=None, mutation_id=None) -> dict:
    return {
        "mutation_id": str(mutation_id or uuid.uuid4()),
        "type": "activity.delete",
        "record_id": str(record_id),
        "base_rev": base_rev,
    }
