"""GET /api/v1/activities and /activities.csv (SPEC §6): scope (a supervisor sees only their own area, an admin
names one, an officer is refused), filters, keyset pages, the CSV's columns as declared with the activity."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from fieldlog.sync.records import ACTIVITY
from tests.api.activity_support import activity_data, upsert
from tests.api.sync_support import push_results


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def logged(client, auth, officer, supervisor, make_user, make_area):
    """Two areas' activities, pushed as phones push them: in Svenljunga anna's school session and parents' evening,
    sven's planned session; in Tranemo tove's safety walk."""
    tranemo = make_area("tranemo", name="Tranemo")
    tove = make_user("officer", tranemo, username="tove")
    session = upsert(data=activity_data(now() - timedelta(days=2)))
    evening = upsert(
        data=activity_data(
            now() - timedelta(days=1), type="parents_evening", school="", grades=[], group="", participants=41
        )
    )
    planned = upsert(data=activity_data(now() + timedelta(days=10), status="planned", participants=None))
    walk = upsert(data=activity_data(now() - timedelta(days=1), type="safety_walk", school="", grades=[]))
    push_results(client, auth(officer), session, evening)
    push_results(client, auth(supervisor), planned)
    push_results(client, auth(tove), walk)
    return {"session": session, "evening": evening, "planned": planned, "walk": walk, "tranemo": tranemo}


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [a["id"] for a in response.get_json()["activities"]]


def test_supervisor_lists_own_area_newest_first(client, auth, supervisor, logged):
    assert ids(client.get("/api/v1/activities", headers=auth(supervisor))) == [
        logged["planned"]["record_id"],
        logged["evening"]["record_id"],
        logged["session"]["record_id"],
    ]


def test_supervisor_asking_for_another_area_is_403(client, auth, supervisor, logged):
    response = client.get("/api/v1/activities?area=tranemo", headers=auth(supervisor))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    response = client.get("/api/v1/activities.csv?area=tranemo", headers=auth(supervisor))
    assert response.status_code == 403


def test_officer_gets_403(client, auth, officer, logged):
    for url in ("/api/v1/activities", "/api/v1/activities.csv"):
        response = client.get(url, headers=auth(officer))
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_admin_names_the_area_or_sees_all(client, auth, admin, logged):
    assert ids(client.get("/api/v1/activities?area=tranemo", headers=auth(admin))) == [logged["walk"]["record_id"]]
    assert len(ids(client.get("/api/v1/activities", headers=auth(admin)))) == 4
    response = client.get("/api/v1/activities?area=nowhere", headers=auth(admin))
    assert response.status_code == 404
    assert client.get("/api/v1/activities.csv", headers=auth(admin)).status_code == 400


def test_filters(client, auth, supervisor, logged):
    headers = auth(supervisor)
    get = lambda query: ids(client.get(f"/api/v1/activities?{query}", headers=headers))  # noqa: E731
    assert get("type=parents_evening") == [logged["evening"]["record_id"]]
    assert get("status=planned") == [logged["planned"]["record_id"]]
    assert get("officer=sven") == [logged["planned"]["record_id"]]
    assert get("officer=ANNA") == [logged["evening"]["record_id"], logged["session"]["record_id"]]
    today = datetime.now(UTC).date()
    assert get(f"from={today.isoformat()}") == [logged["planned"]["record_id"]]
    assert get(f"to={(today - timedelta(days=2)).isoformat()}") == [logged["session"]["record_id"]]
    bad = client.get("/api/v1/activities?type=lecture", headers=headers)
    assert bad.status_code == 400 and "type" in bad.get_json()["error"]["fields"]


def test_deleted_activities_are_not_listed(client, auth, officer, supervisor, logged):
    from tests.api.activity_support import delete

    push_results(client, auth(officer), delete(logged["session"]["record_id"], base_rev=1))
    assert logged["session"]["record_id"] not in ids(client.get("/api/v1/activities", headers=auth(supervisor)))


def test_keyset_pages_give_each_once(client, auth, officer, supervisor, app, logged):
    from fieldlog.activities import queries

    more = [upsert(data=activity_data(now() - timedelta(hours=5 + i))) for i in range(5)]
    push_results(client, auth(officer), *more)
    headers = auth(supervisor)
    seen, cursor = [], None
    size = queries.PAGE_SIZE
    queries.PAGE_SIZE = 3
    try:
        while True:
            query = {"cursor": cursor} if cursor else {}
            body = client.get("/api/v1/activities", query_string=query, headers=headers).get_json()
            seen += [a["id"] for a in body["activities"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
    finally:
        queries.PAGE_SIZE = size
    assert sorted(seen) == sorted(
        [m["record_id"] for m in more] + [logged[k]["record_id"] for k in ("session", "evening", "planned")]
    )
    assert len(seen) == len(set(seen))
    bad = client.get("/api/v1/activities?cursor=nonsense", headers=headers)
    assert bad.status_code == 400 and list(bad.get_json()["error"]["fields"]) == ["cursor"]


def test_csv_has_the_declared_columns_and_only_the_area(client, auth, supervisor, logged):
    today = datetime.now(UTC).date()
    response = client.get(
        f"/api/v1/activities.csv?from={(today - timedelta(days=7)).isoformat()}&to={(today + timedelta(days=30))}",
        headers=auth(supervisor),
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [column.name for column in ACTIVITY.csv_columns]
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["id"] for r in body] == [
        logged["session"]["record_id"],
        logged["evening"]["record_id"],
        logged["planned"]["record_id"],
    ]
    session = body[0]
    assert (session["type"], session["status"], session["school"], session["grades"], session["group"]) == (
        "school_session",
        "done",
        "Kindbergskolan",
        "5",
        "5B",
    )
    assert session["topics"] == "values;it_crime" and session["officer"] == "anna"
    assert session["starts_at"].endswith(("+01:00", "+02:00"))  # the area's zone, with its offset
    assert session["duration_minutes"] == "60.0"


def test_csv_neutralises_formulas(client, auth, officer, supervisor):
    push_results(client, auth(officer), upsert(data=activity_data(notes="=HYPERLINK(1)", place="+46")))
    body = client.get("/api/v1/activities.csv", headers=auth(supervisor)).get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body and "'+46" in body
