"""Issue 10, supervisor pages: messages on the hot spot form, targets from a spot's creation, numbers in Swedish,
confirmations, audit log in words, after-the-fact visits, the full target, exports for Excel."""

from __future__ import annotations

from datetime import timedelta

from fieldlog.db import utcnow
from tests.conftest import csrf_token


def _form(token: str, rev: int, name: str = "Torget", **extra) -> dict:
    data = {
        "csrf_token": token,
        "rev": str(rev),
        "name": name,
        "description": "",
        "lat": "57.4955",
        "lon": "13.109",
        "radius_m": "150",
        "priority": "2",
        "target_visits_per_week": "5",
        "target_minutes": "15",
        "hot_hours-0-days": ["5", "6"],
        "hot_hours-0-start": "20:00",
        "hot_hours-0-end": "02:00",
        "active": "y",
    }
    data.update(extra)
    return data


# -- B4: hot hours with days but no times


def test_hot_hours_with_days_but_no_times_say_which_row_and_what(client, login, supervisor, hotspot, app):
    login("sven")
    url = f"/supervisor/hotspots/{hotspot.id}/edit"
    token = csrf_token(client, url)
    data = _form(token, 1, **{"hot_hours-1-days": ["1", "2"]})
    response = client.post(url, data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Tidsfönster 2" in html and "Ange både från- och till-tid." in html
    with app.app_context():
        from fieldlog.extensions import db
        from fieldlog.hotspots.models import HotSpot

        assert db.session.get(HotSpot, hotspot.id).rev == 1


def test_new_hot_spot_with_a_time_but_no_days_says_so(client, login, supervisor, area, app):
    login("sven")
    token = csrf_token(client, "/supervisor/hotspots/new")
    data = _form(token, 0, "Parken", **{"hot_hours-0-days": [], "hot_hours-0-start": "20:00", "hot_hours-0-end": ""})
    data.pop("rev")
    response = client.post("/supervisor/hotspots/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Tidsfönster 1" in html and "Välj minst en dag." in html
    with app.app_context():
        from fieldlog.extensions import db
        from fieldlog.hotspots.models import HotSpot

        assert db.session.query(HotSpot).count() == 0


# -- B5: targets count from the day a hot spot was created (and until it was archived)


def _monday_this_week(app, area):
    from fieldlog.areas.models import Area
    from fieldlog.coverage.services import today_in
    from fieldlog.extensions import db

    with app.app_context():
        today = today_in(db.session.get(Area, area.id))
    return today - timedelta(days=today.weekday())


def test_coverage_target_counts_only_the_days_a_spot_existed(client, auth, supervisor, area, make_hotspot, app):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    monday = _monday_this_week(app, area)
    # Created on the Thursday of last week (local noon): 4 of last week's 7 days.
    thursday = monday - timedelta(days=4)
    created = datetime.combine(thursday, datetime.min.time(), ZoneInfo("Europe/Stockholm")).replace(hour=12)
    make_hotspot(area, "Nya torget", target_visits_per_week=7, created_at=created)
    make_hotspot(area, "Gamla torget", target_visits_per_week=7)
    last_week = f"from={monday - timedelta(days=7)}&to={monday - timedelta(days=1)}"
    body = client.get(f"/api/v1/coverage?{last_week}", headers=auth(supervisor)).get_json()
    rows = {h["name"]: h for h in body["hotspots"]}
    assert rows["Nya torget"]["target_visits"] == 4.0
    assert rows["Gamla torget"]["target_visits"] == 7.0
    two_weeks_ago = f"from={monday - timedelta(days=14)}&to={monday - timedelta(days=8)}"
    body = client.get(f"/api/v1/coverage?{two_weeks_ago}", headers=auth(supervisor)).get_json()
    row = next(h for h in body["hotspots"] if h["name"] == "Nya torget")
    assert row["target_visits"] == 0.0 and row["visit_compliance"] is None


def test_a_spot_created_this_week_is_not_below_target_for_earlier_weeks(client, login, supervisor, area, make_hotspot):
    make_hotspot(area, "Nya torget", target_visits_per_week=5, created_at=utcnow())
    login("sven")
    for url in ("/supervisor/?period=last_week", "/supervisor/report?period=last_week"):
        html = client.get(url).get_data(as_text=True)
        assert "Nya torget" in html
        assert "▼ Under målet" not in html and 'data-status="below"' not in html, url
        assert "fick för få besök" not in html, url


def test_trend_targets_start_in_the_week_a_spot_was_created(app, area, make_hotspot):
    from fieldlog.areas.models import Area
    from fieldlog.coverage.services import target_visits, today_in
    from fieldlog.extensions import db

    spot = make_hotspot(area, "Nya torget", target_visits_per_week=5, created_at=utcnow())
    with app.app_context():
        today = today_in(db.session.get(Area, area.id))
    monday = today - timedelta(days=today.weekday())
    earlier = target_visits(5, monday - timedelta(days=7), monday - timedelta(days=1), area.timezone, spot.created_at)
    assert earlier == 0
    assert target_visits(5, monday, monday + timedelta(days=6), area.timezone, spot.created_at) > 0
    archived = target_visits(
        7, monday - timedelta(days=7), monday - timedelta(days=1), area.timezone, None, spot.created_at
    )
    assert archived == 7  # archived today: every day of last week counts


# -- B7: numbers in Swedish, coordinates, checkboxes, confirmations


def test_minutes_have_a_decimal_comma_in_swedish(client, login, supervisor, hotspot, officer, make_visit):
    visit = make_visit(hotspot, officer, utcnow() - timedelta(days=1), 12)
    login("sven")
    html = client.get("/supervisor/visits?period=last_4_weeks").get_data(as_text=True)
    assert "12,0" in html and "12.0" not in html
    html = client.get(f"/supervisor/visits/{visit.id}").get_data(as_text=True)
    assert "12,0" in html and "12.0" not in html
    html = client.get("/supervisor/?period=last_4_weeks").get_data(as_text=True)
    assert "12,0" in html


def test_coordinates_on_the_form_have_at_most_six_decimals(client, login, supervisor, area, make_hotspot):
    spot = make_hotspot(area, "Torget", lat=57.496401666666664, lon=13.108912345678)
    login("sven")
    html = client.get(f"/supervisor/hotspots/{spot.id}/edit").get_data(as_text=True)
    assert 'value="57.496402"' in html and 'value="13.108912"' in html
    assert "57.496401666666664" not in html
    html = client.get("/supervisor/hotspots/new").get_data(as_text=True)
    import re

    lat = re.search(r'id="lat"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*id="lat"', html)
    value = lat.group(1) or lat.group(2)
    assert len(value.split(".")[1]) <= 6


def test_checkboxes_sit_inside_their_own_labels(client, login, supervisor, hotspot):
    login("sven")
    html = client.get(f"/supervisor/hotspots/{hotspot.id}/edit").get_data(as_text=True)
    assert '<label class="choice" for="public"><input id="public" name="public" type="checkbox"' in html
    assert '<label class="choice" for="active"><input checked id="active" name="active" type="checkbox"' in html


def test_archiving_needs_the_confirmation_box(client, login, supervisor, hotspot, app):
    login("sven")
    url = f"/supervisor/hotspots/{hotspot.id}"
    html = client.get(url).get_data(as_text=True)
    assert 'name="confirm" value="yes" required' in html and "Ja, arkivera Torget" in html
    token = csrf_token(client, url)
    response = client.post(f"{url}/archive", data={"csrf_token": token, "rev": "1"}, follow_redirects=True)
    assert "kryssa först i rutan" in response.get_data(as_text=True)
    with app.app_context():
        from fieldlog.extensions import db
        from fieldlog.hotspots.models import HotSpot

        assert not db.session.get(HotSpot, hotspot.id).deleted
    response = client.post(f"{url}/archive", data={"csrf_token": token, "rev": "1", "confirm": "yes"})
    assert response.status_code == 303
    with app.app_context():
        from fieldlog.extensions import db
        from fieldlog.hotspots.models import HotSpot

        assert db.session.get(HotSpot, hotspot.id).deleted


def test_revoking_a_device_needs_the_confirmation_box(client, login, supervisor, officer, make_token):
    token = make_token(officer, "Annas telefon")
    login("sven")
    url = f"/supervisor/people/{officer.id}"
    html = client.get(url).get_data(as_text=True)
    import re

    action = re.search(r'action="(/supervisor/devices/[^"]+/revoke)"', html).group(1)
    csrf = csrf_token(client, url)
    response = client.post(action, data={"csrf_token": csrf}, follow_redirects=True)
    assert "fortfarande inloggad" in response.get_data(as_text=True)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


# -- C2: the audit log in words


def test_audit_log_reads_as_sentences_in_swedish(client, login, make_user, area, make_hotspot):
    hotspot = make_hotspot(area, "Torget", hot_hours=[{"days": [5], "from": "20:00", "to": "02:00"}])
    make_user("supervisor", area, username="lena", display_name="Lena")
    login("lena")
    url = f"/supervisor/hotspots/{hotspot.id}/edit"
    token = csrf_token(client, url)
    data = _form(token, 1, **{"hot_hours-0-days": ["5", "6"], "public": "y", "priority": "1"})
    assert client.post(url, data=data).status_code == 302
    for page in ("/supervisor/audit", f"/supervisor/hotspots/{hotspot.id}"):
        html = client.get(page).get_data(as_text=True)
        assert "Lena ändrade Torget" in html
        assert "heta timmar fre 20:00–02:00 → fre–lör 20:00–02:00" in html
        assert "namnges i den offentliga rapporten nej → ja" in html
        assert "prioritet 2 – normal → 1 – hög" in html
        for raw in ("hot_hours", "\\u00e4", "target_visits_per_week", "&#34;", "hotspot: update", "<code>"):
            assert raw not in html, (page, raw)


def test_audit_log_names_flags_and_people(client, login, supervisor, officer, hotspot, make_visit, make_token):
    visit = make_visit(hotspot, officer, utcnow() - timedelta(days=1), 12)
    make_token(officer, "Annas telefon")
    login("sven")
    url = f"/supervisor/visits/{visit.id}"
    client.post(f"{url}/flag", data={"csrf_token": csrf_token(client, url), "comment": "Stämmer tiden?"})
    person = f"/supervisor/people/{officer.id}"
    import re

    action = re.search(r'action="(/supervisor/devices/[^"]+/revoke)"', client.get(person).get_data(as_text=True))
    client.post(action.group(1), data={"csrf_token": csrf_token(client, person), "confirm": "yes"})
    html = client.get("/supervisor/audit").get_data(as_text=True)
    assert "Sven flaggade besöket vid Torget" in html and "”Stämmer tiden?”" in html
    assert "Sven loggade ut enheten Annas telefon (Anna)" in html
