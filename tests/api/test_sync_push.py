"""POST /api/v1/sync/push: the rules of SPEC §3, one test each."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from fieldlog.sync.models import SyncMutation
from fieldlog.visits.models import Visit
from tests.api.sync_support import delete, push, push_results, upsert, visit_data


@pytest.fixture
def headers(auth, officer, set_locale):
    set_locale(officer, "en")  # the reasons asserted here are the English ones (Swedish by default: issue 10 C1)
    return auth(officer)


def stored_visits(db) -> list[Visit]:
    return list(db.session.scalars(sa.select(Visit)))


# -- rule 1: exactly once


def test_create_stores_visit_at_rev_1(client, headers, hotspot, officer, db):
    mutation = upsert(data=visit_data(hotspot))
    [result] = push_results(client, headers, mutation)
    assert result == {
        "mutation_id": mutation["mutation_id"],
        "record_id": mutation["record_id"],
        "status": "applied",
        "rev": 1,
    }
    [visit] = stored_visits(db)
    assert str(visit.id) == mutation["record_id"] and visit.rev == 1 and visit.officer_id == officer.id


def test_replay_returns_first_result_and_stores_once(client, headers, hotspot, db):
    mutation = upsert(data=visit_data(hotspot))
    first = push_results(client, headers, mutation)
    again = push_results(client, headers, mutation)
    assert again == first
    assert len(stored_visits(db)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncMutation)) == 1


def test_replay_after_later_edit_returns_first_rev(client, headers, hotspot):
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create)
    push_results(client, headers, upsert(create["record_id"], visit_data(hotspot, notes="edited"), base_rev=1))
    [again] = push_results(client, headers, create)
    assert again["status"] == "applied" and again["rev"] == 1


def test_replay_of_conflict_returns_same_status_and_rev(client, headers, hotspot):
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create)
    push_results(client, headers, upsert(create["record_id"], visit_data(hotspot, notes="a"), base_rev=1))
    stale = upsert(create["record_id"], visit_data(hotspot, notes="b"), base_rev=1)
    [first] = push_results(client, headers, stale)
    [again] = push_results(client, headers, stale)
    assert first["status"] == again["status"] == "conflict"
    assert first["rev"] == again["rev"] == 2
    assert again["server"]["notes"] == "a"


def test_replay_of_rejection_returns_same_error(client, headers, hotspot):
    bad = upsert(data=visit_data(hotspot, mode="skateboard"))
    [first] = push_results(client, headers, bad)
    [again] = push_results(client, headers, bad)
    assert first["status"] == again["status"] == "rejected"
    assert again["error"] == first["error"]
    assert again["error"]["fields"] == {"mode": ["Must be one of: foot, vehicle, bicycle, drive_through, other."]}


def test_mutation_id_reused_with_different_payload_is_rejected(client, headers, hotspot, db):
    mutation = upsert(data=visit_data(hotspot))
    push_results(client, headers, mutation)
    reused = upsert(uuid.uuid4(), visit_data(hotspot), mutation_id=mutation["mutation_id"])
    [result] = push_results(client, headers, reused)
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "mutation_id_reused"
    assert "mutation_id" in result["error"]["fields"]
    assert len(stored_visits(db)) == 1


def test_mutation_id_of_another_user_is_reused(client, headers, auth, make_user, area, hotspot, db):
    mutation = upsert(data=visit_data(hotspot))
    push_results(client, headers, mutation)
    other = make_user("officer", area, username="bo")
    [result] = push_results(client, auth(other), mutation)
    assert result["status"] == "rejected" and result["error"]["code"] == "mutation_id_reused"
    assert len(stored_visits(db)) == 1


def test_duplicate_mutation_id_in_one_batch_is_applied_once(client, headers, hotspot, db):
    mutation = upsert(data=visit_data(hotspot))
    first, second = push_results(client, headers, mutation, mutation)
    assert first == second == {**first, "status": "applied", "rev": 1}
    assert len(stored_visits(db)) == 1


def test_duplicate_mutation_id_in_one_batch_with_other_payload_is_reused(client, headers, hotspot, db):
    mutation = upsert(data=visit_data(hotspot))
    other = upsert(data=visit_data(hotspot), mutation_id=mutation["mutation_id"])
    first, second = push_results(client, headers, mutation, other)
    assert first["status"] == "applied"
    assert second["status"] == "rejected" and second["error"]["code"] == "mutation_id_reused"
    assert len(stored_visits(db)) == 1


def test_payload_hash_ignores_key_order_and_spacing(client, headers, hotspot):
    mutation = upsert(data=visit_data(hotspot))
    push_results(client, headers, mutation)
    reordered = dict(reversed(list(mutation.items())))
    reordered["data"] = dict(reversed(list(mutation["data"].items())))
    [again] = push_results(client, headers, reordered)
    assert again["status"] == "applied" and again["rev"] == 1


# -- rule 2: in order, independently


def test_results_in_request_order_and_a_bad_mutation_blocks_nothing(client, headers, hotspot, db):
    good1 = upsert(data=visit_data(hotspot))
    bad = upsert(data=visit_data(hotspot, officers=99))
    good2 = upsert(data=visit_data(hotspot))
    results = push_results(client, headers, good1, bad, good2)
    assert [r["mutation_id"] for r in results] == [good1["mutation_id"], bad["mutation_id"], good2["mutation_id"]]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert len(stored_visits(db)) == 2


def test_mutations_apply_in_request_order(client, headers, hotspot, db):
    create = upsert(data=visit_data(hotspot))
    edit = upsert(create["record_id"], visit_data(hotspot, notes="second"), base_rev=1)
    gone = delete(create["record_id"], base_rev=2)
    results = push_results(client, headers, create, edit, gone)
    assert [(r["status"], r["rev"]) for r in results] == [("applied", 1), ("applied", 2), ("applied", 3)]
    [visit] = stored_visits(db)
    assert visit.deleted and visit.rev == 3 and visit.notes == "second"


# -- rule 3: create


def test_create_of_existing_identical_visit_is_applied_with_current_rev(client, headers, hotspot, db):
    data = visit_data(hotspot)
    create = upsert(data=data)
    push_results(client, headers, create)
    resent = upsert(create["record_id"], data)  # a reinstalled app: same record, new mutation id
    [result] = push_results(client, headers, resent)
    assert result["status"] == "applied" and result["rev"] == 1
    assert len(stored_visits(db)) == 1


def test_create_of_existing_visit_with_other_data_is_conflict_with_server_copy(client, headers, hotspot):
    create = upsert(data=visit_data(hotspot, notes="original"))
    push_results(client, headers, create)
    [result] = push_results(client, headers, upsert(create["record_id"], visit_data(hotspot, notes="other")))
    assert result["status"] == "conflict" and result["rev"] == 1
    assert result["server"]["id"] == create["record_id"]
    assert result["server"]["notes"] == "original" and result["server"]["officer"] == "anna"


def test_mutation_of_another_officers_visit_is_forbidden_and_reveals_nothing(
    client, headers, auth, make_user, area, hotspot, db
):
    create = upsert(data=visit_data(hotspot, notes="mine"))
    push_results(client, headers, create)
    other = auth(make_user("officer", area, username="bo"))
    results = push_results(
        client,
        other,
        upsert(create["record_id"], visit_data(hotspot, notes="theirs")),
        upsert(create["record_id"], visit_data(hotspot, notes="theirs"), base_rev=1),
        delete(create["record_id"], base_rev=1),
    )
    for result in results:
        assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"
        assert "server" not in result and "rev" not in result
    [visit] = stored_visits(db)
    assert visit.notes == "mine" and visit.rev == 1 and not visit.deleted


def test_officer_is_taken_from_token_never_from_payload(client, headers, hotspot, officer, make_user, area, db):
    other = make_user("officer", area, username="bo")
    [result] = push_results(client, headers, upsert(data=visit_data(hotspot, officer="bo")))
    assert result["status"] == "rejected" and "officer" in result["error"]["fields"]
    push_results(client, headers, upsert(data=visit_data(hotspot)))
    [visit] = stored_visits(db)
    assert visit.officer_id == officer.id != other.id


def test_device_is_taken_from_token(client, officer, hotspot, db):
    token = client.post(
        "/api/v1/auth/token", json={"username": "anna", "password": "correct horse battery", "device_name": "Pixel"}
    ).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    push_results(client, headers, upsert(data=visit_data(hotspot)))
    [visit] = stored_visits(db)
    assert str(visit.device_id) == token["device_id"]


def test_pushed_visit_gets_distance_and_on_site(client, headers, hotspot, db):
    near = visit_data(hotspot, position={"lat": hotspot.lat + 0.001, "lon": hotspot.lon, "accuracy_m": 5.0})
    far = visit_data(hotspot, position={"lat": hotspot.lat + 0.01, "lon": hotspot.lon, "accuracy_m": 5.0})
    unknown = visit_data(hotspot, position=None)
    push_results(client, headers, upsert("00000000-0000-4000-8000-000000000001", near))
    push_results(client, headers, upsert("00000000-0000-4000-8000-000000000002", far))
    push_results(client, headers, upsert("00000000-0000-4000-8000-000000000003", unknown))
    by_id = {str(v.id)[-1]: v for v in stored_visits(db)}
    assert 110 < by_id["1"].distance_m < 112 and by_id["1"].on_site is True
    assert 1100 < by_id["2"].distance_m < 1120 and by_id["2"].on_site is False
    assert by_id["3"].distance_m is None and by_id["3"].on_site is None


# -- rule 4: update


def test_update_with_current_rev_applies_and_bumps_rev(client, headers, hotspot, db):
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create)
    [result] = push_results(client, headers, upsert(create["record_id"], visit_data(hotspot, contacts=9), base_rev=1))
    assert result["status"] == "applied" and result["rev"] == 2
    [visit] = stored_visits(db)
    assert visit.rev == 2 and visit.contacts == 9


def test_update_with_stale_rev_is_conflict_with_server_copy(client, headers, hotspot, db):
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create)
    push_results(client, headers, upsert(create["record_id"], visit_data(hotspot, contacts=1), base_rev=1))
    [result] = push_results(client, headers, upsert(create["record_id"], visit_data(hotspot, contacts=2), base_rev=1))
    assert result["status"] == "conflict" and result["rev"] == 2
    assert result["server"]["contacts"] == 1 and result["server"]["rev"] == 2
    assert stored_visits(db)[0].contacts == 1


def test_update_of_unknown_record_is_not_found(client, headers, hotspot):
    [result] = push_results(client, headers, upsert(uuid.uuid4(), visit_data(hotspot), base_rev=1))
    assert result["status"] == "rejected" and result["error"]["code"] == "not_found"


def test_update_clears_flag(client, headers, hotspot, officer, supervisor, make_visit, db):
    visit = make_visit(hotspot, officer)
    with db.session.begin():
        db.session.execute(
            sa.update(Visit)
            .where(Visit.id == visit.id)
            .values(flag_comment="Check the time", flag_by_id=supervisor.id, flag_at=sa.func.now())
        )
    data = visit_data(hotspot, started_at=visit.started_at)
    [result] = push_results(client, headers, upsert(visit.id, data, base_rev=1))
    assert result["status"] == "applied"
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert stored.flag_comment is None and stored.flag_by_id is None and stored.flag_at is None


# -- rule 5: delete


def test_delete_leaves_tombstone_with_rev_plus_one(client, headers, hotspot, db):
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create)
    [result] = push_results(client, headers, delete(create["record_id"], base_rev=1))
    assert result["status"] == "applied" and result["rev"] == 2
    [visit] = stored_visits(db)
    assert visit.deleted and visit.rev == 2


def test_delete_of_deleted_record_is_applied_rev_unchanged(client, headers, hotspot, db):
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create, delete(create["record_id"], base_rev=1))
    [result] = push_results(client, headers, delete(create["record_id"], base_rev=1))
    assert result["status"] == "applied" and result["rev"] == 2
    assert stored_visits(db)[0].rev == 2


def test_update_of_deleted_record_is_conflict(client, headers, hotspot):
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create, delete(create["record_id"], base_rev=1))
    [result] = push_results(client, headers, upsert(create["record_id"], visit_data(hotspot), base_rev=2))
    assert result["status"] == "conflict" and result["server"]["deleted"] is True


def test_delete_with_stale_rev_is_conflict(client, headers, hotspot, db):
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create, upsert(create["record_id"], visit_data(hotspot, notes="x"), base_rev=1))
    [result] = push_results(client, headers, delete(create["record_id"], base_rev=1))
    assert result["status"] == "conflict" and result["rev"] == 2
    assert not stored_visits(db)[0].deleted


def test_delete_of_unknown_record_is_not_found(client, headers):
    [result] = push_results(client, headers, delete(uuid.uuid4()))
    assert result["status"] == "rejected" and result["error"]["code"] == "not_found"


def test_every_written_row_is_stamped_with_the_transactions_change_seq(client, headers, hotspot, db):
    before = db.session.scalar(sa.text("SELECT value FROM change_counter"))
    push_results(client, headers, upsert(data=visit_data(hotspot)), upsert(data=visit_data(hotspot)))
    db.session.rollback()
    after = db.session.scalar(sa.text("SELECT value FROM change_counter"))
    assert after == before + 1
    assert {v.change_seq for v in stored_visits(db)} == {after}


def test_push_of_only_replays_and_rejections_does_not_bump_the_counter(client, headers, hotspot, db):
    mutation = upsert(data=visit_data(hotspot))
    push_results(client, headers, mutation)
    db.session.rollback()
    before = db.session.scalar(sa.text("SELECT value FROM change_counter"))
    push_results(client, headers, mutation, upsert(data=visit_data(hotspot, mode="rocket")))
    db.session.rollback()
    assert db.session.scalar(sa.text("SELECT value FROM change_counter")) == before


# -- rule 6: limits and envelopes


def test_more_than_max_mutations_is_413(client, headers, app, hotspot):
    app.config["MAX_PUSH_MUTATIONS"] = 3
    response = push(client, headers, *[upsert(data=visit_data(hotspot)) for _ in range(4)])
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_body_over_max_content_length_is_413(client, headers, app, hotspot):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = push(client, headers, *[upsert(data=visit_data(hotspot)) for _ in range(10)])
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_unknown_protocol_is_400_unsupported_protocol(client, headers, hotspot):
    response = push(client, headers, upsert(data=visit_data(hotspot)), protocol=2)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "unsupported_protocol"


def test_unknown_mutation_type_is_rejected_alone(client, headers, hotspot):
    odd = {**upsert(data=visit_data(hotspot)), "type": "visit.teleport"}
    results = push_results(client, headers, odd, upsert(data=visit_data(hotspot)))
    assert results[0]["status"] == "rejected" and results[0]["error"]["code"] == "unknown_mutation_type"
    assert results[1]["status"] == "applied"


def test_malformed_json_is_400_bad_request(client, headers):
    response = client.post(
        "/api/v1/sync/push", data=b'{"protocol": 1, "mutations": [', headers=headers, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mutations": []}, "protocol"),
        ({"protocol": 1}, "mutations"),
        ({"protocol": "1", "mutations": []}, "protocol"),
        ({"protocol": 1, "mutations": {}}, "mutations"),
        ({"protocol": 1, "mutations": [], "extra": 1}, "extra"),
        ({"protocol": 1, "mutations": [{"type": "visit.delete", "record_id": str(uuid.uuid4())}]}, "mutations.0"),
        ({"protocol": 1, "mutations": [{"mutation_id": "x", "type": "visit.delete"}]}, "mutations.0"),
        ([1, 2], "_schema"),
    ],
)
def test_invalid_envelope_is_400_validation_error_with_fields(client, headers, body, field):
    response = client.post("/api/v1/sync/push", json=body, headers=headers)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert any(name.startswith(field) for name in error["fields"]), error


def test_non_json_content_type_is_415(client, headers):
    response = client.post("/api/v1/sync/push", data="protocol=1", headers=headers)
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_empty_mutations_gives_empty_results(client, headers):
    response = push(client, headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["results"] == [] and body["server_time"]


def test_push_without_token_is_401(client):
    response = client.post("/api/v1/sync/push", json={"protocol": 1, "mutations": []})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


# -- rule 7: a database failure part-way


def push_with_failing_last_write(db, client, headers, mutations):
    """The push's answer when the database fails on its last write (the mutation log's insert)."""

    def fail_on_mutation_insert(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO SYNC_MUTATION"):
            raise sa.exc.OperationalError(statement, None, Exception("connection lost"))

    sa.event.listen(db.engine, "before_cursor_execute", fail_on_mutation_insert)
    try:
        return push(client, headers, *mutations)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", fail_on_mutation_insert)


def test_database_failure_part_way_is_503_and_stores_nothing(client, headers, hotspot, db):
    """The database fails on the push's last write: nothing of the request stays, and a retry applies it."""
    mutations = [upsert(data=visit_data(hotspot)) for _ in range(3)]

    response = push_with_failing_last_write(db, client, headers, mutations)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert stored_visits(db) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncMutation)) == 0
    assert [r["status"] for r in push_results(client, headers, *mutations)] == ["applied"] * 3
    assert len(stored_visits(db)) == 3


def test_what_reads_through_the_session_joins_the_push_transaction(client, headers, hotspot, db):
    """The phone's push runs in a transaction of its own (fieldlog.db.own_transaction); an activity's rules read its
    hot spot through the ORM session, which joins that transaction: a failure on the last write stores nothing of
    either, and the retry applies both."""
    from fieldlog.activities.models import Activity
    from tests.api.activity_support import activity_data
    from tests.api.activity_support import upsert as activity_upsert

    mutations = [upsert(data=visit_data(hotspot)), activity_upsert(data=activity_data(hotspot_id=str(hotspot.id)))]

    response = push_with_failing_last_write(db, client, headers, mutations)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert stored_visits(db) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncMutation)) == 0
    assert [r["status"] for r in push_results(client, headers, *mutations)] == ["applied"] * 2
    assert len(stored_visits(db)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 1


def test_the_session_joins_the_own_transaction_and_never_commits_it(app):
    """Inside fieldlog.db.own_transaction the ORM session runs on the transaction's connection; a write through the
    session is rolled back with it when the view raises, and committed with it when the view returns."""
    from fieldlog.db import own_connection, own_transaction
    from fieldlog.extensions import db as _db

    seen = []

    def bump_through_the_session(fail: bool):
        seen.append(_db.session.connection() is own_connection())
        _db.session.execute(sa.text("UPDATE change_counter SET value = value + 1 WHERE id = 1"))
        _db.session.commit()  # joined: this does not commit the push's transaction
        if fail:
            raise RuntimeError("the view failed")
        return "ok"

    def counter() -> int:
        with app.app_context():
            return _db.session.scalar(sa.text("SELECT value FROM change_counter WHERE id = 1"))

    before = counter()
    with app.test_request_context("/api/v1/sync/push", method="POST"), pytest.raises(RuntimeError):
        own_transaction(bump_through_the_session)(True)
    assert counter() == before
    with app.test_request_context("/api/v1/sync/push", method="POST"):
        assert own_transaction(bump_through_the_session)(False) == "ok"
    assert counter() == before + 1
    assert seen == [True, True]


def test_updates_of_many_visits_in_one_push_all_apply(client, headers, hotspot, db):
    creates = [upsert(data=visit_data(hotspot)) for _ in range(5)]
    push_results(client, headers, *creates)
    edits = [upsert(c["record_id"], visit_data(hotspot, notes="edited"), base_rev=1) for c in creates]
    deletes = [delete(c["record_id"], base_rev=2) for c in creates[:2]]
    results = push_results(client, headers, *edits, *deletes)
    assert [(r["status"], r["rev"]) for r in results] == [("applied", 2)] * 5 + [("applied", 3)] * 2
    visits = stored_visits(db)
    assert sorted((v.rev, v.deleted, v.notes) for v in visits) == [(2, False, "edited")] * 3 + [(3, True, "edited")] * 2


def test_non_finite_number_is_rejected_not_a_server_error(client, headers, hotspot):
    """Python's JSON parser reads NaN; the visit's rules refuse it."""
    mutation = upsert(data=visit_data(hotspot))
    body = json.dumps({"protocol": 1, "mutations": [mutation]}).replace('"accuracy_m": 10.0', '"accuracy_m": NaN')
    response = client.post("/api/v1/sync/push", data=body, headers=headers, content_type="application/json")
    assert response.status_code == 200
    [result] = response.get_json()["results"]
    assert result["status"] == "rejected" and "position.accuracy_m" in result["error"]["fields"]
