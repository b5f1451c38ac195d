"""The supervisor's survey wave pages through the test client, CSRF included, on SQLite and PostgreSQL: the list with
state, responses against target and the address to share; creating and editing a wave with times in the area's zone;
messages naming the fields in Swedish; one wave per year; "changed meanwhile"; who may open them."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldlog.db import utcnow
from fieldlog.surveys.models import Survey, SurveyResponse
from tests.conftest import PASSWORD, csrf_token

LIST = "/supervisor/surveys/"
NEW = "/supervisor/surveys/new"


def form(token: str, **extra) -> dict:
    data = {
        "csrf_token": token,
        "rev": "",
        "year": "2027",
        "title": "Trygghetsundersökning Svenljunga 2027",
        "opens_at": "2027-11-01T00:00",
        "closes_at": "2027-12-01T00:00",
        "mode": "open",
        "target_responses": "600",
        "published": "yes",
    }
    data.update(extra)
    return data


@pytest.fixture
def signed_in(client, login, supervisor):
    login("sven")
    return client


def _waves(db) -> list[Survey]:
    db.session.expire_all()
    return list(db.session.scalars(select(Survey).order_by(Survey.year)))


def test_a_new_wave_is_saved_with_its_times_in_the_areas_zone(signed_in, db, area):
    page = signed_in.get(NEW)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ny undersökning i Svenljunga" in html and "Sverige" in html  # the zone, named as people call it
    response = signed_in.post(NEW, data=form(csrf_token(signed_in, NEW)))
    assert response.status_code == 303 and response.headers["Location"].endswith(LIST)
    (wave,) = _waves(db)
    assert wave.area_id == area.id and wave.year == 2027 and wave.mode == "open" and wave.published is True
    assert wave.target_responses == 600
    # Midnight in Stockholm is 23:00 UTC in November (CET, +01:00).
    assert wave.opens_at == datetime(2027, 10, 31, 23, 0, tzinfo=UTC)
    assert wave.closes_at == datetime(2027, 11, 30, 23, 0, tzinfo=UTC)
    listing = signed_in.get(LIST).get_data(as_text=True)
    assert "Undersökningen ”Trygghetsundersökning Svenljunga 2027” sparades." in listing


def test_the_list_shows_state_responses_target_and_the_links(signed_in, db, area, make_survey):
    wave = make_survey(area, year=2026, target_responses=600)
    make_survey(area, year=2019, opens_at=utcnow() - timedelta(days=400), closes_at=utcnow() - timedelta(days=370))
    for suspect in (False, False, True):
        db.session.add(
            SurveyResponse(id=uuid.uuid4(), survey_id=wave.id, channel="web", suspect=suspect, created_at=utcnow())
        )
    db.session.commit()
    html = signed_in.get(LIST).get_data(as_text=True)
    assert html.index("2026 · ") < html.index("2019 · ")  # the newest first
    assert "öppen" in html and "stängd" in html
    assert "3 av målet 600" in html and "1 ser automatiskt ut" in html
    assert "http://localhost/survey/svenljunga/2026" in html
    assert f'href="/supervisor/surveys/{wave.id}/results"' in html
    assert f'href="/supervisor/surveys/{wave.id}/places"' in html
    assert f'href="/supervisor/surveys/{wave.id}/edit"' in html
    assert re.search(r'<a href="/supervisor/surveys/"\s+aria-current="page">Trygghetsundersökningar</a>', html)


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"title": ""}, "title", "Längden måste vara mellan 1 och 200."),
        ({"year": "tjugo"}, "year", "Inte ett giltigt heltal."),
        ({"opens_at": "1 november"}, "opens_at", "Ange datum och tid"),
        ({"closes_at": "2027-10-01T00:00"}, "closes_at", "Måste vara efter öppningstiden."),
        ({"mode": "alla"}, "mode", "Måste vara en av"),
        ({"target_responses": "-5"}, "target_responses", "Inte ett giltigt heltal."),
    ],
)
def test_a_wrong_field_is_named_in_swedish_and_the_values_kept(signed_in, db, area, extra, field, message):
    response = signed_in.post(NEW, data=form(csrf_token(signed_in, NEW), **extra))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Undersökningen sparades inte." in html
    assert f'href="#{field}"' in html and f'id="{field}-error"' in html
    assert message in html
    assert 'value="Trygghetsundersökning Svenljunga 2027"' in html or field == "title"
    assert _waves(db) == []


def test_one_wave_per_year(signed_in, db, area, make_survey):
    make_survey(area, year=2027)
    response = signed_in.post(NEW, data=form(csrf_token(signed_in, NEW)))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Området har redan en enkät det året" in html and 'href="#year"' in html
    assert len(_waves(db)) == 1


def test_editing_a_wave_with_its_rev_and_a_stale_rev_is_refused(signed_in, db, area, make_survey):
    wave = make_survey(
        area,
        year=2027,
        opens_at=datetime(2027, 10, 31, 23, tzinfo=UTC),
        closes_at=datetime(2027, 11, 30, 23, tzinfo=UTC),
    )
    edit = f"/supervisor/surveys/{wave.id}/edit"
    html = signed_in.get(edit).get_data(as_text=True)
    assert 'value="2027-11-01T00:00"' in html  # shown in the area's zone
    token = csrf_token(signed_in, edit)
    saved = signed_in.post(edit, data=form(token, rev="1", title="Nytt namn", mode="codes"))
    assert saved.status_code == 303
    (stored,) = _waves(db)
    assert (stored.title, stored.mode, stored.rev) == ("Nytt namn", "codes", 2)
    stale = signed_in.post(edit, data=form(token, rev="1", title="Mitt namn"))
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Ändrad under tiden" in html and 'value="Mitt namn"' in html and 'name="rev" value="2"' in html
    assert _waves(db)[0].title == "Nytt namn"


def test_an_admin_works_in_the_area_named(client, login, admin, db, area):
    login("root")
    page = f"{NEW}?area=svenljunga"
    assert client.get(f"{LIST}?area=svenljunga").status_code == 200
    response = client.post(page, data=form(csrf_token(client, page)))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{LIST}?area=svenljunga")
    assert _waves(db)[0].area_id == area.id


def test_officers_may_not_and_another_areas_wave_does_not_exist(
    app, client, login, officer, make_user, area, make_area, make_survey
):
    mine = make_survey(area, year=2027)
    theirs = make_survey(make_area("tranemo", name="Tranemo"), year=2027)
    assert client.get(LIST).status_code == 302  # to the sign-in page
    login("anna")
    for url in (LIST, NEW, f"/supervisor/surveys/{mine.id}/edit"):
        assert client.get(url).status_code == 403, url
    make_user("supervisor", area, username="sven")
    supervisor = app.test_client()
    token = csrf_token(supervisor, "/login")
    supervisor.post("/login", data={"username": "sven", "password": PASSWORD, "csrf_token": token})
    assert supervisor.get(f"/supervisor/surveys/{mine.id}/edit").status_code == 200
    # Tranemo's wave, to a supervisor of Svenljunga: not found, as if it did not exist.
    assert supervisor.get(f"/supervisor/surveys/{theirs.id}/edit").status_code == 404
    edit = f"/supervisor/surveys/{theirs.id}/edit"
    data = form(csrf_token(supervisor, NEW), rev="1", title="Kapad")
    assert supervisor.post(edit, data=data).status_code == 404


def test_a_form_without_its_csrf_token_is_refused(signed_in, db, area):
    data = form("")
    del data["csrf_token"]
    assert signed_in.post(NEW, data=data).status_code == 400
    assert _waves(db) == []
