"""A published promise with its three commitments, made with the models (as a supervisor's pages would leave it),
for the tests of the public pages: what they must show, and the personal data they must never show."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.periods import today_in

# Things only people inside may see: none of them may reach a public page, its JSON, embed, card or feed.
SECRETS = ("Anna", "anna", "Kalle 070-123", "Hemliga platsen", "57.4912", "13.1011", "Lärarens anteckning")


def make_promise(app, area, officer, spots, starts_on: date | None = None, ends_on: date | None = None, **kwargs):
    """A published promise over the year of today (by default) with a presence, an activities and a survey
    commitment, school sessions done in three classes of grades 4–6 and one planned, and dated updates."""
    from fieldlog.activities.models import Activity
    from fieldlog.areas.models import Area
    from fieldlog.promises.models import Commitment, CommitmentUpdate, Promise
    from fieldlog.sync.changes import current_change_seq

    with app.app_context():
        area_row = db.session.get(Area, area.id)
        today = today_in(area_row)
        starts_on = starts_on or date(today.year, 1, 1)
        ends_on = ends_on or date(today.year, 12, 31)
        promise = Promise(
            area_id=area.id,
            title=kwargs.pop("title", f"Medborgarlöfte Svenljunga {starts_on.year}"),
            starts_on=starts_on,
            ends_on=ends_on,
            situation="Invånarna upplever otrygghet på Torget och vid busstationen, särskilt efter mörkrets inbrott.",
            goal="Öka den upplevda tryggheten i Svenljunga kommun.",
            parties="Polisen och Svenljunga kommun",
            published=kwargs.pop("published", True),
        )
        presence = Commitment(
            position=0,
            title="Mer polisnärvaro på otrygga platser",
            kind="presence",
            hotspot_ids=[],
            assessment="on_track",
        )
        sessions = Commitment(
            position=1,
            title="Lektioner om värdegrund och IT-brott i åk 4–6",
            kind="activities",
            activity_types=["school_session"],
            target_count=20,
            reach_target=14,
            assessment="at_risk",
        )
        survey = Commitment(position=2, title="En årlig trygghetsundersökning", kind="survey", assessment="not_started")
        promise.commitments = [presence, sessions, survey]
        db.session.add(promise)
        db.session.flush()
        seq = current_change_seq(db.session)
        when = utcnow() - timedelta(days=3)
        if when.date() < starts_on:
            when = utcnow()
        for school, grade, group in (("Mariaskolan", 4, "4A"), ("Mariaskolan", 5, "5A"), ("Östra skolan", 6, "6B")):
            db.session.add(
                Activity(
                    id=uuid.uuid4(),
                    area_id=area.id,
                    officer_id=officer.id,
                    type="school_session",
                    status="done",
                    starts_at=when,
                    ends_at=when + timedelta(hours=1),
                    school=school,
                    grades=[grade],
                    group=group,
                    participants=24,
                    staff=2,
                    notes="Lärarens anteckning",
                    change_seq=seq,
                )
            )
        db.session.add(
            Activity(
                id=uuid.uuid4(),
                area_id=area.id,
                officer_id=officer.id,
                type="school_session",
                status="planned",
                starts_at=utcnow() + timedelta(days=7),
                school="Östra skolan",
                grades=[6],
                group="6A",
                change_seq=seq,
            )
        )
        db.session.add_all(
            [
                CommitmentUpdate(
                    commitment_id=sessions.id,
                    date=today - timedelta(days=2),
                    text="Vi har besökt Mariaskolan och Östra skolan.",
                    author_id=officer.id,
                ),
                CommitmentUpdate(
                    commitment_id=presence.id, date=today - timedelta(days=20), text="Kvällspass varje fredag."
                ),
            ]
        )
        db.session.commit()
        ids = {"promise": promise.id, "presence": presence.id, "sessions": sessions.id, "survey": survey.id}
    return ids


def svenljunga(app, area, officer, make_hotspot, make_visit):
    """Two hot spots (one public, one not), visits with notes and positions, and the promise."""
    torget = make_hotspot(area, "Torget", public=True, target_visits_per_week=2)
    hidden = make_hotspot(area, "Hemliga platsen", public=False, target_visits_per_week=1)
    start = utcnow() - timedelta(days=2)
    make_visit(torget, officer, start, 12, notes="Kalle 070-123", lat=57.4912, lon=13.1011, accuracy_m=5.0)
    make_visit(torget, officer, start + timedelta(hours=3), 15)
    make_visit(hidden, officer, start, 20, notes="Kalle 070-123")
    return make_promise(app, area, officer, [torget, hidden])
