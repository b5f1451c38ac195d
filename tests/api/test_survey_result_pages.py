"""The supervisor's survey result pages through the test client, CSRF included, on SQLite and PostgreSQL: results in
Swedish with decimal commas and suppressed groups in words, suspects in and out, "not comparable because …", the
places table without JavaScript, a candidate turned into a hot spot by the prefilled form in one submit, a dismissal
with a reason, and scope."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fieldlog.hotspots.models import HotSpot
from fieldlog.surveys.models import CandidateDecision
from tests.api.survey_results_support import add_responses, candidate_marks, respondent
from tests.conftest import csrf_token


def page(survey, what="results") -> str:
    return f"/supervisor/surveys/{survey.id}/{what}"


@pytest.fixture
def wave(app, survey, hotspot):
    people = [respondent("very_safe", "20-34", "woman", "town", marks=[(57.4955, 13.109, "evening", ["drugs"])])] * 12
    people += [respondent("fairly_safe", "35-49", "man", "town", problems={"drugs": "big"})] * 18
    people += [respondent("fairly_unsafe", "35-49", "man", "countryside")] * 7
    people += [respondent(None, "65+", "other", "town")] * 3
    add_responses(app, survey, people + candidate_marks())
    return survey


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_results_page_in_swedish(app, client, login, supervisor, wave, make_survey, area):
    before = make_survey(area, year=2019, mode="codes")
    add_responses(app, before, [respondent("very_safe")] * 6 + [respondent("very_unsafe")] * 6)
    login(supervisor.username)
    response = client.get(page(wave))
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "Resultat" in text and "46" in text  # 40 + 6 candidate respondents
    assert "för få svar för att visa" in text  # gender "other" (3), and the next smallest with it
    assert "Känner sig trygga ute ensamma sent en kväll" in text
    # 30 of 43 answered feel safe: 69,8 % → "70 %" (percent, Swedish spacing); a difference with a decimal comma
    assert re.search(r"70\s%", text)
    assert re.search(r"[+−]\d+,\d procentenheter", text)
    assert (
        f"Inte direkt jämförbara eftersom omgångarna samlades in på olika sätt ({wave.year}: öppen webbenkät, "
        "2019: brev med svarskoder)." in text
    )
    assert "Torget" in text  # the marks at the hot spot, by name
    assert "Svar som ser automatiska ut räknas inte." in text
    assert "very_safe" not in text and "fairly_big" not in text  # no code reaches a Swedish reader


def test_suspects_toggle(app, client, login, supervisor, wave):
    add_responses(app, wave, [respondent("very_unsafe", suspect=True)] * 5)
    login(supervisor.username)
    left_out = text_of(client.get(page(wave)).get_data(as_text=True))
    included = text_of(client.get(page(wave) + "?include_suspect=1").get_data(as_text=True))
    assert "I korthet Svar 46 " in left_out and "Svar som ser automatiska ut räknas inte." in left_out
    assert "I korthet Svar 51 " in included and "Svar som ser automatiska ut är med." in included


def test_a_small_wave_shows_no_figures(app, client, login, supervisor, survey):
    add_responses(app, survey, [respondent("very_safe", "20-34", "woman")] * 4)
    login(supervisor.username)
    text = text_of(client.get(page(survey)).get_data(as_text=True))
    assert "Färre än 10 svar hittills: inga siffror visas ännu." in text


def test_places_page_and_a_candidate_made_a_hot_spot_in_one_submit(app, client, login, supervisor, wave, db):
    login(supervisor.username)
    html = client.get(page(wave, "places")).get_data(as_text=True)
    text = text_of(html)
    assert "Platser mot närvaro" in text and "Föreslagen plats 1" in text and "6 markeringar" in text
    assert "När Dagtid 0, Kväll 6, Natt 0" in text and "Föreslagna heta timmar mån–sön 18:00–23:00" in text
    assert "Radie 50 m" in text and "Vanligaste skälen Dålig belysning (6)" in text
    accept_url = re.search(r'href="(/supervisor/surveys/[^"]+/accept)"', html).group(1)
    form = client.get(accept_url)
    assert form.status_code == 200
    body = form.get_data(as_text=True)
    assert 'value="Plats från enkäten' in body and 'value="18:00"' in body
    token = csrf_token(client, accept_url)
    lat = re.search(r'name="lat"[^>]*value="([^"]+)"', body).group(1)
    lon = re.search(r'name="lon"[^>]*value="([^"]+)"', body).group(1)
    data = {
        "csrf_token": token, "name": "Sporthallens parkering", "description": "", "lat": lat, "lon": lon,
        "radius_m": "120", "priority": "2", "target_visits_per_week": "3", "target_minutes": "15",
        "hot_hours-0-days": [str(d) for d in range(1, 8)], "hot_hours-0-start": "18:00", "hot_hours-0-end": "23:00",
        "active": "y",
    }  # fmt: skip
    response = client.post(accept_url, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    spot = db.session.scalars(select(HotSpot).where(HotSpot.name == "Sporthallens parkering")).one()
    assert spot.radius_m == 120 and spot.target_visits_per_week == 3
    assert response.headers["Location"].endswith(f"/supervisor/hotspots/{spot.id}")
    assert db.session.scalars(select(CandidateDecision)).one().hotspot_id == spot.id
    # no candidate left: its marks are the new hot spot's now
    text = text_of(client.get(page(wave, "places")).get_data(as_text=True))
    assert "Föreslagen plats 1" not in text and "Sporthallens parkering" in text
    assert client.get(accept_url).status_code == 404


def test_dismiss_with_a_reason(app, client, login, supervisor, wave, db):
    login(supervisor.username)
    html = client.get(page(wave, "places")).get_data(as_text=True)
    dismiss_url = re.search(r'action="(/supervisor/surveys/[^"]+/dismiss)"', html).group(1)
    token = csrf_token(client, page(wave, "places"))
    empty = client.post(dismiss_url, data={"csrf_token": token, "reason": "  "})
    assert empty.status_code == 303 and db.session.scalars(select(CandidateDecision)).first() is None
    done = client.post(dismiss_url, data={"csrf_token": token, "reason": "Skolgården, stängd kvällstid"})
    assert done.status_code == 303
    text = text_of(client.get(page(wave, "places")).get_data(as_text=True))
    assert "avfärdad: Skolgården, stängd kvällstid" in text and "Föreslagen plats 1" not in text
    # the form of a place decided meanwhile leads back to the decisions, saying so
    decided = client.get(dismiss_url.replace("/dismiss", "/accept"))
    assert decided.status_code == 303 and decided.headers["Location"].endswith("/places#decided")
    assert "Den föreslagna platsen är redan avgjord." in client.get(decided.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("what", ["results", "places"])
def test_scope(client, login, make_user, make_area, area, wave, officer, admin, what):
    other = make_area("tranemo")
    make_user("supervisor", other, username="stina")
    login("stina")
    assert client.get(page(wave, what)).status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/supervisor/")})
    login(officer.username)
    assert client.get(page(wave, what)).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(admin.username)
    assert client.get(page(wave, what)).status_code == 200
