"""GET /api/v1/sync/pull: snapshot, changes after a cursor, paging, unusable cursors (SPEC §3)."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldlog.visits.models import Visit
from tests.api.sync_support import delete, pull, pull_all, push_results, upsert, visit_data


@pytest.fixture
def headers(auth, officer):
    return auth(officer)


def ids(changes, kind=None) -> list[str]:
    return [c["id"] for c in changes if kind is None or c["type"] == kind]


def test_pull_without_cursor_is_a_snapshot_of_area_hotspots_and_own_visits(
    client, headers, officer, area, hotspot, make_hotspot, make_area, make_user, make_visit
):
    other_area_spot = make_hotspot(make_area("boras"), "Elsewhere")
    mine = make_visit(hotspot, officer)
    theirs = make_visit(hotspot, make_user("officer", area, username="bo"))
    page = pull(client, headers)
    assert page["reset"] is True and page["has_more"] is False and isinstance(page["cursor"], str)
    assert ids(page["changes"], "hotspot") == [str(hotspot.id)]
    assert ids(page["changes"], "visit") == [str(mine.id)]
    assert str(other_area_spot.id) not in ids(page["changes"]) and str(theirs.id) not in ids(page["changes"])
    visit = next(c for c in page["changes"] if c["type"] == "visit")
    assert visit["rev"] == 1 and visit["deleted"] is False
    assert visit["data"]["officer"] == "anna" and visit["data"]["id"] == str(mine.id)
    spot = next(c for c in page["changes"] if c["type"] == "hotspot")
    assert spot["data"]["name"] == "Torget" and spot["data"]["area"] == "svenljunga"


def test_snapshot_leaves_out_tombstones_and_visits_older_than_snapshot_days(
    client, headers, officer, area, hotspot, make_hotspot, make_visit, app
):
    archived = make_hotspot(area, "Gone", deleted=True)
    old = make_visit(hotspot, officer, started_at=datetime.now(UTC) - timedelta(days=31))
    deleted = make_visit(hotspot, officer, deleted=True)
    recent = make_visit(hotspot, officer)
    changes, _ = pull_all(client, headers)
    assert ids(changes) == [str(hotspot.id), str(recent.id)]
    assert str(archived.id) not in ids(changes) and {str(old.id), str(deleted.id)}.isdisjoint(ids(changes))
    app.config["SNAPSHOT_DAYS"] = 40
    changes, _ = pull_all(client, headers)
    assert str(old.id) in ids(changes)


def test_pull_with_cursor_returns_only_later_changes(client, headers, hotspot):
    _, cursor = pull_all(client, headers)
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create)
    page = pull(client, headers, cursor)
    assert page["reset"] is False
    assert [(c["type"], c["id"], c["rev"]) for c in page["changes"]] == [("visit", create["record_id"], 1)]
    assert pull(client, headers, page["cursor"])["changes"] == []


def test_later_pull_includes_tombstones(client, headers, hotspot, supervisor, auth):
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create)
    _, cursor = pull_all(client, headers)
    push_results(client, headers, delete(create["record_id"], base_rev=1))
    archived = client.delete(f"/api/v1/hotspots/{hotspot.id}", headers=auth(supervisor, **{"If-Match": '"1"'}))
    assert archived.status_code == 204
    changes, _ = pull_all(client, headers, cursor)
    assert {(c["type"], c["deleted"], c["rev"]) for c in changes} == {("visit", True, 2), ("hotspot", True, 2)}
    assert all("data" not in c for c in changes)


def test_later_pull_includes_changes_to_visits_older_than_snapshot_days(client, headers, officer, hotspot, make_visit):
    old = make_visit(hotspot, officer, started_at=datetime.now(UTC) - timedelta(days=60))
    _, cursor = pull_all(client, headers)
    push_results(client, headers, delete(old.id, base_rev=1))
    changes, _ = pull_all(client, headers, cursor)
    assert [(c["id"], c["deleted"]) for c in changes] == [(str(old.id), True)]


def test_pull_includes_flags_of_own_visits(client, headers, officer, supervisor, hotspot, make_visit, db):
    visit = make_visit(hotspot, officer)
    with db.session.begin():
        db.session.execute(
            sa.update(Visit)
            .where(Visit.id == visit.id)
            .values(flag_comment="Wrong spot?", flag_by_id=supervisor.id, flag_at=datetime.now(UTC))
        )
    changes, _ = pull_all(client, headers)
    flag = next(c for c in changes if c["type"] == "visit")["data"]["flag"]
    assert flag["comment"] == "Wrong spot?" and flag["by"] == "sven" and flag["at"]


def test_paging_returns_each_change_once_with_has_more(client, headers, area, make_hotspot, hotspot):
    for i in range(4):
        make_hotspot(area, f"Spot {i}")
    # Seven visits written by one transaction: a page boundary falls among rows of one change_seq.
    push_results(client, headers, *[upsert(data=visit_data(hotspot)) for _ in range(7)])
    pages = []
    cursor = None
    while True:
        page = pull(client, headers, cursor, limit=3)
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert [p["reset"] for p in pages] == [True] + [False] * (len(pages) - 1)
    assert all(len(p["changes"]) == 3 for p in pages[:-1])
    changes = [c for p in pages for c in p["changes"]]
    assert len(changes) == 12 and len(set(ids(changes))) == 12


def test_change_between_snapshot_pages_is_not_lost(client, headers, auth, supervisor, area, make_hotspot, hotspot):
    spots = [hotspot] + [make_hotspot(area, f"Spot {i}") for i in range(3)]
    first = pull(client, headers, limit=2)
    assert first["has_more"]
    # The first page's hot spot is archived and a new visit arrives before the next page is read.
    given = first["changes"][0]["id"]
    spot = next(s for s in spots if str(s.id) == given)
    supervisor_headers = auth(supervisor, **{"If-Match": '"1"'})
    assert client.delete(f"/api/v1/hotspots/{spot.id}", headers=supervisor_headers).status_code == 204
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create)
    rest, _ = pull_all(client, headers, first["cursor"], limit=2)
    assert {"id": given, "type": "hotspot", "rev": 2, "deleted": True} in rest
    assert create["record_id"] in ids(rest)
    live = set(ids(first["changes"]) + ids([c for c in rest if not c["deleted"]])) - {given}
    assert live == {str(s.id) for s in spots if s.id != spot.id} | {create["record_id"]}


def test_changed_record_is_given_again_after_it_changed(client, headers, hotspot):
    create = upsert(data=visit_data(hotspot))
    push_results(client, headers, create)
    _, cursor = pull_all(client, headers)
    push_results(client, headers, upsert(create["record_id"], visit_data(hotspot, notes="x"), base_rev=1))
    changes, _ = pull_all(client, headers, cursor)
    assert [(c["id"], c["rev"]) for c in changes] == [(create["record_id"], 2)]


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "",
        "%%%",
        base64.urlsafe_b64encode(b"1.1.1.0.5.2.").decode(),
        base64.urlsafe_b64encode(b"9.1.1.0.1.2.").decode(),
        base64.urlsafe_b64encode(b"1.x.1.0.1.2.").decode(),
    ],
)
def test_unusable_cursor_gives_a_snapshot(client, headers, hotspot, cursor):
    page = pull(client, headers, cursor)
    assert page["reset"] is True and ids(page["changes"]) == [str(hotspot.id)]


def test_cursor_ahead_of_the_server_gives_a_snapshot(client, headers, hotspot):
    _, cursor = pull_all(client, headers)
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(".")
    raw[4] = str(int(raw[4]) + 100)
    ahead = base64.urlsafe_b64encode(".".join(raw).encode()).decode()
    assert pull(client, headers, ahead)["reset"] is True


def test_cursor_of_another_user_gives_a_snapshot(client, headers, auth, make_user, area, hotspot):
    _, cursor = pull_all(client, headers)
    other = auth(make_user("officer", area, username="bo"))
    assert pull(client, other, cursor)["reset"] is True


@pytest.mark.parametrize("limit", ["0", "-1", "1001", "ten"])
def test_bad_limit_is_400_validation_error(client, headers, limit):
    response = client.get("/api/v1/sync/pull", query_string={"limit": limit}, headers=headers)
    assert response.status_code == 400
    assert "limit" in response.get_json()["error"]["fields"]


def test_unknown_query_parameter_is_400(client, headers):
    response = client.get("/api/v1/sync/pull", query_string={"since": "yesterday"}, headers=headers)
    assert response.status_code == 400 and "since" in response.get_json()["error"]["fields"]


def test_pull_without_token_is_401(client):
    response = client.get("/api/v1/sync/pull")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_pull_reads_nothing_of_another_officer(client, auth, area, make_user, hotspot, officer, make_visit):
    make_visit(hotspot, officer)
    other = auth(make_user("officer", area, username="bo"))
    changes, _ = pull_all(client, other)
    assert ids(changes, "visit") == []


def test_cursor_is_opaque_text(client, headers, hotspot):
    page = pull(client, headers)
    assert isinstance(page["cursor"], str) and page["cursor"] and uuid.UUID(page["changes"][0]["id"])
