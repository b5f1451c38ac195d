"""POST /api/v1/sync/sealed: a locked phone's outbox entries, sealed for the server at save time (issue 15 item 4).

The envelopes are made here as the app makes them (tests/api/sealed_support.py: ECDH P-256, HKDF-SHA-256,
AES-256-GCM); the endpoint must answer exactly as /sync/push does for the token inside, and refuse what does not open.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldlog.auth.models import Device
from fieldlog.db import utcnow
from fieldlog.sync.models import SyncMutation
from fieldlog.sync.sealed import b64url, derive_key, public_config
from fieldlog.visits.models import Visit
from tests.api.sealed_support import seal, sealed_push
from tests.api.sync_support import push_results, upsert, visit_data


@pytest.fixture
def key(app) -> dict:
    with app.app_context():
        return public_config()


@pytest.fixture
def token(make_token, officer, set_locale) -> str:
    set_locale(officer, "en")
    return make_token(officer)


def stored_visits(db) -> list[Visit]:
    return list(db.session.scalars(sa.select(Visit)))


def post(client, body, headers=None, lang="en"):
    """A sealed push as the worker sends it; errors before authentication speak Accept-Language (English here)."""
    return client.post("/api/v1/sync/sealed", json=body, headers={"Accept-Language": lang, **(headers or {})})


def error_of(response) -> dict:
    return response.get_json()["error"]


def test_the_key_is_derived_from_the_secret_and_named_by_its_point():
    one, again, other = derive_key("s1"), derive_key("s1"), derive_key("s2")
    assert one.point == again.point and one.kid == again.kid
    assert one.point != other.point and one.kid != other.kid
    assert len(one.point) == 65 and one.point[0] == 4
    assert one.public_config() == {"kid": one.kid, "key": b64url(one.point)}


def test_the_app_shell_and_the_worker_carry_the_public_key(client, key):
    html = client.get("/app").get_data(as_text=True)
    assert key["kid"] in html and key["key"] in html
    worker = client.get("/sw.js").get_data(as_text=True)
    assert json.dumps(key["kid"]) in worker and key["key"] in worker


def test_sealed_push_applies_as_the_token_s_officer(client, key, token, hotspot, officer, db):
    first, second = upsert(data=visit_data(hotspot)), upsert(data=visit_data(hotspot, notes="två"))
    response = sealed_push(client, key, token, first, second)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [(r["mutation_id"], r["status"], r["rev"]) for r in body["results"]] == [
        (first["mutation_id"], "applied", 1),
        (second["mutation_id"], "applied", 1),
    ]
    assert "server_time" in body
    visits = stored_visits(db)
    assert {str(v.id) for v in visits} == {first["record_id"], second["record_id"]}
    assert {v.officer_id for v in visits} == {officer.id}


def test_replayed_envelopes_answer_the_first_result_and_store_once(client, key, token, hotspot, db):
    mutation = upsert(data=visit_data(hotspot))
    first = sealed_push(client, key, token, mutation).get_json()["results"]
    again = sealed_push(client, key, token, mutation).get_json()["results"]  # sealed anew: another epk, same mutation
    assert again == first
    assert len(stored_visits(db)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncMutation)) == 1


def test_sealed_then_normal_push_is_a_duplicate_and_the_other_way_round(client, key, token, hotspot, db):
    sealed_first, pushed_first = upsert(data=visit_data(hotspot)), upsert(data=visit_data(hotspot))
    headers = {"Authorization": f"Bearer {token}"}
    [by_worker] = sealed_push(client, key, token, sealed_first).get_json()["results"]
    [by_page] = push_results(client, headers, sealed_first)
    assert by_page == by_worker and by_page["status"] == "applied"
    [by_page] = push_results(client, headers, pushed_first)
    [by_worker] = sealed_push(client, key, token, pushed_first).get_json()["results"]
    assert by_worker == by_page and by_worker["status"] == "applied"
    assert len(stored_visits(db)) == 2


def test_a_rejected_mutation_is_answered_like_a_push(client, key, token, hotspot, db):
    good, bad = upsert(data=visit_data(hotspot)), upsert(data=visit_data(hotspot, officers=99))
    results = sealed_push(client, key, token, good, bad).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert "officers" in results[1]["error"]["fields"]
    assert len(stored_visits(db)) == 1


def test_a_tampered_envelope_is_refused_naming_it_and_nothing_is_stored(client, key, token, hotspot, db):
    good, other = seal(key, token, upsert(data=visit_data(hotspot))), seal(key, token, upsert(data=visit_data(hotspot)))
    flipped = other["ct"][:-3] + ("A" if other["ct"][-3] != "A" else "B") + other["ct"][-2:]
    response = post(client, {"protocol": 1, "envelopes": [good, {**other, "ct": flipped}]})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"envelopes.1": ["The envelope does not open."]}
    assert stored_visits(db) == []


@pytest.mark.parametrize(
    "change",
    [
        {"epk": "AAAA"},
        {"iv": b64url(b"\0" * 11)},
        {"v": 2},
        {"v": True},
        {"ct": "not base64!"},
        {"ct": 5},
        {"extra": 1},
    ],
    ids=["short-epk", "short-iv", "v2", "v-bool", "bad-base64", "ct-number", "extra-key"],
)
def test_envelopes_that_are_not_ones_are_refused(client, key, token, hotspot, change, db):
    envelope = {**seal(key, token, upsert(data=visit_data(hotspot))), **change}
    response = post(client, {"protocol": 1, "envelopes": [envelope]})
    assert response.status_code == 400, response.get_json()
    assert list(error_of(response)["fields"]) == ["envelopes.0"]
    assert stored_visits(db) == []


def test_an_envelope_that_holds_no_token_and_mutation_is_refused(client, key, hotspot):
    envelope = seal(key, "", None, plain=b'{"mutation": {}}')
    response = post(client, {"protocol": 1, "envelopes": [envelope]})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"envelopes.0": ["The envelope does not hold a token and a mutation."]}


def test_sealed_for_another_key_answers_409_so_the_page_uploads_it(client, token, hotspot, db):
    old = derive_key("the secret before").public_config()
    response = sealed_push(client, old, token, upsert(data=visit_data(hotspot)))
    assert response.status_code == 409
    assert error_of(response)["code"] == "sealed_key_unknown"
    assert error_of(response)["fields"] == {"envelopes.0": ["Unknown key."]}
    assert stored_visits(db) == []


def test_the_right_kid_on_another_key_s_envelope_does_not_open(client, key, token, hotspot, db):
    other = derive_key("another secret").public_config()
    envelope = {**seal(other, token, upsert(data=visit_data(hotspot))), "kid": key["kid"]}
    response = post(client, {"protocol": 1, "envelopes": [envelope]})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"envelopes.0": ["The envelope does not open."]}


def test_envelopes_of_two_tokens_are_refused(client, key, token, make_token, make_user, area, hotspot, db):
    other = make_token(make_user("officer", area, username="bo"))
    envelopes = [
        seal(key, token, upsert(data=visit_data(hotspot))),
        seal(key, other, upsert(data=visit_data(hotspot))),
        seal(key, token, upsert(data=visit_data(hotspot))),
    ]
    response = post(client, {"protocol": 1, "envelopes": envelopes})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"envelopes.1": ["Another token than the first envelope's."]}
    assert stored_visits(db) == []


def _device(db, officer) -> Device:
    return db.session.scalar(sa.select(Device).where(Device.user_id == officer.id))


def test_a_revoked_device_s_envelopes_answer_401(client, key, token, hotspot, officer, db):
    assert client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    response = sealed_push(client, key, token, upsert(data=visit_data(hotspot)))
    assert response.status_code == 401 and error_of(response)["code"] == "token_revoked"
    assert stored_visits(db) == []


def test_an_expired_token_answers_401_and_an_unknown_one_too(client, key, token, hotspot, officer, db):
    device = _device(db, officer)
    device.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = sealed_push(client, key, token, upsert(data=visit_data(hotspot)))
    assert response.status_code == 401 and error_of(response)["code"] == "token_expired"
    response = sealed_push(client, key, "not-a-token", upsert(data=visit_data(hotspot)))
    assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"
    assert stored_visits(db) == []


def test_a_sealed_push_slides_the_token_s_expiry(client, key, token, hotspot, officer, db):
    device = _device(db, officer)
    device.last_seen_at = utcnow() - timedelta(days=2)
    device.expires_at = utcnow() + timedelta(days=1)
    db.session.commit()
    before = device.expires_at
    assert sealed_push(client, key, token, upsert(data=visit_data(hotspot))).status_code == 200
    db.session.expire_all()
    assert _device(db, officer).expires_at > before


def test_more_envelopes_than_a_push_takes_answer_413(client, key, token, hotspot, app, monkeypatch, db):
    monkeypatch.setitem(app.config, "MAX_PUSH_MUTATIONS", 3)
    response = sealed_push(client, key, token, *(upsert(data=visit_data(hotspot)) for _ in range(4)))
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large" and "envelopes" in error_of(response)["fields"]
    assert sealed_push(client, key, token, *(upsert(data=visit_data(hotspot)) for _ in range(3))).status_code == 200


def test_no_authorization_header_is_needed_nor_used(
    client, key, token, make_token, make_user, area, hotspot, officer, db
):
    # A header of another user changes nothing: the envelope's token decides.
    other = make_token(make_user("officer", area, username="bo"))
    mutation = upsert(data=visit_data(hotspot))
    body = {"protocol": 1, "envelopes": [seal(key, token, mutation)]}
    response = post(client, body, headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 200
    [visit] = stored_visits(db)
    assert visit.officer_id == officer.id


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ([], 400, "_schema"),
        ({"protocol": 2, "envelopes": []}, 400, "protocol"),
        ({"protocol": 1}, 400, "envelopes"),
        ({"protocol": 1, "envelopes": {}}, 400, "envelopes"),
        ({"protocol": 1, "envelopes": []}, 400, "envelopes"),
        ({"protocol": 1, "envelopes": [], "mutations": []}, 400, "mutations"),
        ({"envelopes": [1]}, 400, "protocol"),
    ],
)
def test_bodies_that_are_not_a_sealed_push_name_the_field(client, body, status, field):
    response = post(client, body)
    assert response.status_code == status
    assert field in error_of(response)["fields"]


def test_errors_are_in_swedish_by_default(client, key, hotspot):
    envelope = {**seal(key, "x", upsert(data=visit_data(hotspot))), "iv": b64url(b"\0" * 12)}
    response = post(client, {"protocol": 1, "envelopes": [envelope]}, lang="sv")
    assert error_of(response)["fields"] == {"envelopes.0": ["Kuvertet går inte att öppna."]}


junk = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=15,
)
envelope_like = st.fixed_dictionaries(
    {"v": st.one_of(st.just(1), junk), "kid": junk, "epk": junk, "iv": junk, "ct": junk}
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        junk, st.fixed_dictionaries({"protocol": st.just(1), "envelopes": st.lists(envelope_like, max_size=3)})
    )
)
def test_junk_is_answered_with_an_envelope_never_a_500(client, key, body):
    if isinstance(body, dict) and isinstance(body.get("envelopes"), list):
        for envelope in body["envelopes"]:
            if envelope.get("kid") is None:
                envelope["kid"] = key["kid"]  # past the key check, into the opening
    response = post(client, body)
    assert response.status_code in (400, 409, 413, 415), response.get_data(as_text=True)[:300]
    assert error_of(response)["code"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plain=st.one_of(st.binary(max_size=64), junk.map(lambda v: json.dumps(v).encode())))
def test_well_sealed_junk_is_refused_too(client, key, plain):
    response = post(client, {"protocol": 1, "envelopes": [seal(key, "", None, plain=plain)]})
    assert response.status_code in (400, 401), response.get_data(as_text=True)[:300]


def test_a_sealed_mutation_that_is_not_one_names_it(client, key, token):
    envelope = seal(key, token, {"mutation_id": str(uuid.uuid4()), "type": "visit.upsert"})
    response = post(client, {"protocol": 1, "envelopes": [envelope]})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.get_json()["results"][0]["status"] == "rejected"
    else:
        assert any(name.startswith("mutations") for name in error_of(response)["fields"])
