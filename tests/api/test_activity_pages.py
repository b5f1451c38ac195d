"""The supervisor's activity pages (SPEC §6): scope (own area only, officers refused), planning through the push's
rules with CSRF and exactly once, editing and cancelling a planned activity, the exports (CSV, Excel in Swedish with
local times), all on the demo's data where it fits."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from fieldlog.activities.demo import CLASSES, PLANNED_AHEAD, activity_id
from fieldlog.activities.models import Activity
from fieldlog.audit.models import AuditEntry
from fieldlog.demo import DEMO_PASSWORD
from tests.conftest import csrf_token


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def sign_in(client, username: str) -> None:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def activities(db) -> list[Activity]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Activity)))


# -- the demo


def test_demo_activities_are_there_once_after_two_runs(app, runner, demo, db):
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "nothing added, already loaded" in again.output.split("Activities:")[1]
    stored = activities(db)
    sessions = [a for a in stored if a.type == "school_session"]
    assert len(sessions) == len(CLASSES) + 1  # every class, and the cancelled one
    assert {a.school for a in sessions} == {school for school, _group, _grades in CLASSES}
    assert sum(1 for a in sessions if a.status == "planned") == PLANNED_AHEAD
    assert sum(1 for a in sessions if a.status == "cancelled") == 1
    assert {a.type for a in stored} >= {"school_session", "parents_evening", "safety_walk"}
    assert all(set(a.grades) <= {4, 5, 6} for a in sessions)
    now = datetime.now(UTC)
    assert all(a.starts_at <= now for a in stored if a.status == "done")
    assert all(a.starts_at > now for a in stored if a.status == "planned")


def test_list_shows_the_area_in_swedish(client, demo):
    sign_in(client, "lena")
    page = text(client.get("/supervisor/activities/?status=done"))
    assert "Aktiviteter i Svenljunga" in page
    assert "Skollektion" in page and "Genomförd" in page and "Kindbergskolan" in page
    assert "school_session" not in page and "done" not in page.split("Logga ut")[1]
    assert "Planerad" not in page.split("Loggad av Alla")[1].split("Visa")[1]  # filtered to done ones


def test_detail_translates_every_code_and_shows_local_times(client, demo):
    sign_in(client, "lena")
    page = text(client.get(f"/supervisor/activities/{activity_id('safety-walk')}"))
    assert "Trygghetsvandring" in page and "Torget" in page
    assert "Skadegörelse" in page and "Narkotika" in page and "Bostadsbolag" in page and "Föreningar" in page
    assert "19:00" in page  # the walk's local start, not UTC


def test_officer_gets_403_on_every_page(client, demo):
    sign_in(client, "anna")
    for url in (
        "/supervisor/activities/",
        f"/supervisor/activities/{activity_id('session-0')}",
        "/supervisor/activities/new",
        "/supervisor/activities/export.csv",
        "/supervisor/activities/export.xlsx",
    ):
        assert client.get(url).status_code == 403, url


def test_supervisor_of_another_area_sees_nothing_of_it(client, demo, make_area, make_user):
    make_user("supervisor", make_area("tranemo", name="Tranemo"), username="tove", password=DEMO_PASSWORD)
    sign_in(client, "tove")
    assert "Kindbergskolan" not in text(client.get("/supervisor/activities/"))
    assert client.get(f"/supervisor/activities/{activity_id('session-0')}").status_code == 404
    assert client.get(f"/supervisor/activities/{activity_id('session-13')}/edit").status_code == 404
    assert client.get("/supervisor/activities/?area=svenljunga").status_code == 200  # ?area= is an admin's only
    assert "Kindbergskolan" not in text(client.get("/supervisor/activities/?area=svenljunga"))
    csv_body = client.get("/supervisor/activities/export.csv").get_data(as_text=True)
    assert csv_body.strip("\ufeff\r\n").count("\n") == 0  # the header only
    book = load_workbook(io.BytesIO(client.get("/supervisor/activities/export.xlsx").data))
    assert book.active.max_row == 1


def test_admin_chooses_the_area_and_cannot_plan(client, demo):
    sign_in(client, "admin")
    page = client.get("/supervisor/activities/?area=svenljunga")
    assert "Kindbergskolan" in text(page)
    assert "/supervisor/activities/new" not in page.get_data(as_text=True)
    assert client.get("/supervisor/activities/new?area=svenljunga").status_code == 403


# -- planning


def plan_form(client, **overrides) -> tuple[str, dict]:
    html = client.get("/supervisor/activities/new").get_data(as_text=True)
    mutation_id = re.search(r'name="mutation_id"[^>]*value="([^"]+)"', html).group(1)
    day = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    data = {
        "csrf_token": csrf_token(client, "/supervisor/activities/new"),
        "mutation_id": mutation_id,
        "rev": "",
        "type": "school_session",
        "day": day,
        "start": "09:30",
        "end": "10:40",
        "school": "Mårdaklev skola",
        "grades": ["4", "5"],
        "group": "4–5",
        "place": "",
        "hotspot": "",
        "participants": "",
        "staff": "2",
        "topics": ["values", "it_crime"],
        "partners": ["school"],
        "notes": "",
    }
    data.update(overrides)
    return mutation_id, data


def test_plan_creates_a_planned_activity_once_and_audits_it(client, demo, db):
    sign_in(client, "lena")
    before = len(activities(db))
    _mutation, data = plan_form(client)
    response = client.post("/supervisor/activities/new", data=data)
    assert response.status_code == 303, text(response)[:500]
    again = client.post("/supervisor/activities/new", data=data)  # a second click, a reload
    assert again.status_code == 303 and again.headers["Location"] == response.headers["Location"]
    stored = activities(db)
    assert len(stored) == before + 1
    [new] = [a for a in stored if a.school == "Mårdaklev skola"]
    assert (new.status, new.grades, new.group, new.topics) == ("planned", [4, 5], "4–5", ["values", "it_crime"])
    local = new.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Stockholm"))
    assert local.strftime("%H:%M") == "09:30"
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity_id == str(new.id))).all()
    assert [a.action for a in audit] == ["plan"]
    page = text(client.get(response.headers["Location"]))
    assert "Lena Berg planerade skollektion den" in page


def test_plan_without_csrf_is_refused(client, demo, db):
    sign_in(client, "lena")
    before = len(activities(db))
    _mutation, data = plan_form(client)
    del data["csrf_token"]
    assert client.post("/supervisor/activities/new", data=data).status_code == 400
    assert len(activities(db)) == before


@pytest.mark.parametrize(
    ("overrides", "field_id", "reason"),
    [
        ({"school": ""}, "school", "Krävs för en skollektion."),
        ({"grades": []}, "grades", "Krävs för en skollektion."),
        ({"end": "08:00"}, "end", "Får inte vara före starten."),
        ({"day": (datetime.now(UTC) + timedelta(days=420)).date().isoformat()}, "start", "Mer än 400 dagar"),
        ({"participants": "10000"}, "participants", "10000"),
    ],
)
def test_plan_breaking_a_rule_names_the_field_in_swedish(client, demo, db, overrides, field_id, reason):
    sign_in(client, "lena")
    before = len(activities(db))
    _mutation, data = plan_form(client, **overrides)
    response = client.post("/supervisor/activities/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(rf'id="{field_id}-error">([^<]*)<', html)
    assert error, f"no error beside {field_id}: {text(response)[:800]}"
    if field_id == "participants":
        assert error.group(1).startswith("Talet måste vara") or "9999" in error.group(1), error.group(1)
    else:
        assert reason in error.group(1)
    assert 'class="error-summary"' in html
    assert len(activities(db)) == before


def test_edit_and_cancel_a_planned_activity(client, demo, db):
    sign_in(client, "lena")
    planned = activity_id("session-13")
    edit_url = f"/supervisor/activities/{planned}/edit"
    html = client.get(edit_url).get_data(as_text=True)
    form = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
        if name not in ("grades", "topics", "partners")
    }
    form.update(
        type="school_session",
        school="Holsljunga skola",
        grades=["4", "5", "6"],
        group="4–6",
        topics=["values"],
        partners=["school"],
        hotspot="",
        notes="Flyttad en timme.",
        start="10:00",
        end="11:20",
    )
    response = client.post(edit_url, data=form)
    assert response.status_code == 303, text(response)[:800]
    [activity] = [a for a in activities(db) if a.id == planned]
    assert (activity.rev, activity.status, activity.notes, activity.topics) == (
        2,
        "planned",
        "Flyttad en timme.",
        ["values"],
    )
    # The same form again, now stale: nothing changes, the supervisor is told.
    form["mutation_id"] = str(uuid.uuid4())
    form["notes"] = "En gammal version."
    stale = client.post(edit_url, data=form, follow_redirects=True)
    assert "Någon har ändrat aktiviteten under tiden" in text(stale)
    cancel = client.post(
        f"/supervisor/activities/{planned}/cancel",
        data={"csrf_token": csrf_token(client, f"/supervisor/activities/{planned}")},
    )
    assert cancel.status_code == 303
    [activity] = [a for a in activities(db) if a.id == planned]
    assert (activity.status, activity.rev, activity.notes) == ("cancelled", 3, "Flyttad en timme.")
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.entity_id == str(planned)).order_by(AuditEntry.id)
    ).all()
    assert actions == ["plan", "update", "cancel"]
    # A cancelled (or done) activity is not changed here.
    assert client.get(edit_url).status_code == 303
    assert "Ändra planen" not in text(client.get(f"/supervisor/activities/{planned}"))


def test_done_activity_cannot_be_changed_from_the_page(client, demo, db):
    sign_in(client, "lena")
    done = activity_id("session-0")
    response = client.get(f"/supervisor/activities/{done}/edit", follow_redirects=True)
    assert "Bara en planerad aktivitet" in text(response)
    token = csrf_token(client, f"/supervisor/activities/{done}")
    client.post(f"/supervisor/activities/{done}/cancel", data={"csrf_token": token})
    [activity] = [a for a in activities(db) if a.id == done]
    assert (activity.status, activity.rev) == ("done", 1)


# -- exports


def test_exports_hold_the_area_in_swedish_with_local_times(client, demo):
    sign_in(client, "lena")
    today = datetime.now(UTC).date()
    query = f"from={(today - timedelta(days=60)).isoformat()}&to={(today + timedelta(days=60)).isoformat()}"
    csv_body = client.get(f"/supervisor/activities/export.csv?{query}").get_data(as_text=True)
    assert csv_body.startswith("\ufeffid,type,status,starts_at")
    assert "school_session" in csv_body and "Kindbergskolan" in csv_body
    response = client.get(f"/supervisor/activities/export.xlsx?{query}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Aktiviteter"
    headers = [cell.value for cell in sheet[1]]
    assert headers[:5] == ["Börjar", "Slutar", "Minuter", "Typ", "Status"]
    rows = [dict(zip(headers, [cell.value for cell in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    walk = next(r for r in rows if r["Typ"] == "Trygghetsvandring")
    assert walk["Status"] == "Genomförd" and walk["Hot spot"] == "Torget"
    assert walk["Börjar"].strftime("%H:%M") == "19:00" and walk["Minuter"] == 105
    assert "Skadegörelse" in walk["Teman"]
    types = {r["Typ"] for r in rows}
    assert {"Skollektion", "Föräldraträff", "Trygghetsvandring"} <= types
    assert not any(code in str(value) for r in rows for value in r.values() for code in ("school_session", "it_crime"))
