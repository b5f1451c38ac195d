"""Property (SPEC §6 with §3's rules): whatever a phone sends of activities — creates, updates, deletes, replays,
duplicated and reordered batches, invalid items, reused mutation ids, changes to a colleague's activity — the
server's answers and stored activities match the plain model of the visit property test, and the phone's copy built
from its pulls (in small pages, between the pushes) ends equal to the server's: nothing lost, nothing doubled."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from fieldlog.activities.models import Activity
from fieldlog.sync.models import SyncMutation
from tests.api.activity_support import activity_data
from tests.api.sync_support import pull, push_results, scenario_mutations
from tests.api.test_sync_property import Model, observed, payload

OWN = 3  # records 0..2 are the officer's; record 3 is a colleague's planned activity
FOREIGN = OWN

mutation_specs = st.one_of(
    st.tuples(st.just("upsert"), st.integers(0, OWN), st.sampled_from([None, 0, 1, 2, 3]), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.integers(0, OWN), st.sampled_from([None, 1, 2, 3]), st.just(0)),
    st.tuples(st.just("invalid"), st.integers(0, OWN), st.just(None), st.just(0)),
    st.tuples(st.just("unknown"), st.integers(0, OWN), st.just(None), st.just(0)),
    st.tuples(st.just("reuse"), st.integers(0, OWN), st.sampled_from([None, 1]), st.integers(1, 3)),
)


@st.composite
def scenarios(draw):
    specs = draw(st.lists(mutation_specs, min_size=1, max_size=10))
    batches = draw(st.lists(st.lists(st.integers(0, len(specs) - 1), min_size=0, max_size=8), min_size=1, max_size=5))
    return specs, batches


class ActivityModel(Model):
    """The visit model, and §6's "an officer may change only their own activities": any known mutation of the
    colleague's record is forbidden."""

    def _apply(self, spec: tuple) -> dict:
        kind, record, _base_rev, _variant = spec
        if record == FOREIGN and kind != "unknown":
            return {"status": "rejected", "code": "forbidden"}
        return super()._apply(spec)


def pull_into(client, headers, phone: dict, cursor: str | None, seen: set) -> str:
    """Pull every page (two changes a page) after the cursor into the phone's copy, as the app does."""
    while True:
        page = pull(client, headers, cursor, limit=2)
        if page["reset"]:
            phone.clear()
        for change in page["changes"]:
            if change["type"] != "activity":
                continue
            key = (change["id"], change["rev"], change["deleted"])
            assert key not in seen, f"change given twice: {key}"
            seen.add(key)
            if change["deleted"]:
                phone.pop(change["id"], None)
            else:
                phone[change["id"]] = (change["rev"], change["data"]["participants"], change["data"]["status"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_activities_through_push_and_pull_are_never_lost_or_doubled(
    client, auth, officer, make_user, area, db, scenario
):
    specs, batches = scenario
    note(f"specs={specs} batches={batches}")
    headers = auth(officer)
    record_ids = [str(uuid.uuid4()) for _ in range(OWN + 1)]
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    # The colleague's planned session, which the officer's phone shows but may not change.
    colleague = make_user("officer", area)
    planned = activity_data(start + timedelta(days=3), status="planned", participants=99)
    [made] = push_results(
        client,
        auth(colleague),
        {
            "mutation_id": str(uuid.uuid4()),
            "type": "activity.upsert",
            "record_id": record_ids[FOREIGN],
            "data": planned,
        },
    )
    assert made["status"] == "applied"

    def make_data(kind, record, variant):
        participants = variant + 10 if kind == "reuse" else variant
        data = activity_data(start + timedelta(minutes=record), participants=participants)
        if kind == "invalid":
            data["type"] = "lecture"
        return data

    mutation_ids, mutations = scenario_mutations("activity", specs, record_ids, make_data)

    model = ActivityModel()
    phone: dict = {}
    seen: set = set()
    cursor = pull_into(client, headers, phone, None, seen)
    for batch in batches:
        results = push_results(client, headers, *[mutations[i] for i in batch])
        expected = [model.push(mutation_ids[i], specs[i]) for i in batch]
        assert [r["mutation_id"] for r in results] == [mutation_ids[i] for i in batch]
        assert [observed(r) for r in results] == expected
        cursor = pull_into(client, headers, phone, cursor, seen)

    db.session.rollback()
    ids = [uuid.UUID(r) for r in record_ids]
    stored = {str(a.id): a for a in db.session.scalars(sa.select(Activity).where(Activity.id.in_(ids)))}
    assert set(stored) == {record_ids[r] for r in model.records} | {record_ids[FOREIGN]}
    for record, state in model.records.items():
        activity = stored[record_ids[record]]
        assert (activity.rev, activity.deleted, activity.participants) == (
            state["rev"],
            state["deleted"],
            state["variant"],
        )
    foreign = stored[record_ids[FOREIGN]]
    assert (foreign.rev, foreign.deleted, foreign.participants) == (1, False, 99)
    # The phone holds exactly the live ones: its own, and the colleague's planned one.
    expected_phone = {
        record_ids[r]: (state["rev"], state["variant"], "done")
        for r, state in model.records.items()
        if not state["deleted"]
    }
    expected_phone[record_ids[FOREIGN]] = (1, 99, "planned")
    # (The examples share one database: earlier examples' planned activities of colleagues are on the phone too.)
    assert {key: value for key, value in phone.items() if key in record_ids} == expected_phone
    logged = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SyncMutation)
        .where(SyncMutation.mutation_id.in_([uuid.UUID(m) for m in set(mutation_ids)]))
    )
    assert logged == len(model.log)
    assert payload(("reuse", 0, None, 1)) == ("upsert", 0, None, 11)
