"""Helpers shared by the sync tests: visit payloads and mutations as a phone builds them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def visit_data(hotspot, started_at: datetime | None = None, minutes: float | None = 12, **overrides) -> dict:
    started_at = started_at or datetime.now(UTC) - timedelta(hours=1)
    data = {
        "hotspot_id": str(hotspot.id),
        "started_at": iso(started_at),
        "ended_at": iso(started_at + timedelta(minutes=minutes)) if minutes is not None else None,
        "mode": "foot",
        "officers": 2,
        "observations": ["youth_gathering"],
        "activities": ["dialogue"],
        "contacts": 3,
        "notes": "",
        "position": {"lat": hotspot.lat, "lon": hotspot.lon, "accuracy_m": 10.0},
    }
    data.update(overrides)
    return data


def upsert_mutation(kind: str, record_id=None, data=None, base_rev=None, mutation_id=None) -> dict:
    """A ``<kind>.upsert`` mutation as a phone queues it (a new record and mutation id unless given)."""
    return {
        "mutation_id": str(mutation_id or uuid.uuid4()),
        "type": f"{kind}.upsert",
        "record_id": str(record_id or uuid.uuid4()),
        "base_rev": base_rev,
        "data": data,
    }


def delete_mutation(kind: str, record_id, base_rev=None, mutation_id=None) -> dict:
    """A ``<kind>.delete`` mutation as a phone queues it."""
    return {
        "mutation_id": str(mutation_id or uuid.uuid4()),
        "type": f"{kind}.delete",
        "record_id": str(record_id),
        "base_rev": base_rev,
    }


def upsert(record_id=None, data=None, base_rev=None, mutation_id=None) -> dict:
    return upsert_mutation("visit", record_id, data, base_rev, mutation_id)


def delete(record_id, base_rev=None, mutation_id=None) -> dict:
    return delete_mutation("visit", record_id, base_rev, mutation_id)


def scenario_mutations(kind: str, specs, record_ids: list[str], make_data) -> tuple[list[str], list[dict]]:
    """The mutation ids and mutations of a push property test's scenario. Each spec is (what, record, base_rev,
    variant): "reuse" sends again the mutation id of the one ``variant`` places before (when there is one), "delete"
    a delete, "unknown" a mutation type the server does not know; ``make_data(what, record, variant)`` gives the data
    of the others (invalid data for "invalid")."""
    mutation_ids: list[str] = []
    mutations: list[dict] = []
    for index, (what, record, base_rev, variant) in enumerate(specs):
        if what == "reuse" and index >= variant:
            mutation_ids.append(mutation_ids[index - variant])
        else:
            mutation_ids.append(str(uuid.uuid4()))
        mutation = {
            "mutation_id": mutation_ids[index],
            "type": {"delete": f"{kind}.delete", "unknown": f"{kind}.frobnicate"}.get(what, f"{kind}.upsert"),
            "record_id": record_ids[record],
            "base_rev": base_rev,
        }
        if what != "delete":
            mutation["data"] = make_data(what, record, variant)
        mutations.append(mutation)
    return mutation_ids, mutations


def push(client, headers: dict, *mutations, protocol: int = 1):
    return client.post("/api/v1/sync/push", json={"protocol": protocol, "mutations": list(mutations)}, headers=headers)


def push_results(client, headers: dict, *mutations) -> list[dict]:
    response = push(client, headers, *mutations)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def pull(client, headers: dict, cursor: str | None = None, limit: int | None = None):
    query = {}
    if cursor is not None:
        query["cursor"] = cursor
    if limit is not None:
        query["limit"] = limit
    response = client.get("/api/v1/sync/pull", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def pull_all(client, headers: dict, cursor: str | None = None, limit: int | None = None) -> tuple[list[dict], str]:
    """Every page until has_more is false: the changes in order and the final cursor."""
    changes = []
    while True:
        page = pull(client, headers, cursor, limit)
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes, cursor
