"""When sync cannot simply succeed: the token dies while offline, the server rejects a visit, sign-out with
visits still waiting. Nothing is lost in any of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from tests.browser.officer import (
    WAIT,
    arrive_and_leave,
    eventually,
    fill_sign_in,
    local_visit_ids,
    sign_in,
    status,
    wait_uploaded,
)


def server_visits(app, officer):
    from fieldlog.extensions import db
    from fieldlog.visits.models import Visit

    with app.app_context():
        return list(db.session.scalars(select(Visit).where(Visit.officer_id == officer.id, Visit.deleted.is_(False))))


def end_tokens(app, how: str) -> None:
    """Revoke or expire every device token, as a supervisor's revocation or time would."""
    from fieldlog.auth.models import Device
    from fieldlog.db import utcnow
    from fieldlog.extensions import db

    with app.app_context():
        past = utcnow() - timedelta(minutes=1)
        values = {"revoked_at": past} if how == "revoked" else {"expires_at": past}
        db.session.execute(update(Device).values(**values))
        db.session.commit()


@pytest.mark.parametrize(
    ("how", "banner"),
    [("revoked", "Enheten har loggats ut"), ("expired", "Inloggningen har gått ut")],
)
def test_token_ending_while_offline_loses_nothing_and_everything_uploads_after_signing_in_again(
    page, context, live_server, app, officer, hotspot, how, banner
):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    context.set_offline(True)
    arrive_and_leave(page, "Torget")
    arrive_and_leave(page, "Torget")
    expect(status(page)).to_contain_text("2 väntar på uppladdning", timeout=WAIT)
    ids = local_visit_ids(page)
    end_tokens(app, how)

    context.set_offline(False)
    expect(page.get_by_role("alert").filter(has_text=banner)).to_be_visible(timeout=WAIT)
    expect(status(page)).to_contain_text("2 väntar på uppladdning")
    assert local_visit_ids(page) == ids
    assert server_visits(app, officer) == []

    page.get_by_role("link", name="Logga in").click()
    expect(page.get_by_label("Användarnamn")).to_have_value("anna")
    fill_sign_in(page)
    wait_uploaded(page)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert sorted(str(v.id) for v in server_visits(app, officer)) == ids


def test_rejected_visit_shows_the_reason_and_uploads_once_fixed(
    page, context, live_server, app, client, officer, supervisor, auth, hotspot, make_hotspot, area
):
    make_hotspot(area, "Busstationen", lat=57.4990, lon=13.1120)
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    context.set_offline(True)
    # Meanwhile the supervisor archives Torget; the phone, offline, still lists it.
    response = client.delete(f"/api/v1/hotspots/{hotspot.id}", headers=auth(supervisor, **{"If-Match": '"1"'}))
    assert response.status_code == 204
    arrive_and_leave(page, "Torget")

    context.set_offline(False)
    expect(status(page)).to_contain_text("1 behöver åtgärd", timeout=WAIT)
    attention = page.get_by_role("region", name="Behöver åtgärd")
    expect(attention).to_contain_text("Hot spot:", timeout=WAIT)
    assert server_visits(app, officer) == []

    attention.get_by_role("button", name="Rätta").click()
    page.get_by_label("Hot spot").select_option(label="Busstationen")
    page.get_by_role("button", name="Spara").click()
    wait_uploaded(page)
    expect(page.get_by_role("region", name="Behöver åtgärd")).to_have_count(0)
    stored = server_visits(app, officer)
    assert [str(v.id) for v in stored] == local_visit_ids(page)
    assert stored[0].hotspot_id != hotspot.id


def test_sign_out_warns_about_waiting_visits_and_keeps_them(page, context, live_server, app, officer, hotspot):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    context.set_offline(True)
    arrive_and_leave(page, "Torget")
    page.get_by_role("button", name="Logga ut").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 besök väntar på uppladdning")
    dialog.get_by_role("button", name="Logga ut ändå").click()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible(timeout=WAIT)

    context.set_offline(False)
    fill_sign_in(page)
    wait_uploaded(page)
    assert len(server_visits(app, officer)) == 1


def test_push_too_large_for_the_server_is_halved_until_it_fits(page, context, live_server, app, officer, hotspot):
    sign_in(page, live_server)
    expect(page.get_by_role("heading", name="Torget")).to_be_visible(timeout=WAIT)
    context.set_offline(True)
    for _ in range(5):
        arrive_and_leave(page, "Torget")
    expect(status(page)).to_contain_text("5 väntar på uppladdning", timeout=WAIT)
    # The server takes at most 2 mutations per push from now on: 5 → 413, then 2 + 2 + 1.
    app.config["MAX_PUSH_MUTATIONS"] = 2
    context.set_offline(False)
    wait_uploaded(page)
    ids = local_visit_ids(page)
    stored = eventually(lambda: server_visits(app, officer), lambda v: len(v) == 5)
    assert sorted(str(v.id) for v in stored) == ids
