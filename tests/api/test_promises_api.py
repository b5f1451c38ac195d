"""The promise API (SPEC §6): every rule through HTTP, on SQLite and PostgreSQL — scope, validation naming the field
in the user's language, If-Match, overlapping published periods, commitments replaced keeping their ids, updates,
the audit log and the progress document."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from fieldlog.audit.models import AuditEntry
from fieldlog.promises.models import CommitmentUpdate

URL = "/api/v1/promises"


def promise_body(**overrides) -> dict:
    body = {
        "title": "Medborgarlöfte Svenljunga 2026",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "situation": "Många känner sig otrygga vid Torget efter mörkrets inbrott.",
        "goal": "Ökad trygghet i centrala Svenljunga.",
        "parties": "Polisen och Svenljunga kommun",
        "published": False,
        "commitments": [
            {"title": "Närvaro på hot spots", "kind": "presence", "hotspot_ids": []},
            {
                "title": "Lektioner i åk 4–6",
                "kind": "activities",
                "activity_types": ["school_session", "parents_evening"],
                "target_count": 20,
                "reach_target": 14,
            },
            {"title": "Trygghetsundersökning", "kind": "survey"},
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def other_area(make_area):
    return make_area("tranemo", name="Tranemo")


@pytest.fixture
def english(make_user, area):
    return make_user("supervisor", area, username="john", locale="en")


def _create(client, auth, user, **overrides):
    response = client.post(URL, json=promise_body(**overrides), headers=auth(user))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_supervisor_creates_a_promise_with_nested_commitments(client, auth, supervisor, db):
    response = client.post(URL, json=promise_body(), headers=auth(supervisor))
    assert response.status_code == 201
    assert response.headers["ETag"] == '"1"'
    body = response.get_json()
    assert body["area"] == "svenljunga" and body["rev"] == 1 and body["published"] is False
    assert [c["kind"] for c in body["commitments"]] == ["presence", "activities", "survey"]
    assert [c["position"] for c in body["commitments"]] == [0, 1, 2]
    activities = body["commitments"][1]
    assert activities["target_count"] == 20 and activities["reach_target"] == 14
    assert activities["hotspot_ids"] == [] and activities["assessment"] == "not_started"
    assert body["commitments"][0]["target_count"] is None
    # Read back, listed, audited.
    got = client.get(f"{URL}/{body['id']}", headers=auth(supervisor))
    assert got.get_json() == body and got.headers["ETag"] == '"1"'
    listed = client.get(URL, headers=auth(supervisor)).get_json()["promises"]
    assert [p["id"] for p in listed] == [body["id"]]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "promise")).one()
    assert (entry.action, entry.entity_id, entry.after["title"]) == ("create", body["id"], body["title"])


def test_officers_may_not_touch_promises(client, auth, officer):
    assert client.get(URL, headers=auth(officer)).status_code == 403
    assert client.post(URL, json=promise_body(), headers=auth(officer)).status_code == 403


def test_scope_other_area(client, auth, supervisor, make_user, other_area):
    theirs = _create(client, auth, make_user("supervisor", other_area, username="tove"))
    assert client.get(f"{URL}/{theirs['id']}", headers=auth(supervisor)).status_code == 404
    assert client.get(f"{URL}/{theirs['id']}/progress", headers=auth(supervisor)).status_code == 404
    patch = client.patch(f"{URL}/{theirs['id']}", json={"title": "x"}, headers=auth(supervisor, **{"If-Match": '"1"'}))
    assert patch.status_code == 404
    assert client.get(f"{URL}?area=tranemo", headers=auth(supervisor)).status_code == 403
    assert client.post(f"{URL}?area=tranemo", json=promise_body(), headers=auth(supervisor)).status_code == 403
    assert client.post(URL, json=promise_body(area="tranemo"), headers=auth(supervisor)).status_code == 403
    assert client.get(URL, headers=auth(supervisor)).get_json() == {"promises": []}


def test_admin_names_the_area(client, auth, admin, supervisor, other_area):
    response = client.post(URL, json=promise_body(), headers=auth(admin))
    assert response.status_code == 400 and "area" in response.get_json()["error"]["fields"]
    assert client.get(URL, headers=auth(admin)).status_code == 400
    assert client.get(f"{URL}?area=nowhere", headers=auth(admin)).status_code == 404
    made = _create(client, auth, admin, area="tranemo")
    assert made["area"] == "tranemo"
    by_query = client.post(f"{URL}?area=svenljunga", json=promise_body(), headers=auth(admin))
    assert by_query.status_code == 201 and by_query.get_json()["area"] == "svenljunga"
    assert [p["id"] for p in client.get(f"{URL}?area=tranemo", headers=auth(admin)).get_json()["promises"]] == [
        made["id"]
    ]
    # An admin asking for a promise under the wrong area gets nothing.
    assert client.get(f"{URL}/{made['id']}?area=svenljunga", headers=auth(admin)).status_code == 404
    assert client.get(f"{URL}/{made['id']}?area=tranemo", headers=auth(admin)).status_code == 200


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"situation": "x" * 4001}, "situation"),
        ({"goal": "x" * 1001}, "goal"),
        ({"parties": "x" * 501}, "parties"),
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"ends_on": "2025-12-31"}, "ends_on"),
        ({"ends_on": "2029-06-30"}, "ends_on"),
        ({"starts_on": "1999-01-01"}, "starts_on"),
        ({"published": "yes"}, "published"),
        ({"colour": "blue"}, "colour"),
        ({"commitments": [{"title": "x", "kind": "patrol"}]}, "commitments.0.kind"),
        ({"commitments": [{"kind": "presence"}]}, "commitments.0.title"),
        ({"commitments": [{"title": "x"}]}, "commitments.0.kind"),
        ({"commitments": [{"title": "x", "kind": "presence", "target_count": 5}]}, "commitments.0.target_count"),
        (
            {"commitments": [{"title": "x", "kind": "survey", "activity_types": ["other"]}]},
            "commitments.0.activity_types",
        ),
        ({"commitments": [{"title": "x", "kind": "activities", "target_count": 3}]}, "commitments.0.activity_types"),
        (
            {"commitments": [{"title": "x", "kind": "activities", "activity_types": ["school_session"]}]},
            "commitments.0.target_count",
        ),
        (
            {"commitments": [{"title": "x", "kind": "activities", "activity_types": ["lecture"], "target_count": 1}]},
            "commitments.0.activity_types.0",
        ),
        (
            {"commitments": [{"title": "x", "kind": "presence", "hotspot_ids": [str(uuid.uuid4())]}]},
            "commitments.0.hotspot_ids",
        ),
        (
            {"commitments": [{"title": "x", "kind": "survey", "survey_ids": [str(uuid.uuid4())]}]},
            "commitments.0.survey_ids",
        ),
        ({"commitments": [{"title": "x", "kind": "survey", "assessment": "great"}]}, "commitments.0.assessment"),
        ({"commitments": [{"title": "x", "kind": "presence", "description": "x" * 2001}]}, "commitments.0.description"),
    ],
)
def test_each_rejection_names_the_field(client, auth, supervisor, overrides, field):
    response = client.post(URL, json=promise_body(**overrides), headers=auth(supervisor))
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error


def test_hot_spots_of_another_area_are_refused(client, auth, supervisor, other_area, make_hotspot, area):
    mine, theirs = make_hotspot(area, "Torget"), make_hotspot(other_area, "Tranemo torg")
    ok = [{"title": "Närvaro", "kind": "presence", "hotspot_ids": [str(mine.id), str(mine.id)]}]
    body = _create(client, auth, supervisor, commitments=ok)
    assert body["commitments"][0]["hotspot_ids"] == [str(mine.id)]  # once each
    bad = [{"title": "Närvaro", "kind": "presence", "hotspot_ids": [str(mine.id), str(theirs.id)]}]
    response = client.post(URL, json=promise_body(commitments=bad), headers=auth(supervisor))
    assert response.status_code == 400
    assert "commitments.0.hotspot_ids" in response.get_json()["error"]["fields"]


def test_rejections_speak_the_users_language(client, auth, supervisor, english):
    body = promise_body(goal="x" * 1001)
    sv = client.post(URL, json=body, headers=auth(supervisor)).get_json()["error"]
    en = client.post(URL, json=body, headers=auth(english)).get_json()["error"]
    assert en["fields"]["goal"] == ["Longer than maximum length 1000."]
    assert sv["fields"]["goal"] != en["fields"]["goal"] and "1000" in sv["fields"]["goal"][0]
    assert sv["message"] != en["message"]
    body = promise_body(ends_on="2025-01-01")
    sv = client.post(URL, json=body, headers=auth(supervisor)).get_json()["error"]
    en = client.post(URL, json=body, headers=auth(english)).get_json()["error"]
    assert en["fields"]["ends_on"] == ["Must not be before the first day of the promise."]
    assert sv["fields"]["ends_on"] != en["fields"]["ends_on"]
    kind = [{"title": "x", "kind": "presence", "target_count": 5}]
    sv = client.post(URL, json=promise_body(commitments=kind), headers=auth(supervisor)).get_json()["error"]
    en = client.post(URL, json=promise_body(commitments=kind), headers=auth(english)).get_json()["error"]
    assert en["fields"]["commitments.0.target_count"] == ["Only for an activities commitment."]
    assert sv["fields"]["commitments.0.target_count"] != en["fields"]["commitments.0.target_count"]


def test_patch_needs_if_match_and_the_current_rev(client, auth, supervisor):
    made = _create(client, auth, supervisor)
    url = f"{URL}/{made['id']}"
    missing = client.patch(url, json={"title": "Nytt namn"}, headers=auth(supervisor))
    assert missing.status_code == 428 and missing.get_json()["error"]["code"] == "precondition_required"
    stale = client.patch(url, json={"title": "Nytt namn"}, headers=auth(supervisor, **{"If-Match": '"7"'}))
    assert stale.status_code == 412 and stale.headers["ETag"] == '"1"'
    assert stale.get_json()["error"]["code"] == "precondition_failed"
    ok = client.patch(url, json={"title": "Nytt namn"}, headers=auth(supervisor, **{"If-Match": '"1"'}))
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"'
    assert ok.get_json()["title"] == "Nytt namn" and ok.get_json()["commitments"] == made["commitments"]
    # Nothing changed: the rev stays.
    same = client.patch(url, json={"title": "Nytt namn"}, headers=auth(supervisor, **{"If-Match": '"2"'}))
    assert same.status_code == 200 and same.get_json()["rev"] == 2
    # The period must stay in order, whichever end changes.
    bad = client.patch(url, json={"starts_on": "2027-01-01"}, headers=auth(supervisor, **{"If-Match": '"2"'}))
    assert bad.status_code == 400 and "ends_on" in bad.get_json()["error"]["fields"]


def test_patch_commitments_replaces_the_list_keeping_the_ids_sent(client, auth, supervisor, app, db):
    made = _create(client, auth, supervisor)
    presence, activities, survey = made["commitments"]
    url = f"{URL}/{made['id']}"
    written = client.post(
        f"{url}/commitments/{activities['id']}/updates",
        json={"date": "2026-03-02", "text": "Vi har besökt alla fem skolor med åk 4–6."},
        headers=auth(supervisor),
    )
    assert written.status_code == 201
    change = {
        "commitments": [
            {"id": activities["id"], "assessment": "on_track", "target_count": 25},
            {"title": "Föräldraträff", "kind": "activities", "activity_types": ["parents_evening"], "target_count": 1},
            {"id": presence["id"], "title": "Närvaro vid Torget"},
        ]
    }
    response = client.patch(url, json=change, headers=auth(supervisor, **{"If-Match": '"1"'}))
    assert response.status_code == 200, response.get_json()
    after = response.get_json()["commitments"]
    assert [c["id"] for c in after][0::2] == [activities["id"], presence["id"]]
    assert after[1]["id"] not in (presence["id"], activities["id"], survey["id"])
    assert after[0]["assessment"] == "on_track" and after[0]["target_count"] == 25
    assert after[0]["reach_target"] == 14 and after[0]["title"] == activities["title"]  # kept where not sent
    assert after[2]["title"] == "Närvaro vid Torget" and after[2]["kind"] == "presence"
    assert [c["position"] for c in after] == [0, 1, 2]
    # The kept commitment keeps its updates; the dropped survey commitment is gone.
    progress = client.get(f"{url}/progress?as_of=2026-03-31", headers=auth(supervisor)).get_json()
    assert [c["id"] for c in progress["commitments"]] == [c["id"] for c in after]
    assert [u["text"] for u in progress["commitments"][0]["updates"]] == ["Vi har besökt alla fem skolor med åk 4–6."]
    # An id that is not one of this promise's commitments, or sent twice, names the field.
    for bad in ([{"id": str(uuid.uuid4())}], [{"id": presence["id"]}, {"id": presence["id"]}]):
        response = client.patch(url, json={"commitments": bad}, headers=auth(supervisor, **{"If-Match": '"2"'}))
        assert response.status_code == 400
        assert any(k.endswith(".id") for k in response.get_json()["error"]["fields"])
    # Changing a kept commitment's kind empties the fields of its old kind; sending one of them is refused.
    kind = {"commitments": [{"id": activities["id"], "kind": "survey", "target_count": 3}]}
    response = client.patch(url, json=kind, headers=auth(supervisor, **{"If-Match": '"2"'}))
    assert response.status_code == 400 and "commitments.0.target_count" in response.get_json()["error"]["fields"]
    kind = {"commitments": [{"id": activities["id"], "kind": "survey"}]}
    response = client.patch(url, json=kind, headers=auth(supervisor, **{"If-Match": '"2"'}))
    assert response.status_code == 200, response.get_json()
    (c,) = response.get_json()["commitments"]
    assert (c["kind"], c["activity_types"], c["target_count"], c["reach_target"]) == ("survey", [], None, None)


def test_published_periods_do_not_overlap(client, auth, supervisor, english, make_user, other_area):
    first = _create(client, auth, supervisor, published=True)
    # Overlapping and published: 409 naming the other promise, in the user's language.
    for user in (supervisor, english):
        response = client.post(
            URL,
            json=promise_body(title="Löfte 2", starts_on="2026-12-31", ends_on="2027-12-31", published=True),
            headers=auth(user),
        )
        assert response.status_code == 409
        error = response.get_json()["error"]
        assert error["code"] == "conflict"
        assert "Medborgarlöfte Svenljunga 2026" in error["message"] and "2026-01-01" in error["message"]
        assert set(error["fields"]) == {"starts_on", "ends_on"}
    assert response.get_json()["error"]["message"].startswith("The period overlaps the published promise")
    # Overlapping but not published: allowed; publishing it then conflicts.
    draft = _create(client, auth, supervisor, title="Utkast", starts_on="2026-06-01", ends_on="2027-05-31")
    publish = client.patch(
        f"{URL}/{draft['id']}", json={"published": True}, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    assert publish.status_code == 409 and "Medborgarlöfte Svenljunga 2026" in publish.get_json()["error"]["message"]
    # Moved after the first one: it may be published.
    moved = client.patch(
        f"{URL}/{draft['id']}",
        json={"published": True, "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
        headers=auth(supervisor, **{"If-Match": '"1"'}),
    )
    assert moved.status_code == 200 and moved.get_json()["published"] is True
    # Stretching the first into it is refused too; another area's promises do not count.
    stretch = client.patch(
        f"{URL}/{first['id']}", json={"ends_on": "2027-01-01"}, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    assert stretch.status_code == 409 and "Utkast" in stretch.get_json()["error"]["message"]
    _create(client, auth, make_user("supervisor", other_area, username="tove"), published=True)


def test_delete_needs_the_current_rev_and_is_audited(client, auth, supervisor, db):
    made = _create(client, auth, supervisor)
    url = f"{URL}/{made['id']}"
    assert client.delete(url, headers=auth(supervisor)).status_code == 428
    assert client.delete(url, headers=auth(supervisor, **{"If-Match": '"2"'})).status_code == 412
    assert client.delete(url, headers=auth(supervisor, **{"If-Match": '"1"'})).status_code == 204
    assert client.get(url, headers=auth(supervisor)).status_code == 404
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == made["id"])).all()
    assert sorted(actions) == ["create", "delete"]


def test_updates(client, auth, supervisor, english, db):
    made = _create(client, auth, supervisor)
    cid = made["commitments"][0]["id"]
    url = f"{URL}/{made['id']}/commitments/{cid}/updates"
    response = client.post(
        url, json={"date": "2026-02-01", "text": "Vi har gått 40 pass vid Torget."}, headers=auth(supervisor)
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["date"], body["text"]) == ("2026-02-01", "Vi har gått 40 pass vid Torget.")
    for payload, field in (
        ({"date": "2026-02-01", "text": "x" * 1001}, "text"),
        ({"date": "2026-02-01", "text": ""}, "text"),
        ({"date": "2026-02-01", "text": "   "}, "text"),
        ({"date": "2099-01-01", "text": "Framtiden."}, "date"),
        ({"text": "Utan datum."}, "date"),
        ({"date": "2026-02-01", "text": "x", "author": "Lena"}, "author"),
    ):
        response = client.post(url, json=payload, headers=auth(english))
        assert response.status_code == 400, payload
        assert field in response.get_json()["error"]["fields"]
    assert (
        client.post(
            f"{URL}/{made['id']}/commitments/{uuid.uuid4()}/updates",
            json={"date": "2026-02-01", "text": "x"},
            headers=auth(supervisor),
        ).status_code
        == 404
    )
    # The update does not change the promise's rev (nobody's open form goes stale); it is audited.
    assert client.get(f"{URL}/{made['id']}", headers=auth(supervisor)).get_json()["rev"] == 1
    assert db.session.scalar(select(CommitmentUpdate.author_id)) is not None
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == made["id"])).all()
    assert "add_update" in actions


def test_progress_endpoint(client, auth, supervisor, make_hotspot, make_visit, officer, area):
    from tests.conftest import utc

    spot = make_hotspot(area, "Torget", target_visits_per_week=7)
    make_visit(spot, officer, utc(2026, 3, 2, 19, 0), 12)
    made = _create(client, auth, supervisor)
    url = f"{URL}/{made['id']}/progress"
    body = client.get(f"{url}?as_of=2026-03-08", headers=auth(supervisor)).get_json()
    assert body["promise_id"] == made["id"] and body["as_of"] == "2026-03-08"
    presence, activities, survey = body["commitments"]
    assert presence["progress"]["visits"] == 1 and presence["progress"]["target_visits"] == 67.0
    assert activities["progress"]["target_count"] == 20 and activities["progress"]["done"] == 0
    assert survey["progress"] == {"waves": []}
    assert client.get(f"{url}?as_of=someday", headers=auth(supervisor)).status_code == 400
    today = client.get(url, headers=auth(supervisor)).get_json()
    assert today["as_of"] == datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat()
