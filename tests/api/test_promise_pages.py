"""The supervisor's promise pages through the test client, CSRF included, on SQLite and PostgreSQL: list, create and
edit a promise with its commitments, assessments and updates, progress in Swedish sentences, "changed meanwhile",
overlapping periods, scope."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from fieldlog.promises.models import Commitment, CommitmentUpdate, Promise
from tests.conftest import csrf_token, utc

NEW = "/supervisor/promises/new"


def form(token: str, rev="", rows=None, **extra) -> dict:
    data = {
        "csrf_token": token,
        "rev": str(rev),
        "title": "Medborgarlöfte Svenljunga 2026",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "situation": "Många känner sig otrygga vid Torget efter mörkrets inbrott.",
        "goal": "Ökad trygghet i centrala Svenljunga.",
        "parties": "Polisen och Svenljunga kommun",
        "published": "yes",
    }
    rows = rows if rows is not None else []
    data["rows"] = str(len(rows))
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"c-{n}-{key}"] = value
    data.update(extra)
    return data


@pytest.fixture
def spots(make_hotspot, make_visit, area, officer):
    torget = make_hotspot(area, "Torget", target_visits_per_week=7)
    ica = make_hotspot(area, "ICA-området", target_visits_per_week=2)
    make_visit(torget, officer, utc(2026, 3, 2, 19, 0), 12.5)
    make_visit(torget, officer, utc(2026, 3, 3, 19, 0), 20)
    return torget, ica


def _three_rows(torget) -> list[dict]:
    return [
        {
            "title": "Närvaro vid Torget",
            "kind": "presence",
            "hotspot_ids": [str(torget.id)],
            "assessment": "on_track",
            # Fields of another kind in the same row are ignored, not refused.
            "target_count": "9",
        },
        {
            "title": "Lektioner i åk 4–6",
            "kind": "activities",
            "activity_types": ["school_session", "parents_evening"],
            "target_count": "20",
            "reach_target": "14",
        },
        {"title": "Trygghetsundersökning", "kind": "survey"},
        {"title": "", "kind": ""},  # an empty row is skipped
    ]


def _create(client, torget) -> Promise:
    token = csrf_token(client, NEW)
    response = client.post(NEW, data=form(token, rows=_three_rows(torget)))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def test_list_page_and_nav(client, login, supervisor):
    login("sven")
    html = client.get("/supervisor/promises/").get_data(as_text=True)
    assert "Medborgarlöften" in html and "Inga löften ännu." in html
    assert 'href="/supervisor/promises/"' in client.get("/supervisor/").get_data(as_text=True)


def test_pages_need_a_supervisor(client, login, officer):
    login("anna")
    assert client.get("/supervisor/promises/").status_code == 403


def test_create_a_promise_through_the_form(client, login, supervisor, spots, db):
    torget, _ica = spots
    login("sven")
    new_page = client.get(NEW).get_data(as_text=True)
    assert "Nytt löfte i Svenljunga" in new_page and "Skollektion" in new_page and "Torget" in new_page
    location = _create(client, torget)
    promise = db.session.scalars(select(Promise)).one()
    assert location.endswith(f"/supervisor/promises/{promise.id}")
    assert promise.published and promise.title == "Medborgarlöfte Svenljunga 2026"
    kinds = [
        (c.kind, c.title, c.hotspot_ids, c.activity_types, c.target_count, c.reach_target, c.assessment)
        for c in promise.commitments
    ]
    assert kinds == [
        ("presence", "Närvaro vid Torget", [str(torget.id)], [], None, None, "on_track"),
        ("activities", "Lektioner i åk 4–6", [], ["school_session", "parents_evening"], 20, 14, "not_started"),
        ("survey", "Trygghetsundersökning", [], [], None, None, "not_started"),
    ]
    html = client.get(location).get_data(as_text=True)
    assert "Löftet ”Medborgarlöfte Svenljunga 2026” sparades." in html
    # Progress in plain Swedish, decimal comma: 12,5 + 20 minutes at Torget in March.
    assert "Närvarotid: 32,5 minuter" in html
    assert re.search(r"2 besök hittills, mot ett mål på [\d  ,]+ besök så här långt", html)
    assert "0 av 20 aktiviteter genomförda; 0 planerade." in html
    assert "0 av 14 klasser nådda." in html
    assert "Ingen undersökning ännu." in html
    assert "Räknat vid:" in html and "Skollektion, Föräldraträff" in html
    assert "Enligt plan" in html


def test_invalid_form_names_the_fields_in_swedish_and_keeps_the_values(client, login, supervisor, spots, db):
    torget, _ica = spots
    login("sven")
    token = csrf_token(client, NEW)
    rows = _three_rows(torget)
    rows[1]["target_count"] = "tjugo"
    rows[2]["title"] = "x" * 201
    response = client.post(NEW, data=form(token, rows=rows, goal="m" * 1001, ends_on="2025-12-31"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Löftet sparades inte." in html
    assert 'id="goal" name="goal" rows="3" maxlength="1000" aria-invalid="true"' in html
    assert "Längre än högsta längden 1000." in html
    assert 'id="c-1-target_count-error"' in html and 'id="c-2-title-error"' in html
    assert "m" * 1001 in html and "tjugo" in html  # nothing typed is lost
    assert db.session.scalars(select(Promise)).first() is None
    # The period rule, once the fields are right.
    response = client.post(NEW, data=form(token, rows=_three_rows(torget), ends_on="2025-12-31"))
    assert response.status_code == 400
    assert "Får inte vara före löftets första dag." in response.get_data(as_text=True)


def test_csrf_is_required(client, login, supervisor, spots, db):
    login("sven")
    response = client.post(NEW, data=form("not-a-token", rows=_three_rows(spots[0])))
    assert response.status_code == 400
    assert db.session.scalars(select(Promise)).first() is None


def test_edit_changed_meanwhile_keeps_the_users_values(client, login, supervisor, spots, db, app):
    torget, ica = spots
    login("sven")
    location = _create(client, torget)
    promise = db.session.scalars(select(Promise)).one()
    edit = f"{location}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert 'name="rev" value="1"' in page
    token = csrf_token(client, edit)
    ids = [str(c.id) for c in promise.commitments]
    rows = [
        {
            "id": ids[0],
            "title": "Närvaro vid Torget och ICA",
            "kind": "presence",
            "hotspot_ids": [str(torget.id), str(ica.id)],
            "assessment": "at_risk",
        },
        {
            "id": ids[1],
            "title": "Lektioner i åk 4–6",
            "kind": "activities",
            "activity_types": ["school_session"],
            "target_count": "18",
            "reach_target": "14",
            "assessment": "on_track",
        },
        {"id": ids[2], "title": "Trygghetsundersökning", "kind": "survey", "remove": "yes"},
        {"title": "", "kind": ""},
    ]
    # Someone else saves first (rev 1 → 2).
    with app.app_context():
        from fieldlog.extensions import db as _db

        fresh = _db.session.get(Promise, promise.id)
        fresh.goal = "Ett annat mål."
        fresh.rev = 2
        _db.session.commit()
    response = client.post(edit, data=form(token, rev=1, rows=rows, title="Mitt nya namn"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Ändrad under tiden" in html and "nu version 2" in html
    assert 'value="Mitt nya namn"' in html and 'value="Närvaro vid Torget och ICA"' in html
    assert 'name="rev" value="2"' in html
    db.session.expire_all()
    assert db.session.get(Promise, promise.id).title == "Medborgarlöfte Svenljunga 2026"
    # Saving again over the current version works, and keeps the commitments' ids.
    response = client.post(edit, data=form(token, rev=2, rows=rows, title="Mitt nya namn"))
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(Promise, promise.id)
    assert saved.title == "Mitt nya namn" and saved.rev == 3
    assert [str(c.id) for c in saved.commitments] == ids[:2]
    assert saved.commitments[0].hotspot_ids == [str(torget.id), str(ica.id)]
    assert (saved.commitments[1].target_count, saved.commitments[1].assessment) == (18, "on_track")


def test_overlapping_published_promise_is_refused_on_the_form(client, login, supervisor, spots, db):
    torget, _ica = spots
    login("sven")
    _create(client, torget)
    token = csrf_token(client, NEW)
    response = client.post(
        NEW, data=form(token, rows=[], title="Löfte 2027", starts_on="2026-12-01", ends_on="2027-11-30")
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Perioden överlappar det publicerade löftet ”Medborgarlöfte Svenljunga 2026”" in html
    assert 'id="starts_on-error"' in html
    # Not published, it may overlap.
    data = form(token, rows=[], title="Utkast 2027", starts_on="2026-12-01", ends_on="2027-11-30")
    del data["published"]
    assert client.post(NEW, data=data).status_code == 303


def test_assessment_and_updates(client, login, supervisor, spots, db):
    torget, _ica = spots
    login("sven")
    location = _create(client, torget)
    promise = db.session.scalars(select(Promise)).one()
    activities = promise.commitments[1]
    token = csrf_token(client, location)
    url = f"{location}/commitments/{activities.id}"
    response = client.post(f"{url}/assessment", data={"csrf_token": token, "rev": "1", "assessment": "at_risk"})
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bedömningen av ”Lektioner i åk 4–6” är nu: Risk att inte nås." in html
    # A stale rev: not saved, said so.
    response = client.post(f"{url}/assessment", data={"csrf_token": token, "rev": "1", "assessment": "done"})
    assert response.status_code == 409
    assert "Någon ändrade löftet under tiden" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Commitment, activities.id).assessment == "at_risk"
    # Updates: written, shown with a Swedish date, rejected with the field named.
    text = "Vi har besökt alla fem skolor med åk 4–6."
    response = client.post(f"{url}/updates", data={"csrf_token": token, "date": "2026-03-02", "text": text})
    assert response.status_code == 303
    html = client.get(location).get_data(as_text=True)
    assert text in html and "2 mars 2026" in html
    response = client.post(f"{url}/updates", data={"csrf_token": token, "date": "2026-03-02", "text": "x" * 1001})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="update-{activities.id}-text-error">Längden måste vara mellan 1 och 1000.' in html
    response = client.post(f"{url}/updates", data={"csrf_token": token, "date": "2099-01-01", "text": "Sen."})
    assert response.status_code == 400 and "Får inte ligga i framtiden." in response.get_data(as_text=True)
    # Removing one needs the box ticked.
    entry = db.session.scalars(select(CommitmentUpdate)).one()
    remove = f"{url}/updates/{entry.id}/delete"
    assert client.post(remove, data={"csrf_token": token}).status_code == 303
    assert db.session.scalars(select(CommitmentUpdate)).first() is not None
    assert client.post(remove, data={"csrf_token": token, "confirm": "yes"}).status_code == 303
    db.session.expire_all()
    assert db.session.scalars(select(CommitmentUpdate)).first() is None
    # The audit log tells it in Swedish.
    audit = client.get("/supervisor/audit").get_data(as_text=True)
    assert "publicerade en uppdatering om Medborgarlöfte Svenljunga 2026" in audit
    assert "ändrade löftet Medborgarlöfte Svenljunga 2026" in audit


def test_delete_page(client, login, supervisor, spots, db):
    login("sven")
    location = _create(client, spots[0])
    token = csrf_token(client, location)
    assert client.post(f"{location}/delete", data={"csrf_token": token, "rev": "1"}).status_code == 303
    assert db.session.scalars(select(Promise)).first() is not None
    response = client.post(f"{location}/delete", data={"csrf_token": token, "rev": "1", "confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/supervisor/promises/")
    db.session.expire_all()
    assert db.session.scalars(select(Promise)).first() is None
    # Gone, yet the audit log still names it (from what it kept) to the area's supervisor.
    audit = client.get("/supervisor/audit").get_data(as_text=True)
    assert "raderade löftet Medborgarlöfte Svenljunga 2026" in audit
    assert "skapade löftet Medborgarlöfte Svenljunga 2026" in audit


def test_another_areas_promise_is_not_found(client, login, supervisor, make_area, make_user, app):
    other = make_area("tranemo", name="Tranemo")
    with app.app_context():
        from fieldlog.extensions import db as _db

        p = Promise(area_id=other.id, title="Tranemo 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
        _db.session.add(p)
        _db.session.commit()
        pid = p.id
    login("sven")
    assert client.get(f"/supervisor/promises/{pid}").status_code == 404
    assert client.get(f"/supervisor/promises/{pid}/edit").status_code == 404
    assert "Tranemo 2026" not in client.get("/supervisor/promises/").get_data(as_text=True)


def test_admin_chooses_the_area(client, login, admin, area, make_area):
    make_area("tranemo", name="Tranemo")
    login("root")
    html = client.get("/supervisor/promises/?area=tranemo").get_data(as_text=True)
    assert "Tranemo" in html and "/supervisor/promises/new?area=tranemo" in html
    assert client.get("/supervisor/promises/new?area=tranemo").status_code == 200
