"""Visits as the officer handles them: logged after the fact, edited, deleted, and a conflict resolved."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.officer import (
    WAIT,
    arrive_and_leave,
    eventually,
    local_visit_ids,
    reload_app,
    sign_in,
    status,
    wait_uploaded,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def stored(app, visit_id):
    from fieldlog.extensions import db
    from fieldlog.visits.models import Visit

    with app.app_context():
        visit = db.session.scalar(select(Visit).where(Visit.id == uuid.UUID(visit_id)))
        db.session.expunge_all()
        return visit


def test_visit_logged_after_the_fact_can_be_edited_and_deleted(page, live_server, app, officer, hotspot):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    start = datetime.now(STOCKHOLM).replace(second=0, microsecond=0) - timedelta(hours=2)

    page.get_by_role("link", name="Efterhand", exact=True).click()
    page.get_by_label("Hot spot").select_option(label="Torget")
    page.get_by_label("Datum").fill((start - timedelta(days=100)).strftime("%Y-%m-%d"))
    page.get_by_label("Från", exact=True).fill(start.strftime("%H:%M"))
    page.get_by_label("Till", exact=True).fill((start + timedelta(minutes=15)).strftime("%H:%M"))
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert")).to_contain_text("äldre än 90 dagar")
    assert local_visit_ids(page) == []

    page.get_by_label("Datum").fill(start.strftime("%Y-%m-%d"))
    page.get_by_role("radio", name="Till fots").check()
    page.get_by_role("checkbox", name="Ungdomar i grupp").check()
    page.get_by_role("checkbox", name="Synlig närvaro").check()
    page.get_by_role("button", name="Öka Kontakter (personer du talat med)").click()
    page.get_by_label("Anteckningar").fill("Lugnt vid kiosken.")
    expect(page.get_by_text("Skriv inga namn eller andra personuppgifter.")).to_be_visible()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", name="Besök: Torget")).to_be_visible(timeout=WAIT)
    wait_uploaded(page)
    [visit_id] = local_visit_ids(page)
    visit = stored(app, visit_id)
    assert visit.started_at == start.astimezone(ZoneInfo("UTC"))
    assert visit.ended_at - visit.started_at == timedelta(minutes=15)
    assert (visit.mode, visit.observations, visit.activities, visit.contacts, visit.lat) == (
        "foot",
        ["youth_gathering"],
        ["visible_presence"],
        1,
        None,
    )
    assert visit.notes == "Lugnt vid kiosken."

    # Edit: two taps per field.
    page.get_by_role("radio", name="Cykel").check()
    page.get_by_role("button", name="Öka Antal poliser").click()
    page.get_by_role("checkbox", name="Inget att rapportera").check()
    expect(page.get_by_role("checkbox", name="Ungdomar i grupp")).not_to_be_checked()
    page.get_by_role("button", name="Spara").click()
    wait_uploaded(page)
    page.wait_for_function(
        f"""() => import('/static/js/storage.js').then(({{getOne}}) => getOne('visits', '{visit_id}'))
            .then((v) => v.rev === 2 && v.sync === 'synced')""",
        timeout=WAIT,
    )
    visit = eventually(lambda: stored(app, visit_id), lambda v: v.rev == 2)
    assert (visit.rev, visit.mode, visit.officers, visit.observations) == (2, "bicycle", 2, ["nothing_to_report"])

    page.get_by_role("button", name="Ta bort besöket").click()
    page.get_by_role("dialog").get_by_role("button", name="Ta bort besöket").click()
    expect(page.get_by_role("heading", name="Dagens besök")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Inga besök idag.")).to_be_visible()
    page.wait_for_function(
        "() => import('/static/js/storage.js').then(({getAll}) => getAll('outbox')).then((o) => o.length === 0)",
        timeout=WAIT,
    )
    assert eventually(lambda: stored(app, visit_id), lambda v: v.deleted).deleted is True


def push_from_other_phone(client, headers, visit_id, hotspot_id, base_rev, **data):
    body = {
        "protocol": 1,
        "mutations": [
            {
                "mutation_id": str(uuid.uuid4()),
                "type": "visit.upsert",
                "record_id": visit_id,
                "base_rev": base_rev,
                "data": {"hotspot_id": str(hotspot_id), **data},
            }
        ],
    }
    response = client.post("/api/v1/sync/push", json=body, headers=headers)
    assert response.status_code == 200
    assert response.json["results"][0]["status"] == "applied", response.json
    return response.json["results"][0]["rev"]


def test_conflict_offers_keep_mine_and_take_the_servers(
    page, context, live_server, app, client, officer, auth, hotspot
):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    arrive_and_leave(page, "Torget")
    arrive_and_leave(page, "Torget")
    wait_uploaded(page)
    first, second = local_visit_ids(page)
    # The phone loses signal; meanwhile the officer's other phone changes both visits.
    context.set_offline(True)
    headers = auth(officer)
    revs = {}
    for visit_id in (first, second):
        v = stored(app, visit_id)
        revs[visit_id] = push_from_other_phone(
            client,
            headers,
            visit_id,
            hotspot.id,
            v.rev,
            started_at=v.started_at.isoformat(),
            ended_at=v.ended_at.isoformat(),
            mode="vehicle",
            officers=3,
        )

    # Offline, this phone edits both visits on top of the revs it had.
    for waiting, visit_id in enumerate((first, second), start=1):
        page.goto(f"{live_server}/app#/visit/{visit_id}")
        # The hash navigation redraws asynchronously: edit only once this visit's form is shown.
        expect(page.locator(f'form.visit-form[data-visit-id="{visit_id}"]')).to_be_visible(timeout=WAIT)
        page.get_by_role("radio", name="Cykel").check()
        page.get_by_role("button", name="Spara").click()
        expect(status(page)).to_contain_text(f"{waiting} väntar på uppladdning", timeout=WAIT)
    context.set_offline(False)
    expect(status(page)).to_contain_text("2 behöver åtgärd", timeout=WAIT)

    page.goto(f"{live_server}/app#/visit/{first}")
    expect(page.locator(f'form.visit-form[data-visit-id="{first}"]')).to_be_visible(timeout=WAIT)
    region = page.get_by_role("region", name="Behöver åtgärd")
    expect(region).to_contain_text("ändrats på servern")
    region.get_by_role("button", name="Ta serverns").click()
    expect(page.get_by_role("radio", name="Bil, parkerad och synlig")).to_be_checked(timeout=WAIT)

    page.goto(f"{live_server}/app#/visit/{second}")
    expect(page.locator(f'form.visit-form[data-visit-id="{second}"]')).to_be_visible(timeout=WAIT)
    page.get_by_role("region", name="Behöver åtgärd").get_by_role("button", name="Behåll min").click()
    wait_uploaded(page)
    assert (stored(app, first).mode, stored(app, first).rev) == ("vehicle", revs[first])
    mine = eventually(lambda: stored(app, second), lambda v: v.rev == revs[second] + 1)
    assert (mine.mode, mine.rev) == ("bicycle", revs[second] + 1)


def test_supervisor_flag_shows_on_the_visit_and_an_edit_answers_it(
    page, live_server, app, client, auth, officer, supervisor, hotspot
):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    arrive_and_leave(page, "Torget")
    wait_uploaded(page)
    [visit_id] = local_visit_ids(page)
    flagged = client.post(
        f"/api/v1/visits/{visit_id}/flag", json={"comment": "Stämmer sluttiden?"}, headers=auth(supervisor)
    )
    assert flagged.status_code == 200

    page.goto(f"{live_server}/app#/today")
    reload_app(page)  # opening the app syncs
    item = page.locator(".visit-item")
    expect(item).to_contain_text("Flaggad av sven: Stämmer sluttiden?", timeout=WAIT)
    item.get_by_role("link").click()
    expect(page.get_by_text("Flaggad av sven: Stämmer sluttiden?")).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="Öka Antal poliser").click()
    page.get_by_role("button", name="Spara").click()
    wait_uploaded(page)
    expect(page.get_by_text("Flaggad av sven")).to_have_count(0, timeout=WAIT)
    flagged = eventually(lambda: stored(app, visit_id), lambda v: v.flag_comment is None)
    assert (flagged.flag_comment, flagged.officers) == (None, 2)
