"""Activities on the officer's phone (SPEC §6, issue 12 item 1): a school session logged with no signal arrives once,
the area's planned activities appear, an own activity is edited, marked done and deleted, and a rejection names its
field — at 390 px, the width of a common phone."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.api.activity_support import activity_data, upsert
from tests.browser.officer import (
    WAIT,
    eventually,
    fill_sign_in,
    open_app,
    reload_app,
    shot,
    sign_in,
    status,
    wait_uploaded,
)

ZONE = ZoneInfo("Europe/Stockholm")  # the area's (the demo's and the fixtures' default)
WIDTH = 390


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": WIDTH, "height": 844}}


def server_activities(app, user=None) -> list:
    from fieldlog.activities.models import Activity
    from fieldlog.extensions import db

    with app.app_context():
        query = select(Activity).order_by(Activity.starts_at)
        if user is not None:
            query = query.where(Activity.officer_id == user.id)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def server_wire(app, record_id: str) -> dict:
    """The activity as the server sends it (pull, conflicts)."""
    from fieldlog.activities.models import Activity
    from fieldlog.extensions import db
    from fieldlog.sync.records import RECORDS

    with app.app_context():
        return RECORDS["activity"].to_wire(db.session.get(Activity, uuid.UUID(record_id)), {})


def push(client, auth, user, *mutations) -> list[dict]:
    """Mutations through the real push API, as another phone or the planning page would send them."""
    response = client.post("/api/v1/sync/push", json={"protocol": 1, "mutations": list(mutations)}, headers=auth(user))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def fits(page: Page) -> None:
    """Nothing is wider than the phone: no sideways scrolling, every tab's word inside its tab."""
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH
    assert page.evaluate("() => [...document.querySelectorAll('#tabs a')].every((a) => a.scrollWidth <= a.clientWidth)")


def open_activities(page: Page) -> None:
    page.get_by_role("link", name="Aktiviteter", exact=True).click()
    expect(page.get_by_role("heading", name="Aktiviteter", exact=True)).to_be_visible(timeout=WAIT)


def yesterday() -> str:
    return (datetime.now(ZONE).date() - timedelta(days=1)).isoformat()


def fill_school_session(page: Page, day: str) -> None:
    """A done school session in Ny aktivitet: 10:00–11:00, grade 5, class 5B, 24 pupils, two teachers."""
    page.get_by_role("link", name="Ny aktivitet").click()
    expect(page.get_by_role("heading", name="Ny aktivitet")).to_be_visible(timeout=WAIT)
    # The no-personal-data reminder is in sight beside the notes.
    expect(page.get_by_text("Skriv inga namn eller personuppgifter")).to_be_visible()
    page.get_by_label("Skollektion").check()
    page.get_by_label("Genomförd", exact=True).check()
    page.get_by_label("Datum").fill(day)
    page.get_by_label("Från", exact=True).fill("10:00")
    page.get_by_label("Till (valfritt)").fill("11:00")
    page.get_by_label("Skola", exact=True).fill("Kindbergskolan")
    page.get_by_label("Åk 5").check()
    page.get_by_label("Klass").fill("5B")
    page.get_by_label("Antal deltagare").fill("24")
    page.get_by_label("Antal personal", exact=False).fill("2")
    page.get_by_label("Värdegrund").check()
    page.get_by_label("IT-relaterad brottslighet").check()
    page.get_by_label("Folkhälsan", exact=True).check()
    page.get_by_label("Anteckningar").fill("Många frågor om bilder i gruppchattar.")


def log_uploaded_school_session(page: Page, live_server) -> str:
    """The officer signs in, logs yesterday's school session online and it is uploaded; its id."""
    sign_in(page, live_server)
    wait_uploaded(page)
    open_activities(page)
    fill_school_session(page, yesterday())
    page.get_by_role("button", name="Spara").click()
    # Saved first (an empty outbox before the save is queued proves nothing), then uploaded.
    expect(page.locator("#activity-notice")).to_contain_text("Aktiviteten är sparad", timeout=WAIT)
    wait_uploaded(page)
    return page.locator("form[data-activity-id]").get_attribute("data-activity-id")


def test_a_school_session_logged_offline_survives_a_restart_and_arrives_exactly_once(
    page, context, live_server, app, officer, hotspot
):
    sign_in(page, live_server)
    wait_uploaded(page)
    context.set_offline(True)
    reload_app(page)
    open_activities(page)
    fits(page)
    fill_school_session(page, yesterday())
    fits(page)
    shot(page, "activity-new", full_page=True)
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#activity-notice")).to_have_text("Aktiviteten är sparad. Väntar på uppladdning.", timeout=WAIT)
    expect(status(page)).to_contain_text("1 väntar på uppladdning", timeout=WAIT)
    record_id = page.locator("form[data-activity-id]").get_attribute("data-activity-id")

    # The phone closes the app and opens it again, still without signal: the session is there, waiting.
    page.close()
    page = context.new_page()
    open_app(page, live_server + "/app")
    expect(status(page)).to_contain_text("1 väntar på uppladdning", timeout=WAIT)
    open_activities(page)
    item = page.locator(f'.activity-item[data-activity-id="{record_id}"]')
    expect(item).to_contain_text("Skollektion")
    expect(item).to_contain_text("Kindbergskolan åk 5 5B")
    expect(item).to_contain_text("Väntar på uppladdning")
    assert server_activities(app) == []
    # Signing out now would leave it on the phone: the officer is told what waits, and stays.
    page.get_by_role("button", name="Logga ut").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 aktivitet väntar på uppladdning")
    dialog.get_by_role("button", name="Avbryt").click()

    context.set_offline(False)
    wait_uploaded(page)
    expect(item).to_contain_text("Uppladdad", timeout=WAIT)
    stored = eventually(lambda: server_activities(app), lambda rows: len(rows) == 1)
    assert [str(a.id) for a in stored] == [record_id]
    activity = stored[0]
    assert (activity.officer_id, activity.type, activity.status, activity.rev) == (
        officer.id,
        "school_session",
        "done",
        1,
    )
    assert (activity.school, activity.grades, activity.group) == ("Kindbergskolan", [5], "5B")
    assert (activity.participants, activity.staff) == (24, 2)
    assert activity.topics == ["values", "it_crime"] and activity.partners == ["public_health"]
    start = activity.starts_at.astimezone(ZONE)
    assert (start.date().isoformat(), start.strftime("%H:%M")) == (yesterday(), "10:00")
    assert activity.ends_at - activity.starts_at == timedelta(hours=1)

    # Syncing again (the app does, on a timer and on every return) changes nothing: it arrived once.
    page.evaluate("() => import('/static/js/sync.js').then((s) => s.syncNow())")
    wait_uploaded(page)
    assert [(str(a.id), a.rev) for a in server_activities(app)] == [(record_id, 1)]


def test_the_areas_planned_activities_appear_and_one_is_logged_as_done(
    page, live_server, app, client, auth, officer, supervisor, hotspot
):
    soon = datetime.now(ZONE).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=3)
    planned_by_supervisor = upsert(
        data=activity_data(soon, status="planned", participants=None, school="Mogaskolan", group="4A", grades=[4])
    )
    # The officer's own evening for parents, planned for yesterday and not yet marked done.
    evening = datetime.fromisoformat(f"{yesterday()}T18:30").replace(tzinfo=ZONE)
    own_planned = upsert(
        data=activity_data(evening, 90, type="parents_evening", status="planned", participants=None, grades=[4, 5, 6])
    )
    assert push(client, auth, supervisor, planned_by_supervisor)[0]["status"] == "applied"
    assert push(client, auth, officer, own_planned)[0]["status"] == "applied"

    sign_in(page, live_server)
    wait_uploaded(page)
    open_activities(page)
    upcoming = page.locator("#upcoming .activity-item")
    expect(upcoming).to_have_count(1, timeout=WAIT)
    theirs = page.locator(f'.activity-item[data-activity-id="{planned_by_supervisor["record_id"]}"]')
    expect(theirs).to_contain_text("Mogaskolan åk 4 4A")
    expect(theirs).to_contain_text("Planerad av sven")
    fits(page)
    shot(page, "activities-list", full_page=True)

    # Someone else's: shown, and the officer logs their own session of it (the server would refuse a change to it).
    theirs.get_by_role("link").click()
    page.get_by_role("link", name="Logga som genomförd").click()
    expect(page.get_by_role("heading", name="Ny aktivitet")).to_be_visible(timeout=WAIT)
    expect(page.get_by_label("Skola", exact=True)).to_have_value("Mogaskolan")
    expect(page.get_by_label("Genomförd", exact=True)).to_be_checked()
    page.get_by_label("Datum").fill(yesterday())
    page.get_by_role("button", name="Spara").click()
    # Client-side first, as the server would say it: a done activity needs its participants.
    expect(page.locator("#form-errors")).to_contain_text("Ange antal deltagare", timeout=WAIT)
    expect(page.get_by_label("Antal deltagare")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Antal deltagare").fill("21")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#activity-notice")).to_contain_text("Aktiviteten är sparad", timeout=WAIT)
    wait_uploaded(page)

    # The officer's own planned evening (among their recent ones): opened, marked done with its participants.
    open_activities(page)
    mine = page.locator(f'#own .activity-item[data-activity-id="{own_planned["record_id"]}"]')
    expect(mine).to_contain_text("Föräldraträff")
    expect(mine).to_contain_text("Planerad")
    mine.get_by_role("link").click()
    page.get_by_role("button", name="Markera som genomförd").click()
    expect(page.get_by_label("Antal deltagare")).to_be_focused()
    expect(page.get_by_label("Genomförd", exact=True)).to_be_checked()
    page.get_by_label("Antal deltagare").fill("38")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#activity-notice")).to_contain_text("Aktiviteten är sparad", timeout=WAIT)
    wait_uploaded(page)

    rows = {str(a.id): a for a in eventually(lambda: server_activities(app), lambda r: len(r) == 3)}
    assert rows[planned_by_supervisor["record_id"]].status == "planned"  # theirs, untouched
    held = rows[own_planned["record_id"]]
    assert (held.status, held.participants, held.rev) == ("done", 38, 2)
    (copy,) = [
        a for key, a in rows.items() if key not in (planned_by_supervisor["record_id"], own_planned["record_id"])
    ]
    assert (copy.officer_id, copy.status, copy.school, copy.group, copy.participants) == (
        officer.id,
        "done",
        "Mogaskolan",
        "4A",
        21,
    )


def test_an_own_activity_is_edited_and_deleted_and_the_server_follows(page, live_server, app, officer, hotspot):
    record_id = log_uploaded_school_session(page, live_server)

    page.get_by_label("Antal deltagare").fill("26")
    page.get_by_label("Åk 6").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#activity-notice")).to_contain_text("Aktiviteten är sparad", timeout=WAIT)
    wait_uploaded(page)
    (edited,) = eventually(lambda: server_activities(app), lambda r: r and r[0].rev == 2)
    assert (str(edited.id), edited.rev, edited.participants, edited.grades) == (record_id, 2, 26, [5, 6])

    page.get_by_role("button", name="Ta bort aktiviteten").click()
    page.locator("#dialog").get_by_role("button", name="Ta bort aktiviteten").click()
    expect(page.get_by_role("heading", name="Aktiviteter", exact=True)).to_be_visible(timeout=WAIT)
    wait_uploaded(page)
    expect(page.locator(f'.activity-item[data-activity-id="{record_id}"]')).to_have_count(0)
    (gone,) = eventually(lambda: server_activities(app), lambda r: r and r[0].deleted)
    assert (str(gone.id), gone.deleted, gone.rev) == (record_id, True, 3)


def test_a_rejected_activity_names_its_field_in_swedish_and_is_fixed_on_the_phone(
    page, context, live_server, app, client, auth, officer, supervisor, hotspot, make_hotspot, area
):
    sign_in(page, live_server)
    wait_uploaded(page)
    # Offline, the officer plans a safety walk at Torget for next week …
    context.set_offline(True)
    open_activities(page)
    page.get_by_role("link", name="Ny aktivitet").click()
    page.get_by_label("Trygghetsvandring").check()
    page.get_by_label("Planerad", exact=True).check()
    page.get_by_label("Datum").fill((datetime.now(ZONE).date() + timedelta(days=7)).isoformat())
    page.get_by_label("Från", exact=True).fill("19:00")
    page.get_by_label("Hot spot (om den hölls vid en)").select_option(label="Torget")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#activity-notice")).to_contain_text("Väntar på uppladdning", timeout=WAIT)

    # … while the supervisor archives Torget: the walk lies after the archiving, so the server refuses it.
    etag = client.get(f"/api/v1/hotspots/{hotspot.id}", headers=auth(supervisor)).headers["ETag"]
    archived = client.delete(f"/api/v1/hotspots/{hotspot.id}", headers=auth(supervisor, **{"If-Match": etag}))
    assert archived.status_code in (200, 204)
    context.set_offline(False)
    expect(status(page)).to_contain_text("1 behöver åtgärd", timeout=WAIT)
    box = page.locator("#activity-state .attention")
    expect(box).to_contain_text("Hot spot: hot spoten finns inte (längre) i ditt område", timeout=WAIT)
    # Beside the field itself, too, in the officer's language — never the server's English.
    expect(page.locator("#hotspot_id-error")).to_contain_text("Hot spot: hot spoten finns inte")
    expect(page.get_by_label("Hot spot (om den hölls vid en)")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main")).not_to_contain_text("No such hot spot")
    fits(page)
    shot(page, "activity-rejected")

    # An officer who reads English reads it in English.
    page.get_by_role("button", name="English").click()
    expect(box).to_contain_text("Hot spot: the hot spot is not (or no longer) in your area", timeout=WAIT)
    expect(page.get_by_role("heading", name="Activity: Safety walk")).to_be_visible()
    page.get_by_role("button", name="Svenska").click()
    expect(box).to_contain_text("Hot spot: hot spoten finns inte", timeout=WAIT)
    # The status line's "needs attention" leads to it from anywhere.
    status(page).get_by_role("link").click()
    expect(page.get_by_role("heading", name="Dagens besök")).to_be_visible(timeout=WAIT)
    page.locator("section.attention .activity-item").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Aktivitet: Trygghetsvandring")).to_be_visible(timeout=WAIT)
    box.get_by_role("button", name="Rätta").click()
    expect(page.get_by_label("Hot spot (om den hölls vid en)")).to_be_focused()
    page.get_by_label("Hot spot (om den hölls vid en)").select_option(label="Ingen hot spot")
    page.get_by_label("Plats").fill("Torget, vid busskuren")
    page.get_by_role("button", name="Spara").click()
    wait_uploaded(page)
    (walk,) = eventually(lambda: server_activities(app), lambda r: len(r) == 1)
    assert (walk.type, walk.status, walk.hotspot_id, walk.place) == (
        "safety_walk",
        "planned",
        None,
        "Torget, vid busskuren",
    )
    assert uuid.UUID(page.locator("form[data-activity-id]").get_attribute("data-activity-id")) == walk.id


def test_a_conflicting_edit_is_shown_and_the_officer_keeps_their_version(
    page, context, live_server, app, client, auth, officer, supervisor, hotspot
):
    from fieldlog.activities.schemas import ActivityInputSchema

    record_id = log_uploaded_school_session(page, live_server)

    # Offline, the officer corrects the count; meanwhile the supervisor corrects the class on the server.
    context.set_offline(True)
    page.get_by_label("Antal deltagare").fill("25")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#activity-notice")).to_contain_text("Väntar på uppladdning", timeout=WAIT)
    wire = server_wire(app, record_id)
    data = {name: wire[name] for name in ActivityInputSchema().load_fields}
    results = push(client, auth, supervisor, upsert(record_id, {**data, "group": "5C"}, base_rev=wire["rev"]))
    assert (results[0]["status"], results[0]["rev"]) == ("applied", 2)

    context.set_offline(False)
    box = page.locator("#activity-state .attention")
    expect(box).to_contain_text("Aktiviteten har ändrats på servern sedan du hämtade den.", timeout=WAIT)
    expect(status(page)).to_contain_text("1 behöver åtgärd")
    box.get_by_role("button", name="Behåll min").click()
    wait_uploaded(page)
    (stored,) = eventually(lambda: server_activities(app), lambda r: r and r[0].rev == 3)
    # Mine went on top of the server's revision: my count and — the whole record being mine — my class.
    assert (str(stored.id), stored.rev, stored.participants, stored.group) == (record_id, 3, 25, "5B")


# A phone that last ran the app before activities: IndexedDB version 1 (no activities store), a pull cursor, and a
# visit logged offline still waiting in the outbox.
OLD_PHONE = """async ({ session, cursor, hotspotId, visitId, startedAt, endedAt }) => {
  await new Promise((resolve, reject) => {
    const del = indexedDB.deleteDatabase('fieldlog');
    del.onsuccess = resolve;
    del.onerror = () => reject(del.error);
  });
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('fieldlog', 1);
    open.onupgradeneeded = () => {
      const d = open.result;
      d.createObjectStore('meta');
      d.createObjectStore('hotspots', { keyPath: 'id' });
      d.createObjectStore('visits', { keyPath: 'id' }).createIndex('started_at', 'started_at');
      d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('record_id', 'record_id');
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const data = { hotspot_id: hotspotId, started_at: startedAt, ended_at: endedAt, mode: 'foot', officers: 2,
    observations: ['youth_gathering'], activities: ['dialogue'], contacts: 3, notes: '', position: null,
    entry: 'after' };
  const t = db.transaction(['meta', 'visits', 'outbox'], 'readwrite');
  t.objectStore('meta').put(session, 'session');
  t.objectStore('meta').put(cursor, 'cursor');
  t.objectStore('visits').put({ ...data, id: visitId, rev: 0, deleted: false, flag: null, user_id: session.user.id,
    sync: 'pending', base: null });
  t.objectStore('outbox').add({ mutation_id: crypto.randomUUID(), type: 'visit.upsert', record_id: visitId,
    base_rev: null, data, user_id: session.user.id, state: 'pending', sent: false,
    created_at: new Date().toISOString() });
  await new Promise((resolve, reject) => { t.oncomplete = resolve; t.onerror = () => reject(t.error); });
  db.close();
}"""


def test_a_phone_from_before_activities_keeps_its_waiting_visit_and_gets_the_areas_planned_ones(
    page, live_server, app, client, auth, officer, supervisor, hotspot
):
    from fieldlog.extensions import db
    from fieldlog.visits.models import Visit

    soon = datetime.now(ZONE).replace(hour=13, minute=0, second=0, microsecond=0) + timedelta(days=2)
    planned = upsert(data=activity_data(soon, status="planned", participants=None, school="Mogaskolan"))
    assert push(client, auth, supervisor, planned)[0]["status"] == "applied"
    sign_in(page, live_server)
    wait_uploaded(page)
    read = "(key) => import('/static/js/storage.js').then((s) => s.getMeta(key))"
    # The cursor lies after the planned session: an app without an activities store would never get it from there.
    session, cursor = page.evaluate(read, "session"), page.evaluate(read, "cursor")

    # Off the app's pages (no connection of its own holds the database), the phone is put back as it was.
    page.goto(live_server + "/api/v1/openapi.json")
    visit_id = str(uuid.uuid4())
    start = datetime.now(ZONE).replace(microsecond=0) - timedelta(hours=3)
    page.evaluate(
        OLD_PHONE,
        {
            "session": session,
            "cursor": cursor,
            "hotspotId": str(hotspot.id),
            "visitId": visit_id,
            "startedAt": start.isoformat(),
            "endedAt": (start + timedelta(minutes=14)).isoformat(),
        },
    )

    # An app from before the lock (issue 15) held its data in the clear: the password once, and it is sealed.
    page.goto(live_server + "/app")
    fill_sign_in(page)
    wait_uploaded(page)
    with app.app_context():
        stored = db.session.get(Visit, uuid.UUID(visit_id))
        assert stored is not None and (stored.officer_id, stored.officers, stored.rev) == (officer.id, 2, 1)
    # The old cursor was dropped with the upgrade: the pull started over and brought the area's planned session.
    open_activities(page)
    expect(page.locator(f'#upcoming .activity-item[data-activity-id="{planned["record_id"]}"]')).to_contain_text(
        "Mogaskolan", timeout=WAIT
    )
