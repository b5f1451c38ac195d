"""Issue 10, supervisor pages: messages on the hot spot form, targets from a spot's creation, numbers in Swedish,
confirmations, audit log in words, after-the-fact visits, the full target, exports for Excel."""

from __future__ import annotations

from datetime import timedelta

from fieldlog.db import utcnow
from tests.api.page_forms import hotspot_form
from tests.fixtures.users import csrf_token

# -- B4: hot hours with days but no times


def test_hot_hours_with_days_but_no_times_say_which_row_and_what(client, login, supervisor, hotspot, app):
    login("sven")
    url = f"/supervisor/hotspots/{hotspot.id}/edit"
    token = csrf_token(client, url)
    data = hotspot_form(token, 1, **{"hot_hours-1-days": ["1", "2"]})
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
    data = hotspot_form(
        token, 0, "Parken", **{"hot_hours-0-days": [], "hot_hours-0-start": "20:00", "hot_hours-0-end": ""}
    )
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
        assert "nådde inte målet" not in html, url


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
    data = hotspot_form(token, 1, **{"hot_hours-0-days": ["5", "6"], "public": "y", "priority": "1"})
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


# -- D3: visits logged after the fact are marked


def test_after_the_fact_visits_are_marked_in_list_page_and_exports(
    client, login, supervisor, hotspot, officer, make_visit
):
    import io

    from openpyxl import load_workbook

    visit = make_visit(hotspot, officer, utcnow() - timedelta(days=1), 14, entry="after")
    make_visit(hotspot, officer, utcnow() - timedelta(days=2), 12)
    login("sven")
    html = client.get("/supervisor/visits?period=last_4_weeks").get_data(as_text=True)
    assert html.count("I efterhand</span>") == 1
    html = client.get(f"/supervisor/visits/{visit.id}").get_data(as_text=True)
    assert "I efterhand" in html and "Registrering" in html
    csv = client.get("/supervisor/export/visits.csv?period=last_4_weeks").get_data(as_text=True)
    assert ",after," in csv and ",live," in csv
    ws = load_workbook(io.BytesIO(client.get("/supervisor/export/visits.xlsx?period=last_4_weeks").data)).active
    logged = [c.value for c in ws[1]].index("Registrering")
    assert sorted(row[logged].value for row in ws.iter_rows(min_row=2)) == ["Direkt (Anländ/Lämna)", "I efterhand"]


# -- D5: Excel exports


def test_visits_xlsx_has_swedish_headers_local_times_and_typed_cells(
    client, login, supervisor, hotspot, officer, make_visit
):
    import io
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from openpyxl import load_workbook

    started = utcnow().replace(microsecond=0) - timedelta(days=1)
    make_visit(
        hotspot,
        officer,
        started,
        12.5,
        officers=2,
        observations=["youth_gathering", "drugs"],
        activities=["dialogue"],
        contacts=3,
        notes="=SUM(A1:A2)",
        lat=57.4956,
        lon=13.1091,
        accuracy_m=5.0,
        distance_m=11.0,
        on_site=True,
    )
    login("sven")
    response = client.get("/supervisor/export/visits.xlsx?period=last_4_weeks")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(response.data)).active
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["Började", "Slutade", "Minuter"] and headers[3:5] == ["Hot spot", "Polis"]
    assert "Åtgärder" in headers and "Kontakter" in headers and "Färdsätt" in headers
    row = {h: c for h, c in zip(headers, ws[2], strict=True)}
    local = started.astimezone(ZoneInfo("Europe/Stockholm")).replace(tzinfo=None)
    assert isinstance(row["Började"].value, datetime) and row["Började"].value == local
    assert row["Började"].value.tzinfo is None and row["Började"].is_date
    assert row["Minuter"].value == 12.5 and row["Minuter"].data_type == "n"
    assert row["Poliser"].value == 2 and row["Kontakter"].value == 3
    assert row["Iakttagelser"].value == "ungdomar i grupp, misstänkt narkotikahantering"
    assert row["Anteckningar"].value == "=SUM(A1:A2)" and row["Anteckningar"].data_type == "s"
    assert row["På plats"].value == "ja"


def test_coverage_xlsx_has_figures_as_numbers(client, login, supervisor, hotspot, officer, make_visit):
    import io

    from openpyxl import load_workbook

    make_visit(hotspot, officer, utcnow() - timedelta(days=1), 12)
    login("sven")
    html = client.get("/supervisor/?period=last_4_weeks").get_data(as_text=True)
    assert "/supervisor/export/coverage.xlsx" in html and "/supervisor/export/visits.xlsx" in html
    response = client.get("/supervisor/export/coverage.xlsx?period=last_4_weeks")
    wb = load_workbook(io.BytesIO(response.data))
    ws = wb["Täckning"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["Hot spot", "Prioritet", "Besök", "Mål"]
    row = {h: c.value for h, c in zip(headers, ws[2], strict=True)}
    assert row["Hot spot"] == "Torget" and row["Besök"] == 1 and isinstance(row["Mål"], int | float)
    assert row["Närvarotid (min)"] == 12.0 and row["Status"] == "Under målet"
    officers = wb["Per polis"]
    assert [c.value for c in officers[2]][:2] == ["Anna", 1]


def test_excel_export_in_english_for_english_users(client, login, make_user, area, hotspot, officer, make_visit):
    import io

    from openpyxl import load_workbook

    make_user("supervisor", area, username="eric", locale="en")
    make_visit(hotspot, officer, utcnow() - timedelta(days=1), 12)
    login("eric")
    ws = load_workbook(io.BytesIO(client.get("/supervisor/export/visits.xlsx?period=last_4_weeks").data)).active
    assert [c.value for c in ws[1]][:3] == ["Started", "Ended", "Minutes"]


# -- D4: the whole target, the period before, the weekly chart, per officer, follow-up


def test_target_met_needs_length_and_hot_hours_too_and_says_what_is_short(
    client, login, supervisor, area, officer, make_hotspot, make_visit
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from fieldlog.coverage.services import today_in

    spot = make_hotspot(
        area,
        "Torget",
        target_visits_per_week=1,
        hot_hours=[{"days": [1, 2, 3, 4, 5, 6, 7], "from": "03:00", "to": "04:00"}],
    )
    # Enough visits (a week's target is 1), but each only 5 minutes and at noon: outside the hot hours.
    tz = ZoneInfo("Europe/Stockholm")
    with client.application.app_context():
        from fieldlog.areas.models import Area
        from fieldlog.extensions import db

        today = today_in(db.session.get(Area, area.id))
    for days in (1, 2, 3, 4):
        noon = datetime.combine(today - timedelta(days=days), datetime.min.time(), tz).replace(hour=12)
        make_visit(spot, officer, noon, 5)
    login("sven")
    html = client.get("/supervisor/?period=last_4_weeks").get_data(as_text=True)
    assert 'data-status="below"' in html
    assert "10–16 minuter: 0" in html and "heta timmar: 0,0 av" in html
    assert "besök: 4 av" not in html  # the visits part is met: not listed as short


def test_figures_stand_beside_the_previous_period(client, login, supervisor, hotspot, officer, make_visit):
    make_visit(hotspot, officer, utcnow() - timedelta(days=2), 12)
    make_visit(hotspot, officer, utcnow() - timedelta(days=30), 12)
    make_visit(hotspot, officer, utcnow() - timedelta(days=31), 12)
    login("sven")
    html = client.get("/supervisor/?period=last_4_weeks").get_data(as_text=True)
    assert 'data-label="Besök" data-value="1">1 <span class="prev">förra: 2</span>' in html
    html = client.get(f"/supervisor/hotspots/{hotspot.id}?period=last_4_weeks").get_data(as_text=True)
    assert '<span class="prev">förra: 2</span>' in html


def test_hot_spot_page_has_a_weekly_chart_with_axes_and_legend(client, login, supervisor, hotspot, officer, make_visit):
    make_visit(hotspot, officer, utcnow() - timedelta(days=8), 12)
    login("sven")
    html = client.get(f"/supervisor/hotspots/{hotspot.id}").get_data(as_text=True)
    chart = html[html.index('<svg class="chart"') : html.index("</svg>", html.index('<svg class="chart"'))]
    assert "<title" in chart and "<desc" in chart
    assert 'class="axis"' in chart and "v. " in chart and 'class="tick"' in chart
    assert "Besök" in chart and "varav 10–16 min" in chart and "Mål (besök)" in chart
    assert "url(#weekly-hatch)" in chart and 'class="target-line"' in chart


def test_per_officer_summary(client, login, supervisor, hotspot, officer, make_user, area, make_visit):
    bertil = make_user("officer", area, username="bertil", display_name="Bertil")
    make_visit(hotspot, officer, utcnow() - timedelta(days=1), 12, officers=2)
    make_visit(hotspot, officer, utcnow() - timedelta(days=2), 5)
    make_visit(hotspot, bertil, utcnow() - timedelta(days=3), 15)
    login("sven")
    html = client.get("/supervisor/?period=last_4_weeks").get_data(as_text=True)
    section = html[html.index('id="officers-heading"') :]
    anna = section[section.index(">Anna<") : section.index("</tr>", section.index(">Anna<"))]
    assert "<td>2</td>" in anna and "17,0" in anna and "29,0" in anna and "1 (50" in anna
    assert ">Bertil<" in section


def test_visits_open_for_more_than_12_hours_are_listed(client, login, supervisor, hotspot, officer, make_visit):
    stale = make_visit(hotspot, officer, utcnow() - timedelta(hours=20), None)
    fresh = make_visit(hotspot, officer, utcnow() - timedelta(hours=1), None)
    login("sven")
    html = client.get("/supervisor/").get_data(as_text=True)
    section = html[html.index("Besök som fortfarande är öppna efter 12 timmar") :]
    assert f"/supervisor/visits/{stale.id}" in section and f"/supervisor/visits/{fresh.id}" not in section


def test_an_officers_edit_that_clears_a_flag_tells_the_supervisor(
    client, login, supervisor, hotspot, officer, auth, make_visit, app
):
    from tests.api.sync_support import push_results, upsert, visit_data

    headers = auth(officer)
    visit_id = __import__("uuid").uuid4()
    other_id = __import__("uuid").uuid4()
    started = utcnow() - timedelta(hours=3)
    results = push_results(
        client,
        headers,
        upsert(visit_id, visit_data(hotspot, started)),
        upsert(other_id, visit_data(hotspot, started - timedelta(hours=1))),
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    flagged = client.post(
        f"/api/v1/visits/{visit_id}/flag", json={"comment": "Stämmer tiden?"}, headers=auth(supervisor)
    )
    assert flagged.status_code == 200
    rev = flagged.get_json()["rev"]
    results = push_results(
        client,
        headers,
        upsert(visit_id, visit_data(hotspot, started, minutes=14), base_rev=rev),
        upsert(other_id, visit_data(hotspot, started - timedelta(hours=1), minutes=11), base_rev=1),
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    with app.app_context():
        from fieldlog.audit.models import AuditEntry
        from fieldlog.extensions import db

        entries = db.session.query(AuditEntry).filter_by(action="flag_answered").all()
        assert [(e.entity_id, e.actor_id, e.before["comment"]) for e in entries] == [
            (str(visit_id), officer.id, "Stämmer tiden?")
        ]
    login("sven")
    html = client.get("/supervisor/").get_data(as_text=True)
    section = html[html.index("Flaggor som polisen har besvarat") :]
    assert f"/supervisor/visits/{visit_id}" in section and "”Stämmer tiden?”" in section and "Anna ändrade" in section
    html = client.get("/supervisor/audit").get_data(as_text=True)
    assert "Anna ändrade besöket vid Torget" in html and "besvarade därmed flaggan" in html


def test_times_are_shown_in_the_areas_time_zone(client, login, make_area, make_user, make_hotspot, make_visit):
    from tests.fixtures.util import utc

    helsinki = make_area("pargas", name="Pargas", timezone="Europe/Helsinki")
    make_user("supervisor", helsinki, username="pia")
    officer = make_user("officer", helsinki, username="pekka")
    spot = make_hotspot(helsinki, "Torget")
    visit = make_visit(spot, officer, utc(2026, 11, 20, 10, 0), 12)
    login("pia")
    html = client.get(f"/supervisor/visits/{visit.id}").get_data(as_text=True)
    assert "2026-11-20 12:00" in html  # UTC+2 in Helsinki, not 11:00 Stockholm time


def test_report_names_the_time_zone_in_words(client, login, supervisor, hotspot):
    login("sven")
    html = client.get("/supervisor/report").get_data(as_text=True)
    assert "tider enligt Sverigetid" in html and "Europe/Stockholm" not in html
