"""Form data as the supervisor pages' forms send it, shared by the page tests."""

from __future__ import annotations


def hotspot_form(token: str, rev: int, name: str = "Torget", **extra) -> dict:
    """The hot spot edit form, filled in as a supervisor leaves it (one hot-hours window, Fri–Sat 20–02)."""
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
