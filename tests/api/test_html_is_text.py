"""Hostile text (HTML and script in notes, names, comments) is shown as text on every page and in every export."""

from datetime import timedelta

import pytest

from fieldlog.db import utcnow

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(app, area, make_user, make_hotspot, make_visit, client, login, auth):
    officer = make_user("officer", area, username="eve", display_name="Eve " + SCRIPT)
    supervisor = make_user("supervisor", area, username="sven")
    hotspot = make_hotspot(area, "Torget " + SCRIPT, description="Bänkarna " + SCRIPT, public=True)
    visit = make_visit(hotspot, officer, started_at=utcnow() - timedelta(days=1), notes="Anteckning " + SCRIPT)
    response = client.post(
        f"/api/v1/visits/{visit.id}/flag", json={"comment": "Flagga " + SCRIPT}, headers=auth(supervisor)
    )
    assert response.status_code == 200
    assert login("sven").status_code == 302
    return {"hotspot": hotspot, "visit": visit, "officer": officer}


PAGES = [
    "/supervisor/",
    "/supervisor/hotspots/{hotspot}",
    "/supervisor/hotspots/{hotspot}/edit",
    "/supervisor/visits",
    "/supervisor/visits/{visit}",
    "/supervisor/report",
    "/supervisor/people",
    "/supervisor/people/{officer}",
    "/public/svenljunga",
]


@pytest.mark.parametrize("page", PAGES)
def test_pages_escape_hostile_text(client, hostile, page):
    url = page.format(hotspot=hostile["hotspot"].id, visit=hostile["visit"].id, officer=hostile["officer"].id)
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html  # the text is there, escaped


def test_audit_page_holds_no_raw_markup(client, hostile):
    html = client.get("/supervisor/audit").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html


def test_visit_page_shows_notes_and_flag_as_text(client, hostile):
    html = client.get(f"/supervisor/visits/{hostile['visit'].id}").get_data(as_text=True)
    assert "Anteckning &lt;script&gt;" in html and "Flagga &lt;script&gt;" in html


def test_public_page_shows_no_notes_or_officers(client, hostile):
    for url in ("/public/svenljunga", "/public/svenljunga.json"):
        text = client.get(url).get_data(as_text=True)
        assert "Anteckning" not in text and "Eve" not in text and "eve" not in text


def test_csv_export_keeps_text_verbatim_and_defuses_formulas(client, hostile, auth, make_user, area, make_visit):
    response = client.get("/supervisor/export/visits.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "Anteckning " + SCRIPT.replace('"', '""') in response.get_data(as_text=True)


def test_json_exports_are_json_not_html(client, hostile):
    response = client.get("/supervisor/export/visits.geojson")
    assert response.status_code == 200
    assert "html" not in response.mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("page", ["/supervisor/", "/supervisor/hotspots/{hotspot}", "/supervisor/visits/{visit}"])
def test_map_data_carries_names_as_escaped_text(client, hostile, page):
    """The maps read hot spot names from data attributes; the attribute holds the name escaped, and the map scripts
    put it into Leaflet as a text node (tests/browser/test_supervisor_maps.py checks what the browser shows)."""
    html = client.get(page.format(hotspot=hostile["hotspot"].id, visit=hostile["visit"].id)).get_data(as_text=True)
    assert (
        'data-name="Torget &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"' in html
    )
