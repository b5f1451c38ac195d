"""The public report (SPEC §3): monthly aggregates, public hot spots only, no personal data."""

from __future__ import annotations

from datetime import timedelta

from fieldlog.db import utcnow


def test_public_json_aggregates_months_and_names_only_public_spots(client, area, officer, make_hotspot, make_visit):
    torget = make_hotspot(area, "Torget", public=True)
    hidden = make_hotspot(area, "Hemliga platsen", public=False)
    start = utcnow().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)
    if start.day == 1 or (start + timedelta(hours=2)).month != start.month:
        start = start - timedelta(days=2)
    make_visit(torget, officer, start, 30, notes="Kalle 070-123", lat=57.49, lon=13.10)
    make_visit(torget, officer, start + timedelta(minutes=10), 30)  # overlaps: presence 40 min
    make_visit(hidden, officer, start, 60)
    response = client.get("/public/svenljunga.json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["area"] == {"slug": "svenljunga", "name": "Svenljunga"}
    assert len(body["months"]) == 12
    month = next(m for m in body["months"] if m["month"] == start.strftime("%Y-%m"))
    assert month["visits"] == 3
    assert month["presence_hours"] == round((40 + 60) / 60, 1)
    assert [h["name"] for h in body["hotspots"]] == ["Torget"]
    spot_month = next(m for m in body["hotspots"][0]["months"] if m["month"] == start.strftime("%Y-%m"))
    assert spot_month == {"month": start.strftime("%Y-%m"), "visits": 2, "presence_hours": 0.7}
    raw = response.get_data(as_text=True)
    for secret in ("anna", "Anna", "Kalle", "57.49", "Hemliga"):
        assert secret not in raw


def test_public_page_renders_without_login(client, area, make_hotspot):
    make_hotspot(area, "Torget", public=True)
    response = client.get("/public/svenljunga")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Svenljunga" in html and "Torget" in html


def test_public_report_is_404_unless_published(client, make_area):
    make_area("tranemo", public_report=False)
    assert client.get("/public/tranemo").status_code == 404
    assert client.get("/public/tranemo.json").status_code == 404
    assert client.get("/public/nowhere.json").status_code == 404


def test_public_report_is_cached_for_the_configured_time(app, client, area, officer, make_hotspot, make_visit):
    spot = make_hotspot(area, "Torget", public=True)
    start = utcnow() - timedelta(minutes=30)
    make_visit(spot, officer, start, 5)

    def visits():
        return sum(m["visits"] for m in client.get("/public/svenljunga.json").get_json()["months"])

    assert visits() == 1
    make_visit(spot, officer, start + timedelta(minutes=10), 5)
    assert visits() == 1  # served from the cache
    app.config["PUBLIC_REPORT_CACHE_SECONDS"] = 0
    assert visits() == 2
