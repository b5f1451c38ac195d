"""Property: whatever a phone sends — creates, updates, deletes, replays, duplicated and reordered batches, invalid
items, reused mutation ids — the server's answers and its stored visits match a simple model of SPEC §3's rules:
nothing lost, nothing stored twice, every mutation applied at most once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from fieldlog.sync.models import SyncMutation
from fieldlog.visits.models import Visit
from tests.api.sync_support import push_results, scenario_mutations, visit_data

RECORDS = 3

mutation_specs = st.one_of(
    st.tuples(
        st.just("upsert"),
        st.integers(0, RECORDS - 1),
        st.sampled_from([None, 0, 1, 2, 3]),
        st.integers(0, 2),
    ),
    st.tuples(st.just("delete"), st.integers(0, RECORDS - 1), st.sampled_from([None, 1, 2, 3]), st.just(0)),
    st.tuples(st.just("invalid"), st.integers(0, RECORDS - 1), st.just(None), st.just(0)),
    st.tuples(st.just("unknown"), st.integers(0, RECORDS - 1), st.just(None), st.just(0)),
    # Reuses the mutation id of an earlier spec (by offset) with this different payload.
    st.tuples(st.just("reuse"), st.integers(0, RECORDS - 1), st.sampled_from([None, 1]), st.integers(1, 3)),
)


@st.composite
def scenarios(draw):
    specs = draw(st.lists(mutation_specs, min_size=1, max_size=10))
    # Each push sends some of the mutations, in any order, some twice; later pushes replay earlier ones.
    batches = draw(
        st.lists(
            st.lists(st.integers(0, len(specs) - 1), min_size=0, max_size=8),
            min_size=1,
            max_size=5,
        )
    )
    return specs, batches


@dataclass
class Model:
    """SPEC §3 push rules, as plainly as they can be written."""

    records: dict[int, dict] = field(default_factory=dict)  # record -> {"rev", "deleted", "variant"}
    log: dict[str, tuple[tuple, dict]] = field(default_factory=dict)  # mutation id -> (payload, first result)

    def push(self, mutation_id: str, spec: tuple) -> dict:
        if mutation_id in self.log:
            owner, result = self.log[mutation_id]
            return result if owner == payload(spec) else {"status": "rejected", "code": "mutation_id_reused"}
        result = self._apply(spec)
        self.log[mutation_id] = (payload(spec), result)
        return result

    def _apply(self, spec: tuple) -> dict:
        kind, record, base_rev, variant = spec
        current = self.records.get(record)
        base = base_rev or 0
        if kind == "unknown":
            return {"status": "rejected", "code": "unknown_mutation_type"}
        if kind == "invalid":
            return {"status": "rejected", "code": "validation_error"}
        if kind == "delete":
            if current is None:
                return {"status": "rejected", "code": "not_found"}
            if current["deleted"]:
                return {"status": "applied", "rev": current["rev"]}
            if base and base != current["rev"]:
                return {"status": "conflict", "rev": current["rev"]}
            current.update(deleted=True, rev=current["rev"] + 1)
            return {"status": "applied", "rev": current["rev"]}
        variant = variant + 10 if kind == "reuse" else variant
        if base == 0:
            if current is None:
                self.records[record] = {"rev": 1, "deleted": False, "variant": variant}
                return {"status": "applied", "rev": 1}
            if not current["deleted"] and current["variant"] == variant:
                return {"status": "applied", "rev": current["rev"]}
            return {"status": "conflict", "rev": current["rev"]}
        if current is None:
            return {"status": "rejected", "code": "not_found"}
        if current["deleted"] or current["rev"] != base:
            return {"status": "conflict", "rev": current["rev"]}
        current.update(rev=current["rev"] + 1, variant=variant)
        return {"status": "applied", "rev": current["rev"]}


def payload(spec: tuple) -> tuple:
    """What a spec sends, but for its mutation id: two specs with equal payloads send the same mutation."""
    kind, record, base_rev, variant = spec
    if kind == "reuse":
        return ("upsert", record, base_rev, variant + 10)
    return spec


def observed(result: dict) -> dict:
    out = {"status": result["status"]}
    if "rev" in result:
        out["rev"] = result["rev"]
    if result["status"] == "rejected":
        out["code"] = result["error"]["code"]
    return out


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_push_matches_model_nothing_lost_nothing_twice(client, auth, officer, hotspot, db, scenario):
    specs, batches = scenario
    note(f"specs={specs} batches={batches}")
    headers = auth(officer)
    # Fresh ids for every example: the database is shared by the examples of this test.
    record_ids = [str(uuid.uuid4()) for _ in range(RECORDS)]
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)

    def make_data(kind, record, variant):
        notes = f"variant {variant + 10 if kind == 'reuse' else variant}"
        data = visit_data(hotspot, started_at=started + timedelta(minutes=record), notes=notes)
        if kind == "invalid":
            data["mode"] = "teleport"
        return data

    mutation_ids, mutations = scenario_mutations("visit", specs, record_ids, make_data)

    model = Model()
    for batch in batches:
        results = push_results(client, headers, *[mutations[i] for i in batch])
        expected = [model.push(mutation_ids[i], specs[i]) for i in batch]
        assert [r["mutation_id"] for r in results] == [mutation_ids[i] for i in batch]
        assert [observed(r) for r in results] == expected

    db.session.rollback()
    stored = {
        str(v.id): v
        for v in db.session.scalars(sa.select(Visit).where(Visit.id.in_([uuid.UUID(r) for r in record_ids])))
    }
    assert set(stored) == {record_ids[r] for r in model.records}
    for record, state in model.records.items():
        visit = stored[record_ids[record]]
        assert (visit.rev, visit.deleted, visit.notes) == (
            state["rev"],
            state["deleted"],
            f"variant {state['variant']}",
        )
    logged = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SyncMutation)
        .where(SyncMutation.mutation_id.in_([uuid.UUID(m) for m in set(mutation_ids)]))
    )
    assert logged == len(model.log)
