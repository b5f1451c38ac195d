"""One visit as a supervisor sees it: every code it carries is shown in words (issue 10, B1)."""

from __future__ import annotations

from datetime import timedelta

from fieldlog.db import utcnow


def test_visit_page_shows_observations_and_activities_in_words(client, login, supervisor, hotspot, officer, make_visit):
    visit = make_visit(
        hotspot,
        officer,
        utcnow() - timedelta(days=1),
        14,
        observations=["youth_gathering", "drugs"],
        activities=["visible_presence", "dialogue", "report_filed"],
    )
    login("sven")
    response = client.get(f"/supervisor/visits/{visit.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "ungdomar i grupp, misstänkt narkotikahantering" in html
    assert "synlig närvaro, dialog, anmälan upprättad" in html
    assert "youth_gathering" not in html and "report_filed" not in html
