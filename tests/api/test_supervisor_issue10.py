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
