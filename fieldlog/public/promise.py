"""The area's current published promise as public data (SPEC §8): what the page, the JSON, the embed, the card and
the feed show.

Everything here is data, the same in every language; the words are made where it is shown (``public.texts``).
Nothing of a person reaches it: no officer, author or note; hot spots are named only when ``public``, and the totals
say how many places they include that are not named.

The survey (SPEC §7, §8): only waves that are closed and published, each with its n, the share who feel safe (from
at least MIN_GROUP respondents), how it was asked and whether it compares like for like with the wave before; and
the places residents named in the latest of them — ``public`` hot spots with at least MIN_GROUP marks (suspect
answers left out) — with the presence delivered there since the wave closed (§3's coverage figures). Never a free
text, a position of a mark or a figure of a group.
"""

from __future__ import annotations

import uuid
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from fieldlog import periods
from fieldlog.activities.models import Activity
from fieldlog.areas.models import Area
from fieldlog.coverage import queries
from fieldlog.coverage.services import round1
from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.promises.models import Commitment, CommitmentUpdate, Promise
from fieldlog.promises.progress import progress
from fieldlog.surveys.models import Survey
from fieldlog.surveys.places import places_summary
from fieldlog.surveys.questionnaire import MIN_GROUP
from fieldlog.surveys.results import comparability, headline

# What a presence commitment's progress may carry to the public (per hot spot lists are filtered below).
PRESENCE_FIGURES = (
    "visits",
    "presence_minutes",
    "koper_visits",
    "hot_hour_minutes",
    "target_visits",
    "visit_compliance",
    "from",
    "to",
    "weeks",
)
ACTIVITY_FIGURES = ("done", "planned", "target_count", "groups_reached", "reach_target", "participants")
WAVE_FIGURES = ("year", "state", "responses", "safe_share")
# Survey figures come from at least this many respondents (SPEC §8), else they are not shown; a place residents
# named is shown with at least this many marks. The one rule of suppression, the questionnaire's.
MIN_RESPONDENTS = MIN_GROUP


def current_promise(area: Area, today: date) -> Promise | None:
    """The published promise whose period holds ``today``; else the latest published one; else none."""
    published = select(Promise).where(Promise.area_id == area.id, Promise.published.is_(True))
    running = db.session.scalar(
        published.where(Promise.starts_on <= today, Promise.ends_on >= today).order_by(Promise.starts_on.desc())
    )
    if running is not None:
        return running
    return db.session.scalar(published.order_by(Promise.starts_on.desc(), Promise.ends_on.desc()).limit(1))


def fingerprint(area: Area) -> tuple:
    """What changes when a person changes a published promise of the area (its fields, its commitments, their
    assessments, an update written): the key of the cached public document beside the day. Three small reads."""
    promises = db.session.execute(
        select(Promise.id, Promise.rev, Promise.updated_at, Promise.published)
        .where(Promise.area_id == area.id)
        .order_by(Promise.id)
    ).all()
    if not promises:
        return ()
    ids = [p.id for p in promises]
    commitments = db.session.execute(
        select(Commitment.id, Commitment.assessment, Commitment.updated_at, Commitment.position)
        .where(Commitment.promise_id.in_(ids))
        .order_by(Commitment.id)
    ).all()
    updates = db.session.execute(
        select(func.count(CommitmentUpdate.id), func.max(CommitmentUpdate.created_at))
        .join(Commitment, Commitment.id == CommitmentUpdate.commitment_id)
        .where(Commitment.promise_id.in_(ids))
    ).one()
    # Publishing a survey wave (or changing it) shows at once too.
    surveys = db.session.execute(
        select(Survey.id, Survey.rev, Survey.published, Survey.updated_at)
        .where(Survey.area_id == area.id)
        .order_by(Survey.id)
    ).all()
    return (
        tuple(tuple(p) for p in promises),
        tuple(tuple(c) for c in commitments),
        tuple(updates),
        tuple(tuple(s) for s in surveys),
    )


def _grades(promise: Promise, commitment: Commitment) -> list[int]:
    """The grades the commitment's activities in the period are for (done or planned): "klasser i åk 4–6"."""
    whole = periods.period(promise.starts_on, promise.ends_on, promise.area.timezone)
    rows = db.session.scalars(
        select(Activity.grades).where(
            Activity.area_id == promise.area_id,
            Activity.type.in_([t for t in commitment.activity_types or [] if isinstance(t, str)]),
            Activity.status.in_(("done", "planned")),
            Activity.starts_at >= whole.start,
            Activity.starts_at < whole.end,
            Activity.deleted.is_(False),
        )
    )
    return sorted({g for grades in rows for g in (grades or []) if isinstance(g, int)})


def _presence(figures: dict) -> dict:
    out = {key: figures.get(key) for key in PRESENCE_FIGURES}
    spots = figures.get("hotspots") or []
    named = [s for s in spots if s.get("public")]
    out["hotspots"] = [
        {
            "name": s["name"],
            "visits": s["visits"],
            "presence_minutes": s["presence_minutes"],
            "koper_visits": s["koper_visits"],
            "target_visits": s["target_visits"],
        }
        for s in sorted(named, key=lambda s: s["name"])
    ]
    out["places"] = len(spots)
    out["places_not_named"] = len(spots) - len(named)
    return out


def _published_waves(figures: dict) -> list[tuple[dict, Survey]]:
    """The commitment's waves that are closed and published (only those reach the public), oldest first."""
    ids = []
    for wave in figures.get("waves") or []:
        try:
            ids.append(uuid.UUID(str(wave.get("survey_id"))))
        except ValueError:
            continue
    if not ids:
        return []
    surveys = {
        s.id: s for s in db.session.scalars(select(Survey).where(Survey.id.in_(ids), Survey.published.is_(True)))
    }
    out = [
        (w, surveys[uuid.UUID(str(w["survey_id"]))])
        for w in figures["waves"]
        if _known(w, surveys) and w.get("state") == "closed"
    ]
    return sorted(out, key=lambda pair: pair[1].year)


def _known(wave: dict, surveys: dict) -> bool:
    try:
        return uuid.UUID(str(wave.get("survey_id"))) in surveys
    except ValueError:
        return False


def _named_places(area: Area, survey: Survey, responses: int, as_of: date) -> dict | None:
    """The places residents named in ``survey`` (its results' places: marks snapped to hot spots, suspects left out),
    only ``public`` hot spots with at least MIN_GROUP marks, each with the police presence delivered there from the
    day the wave closed up to ``as_of`` (SPEC §3's coverage figures)."""
    if responses < MIN_RESPONDENTS:
        return None
    spots = places_summary(survey, responses).get("hotspots") or []
    marks = {}
    for s in spots:
        try:
            marks[uuid.UUID(str(s["hotspot_id"]))] = s
        except (KeyError, ValueError):
            continue
    public = {
        h.id: h
        for h in db.session.scalars(
            select(HotSpot).where(
                HotSpot.area_id == area.id,
                HotSpot.public.is_(True),
                HotSpot.deleted.is_(False),  # as the monthly report: only the places on the list today
                HotSpot.id.in_(list(marks)),
            )
        )
    }
    named = [(public[i], s) for i, s in marks.items() if i in public and (s.get("marks") or 0) >= MIN_RESPONDENTS]
    first = survey.closes_at.astimezone(ZoneInfo(area.timezone)).date()
    last = as_of
    delivered: dict = {}
    if named and first <= last:
        for r in queries.bucket_rows(db.session, area.id, area.timezone, [(first, last)], archived=True):
            if r.get("h") is not None:
                delivered[r["h"]] = r
    out = []
    for spot, figures in sorted(named, key=lambda pair: (-(pair[1].get("marks") or 0), pair[0].name)):
        r = delivered.get(spot.id, {})
        out.append(
            {
                "name": spot.name,
                "marks": figures.get("marks") or 0,
                "share": figures.get("share"),
                "visits": int(r.get("visits") or 0),
                "presence_minutes": round1((r.get("presence_sec") or 0) / 60),
                "hot_hour_minutes": round1((r.get("hot_sec") or 0) / 60),
            }
        )
    return {
        "year": survey.year,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "min_marks": MIN_RESPONDENTS,
        "hotspots": out,
    }


def _survey(area: Area, figures: dict, as_of: date) -> dict:
    """The published waves (share who feel safe with n, how each was asked, whether they compare), and the places
    residents named in the latest of them with the presence delivered there since. Every figure from at least
    MIN_RESPONDENTS respondents; no free text."""
    waves = []
    pairs = _published_waves(figures)
    for n, (wave, survey) in enumerate(pairs):
        shown = {key: wave.get(key) for key in WAVE_FIGURES}
        if (wave.get("responses") or 0) < MIN_RESPONDENTS:
            shown["safe_share"] = None
        shown["mode"] = survey.mode
        shown["questionnaire"] = survey.questionnaire
        # Like for like with the wave before (the results' rule: same mode and questionnaire)?
        shown["comparable_with_previous"] = not comparability(survey, pairs[n - 1][1]) if n else None
        waves.append(shown)
    places = None
    if pairs:
        wave, survey = pairs[-1]
        places = _named_places(area, survey, wave.get("responses") or 0, as_of)
    return {
        "waves": waves,
        "comparable": all(w["comparable_with_previous"] is not False for w in waves),
        "places": places,
    }


def survey_results(area: Area) -> list[dict]:
    """The area's published results of closed survey waves, newest first, for the feed: year, when published,
    responses and the share who feel safe (None under MIN_RESPONDENTS)."""
    surveys = list(
        db.session.scalars(
            select(Survey)
            .where(Survey.area_id == area.id, Survey.published.is_(True), Survey.closes_at <= utcnow())
            .order_by(Survey.year.desc(), Survey.id)
        )
    )
    heads = headline(surveys) if surveys else {}
    out = []
    for s in surveys:
        head = heads.get(s.id) or heads.get(str(s.id)) or {}
        responses = head.get("responses") or 0
        out.append(
            {
                "id": uuid.uuid5(s.id, "published-result"),
                "survey_id": s.id,
                "year": s.year,
                "mode": s.mode,
                "created_at": s.updated_at,
                "responses": responses,
                "safe_share": head.get("safe_share") if responses >= MIN_RESPONDENTS else None,
            }
        )
    return out


def public_promise(promise: Promise, as_of: date) -> dict:
    """The promise and its commitments with their progress, assessment and dated updates, as public data."""
    doc = progress(promise, as_of)
    by_id = {c["id"]: c for c in doc["commitments"]}
    commitments = []
    for c in promise.commitments:
        computed = by_id.get(str(c.id), {})
        figures = computed.get("progress") or {}
        if c.kind == "presence":
            shown = _presence(figures)
        elif c.kind == "activities":
            shown = {key: figures.get(key) for key in ACTIVITY_FIGURES}
            shown["activity_types"] = [t for t in c.activity_types or [] if isinstance(t, str)]
            shown["grades"] = _grades(promise, c)
        else:
            shown = _survey(promise.area, figures, as_of)
        commitments.append(
            {
                "id": str(c.id),
                "position": c.position,
                "title": c.title,
                "description": c.description or "",
                "kind": c.kind,
                "assessment": c.assessment,
                "progress": shown,
                "updates": [
                    {"id": str(u.id), "date": u.date.isoformat(), "text": u.text}
                    for u in sorted(c.updates, key=lambda u: (u.date, u.created_at), reverse=True)
                ],
            }
        )
    if as_of < promise.starts_on:
        state = "upcoming"
    elif as_of > promise.ends_on:
        state = "ended"
    else:
        state = "running"
    return {
        "id": str(promise.id),
        "title": promise.title,
        "starts_on": promise.starts_on.isoformat(),
        "ends_on": promise.ends_on.isoformat(),
        "state": state,
        "as_of": doc["as_of"],
        "situation": promise.situation or "",
        "goal": promise.goal or "",
        "parties": promise.parties or "",
        "commitments": commitments,
    }


def feed_entries(area: Area, limit: int = 50) -> list[dict]:
    """The dated updates of the area's published promises, newest first (for the Atom feed)."""
    rows = db.session.execute(
        select(CommitmentUpdate, Commitment.title, Commitment.id, Promise.title, Promise.updated_at)
        .join(Commitment, Commitment.id == CommitmentUpdate.commitment_id)
        .join(Promise, Promise.id == Commitment.promise_id)
        .where(Promise.area_id == area.id, Promise.published.is_(True))
        .order_by(CommitmentUpdate.date.desc(), CommitmentUpdate.created_at.desc(), CommitmentUpdate.id)
        .limit(limit)
    ).all()
    return [
        {
            "id": u.id,
            "date": u.date,
            "text": u.text,
            "created_at": u.created_at,
            "commitment_id": cid,
            "commitment": ctitle,
            "promise": ptitle,
        }
        for u, ctitle, cid, ptitle, _updated in rows
    ]
