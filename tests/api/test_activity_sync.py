"""Activities through push and pull (SPEC §6): every rule, each rejection naming its field, the §3 rules 1–7 for the
second record type, and what a pull carries (own activities and the area's planned ones)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldlog.activities.models import Activity
from tests.api.activity_support import activity_data, delete, upsert
from tests.api.sync_support import iso, pull, pull_all, push, push_results


@pytest.fixture
def headers(auth, officer, set_locale):
    set_locale(officer, "en")  # the reasons asserted here are the English ones; Swedish ones are tested below
    return auth(officer)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def stored(db) -> list[Activity]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Activity)))


def rejected_fields(client, headers, data) -> dict:
    [result] = push_results(client, headers, upsert(data=data))
    assert result["status"] == "rejected", result
    assert result["error"]["code"] == "validation_error"
    return result["error"]["fields"]


# -- storing


def test_create_stores_activity_with_area_and_officer_from_token(client, headers, officer, area, db):
    mutation = upsert(data=activity_data())
    [result] = push_results(client, headers, mutation)
    assert result == {
        "mutation_id": mutation["mutation_id"],
        "record_id": mutation["record_id"],
        "status": "applied",
        "rev": 1,
    }
    [activity] = stored(db)
    assert str(activity.id) == mutation["record_id"]
    assert (activity.officer_id, activity.area_id, activity.rev) == (officer.id, area.id, 1)
    assert (activity.school, activity.grades, activity.group) == ("Kindbergskolan", [5], "5B")
    assert activity.topics == ["values", "it_crime"] and activity.participants == 24
    assert activity.device_id is not None


@pytest.mark.parametrize("key", ["area", "area_id", "officer", "officer_id", "rev"])
def test_area_and_officer_cannot_be_sent(client, headers, key):
    fields = rejected_fields(client, headers, activity_data(**{key: 1}))
    assert fields == {key: ["Unknown field."]}


# -- SPEC §6 rules, one rejection each, naming its field


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"type": "lecture"}, "type"),
        ({"status": "maybe"}, "status"),
        ({"topics": ["values", "weather"]}, "topics"),
        ({"partners": ["police"]}, "partners"),
        ({"grades": [10]}, "grades"),
        ({"grades": [-1]}, "grades"),
        ({"grades": [5, 5]}, "grades"),
        ({"topics": ["values", "values"]}, "topics"),
        ({"participants": 10000}, "participants"),
        ({"participants": -1}, "participants"),
        ({"staff": 100}, "staff"),
        ({"place": "x" * 201}, "place"),
        ({"school": "x" * 201}, "school"),
        ({"group": "x" * 21}, "group"),
        ({"notes": "x" * 2001}, "notes"),
        ({"starts_at": "2026-12-01T10:00:00"}, "starts_at"),
        ({"hotspot_id": "not-a-uuid"}, "hotspot_id"),
    ],
)
def test_schema_rule_rejects_naming_the_field(client, headers, db, overrides, field):
    fields = rejected_fields(client, headers, activity_data(**overrides))
    # A list item's reason names its place in the list too ("topics.1").
    assert [name.split(".")[0] for name in fields] == [field]
    assert stored(db) == []


def test_known_codes_are_accepted(client, headers, db):
    from fieldlog.activities.models import PARTNERS, STATUSES, TOPICS, TYPES

    start = now() - timedelta(days=1)
    mutations = [
        upsert(data=activity_data(start, type=kind, status=status, topics=list(TOPICS), partners=list(PARTNERS)))
        for kind in TYPES
        for status in STATUSES
    ]
    results = push_results(client, headers, *mutations)
    assert [r["status"] for r in results] == ["applied"] * len(TYPES) * len(STATUSES)


def test_ends_before_start_is_rejected_on_ends_at(client, headers):
    start = now() - timedelta(hours=3)
    fields = rejected_fields(client, headers, activity_data(start, ends_at=iso(start - timedelta(minutes=1))))
    assert fields == {"ends_at": ["Must not be before the start."]}


def test_at_most_12_hours(client, headers):
    start = now() - timedelta(hours=20)
    [ok] = push_results(client, headers, upsert(data=activity_data(start, minutes=12 * 60)))
    assert ok["status"] == "applied"
    fields = rejected_fields(client, headers, activity_data(start, minutes=12 * 60 + 1))
    assert fields == {"ends_at": ["At most 12 hours after the start."]}


def test_ends_at_may_be_left_out(client, headers, db):
    [ok] = push_results(client, headers, upsert(data=activity_data(minutes=None)))
    assert ok["status"] == "applied"
    assert stored(db)[0].ends_at is None


def test_done_needs_participants(client, headers):
    fields = rejected_fields(client, headers, activity_data(participants=None))
    assert fields == {"participants": ["Required when the activity is done."]}
    data = activity_data()
    del data["participants"]
    assert rejected_fields(client, headers, data) == {"participants": ["Required when the activity is done."]}


def test_planned_needs_no_participants(client, headers):
    data = activity_data(now() + timedelta(days=7), status="planned", participants=None)
    [ok] = push_results(client, headers, upsert(data=data))
    assert ok["status"] == "applied"


def test_done_may_not_start_more_than_10_minutes_ahead(client, headers):
    [ok] = push_results(client, headers, upsert(data=activity_data(now() + timedelta(minutes=9), minutes=30)))
    assert ok["status"] == "applied"
    fields = rejected_fields(client, headers, activity_data(now() + timedelta(minutes=11), minutes=30))
    assert fields == {"starts_at": ["A done activity may not start more than 10 minutes ahead of the server's clock."]}


@pytest.mark.parametrize("status", ["planned", "cancelled"])
def test_planned_up_to_400_days_ahead(client, headers, status):
    near = activity_data(now() + timedelta(days=399), status=status, participants=None)
    [ok] = push_results(client, headers, upsert(data=near))
    assert ok["status"] == "applied"
    far = activity_data(now() + timedelta(days=401), status=status, participants=None)
    assert rejected_fields(client, headers, far) == {"starts_at": ["More than 400 days ahead."]}


@pytest.mark.parametrize("status", ["planned", "done", "cancelled"])
def test_nothing_older_than_400_days(client, headers, status):
    [ok] = push_results(client, headers, upsert(data=activity_data(now() - timedelta(days=399), status=status)))
    assert ok["status"] == "applied"
    old = activity_data(now() - timedelta(days=401), status=status)
    assert rejected_fields(client, headers, old) == {"starts_at": ["Older than 400 days."]}


@pytest.mark.parametrize("school", ["", "   "])
def test_school_session_needs_school(client, headers, school):
    assert rejected_fields(client, headers, activity_data(school=school)) == {
        "school": ["Required for a school session."]
    }


def test_school_session_needs_grades(client, headers):
    assert rejected_fields(client, headers, activity_data(grades=[])) == {"grades": ["Required for a school session."]}


def test_other_types_need_no_school_or_grades(client, headers):
    data = activity_data(type="safety_walk", school="", grades=[], group="", place="Torget")
    [ok] = push_results(client, headers, upsert(data=data))
    assert ok["status"] == "applied"


def test_hotspot_must_be_in_the_officers_area(client, headers, hotspot, make_area, make_hotspot):
    elsewhere = make_hotspot(make_area("tranemo"), "Stationen")
    data = activity_data(type="safety_walk", hotspot_id=str(elsewhere.id))
    assert rejected_fields(client, headers, data) == {"hotspot_id": ["No such hot spot in your area."]}
    unknown = activity_data(type="safety_walk", hotspot_id=str(uuid.uuid4()))
    assert rejected_fields(client, headers, unknown) == {"hotspot_id": ["No such hot spot in your area."]}
    [ok] = push_results(client, headers, upsert(data=activity_data(type="safety_walk", hotspot_id=str(hotspot.id))))
    assert ok["status"] == "applied"


def test_several_rules_broken_name_each_field(client, headers):
    start = now() + timedelta(days=2)
    data = activity_data(start, participants=None, school="", grades=[])
    fields = rejected_fields(client, headers, data)
    assert set(fields) == {"participants", "school", "grades"}


def test_rejection_is_in_the_officers_language(client, auth, officer, set_locale):
    set_locale(officer, "sv")
    headers = auth(officer)
    start = now() - timedelta(hours=3)
    data = activity_data(start, ends_at=iso(start + timedelta(hours=13)), school="")
    [result] = push_results(client, headers, upsert(data=data))
    assert result["status"] == "rejected"
    error = result["error"]
    assert error["message"] == "Aktiviteten är inte giltig."
    assert error["fields"] == {"ends_at": ["Högst 12 timmar efter starten."], "school": ["Krävs för en skollektion."]}
    for data, field, reason in [
        (activity_data(participants=None), "participants", "Krävs när aktiviteten är genomförd."),
        (activity_data(now() - timedelta(days=401)), "starts_at", "Äldre än 400 dagar."),
        (activity_data(grades=[]), "grades", "Krävs för en skollektion."),
        (activity_data(now() + timedelta(days=401), status="planned"), "starts_at", "Mer än 400 dagar fram i tiden."),
        (activity_data(type="lecture"), "type", None),
    ]:
        [result] = push_results(client, headers, upsert(data=data))
        assert list(result["error"]["fields"]) == [field]
        [text] = result["error"]["fields"][field]
        if reason is not None:
            assert text == reason
        else:
            assert text.startswith("Måste vara en av"), text


# -- SPEC §3 rules 1–7 for activities


def test_replay_returns_first_result_and_stores_once(client, headers, db):
    mutation = upsert(data=activity_data())
    first = push_results(client, headers, mutation)
    assert push_results(client, headers, mutation) == first
    assert len(stored(db)) == 1


def test_mutation_id_reused_with_other_payload(client, headers, db):
    mutation = upsert(data=activity_data())
    push_results(client, headers, mutation)
    other = dict(mutation, data=activity_data(participants=3))
    [result] = push_results(client, headers, other)
    assert result["status"] == "rejected" and result["error"]["code"] == "mutation_id_reused"
    assert stored(db)[0].participants == 24


def test_one_bad_mutation_blocks_nothing_and_results_are_in_order(client, headers, hotspot, db):
    from tests.api.sync_support import upsert as visit_upsert
    from tests.api.sync_support import visit_data

    good = upsert(data=activity_data())
    bad = upsert(data=activity_data(type="lecture"))
    visit = visit_upsert(data=visit_data(hotspot))
    results = push_results(client, headers, good, bad, visit)
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert [r["mutation_id"] for r in results] == [m["mutation_id"] for m in (good, bad, visit)]


def test_create_of_existing_identical_activity_is_applied_with_current_rev(client, headers, db):
    data = activity_data()
    create = upsert(data=data)
    push_results(client, headers, create)
    [again] = push_results(client, headers, upsert(create["record_id"], data))
    assert again["status"] == "applied" and again["rev"] == 1
    [other] = push_results(client, headers, upsert(create["record_id"], activity_data(participants=30)))
    assert other["status"] == "conflict" and other["rev"] == 1 and other["server"]["participants"] == 24
    assert len(stored(db)) == 1


def test_update_and_stale_update(client, headers, db):
    create = upsert(data=activity_data())
    push_results(client, headers, create)
    [ok] = push_results(client, headers, upsert(create["record_id"], activity_data(participants=26), base_rev=1))
    assert ok["status"] == "applied" and ok["rev"] == 2
    [stale] = push_results(client, headers, upsert(create["record_id"], activity_data(participants=1), base_rev=1))
    assert stale["status"] == "conflict" and stale["rev"] == 2 and stale["server"]["participants"] == 26
    [unknown] = push_results(client, headers, upsert(uuid.uuid4(), activity_data(), base_rev=1))
    assert unknown["status"] == "rejected" and unknown["error"]["code"] == "not_found"


def test_delete_tombstone_and_update_of_deleted_is_conflict(client, headers, db):
    create = upsert(data=activity_data())
    push_results(client, headers, create)
    [gone] = push_results(client, headers, delete(create["record_id"], base_rev=1))
    assert gone["status"] == "applied" and gone["rev"] == 2
    [again] = push_results(client, headers, delete(create["record_id"], base_rev=1))
    assert again["status"] == "applied" and again["rev"] == 2
    [late] = push_results(client, headers, upsert(create["record_id"], activity_data(), base_rev=2))
    assert late["status"] == "conflict"
    [activity] = stored(db)
    assert activity.deleted and activity.rev == 2


def test_another_officers_activity_is_forbidden_and_reveals_nothing(client, headers, auth, make_user, area, db):
    other = make_user("officer", area, username="olle")
    create = upsert(data=activity_data())
    push_results(client, auth(other), create)
    for mutation in (
        upsert(create["record_id"], activity_data(participants=1), base_rev=1),
        upsert(create["record_id"], activity_data(participants=1)),
        delete(create["record_id"], base_rev=1),
    ):
        [result] = push_results(client, headers, mutation)
        assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"
        assert "server" not in result and "rev" not in result
    [activity] = stored(db)
    assert activity.participants == 24 and not activity.deleted


def test_supervisor_may_change_activities_of_own_area_only(client, auth, officer, supervisor, make_user, make_area, db):
    create = upsert(data=activity_data())
    push_results(client, auth(officer), create)
    [ok] = push_results(
        client, auth(supervisor), upsert(create["record_id"], activity_data(participants=25), base_rev=1)
    )
    assert ok["status"] == "applied" and ok["rev"] == 2
    [activity] = stored(db)
    assert activity.officer_id == officer.id and activity.participants == 25
    stranger = make_user("supervisor", make_area("tranemo"), username="tove")
    [no] = push_results(client, auth(stranger), upsert(create["record_id"], activity_data(), base_rev=2))
    assert no["status"] == "rejected" and no["error"]["code"] == "forbidden"
    [no] = push_results(client, auth(stranger), delete(create["record_id"], base_rev=2))
    assert no["error"]["code"] == "forbidden"


def test_supervisor_creates_in_own_area_and_admin_cannot(client, auth, supervisor, admin, area, db):
    [ok] = push_results(client, auth(supervisor), upsert(data=activity_data(now(), status="planned")))
    assert ok["status"] == "applied"
    [activity] = stored(db)
    assert activity.area_id == area.id and activity.officer_id == supervisor.id
    [no] = push_results(client, auth(admin), upsert(data=activity_data()))
    assert no["status"] == "rejected" and no["error"]["code"] == "forbidden"


def test_unknown_mutation_type_of_activity_is_rejected(client, headers):
    mutation = dict(upsert(data=activity_data()), type="activity.archive")
    [result] = push_results(client, headers, mutation)
    assert result["error"]["code"] == "unknown_mutation_type"


def test_too_many_mutations_is_413(client, headers, app):
    app.config["MAX_PUSH_MUTATIONS"] = 2
    response = push(client, headers, *(upsert(data=activity_data()) for _ in range(3)))
    assert response.status_code == 413


# -- pull


def test_pull_carries_own_activities_and_the_areas_planned_ones(client, auth, officer, make_user, area, make_area):
    colleague = make_user("officer", area, username="olle")
    stranger = make_user("officer", make_area("tranemo"), username="tove")
    mine = upsert(data=activity_data())
    theirs_done = upsert(data=activity_data())
    theirs_planned = upsert(data=activity_data(now() + timedelta(days=5), status="planned", participants=None))
    far_planned = upsert(data=activity_data(now() + timedelta(days=5), status="planned", participants=None))
    push_results(client, auth(officer), mine)
    push_results(client, auth(colleague), theirs_done, theirs_planned)
    push_results(client, auth(stranger), far_planned)
    changes, _cursor = pull_all(client, auth(officer))
    activities = {c["id"]: c for c in changes if c["type"] == "activity"}
    assert set(activities) == {mine["record_id"], theirs_planned["record_id"]}
    planned = activities[theirs_planned["record_id"]]
    assert planned["data"]["officer"] == "olle" and planned["data"]["status"] == "planned"
    assert activities[mine["record_id"]]["data"]["group"] == "5B"


def test_pull_after_cursor_gives_changes_once_and_removes_what_left_the_area_plan(
    client, auth, officer, make_user, area
):
    colleague = make_user("officer", area, username="olle")
    plan = upsert(data=activity_data(now() + timedelta(hours=2), status="planned", participants=None))
    push_results(client, auth(colleague), plan)
    changes, cursor = pull_all(client, auth(officer))
    assert [c["id"] for c in changes if c["type"] == "activity"] == [plan["record_id"]]
    page = pull(client, auth(officer), cursor)
    assert page["changes"] == [] and not page["reset"]
    # The colleague holds it: done. The officer's phone is told to drop it, and learns nothing of it.
    done = upsert(plan["record_id"], activity_data(now() - timedelta(minutes=5), participants=20), base_rev=1)
    push_results(client, auth(colleague), done)
    page = pull(client, auth(officer), cursor)
    assert page["changes"] == [{"type": "activity", "id": plan["record_id"], "rev": 2, "deleted": True}]
    # A new snapshot does not carry it at all.
    snapshot, _ = pull_all(client, auth(officer))
    assert [c for c in snapshot if c["type"] == "activity"] == []


def test_pull_gives_tombstones_of_own_activities(client, headers):
    create = upsert(data=activity_data())
    push_results(client, headers, create)
    _changes, cursor = pull_all(client, headers)
    push_results(client, headers, delete(create["record_id"], base_rev=1))
    page = pull(client, headers, cursor)
    assert page["changes"] == [{"type": "activity", "id": create["record_id"], "rev": 2, "deleted": True}]


def test_snapshot_leaves_out_deleted_and_old_activities(client, headers):
    old = upsert(data=activity_data(now() - timedelta(days=40)))
    recent = upsert(data=activity_data())
    gone = upsert(data=activity_data())
    push_results(client, headers, old, recent, gone, delete(gone["record_id"]))
    changes, _ = pull_all(client, headers)
    assert [c["id"] for c in changes if c["type"] == "activity"] == [recent["record_id"]]


def test_paging_through_visits_and_activities_gives_each_once(client, headers, hotspot):
    from tests.api.sync_support import upsert as visit_upsert
    from tests.api.sync_support import visit_data

    mutations = []
    for i in range(7):
        mutations.append(upsert(data=activity_data(now() - timedelta(hours=i + 2))))
        mutations.append(visit_upsert(data=visit_data(hotspot, now() - timedelta(hours=i + 2))))
    push_results(client, headers, *mutations[:6])
    changes, cursor = pull_all(client, headers, limit=2)
    push_results(client, headers, *mutations[6:])
    later, _ = pull_all(client, headers, cursor, limit=3)
    ids = [c["id"] for c in changes + later if c["type"] != "hotspot"]
    assert sorted(ids) == sorted(m["record_id"] for m in mutations)
