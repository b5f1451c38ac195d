"""Helpers shared by the activity tests: activity payloads and mutations as a phone builds them (SPEC §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.sync_support import delete_mutation, iso, upsert_mutation


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
    return upsert_mutation("activity", record_id, data, base_rev, mutation_id)


def delete(record_id, base_rev=None, mutation_id=None) -> dict:
    return delete_mutation("activity", record_id, base_rev, mutation_id)
