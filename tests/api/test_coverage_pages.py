"""The supervisor and admin pages through the test client (the browser tests drive the same pages in Chromium)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from fieldlog.db import utcnow
from tests.api.page_forms import hotspot_form
from tests.fixtures.users import PASSWORD, csrf_token


@pytest.fixture
def recent(make_visit, hotspot, officer):
    return make_visit(
        hotspot,
        officer,
        utcnow() - timedelta(days=2),
        12,
        lat=57.4956,
        lon=13.1091,
        accuracy_m=5.0,
        distance_m=11.0,
        on_site=True,
    )


def _form_token(html: str, action: str) -> str:
    match = re.search(
        r'action="' + re.escape(action) + r'".*?name="csrf_token" type="hidden" value="([^"]+)"', html, re.S
    )
    assert match, f"no form posting to {action}"
    return match.group(1)


def test_start_page_sends_supervisors_to_the_dashboard(client, login, supervisor):
    login("sven")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/supervisor/")


def test_start_page_links_officers_to_their_app(client, login, officer):
    login("anna")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/app"' in html


def test_dashboard_shows_shortfall_in_words(client, login, supervisor, hotspot, recent):
    login("sven")
    html = client.get("/supervisor/?period=last_4_weeks").get_data(as_text=True)
    assert "Täckning i Svenljunga" in html
    assert "Torget" in html
    assert "Under målet" in html  # 1 visit against a target of 20: not by colour alone
    assert 'data-status="below"' in html


def test_pages_need_a_supervisor(client, login, officer):
    assert client.get("/supervisor/").status_code == 302  # not signed in: to the sign-in page
    login("anna")
    assert client.get("/supervisor/").status_code == 403
    assert client.get("/supervisor/people").status_code == 403


def test_supervisor_cannot_open_another_areas_hot_spot(client, login, supervisor, make_area, make_hotspot):
    other = make_hotspot(make_area("tranemo"), "Torget")
    login("sven")
    assert client.get(f"/supervisor/hotspots/{other.id}").status_code == 404
    assert client.get("/supervisor/areas").status_code == 403


def test_hot_spot_page_shows_grid_and_hot_hours(client, login, supervisor, hotspot, recent):
    login("sven")
    html = client.get(f"/supervisor/hotspots/{hotspot.id}").get_data(as_text=True)
    assert "Närvaro per veckodag och timme" in html
    assert 'class="heat-' in html and ' hot"' in html


def test_hot_spot_edit_saves_through_the_service_with_audit(client, login, supervisor, hotspot, app):
    login("sven")
    url = f"/supervisor/hotspots/{hotspot.id}/edit"
    token = csrf_token(client, url)
    response = client.post(url, data=hotspot_form(token, 1, "Torget", **{"hot_hours-0-start": "19:00"}))
    assert response.status_code == 302
    with app.app_context():
        from fieldlog.audit.models import AuditEntry
        from fieldlog.extensions import db
        from fieldlog.hotspots.models import HotSpot

        spot = db.session.get(HotSpot, hotspot.id)
        assert spot.rev == 2
        assert spot.hot_hours == [{"days": [5, 6], "from": "19:00", "to": "02:00"}]
        assert db.session.query(AuditEntry).filter_by(entity_id=str(hotspot.id), action="update").count() == 1


def test_stale_edit_gets_changed_meanwhile_and_overwrites_nothing(client, login, supervisor, hotspot, app):
    login("sven")
    url = f"/supervisor/hotspots/{hotspot.id}/edit"
    token = csrf_token(client, url)
    assert client.post(url, data=hotspot_form(token, 1, "Torget norra")).status_code == 302
    response = client.post(url, data=hotspot_form(token, 1, "Torget södra"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Ändrad under tiden" in html
    assert "Torget norra" in html and 'value="Torget södra"' in html and 'name="rev" type="hidden" value="2"' in html
    with app.app_context():
        from fieldlog.extensions import db
        from fieldlog.hotspots.models import HotSpot

        assert db.session.get(HotSpot, hotspot.id).name == "Torget norra"


def test_bad_hot_hours_are_named(client, login, supervisor, hotspot):
    login("sven")
    url = f"/supervisor/hotspots/{hotspot.id}/edit"
    token = csrf_token(client, url)
    response = client.post(url, data=hotspot_form(token, 1, "Torget", **{"hot_hours-0-end": "25:00", "lat": "91"}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Använd TT:MM." in html
    assert 'aria-invalid="true"' in html


def test_create_hot_spot_in_own_area(client, login, supervisor, area, app):
    login("sven")
    token = csrf_token(client, "/supervisor/hotspots/new")
    data = hotspot_form(token, 0, "Thilanderska parken")
    data.pop("rev")
    response = client.post("/supervisor/hotspots/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        from fieldlog.extensions import db
        from fieldlog.hotspots.models import HotSpot

        spot = db.session.query(HotSpot).filter_by(name="Thilanderska parken").one()
        assert spot.area_id == area.id


def test_flag_from_the_visit_page(client, login, supervisor, recent, app):
    login("sven")
    url = f"/supervisor/visits/{recent.id}"
    html = client.get(url).get_data(as_text=True)
    token = _form_token(html, f"/supervisor/visits/{recent.id}/flag")
    response = client.post(f"{url}/flag", data={"csrf_token": token, "comment": "Ingen position?"})
    assert response.status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert "Ingen position?" in html
    with app.app_context():
        from fieldlog.extensions import db
        from fieldlog.visits.models import Visit

        assert db.session.get(Visit, recent.id).rev == 2


def test_flag_without_csrf_is_refused(client, login, supervisor, recent):
    login("sven")
    response = client.post(f"/supervisor/visits/{recent.id}/flag", data={"comment": "x"})
    assert response.status_code == 400


def test_visit_list_filters(client, login, supervisor, recent, hotspot):
    login("sven")
    html = client.get(f"/supervisor/visits?period=last_4_weeks&hotspot={hotspot.id}&officer=anna").get_data(
        as_text=True
    )
    assert f"/supervisor/visits/{recent.id}" in html
    html = client.get("/supervisor/visits?period=last_4_weeks&officer=nobody").get_data(as_text=True)
    assert f"/supervisor/visits/{recent.id}" not in html


def test_revoke_a_device_signs_the_phone_out(client, login, supervisor, officer, make_token, app):
    token = make_token(officer, "Annas telefon")
    login("sven")
    html = client.get(f"/supervisor/people/{officer.id}").get_data(as_text=True)
    assert "Annas telefon" in html
    match = re.search(r'action="(/supervisor/devices/[^"]+/revoke)"', html)
    csrf = _form_token(html, match.group(1))
    assert client.post(match.group(1), data={"csrf_token": csrf, "confirm": "yes"}).status_code == 303
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_revoked"


def test_deactivating_an_officer_revokes_their_devices(client, login, supervisor, officer, make_token):
    token = make_token(officer, "Annas telefon")
    login("sven")
    html = client.get(f"/supervisor/people/{officer.id}").get_data(as_text=True)
    csrf = _form_token(html, f"/supervisor/people/{officer.id}/active")
    assert client.post(f"/supervisor/people/{officer.id}/active", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_supervisor_creates_an_officer_and_resets_a_password(client, login, supervisor, app):
    login("sven")
    token = csrf_token(client, "/supervisor/people")
    response = client.post(
        "/supervisor/people",
        data={"csrf_token": token, "username": "bertil", "display_name": "Bertil", "password": "långt lösenord"},
    )
    assert response.status_code == 303
    taken = client.post(
        "/supervisor/people",
        data={"csrf_token": token, "username": "bertil", "display_name": "B", "password": "långt lösenord"},
    )
    assert taken.status_code == 400
    with app.app_context():
        from fieldlog.auth.models import User
        from fieldlog.extensions import db

        bertil = db.session.query(User).filter_by(username="bertil").one()
        assert bertil.role == "officer" and bertil.area_id == supervisor.area_id
    html = client.get(f"/supervisor/people/{bertil.id}").get_data(as_text=True)
    csrf = _form_token(html, f"/supervisor/people/{bertil.id}/password")
    assert (
        client.post(
            f"/supervisor/people/{bertil.id}/password", data={"csrf_token": csrf, "password": "nytt lösenord 2"}
        ).status_code
        == 303
    )


def test_supervisor_cannot_manage_another_supervisor(client, login, supervisor, make_user, area):
    other = make_user("supervisor", area, username="sara")
    login("sven")
    assert client.get(f"/supervisor/people/{other.id}").status_code == 404


def test_admin_creates_an_area_and_sees_any_dashboard(client, login, admin, area, hotspot):
    login("root")
    token = csrf_token(client, "/supervisor/areas")
    response = client.post(
        "/supervisor/areas",
        data={"csrf_token": token, "slug": "tranemo", "name": "Tranemo", "timezone": "Europe/Stockholm"},
    )
    assert response.status_code == 303
    bad = client.post(
        "/supervisor/areas", data={"csrf_token": token, "slug": "x", "name": "X", "timezone": "Mars/Base"}
    )
    assert bad.status_code == 400
    assert "Torget" in client.get("/supervisor/?area=svenljunga").get_data(as_text=True)
    assert client.get("/supervisor/?area=tranemo").status_code == 200


def test_page_exports_and_report(client, login, supervisor, recent):
    login("sven")
    csv_response = client.get("/supervisor/export/visits.csv?period=last_4_weeks")
    assert csv_response.status_code == 200 and str(recent.id) in csv_response.get_data(as_text=True)
    geo = client.get("/supervisor/export/visits.geojson?period=last_4_weeks")
    assert geo.get_json()["features"][0]["id"] == str(recent.id)
    report = client.get("/supervisor/report?period=last_4_weeks").get_data(as_text=True)
    assert "Torget" in report


def test_audit_log_shows_flag_changes(client, login, supervisor, recent):
    login("sven")
    html = client.get(f"/supervisor/visits/{recent.id}").get_data(as_text=True)
    token = _form_token(html, f"/supervisor/visits/{recent.id}/flag")
    client.post(f"/supervisor/visits/{recent.id}/flag", data={"csrf_token": token, "comment": "Titta"})
    html = client.get("/supervisor/audit").get_data(as_text=True)
    assert "Sven flaggade besöket vid Torget" in html and "”Titta”" in html


def test_leaflet_is_served_from_the_package(client):
    with client.get("/static/vendor/leaflet/leaflet.css") as response:
        assert response.status_code == 200
        assert ".leaflet-container" in response.get_data(as_text=True)


def test_password_constant_is_used(client):
    assert PASSWORD
