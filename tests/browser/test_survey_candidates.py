"""A candidate place becomes a hot spot in real Chromium (issue 13 §5): the supervisor opens the wave's places, sees
the candidate on the map and in the list, opens the prefilled hot-spot form, names the place and saves once; the new
hot spot opens, and the places page lists it instead of the candidate. The results and places pages pass axe."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.api.survey_results_support import add_responses, candidate_marks, respondent
from tests.browser.test_supervisor_pages import assert_accessible, sign_in


def test_a_candidate_place_becomes_a_hot_spot(page, live_server, app, area, supervisor, survey, hotspot, make_survey):
    add_responses(app, survey, [respondent("very_safe", "20-34", "woman", "town")] * 10 + candidate_marks(7, "night"))
    before = make_survey(area, year=survey.year - 1, mode="codes")
    add_responses(app, before, [respondent("fairly_unsafe", "50-64", "man", "town")] * 12)
    sign_in(page, live_server)
    page.goto(f"{live_server}/supervisor/surveys/{survey.id}/results")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Resultat")
    expect(page.get_by_role("note")).to_contain_text("Inte direkt jämförbara")
    assert_accessible(page)
    page.get_by_role("link", name="Platser mot närvaro, och föreslagna platser").click()
    expect(page.get_by_role("heading", name="Föreslagen plats 1: 7 markeringar")).to_be_visible()
    expect(page.locator("#places-map path.leaflet-interactive")).to_have_count(2)  # Torget and the candidate
    assert_accessible(page)
    page.get_by_role("link", name="Skapa hotspot").click()
    expect(page.get_by_label("Namn")).to_have_value(f"Plats från enkäten {survey.year}")
    expect(page.get_by_label("Radie (meter)")).not_to_have_value("")
    page.get_by_label("Namn").fill("Gångtunneln vid stationen")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gångtunneln vid stationen")

    from fieldlog.extensions import db
    from fieldlog.hotspots.models import HotSpot

    with app.app_context():
        spot = db.session.scalars(select(HotSpot).where(HotSpot.name == "Gångtunneln vid stationen")).one()
        assert spot.hot_hours == [{"days": [1, 2, 3, 4, 5, 6, 7], "from": "22:00", "to": "04:00"}]
    page.goto(f"{live_server}/supervisor/surveys/{survey.id}/places")
    expect(page.get_by_role("link", name="Gångtunneln vid stationen")).to_be_visible()
    expect(page.get_by_text("Föreslagen plats 1")).to_have_count(0)
