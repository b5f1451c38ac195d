"""The survey's audit entries (SPEC §7; SURVEY.md "Added by survey-fix"): a wave's creation and changes (entity
``survey``) and the decisions on its candidate places (``survey_candidate``, recorded by ``surveys.places`` with the
wave in the entry) reach the supervisors of the wave's area — not those of another area — and read as Swedish
sentences on the audit page, with no raw field name, code or id."""

from __future__ import annotations

import pytest

from fieldlog.audit import services as audit
from tests.api.test_surveys_api import WAVE

CANDIDATE = "3f1c2a9b7d6e5a40"


@pytest.fixture
def waves(app, client, auth, supervisor, admin, area, make_area, make_user, make_hotspot):
    """Sven's wave, created and changed by him, with one candidate place made a hot spot and one dismissed; an
    admin's wave in his area; and Stina's wave in Tranemo with a decision of hers on the same cluster id."""
    created = client.post("/api/v1/surveys", json=WAVE, headers=auth(supervisor)).get_json()
    change = {"closes_at": "2031-04-07T23:59:00+02:00", "mode": "open", "target_responses": 800}
    changed = client.patch(
        f"/api/v1/surveys/{created['id']}", json=change, headers=auth(supervisor, **{"If-Match": '"1"'})
    )
    assert changed.status_code == 200, changed.get_json()
    by_admin = {**WAVE, "year": 2032, "title": "Trygghetsundersökning 2032", "area": area.slug}
    assert client.post("/api/v1/surveys", json=by_admin, headers=auth(admin)).status_code == 201
    stina = make_user("supervisor", make_area("tranemo", name="Tranemo"), username="stina")
    theirs = {**WAVE, "title": "Tranemos enkät"}
    other = client.post("/api/v1/surveys", json=theirs, headers=auth(stina)).get_json()
    spot = make_hotspot(area, "Skolgården")
    with app.app_context():
        from fieldlog.auth.models import User
        from fieldlog.extensions import db

        sven, stina_ = db.session.get(User, supervisor.id), db.session.get(User, stina.id)
        # As surveys.places._decide records them (branch survey-results): the entity id is the cluster's.
        decide = {"survey_id": created["id"], "candidate_id": CANDIDATE}
        audit.record(sven, "survey_candidate", CANDIDATE, "accepted", None, {**decide, "decision": "accepted",
                     "reason": "", "hotspot_id": str(spot.id)})  # fmt: skip
        audit.record(sven, "survey_candidate", "77aa01", "dismissed", None, {**decide, "candidate_id": "77aa01",
                     "decision": "dismissed", "reason": "Idrottsplatsen, redan bevakad"})  # fmt: skip
        audit.record(stina_, "survey_candidate", CANDIDATE, "dismissed", None, {"survey_id": other["id"],
                     "candidate_id": CANDIDATE, "decision": "dismissed", "reason": "Tranemos skäl"})  # fmt: skip
        db.session.commit()
    return {"sven": created["id"], "tranemo": other["id"], "stina": stina}


def visible(app, user) -> list[tuple[str, str, str]]:
    with app.app_context():
        from fieldlog.auth.models import User
        from fieldlog.extensions import db

        rows = audit.entries_visible_to(db.session.get(User, user.id))
        return sorted(
            (row.AuditEntry.entity_type, row.AuditEntry.action, (row.AuditEntry.after or {}).get("title", ""))
            for row in rows
            if row.AuditEntry.entity_type.startswith("survey")
        )


def test_supervisors_see_the_survey_entries_of_their_own_area(app, waves, supervisor):
    assert visible(app, supervisor) == [
        ("survey", "create", "Trygghetsundersökning 2031"),
        ("survey", "create", "Trygghetsundersökning 2032"),  # an admin's wave in the area too
        ("survey", "update", "Trygghetsundersökning 2031"),
        ("survey_candidate", "accepted", ""),
        ("survey_candidate", "dismissed", ""),
    ]
    assert visible(app, waves["stina"]) == [
        ("survey", "create", "Tranemos enkät"),
        ("survey_candidate", "dismissed", ""),
    ]


def test_the_audit_page_tells_the_survey_entries_in_swedish(app, client, login, waves):
    login("sven")
    html = client.get("/supervisor/audit").get_data(as_text=True)
    assert "Sven skapade enkäten Trygghetsundersökning 2031" in html
    assert "Root skapade enkäten Trygghetsundersökning 2032" in html
    assert "Sven ändrade enkäten Trygghetsundersökning 2031" in html
    assert "stänger" in html and "31 mars 2031 23:59" in html and "7 apr. 2031 23:59" in html
    assert "vem som får svara" in html and "de med en kod från ett brev" in html and "alla med länken" in html
    assert "mål för antal svar" in html and "600" in html and "800" in html
    place = "en plats som markerats i enkäten ”Trygghetsundersökning 2031”"
    assert f"Sven gjorde {place} till en hot spot: Skolgården" in html
    assert f"Sven avfärdade {place}: ”Idrottsplatsen, redan bevakad”" in html
    assert "Tranemo" not in html
    raw = ("survey_candidate", "accepted", "dismissed", "core-1", "closes_at", "target_responses", "codes")
    for text in (*raw, waves["sven"], CANDIDATE, "77aa01", "annat"):
        assert text not in html, text


def test_a_candidate_entry_naming_no_wave_of_the_area_is_not_shown_and_reads_as_words(app, supervisor, admin):
    with app.test_request_context("/supervisor/audit"):
        from flask_babel import force_locale

        from fieldlog.auth.models import User
        from fieldlog.extensions import db
        from fieldlog.supervisor.audit_text import describe

        sven = db.session.get(User, supervisor.id)
        audit.record(sven, "survey_candidate", CANDIDATE, "dismissed", None, {"survey_id": "no-such-wave"})
        db.session.commit()
        assert audit.entries_visible_to(sven) == []
        with force_locale("sv"):
            [entry] = describe(audit.entries_visible_to(db.session.get(User, admin.id)))
        assert entry.sentence == "Sven avfärdade en plats som markerats i en enkät" and entry.changes == []
