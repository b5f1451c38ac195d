"""Every route, tried as every kind of caller, against a table written here.

Roles: anonymous; officer and supervisor of the area that holds the records (svenljunga); officer and supervisor
of another area (tranemo); admin. API routes authenticate with a bearer token, pages with a signed-in session.
A route that is not in the table fails the completeness test, so a new endpoint cannot slip in unreviewed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from fieldlog.db import utcnow
from tests.api.survey_results_support import survey_results_world
from tests.fixtures.users import PASSWORD, csrf_token

ROLES = ("anonymous", "officer", "officer_other", "supervisor", "supervisor_other", "admin")
USERNAMES = {
    "officer": "anna",
    "officer_other": "olle",
    "supervisor": "sven",
    "supervisor_other": "stina",
    "admin": "root",
}


@dataclass
class World:
    hotspot_id: str
    visit_id: str
    area_slug: str = "svenljunga"
    other_area_slug: str = "tranemo"
    extra: dict = field(default_factory=dict)


@dataclass
class Case:
    """How to call one route, and what each role must get back."""

    path: str  # may name {hotspot}, {visit}, {area}
    expect: tuple[int, int, int, int, int, int]  # in ROLES order
    json: object = None
    data: dict | None = None  # a form; its CSRF token is added
    headers: dict = field(default_factory=dict)
    page: bool = False  # authenticates with the session, not a token
    sealed: bool = False  # the token goes sealed inside the body (json(world, token)), not in a header
    check: object = None  # check(body, role, world): what the role may see of the answer


def by_role(anonymous, officer, officer_other, supervisor, supervisor_other, admin):
    return (anonymous, officer, officer_other, supervisor, supervisor_other, admin)


NEW_HOTSPOT = {"name": "Nytt ställe", "lat": 57.5, "lon": 13.1}
VISIT_MUTATION_ID = "0b7f2c1e-8a55-4c8e-9a7e-1d2f3a4b5c6d"
NEW_VISIT_ID = "5e0f9d8c-7b6a-4e3d-8c2b-1a0f9e8d7c6b"


ACTIVITY_FORM = {
    "mutation_id": "3c1d6a2e-5f4b-4e8d-9c7a-2b1e0f9d8c7b",
    "type": "school_session",
    "day": (utcnow() + timedelta(days=9)).date().isoformat(),
    "start": "09:00",
    "end": "10:20",
    "school": "Kindbergskolan",
    "grades": ["5"],
    "group": "5B",
}


# The supervisor's wave form as a browser sends it (times in the area's zone).
WAVE_FORM = {
    "year": "2031",
    "title": "Trygghetsundersökning 2031",
    "opens_at": "2031-11-01T00:00",
    "closes_at": "2031-12-01T00:00",
    "mode": "open",
    "target_responses": "",
}


def push_body(world: World) -> dict:
    started = (utcnow() - timedelta(minutes=30)).isoformat()
    ended = (utcnow() - timedelta(minutes=18)).isoformat()
    return {
        "protocol": 1,
        "mutations": [
            {
                "mutation_id": VISIT_MUTATION_ID,
                "type": "visit.upsert",
                "record_id": NEW_VISIT_ID,
                "base_rev": None,
                "data": {"hotspot_id": world.hotspot_id, "started_at": started, "ended_at": ended, "mode": "foot"},
            }
        ],
    }


def sealed_push_body(world: World, token: str | None) -> dict:
    from fieldlog.sync.sealed import public_config
    from tests.api.sealed_support import seal

    [mutation] = push_body(world)["mutations"]
    return {"protocol": 1, "envelopes": [seal(public_config(), token or "no-such-token", mutation)]}


def only_people_of_the_area_push_there(body, role, world):
    # A supervisor on patrol logs visits too; an admin belongs to no area.
    status = body["results"][0]["status"]
    assert status == ("applied" if role in ("officer", "supervisor") else "rejected"), body


def pull_shows_only_own_area_and_visits(body, role, world):
    ids = {c["id"] for c in body["changes"]}
    assert (world.hotspot_id in ids) == (role in ("officer", "supervisor")), body
    assert (world.visit_id in ids) == (role == "officer"), body


def surveys_only_own_area(body, role, world):
    ids = {s["id"] for s in body["surveys"]}
    assert (str(world.extra["survey"]) in ids) == (role in ("officer", "supervisor", "admin")), body


def status_shows_only_own_area(body, role, world):
    text = str(body)
    assert (world.hotspot_id in text) == (role in ("officer", "supervisor", "admin")), body


ROUTES: dict[tuple[str, str], Case] = {
    ("GET", "/healthz"): Case("/healthz", by_role(200, 200, 200, 200, 200, 200)),
    ("GET", "/favicon.ico"): Case("/favicon.ico", by_role(200, 200, 200, 200, 200, 200)),
    # Prometheus metrics: only with FIELDLOG_METRICS_TOKEN (unset here: no such page; tests/ops covers the token).
    ("GET", "/metrics"): Case("/metrics", by_role(404, 404, 404, 404, 404, 404)),
    # Authentication
    ("POST", "/api/v1/auth/token"): Case(
        "/api/v1/auth/token",
        by_role(201, 201, 201, 201, 201, 201),
        json={"username": "anna", "password": PASSWORD, "device_name": "matrix"},
    ),
    ("DELETE", "/api/v1/auth/token"): Case("/api/v1/auth/token", by_role(401, 204, 204, 204, 204, 204)),
    ("GET", "/api/v1/me"): Case("/api/v1/me", by_role(401, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/me/device"): Case("/api/v1/me/device", by_role(401, 200, 200, 200, 200, 200)),
    ("PATCH", "/api/v1/me/device"): Case(
        "/api/v1/me/device", by_role(401, 200, 200, 200, 200, 200), json={"name": "Chrome på Android (Pixel 7)"}
    ),
    ("GET", "/api/v1/openapi.json"): Case("/api/v1/openapi.json", by_role(200, 200, 200, 200, 200, 200)),
    # Hot spots
    ("GET", "/api/v1/hotspots"): Case("/api/v1/hotspots", by_role(401, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/hotspots"): Case(
        # An admin must name the area: 400 without it (tested with it in test_hotspots).
        "/api/v1/hotspots",
        by_role(401, 403, 403, 201, 201, 400),
        json=NEW_HOTSPOT,
    ),
    ("GET", "/api/v1/hotspots/<uuid:hotspot_id>"): Case(
        "/api/v1/hotspots/{hotspot}", by_role(401, 200, 404, 200, 404, 200)
    ),
    ("PATCH", "/api/v1/hotspots/<uuid:hotspot_id>"): Case(
        "/api/v1/hotspots/{hotspot}",
        by_role(401, 403, 403, 200, 404, 200),
        json={"priority": 1},
        headers={"If-Match": '"1"'},
    ),
    ("DELETE", "/api/v1/hotspots/<uuid:hotspot_id>"): Case(
        "/api/v1/hotspots/{hotspot}", by_role(401, 403, 403, 204, 404, 204), headers={"If-Match": '"1"'}
    ),
    # Sync: anyone with a token may push and pull, but only into and out of their own area and visits.
    ("POST", "/api/v1/sync/push"): Case(
        "/api/v1/sync/push",
        by_role(401, 200, 200, 200, 200, 200),
        json=push_body,
        check=only_people_of_the_area_push_there,
    ),
    # The same push from a locked phone: the token sealed inside each envelope (anonymous: a token that is none).
    ("POST", "/api/v1/sync/sealed"): Case(
        "/api/v1/sync/sealed",
        by_role(401, 200, 200, 200, 200, 200),
        json=sealed_push_body,
        sealed=True,
        check=only_people_of_the_area_push_there,
    ),
    ("GET", "/api/v1/sync/pull"): Case(
        "/api/v1/sync/pull", by_role(401, 200, 200, 200, 200, 200), check=pull_shows_only_own_area_and_visits
    ),
    ("GET", "/api/v1/hotspots/status"): Case(
        "/api/v1/hotspots/status", by_role(401, 200, 200, 200, 200, 200), check=status_shows_only_own_area
    ),
    # Pages
    # Supervisors and admins are sent on to their dashboard.
    ("GET", "/"): Case("/", by_role(302, 200, 200, 302, 302, 302), page=True),
    ("GET", "/login"): Case("/login", by_role(200, 302, 302, 302, 302, 302), page=True),
    ("POST", "/login"): Case(
        "/login", by_role(302, 302, 302, 302, 302, 302), data={"username": "anna", "password": PASSWORD}, page=True
    ),
    ("POST", "/logout"): Case("/logout", by_role(302, 302, 302, 302, 302, 302), data={}, page=True),
    ("POST", "/locale"): Case("/locale", by_role(302, 302, 302, 302, 302, 302), data={"locale": "en"}, page=True),
    # Coverage and visits for supervisors (API)
    ("GET", "/api/v1/coverage"): Case("/api/v1/coverage?area={area}", by_role(401, 403, 403, 200, 403, 200)),
    ("GET", "/api/v1/coverage/<uuid:hotspot_id>/grid"): Case(
        "/api/v1/coverage/{hotspot}/grid", by_role(401, 403, 403, 200, 404, 200)
    ),
    ("GET", "/api/v1/visits"): Case("/api/v1/visits", by_role(401, 403, 403, 200, 200, 200)),
    ("POST", "/api/v1/visits/<uuid:visit_id>/flag"): Case(
        "/api/v1/visits/{visit}/flag", by_role(401, 403, 403, 200, 404, 200), json={"comment": "Kolla tiden"}
    ),
    ("DELETE", "/api/v1/visits/<uuid:visit_id>/flag"): Case(
        "/api/v1/visits/{visit}/flag", by_role(401, 403, 403, 204, 404, 204)
    ),
    ("GET", "/api/v1/visits.csv"): Case("/api/v1/visits.csv?area={area}", by_role(401, 403, 403, 200, 403, 200)),
    ("GET", "/api/v1/visits.geojson"): Case(
        "/api/v1/visits.geojson?area={area}", by_role(401, 403, 403, 200, 403, 200)
    ),
    # Public report (the area publishes it)
    ("GET", "/public/<slug>"): Case("/public/{area}", by_role(200, 200, 200, 200, 200, 200)),
    ("GET", "/public/<slug>.json"): Case("/public/{area}.json", by_role(200, 200, 200, 200, 200, 200)),
    ("GET", "/public/<slug>/embed"): Case("/public/{area}/embed", by_role(200, 200, 200, 200, 200, 200)),
    ("GET", "/public/<slug>/card.png"): Case("/public/{area}/card.png", by_role(200, 200, 200, 200, 200, 200)),
    ("GET", "/public/<slug>/feed.atom"): Case("/public/{area}/feed.atom", by_role(200, 200, 200, 200, 200, 200)),
    # Supervisor and admin pages
    ("GET", "/supervisor/"): Case("/supervisor/", by_role(302, 403, 403, 200, 200, 200), page=True),
    ("GET", "/supervisor/hotspots/<uuid:hotspot_id>"): Case(
        "/supervisor/hotspots/{hotspot}", by_role(302, 403, 403, 200, 404, 200), page=True
    ),
    ("GET", "/supervisor/hotspots/<uuid:hotspot_id>/edit"): Case(
        "/supervisor/hotspots/{hotspot}/edit", by_role(302, 403, 403, 200, 404, 200), page=True
    ),
    ("POST", "/supervisor/hotspots/<uuid:hotspot_id>/edit"): Case(
        "/supervisor/hotspots/{hotspot}/edit",
        by_role(302, 403, 403, 302, 404, 302),
        data={
            "rev": "1",
            "name": "Torget",
            "lat": "57.5",
            "lon": "13.1",
            "radius_m": "150",
            "priority": "1",
            "target_minutes": "15",
            "active": "y",
        },
        page=True,
    ),
    ("GET", "/supervisor/hotspots/new"): Case(
        "/supervisor/hotspots/new", by_role(302, 403, 403, 200, 200, 200), page=True
    ),
    ("POST", "/supervisor/hotspots/new"): Case(
        "/supervisor/hotspots/new",
        by_role(302, 403, 403, 302, 302, 302),
        data={
            "name": "Nytt ställe",
            "lat": "57.5",
            "lon": "13.1",
            "radius_m": "150",
            "priority": "2",
            "target_minutes": "15",
            "active": "y",
        },
        page=True,
    ),
    ("POST", "/supervisor/hotspots/<uuid:hotspot_id>/archive"): Case(
        "/supervisor/hotspots/{hotspot}/archive", by_role(302, 403, 403, 303, 404, 303), data={"rev": "1"}, page=True
    ),
    ("GET", "/supervisor/visits"): Case("/supervisor/visits", by_role(302, 403, 403, 200, 200, 200), page=True),
    ("GET", "/supervisor/visits/<uuid:visit_id>"): Case(
        "/supervisor/visits/{visit}", by_role(302, 403, 403, 200, 404, 200), page=True
    ),
    ("POST", "/supervisor/visits/<uuid:visit_id>/flag"): Case(
        "/supervisor/visits/{visit}/flag", by_role(302, 403, 403, 303, 404, 303), data={"comment": "Kolla"}, page=True
    ),
    ("POST", "/supervisor/visits/<uuid:visit_id>/unflag"): Case(
        "/supervisor/visits/{visit}/unflag", by_role(302, 403, 403, 303, 404, 303), data={}, page=True
    ),
    ("GET", "/supervisor/export/visits.csv"): Case(
        "/supervisor/export/visits.csv", by_role(302, 403, 403, 200, 200, 200), page=True
    ),
    ("GET", "/supervisor/export/visits.geojson"): Case(
        "/supervisor/export/visits.geojson", by_role(302, 403, 403, 200, 200, 200), page=True
    ),
    ("GET", "/supervisor/export/visits.xlsx"): Case(
        "/supervisor/export/visits.xlsx", by_role(302, 403, 403, 200, 200, 200), page=True
    ),
    ("GET", "/supervisor/export/coverage.xlsx"): Case(
        "/supervisor/export/coverage.xlsx", by_role(302, 403, 403, 200, 200, 200), page=True
    ),
    ("GET", "/supervisor/report"): Case("/supervisor/report", by_role(302, 403, 403, 200, 200, 200), page=True),
    ("GET", "/supervisor/audit"): Case("/supervisor/audit", by_role(302, 403, 403, 200, 200, 200), page=True),
    ("GET", "/supervisor/people"): Case("/supervisor/people", by_role(302, 403, 403, 200, 200, 200), page=True),
    ("POST", "/supervisor/people"): Case(
        # An admin must choose the area of the new account: 400 without it.
        "/supervisor/people",
        by_role(302, 403, 403, 303, 303, 400),
        data={"username": "ny", "display_name": "Ny", "password": "ett långt lösenord"},
        page=True,
    ),
    ("GET", "/supervisor/people/<int:user_id>"): Case(
        "/supervisor/people/{officer}", by_role(302, 403, 403, 200, 404, 200), page=True
    ),
    ("POST", "/supervisor/people/<int:user_id>/password"): Case(
        "/supervisor/people/{officer}/password",
        by_role(302, 403, 403, 303, 404, 303),
        data={"password": "ett nytt lösenord"},
        page=True,
    ),
    ("POST", "/supervisor/people/<int:user_id>/active"): Case(
        "/supervisor/people/{officer}/active", by_role(302, 403, 403, 303, 404, 303), data={}, page=True
    ),
    ("POST", "/supervisor/devices/<uuid:device_id>/revoke"): Case(
        "/supervisor/devices/{device}/revoke", by_role(302, 403, 403, 303, 404, 303), data={}, page=True
    ),
    ("GET", "/supervisor/areas"): Case("/supervisor/areas", by_role(302, 403, 403, 403, 403, 200), page=True),
    ("POST", "/supervisor/areas"): Case(
        "/supervisor/areas",
        by_role(302, 403, 403, 403, 403, 303),
        data={"slug": "ny", "name": "Ny", "timezone": "Europe/Stockholm"},
        page=True,
    ),
    ("POST", "/supervisor/areas/<int:area_id>/public"): Case(
        "/supervisor/areas/{area_id}/public", by_role(302, 403, 403, 403, 403, 303), data={}, page=True
    ),
    ("POST", "/supervisor/areas/<int:area_id>/embed"): Case(
        "/supervisor/areas/{area_id}/embed",
        by_role(302, 403, 403, 403, 403, 303),
        data={"embed_origins": "https://www.svenljunga.se"},
        page=True,
    ),
    # Activities (SPEC §6): supervisors of the area (admin: ?area=); planning is a supervisor's, in their own area.
    ("GET", "/api/v1/activities"): Case("/api/v1/activities", by_role(401, 403, 403, 200, 200, 200)),
    ("GET", "/api/v1/activities.csv"): Case(
        "/api/v1/activities.csv?area={area}", by_role(401, 403, 403, 200, 403, 200)
    ),
    ("GET", "/supervisor/activities/"): Case(
        "/supervisor/activities/", by_role(302, 403, 403, 200, 200, 200), page=True
    ),
    ("GET", "/supervisor/activities/<uuid:activity_id>"): Case(
        "/supervisor/activities/{activity}", by_role(302, 403, 403, 200, 404, 200), page=True
    ),
    ("GET", "/supervisor/activities/new"): Case(
        "/supervisor/activities/new", by_role(302, 403, 403, 200, 200, 403), page=True
    ),
    ("POST", "/supervisor/activities/new"): Case(
        "/supervisor/activities/new", by_role(302, 403, 403, 303, 303, 403), data=ACTIVITY_FORM, page=True
    ),
    # An admin (no area to plan in) and a done or cancelled activity are sent back to the activity, unchanged.
    ("GET", "/supervisor/activities/<uuid:activity_id>/edit"): Case(
        "/supervisor/activities/{activity}/edit", by_role(302, 403, 403, 200, 404, 303), page=True
    ),
    ("POST", "/supervisor/activities/<uuid:activity_id>/edit"): Case(
        "/supervisor/activities/{activity}/edit",
        by_role(302, 403, 403, 303, 404, 303),
        data={**ACTIVITY_FORM, "rev": "1"},
        page=True,
    ),
    ("POST", "/supervisor/activities/<uuid:activity_id>/cancel"): Case(
        "/supervisor/activities/{activity}/cancel", by_role(302, 403, 403, 303, 404, 303), data={}, page=True
    ),
    ("GET", "/supervisor/activities/export.csv"): Case(
        "/supervisor/activities/export.csv", by_role(302, 403, 403, 200, 200, 200), page=True
    ),
    ("GET", "/supervisor/activities/export.xlsx"): Case(
        "/supervisor/activities/export.xlsx", by_role(302, 403, 403, 200, 200, 200), page=True
    ),
    # Promises (SPEC §6): supervisors of the area and admins; a record of another area is not found.
    ("GET", "/api/v1/promises"): Case("/api/v1/promises", by_role(401, 403, 403, 200, 200, 200)),
    ("POST", "/api/v1/promises"): Case(
        # An admin must name the area: 400 without it (tested with it in test_promises_api).
        "/api/v1/promises",
        by_role(401, 403, 403, 201, 201, 400),
        json={"title": "Löfte", "starts_on": "2031-01-01", "ends_on": "2031-12-31"},
    ),
    ("GET", "/api/v1/promises/<uuid:promise_id>"): Case(
        "/api/v1/promises/{promise}", by_role(401, 403, 403, 200, 404, 200)
    ),
    ("PATCH", "/api/v1/promises/<uuid:promise_id>"): Case(
        "/api/v1/promises/{promise}",
        by_role(401, 403, 403, 200, 404, 200),
        json={"title": "Nytt namn"},
        headers={"If-Match": '"1"'},
    ),
    ("DELETE", "/api/v1/promises/<uuid:promise_id>"): Case(
        "/api/v1/promises/{promise}", by_role(401, 403, 403, 204, 404, 204), headers={"If-Match": '"1"'}
    ),
    ("POST", "/api/v1/promises/<uuid:promise_id>/commitments/<uuid:commitment_id>/updates"): Case(
        "/api/v1/promises/{promise}/commitments/{commitment}/updates",
        by_role(401, 403, 403, 201, 404, 201),
        json={"date": "2026-01-02", "text": "Vi har börjat."},
    ),
    ("GET", "/api/v1/promises/<uuid:promise_id>/progress"): Case(
        "/api/v1/promises/{promise}/progress", by_role(401, 403, 403, 200, 404, 200)
    ),
    ("GET", "/supervisor/promises/"): Case("/supervisor/promises/", by_role(302, 403, 403, 200, 200, 200), page=True),
    ("GET", "/supervisor/promises/new"): Case(
        "/supervisor/promises/new", by_role(302, 403, 403, 200, 200, 200), page=True
    ),
    ("POST", "/supervisor/promises/new"): Case(
        "/supervisor/promises/new",
        by_role(302, 403, 403, 303, 303, 303),
        data={"title": "Löfte", "starts_on": "2031-01-01", "ends_on": "2031-12-31", "rows": "0"},
        page=True,
    ),
    ("GET", "/supervisor/promises/<uuid:promise_id>"): Case(
        "/supervisor/promises/{promise}", by_role(302, 403, 403, 200, 404, 200), page=True
    ),
    ("GET", "/supervisor/promises/<uuid:promise_id>/edit"): Case(
        "/supervisor/promises/{promise}/edit", by_role(302, 403, 403, 200, 404, 200), page=True
    ),
    ("POST", "/supervisor/promises/<uuid:promise_id>/edit"): Case(
        "/supervisor/promises/{promise}/edit",
        by_role(302, 403, 403, 303, 404, 303),
        data={"rev": "1", "title": "Nytt namn", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "rows": "0"},
        page=True,
    ),
    ("POST", "/supervisor/promises/<uuid:promise_id>/commitments/<uuid:commitment_id>/assessment"): Case(
        "/supervisor/promises/{promise}/commitments/{commitment}/assessment",
        by_role(302, 403, 403, 303, 404, 303),
        data={"rev": "1", "assessment": "on_track"},
        page=True,
    ),
    ("POST", "/supervisor/promises/<uuid:promise_id>/commitments/<uuid:commitment_id>/updates"): Case(
        "/supervisor/promises/{promise}/commitments/{commitment}/updates",
        by_role(302, 403, 403, 303, 404, 303),
        data={"date": "2026-01-02", "text": "Vi har börjat."},
        page=True,
    ),
    (
        "POST",
        "/supervisor/promises/<uuid:promise_id>/commitments/<uuid:commitment_id>/updates/<uuid:update_id>/delete",
    ): Case(
        "/supervisor/promises/{promise}/commitments/{commitment}/updates/{update}/delete",
        by_role(302, 403, 403, 303, 404, 303),
        data={"confirm": "yes"},
        page=True,
    ),
    ("POST", "/supervisor/promises/<uuid:promise_id>/delete"): Case(
        "/supervisor/promises/{promise}/delete",
        by_role(302, 403, 403, 303, 404, 303),
        data={"rev": "1", "confirm": "yes"},
        page=True,
    ),
    # Survey waves (SPEC §7): supervisors of the area and admins change them; officers read their area's (the kiosk);
    # a wave of another area is not found. Responses are public: no sign-in (each case a new response_id).
    ("GET", "/api/v1/surveys"): Case(
        "/api/v1/surveys",
        by_role(401, 200, 200, 200, 200, 200),
        check=surveys_only_own_area,
    ),
    ("POST", "/api/v1/surveys"): Case(
        # An admin must name the area: 400 without it (tested with it in test_surveys_api).
        "/api/v1/surveys",
        by_role(401, 403, 403, 201, 201, 400),
        json={
            "year": 2031,
            "title": "Trygghetsundersökning 2031",
            "opens_at": "2031-03-01T08:00:00+01:00",
            "closes_at": "2031-03-31T20:00:00+02:00",
        },
    ),
    ("GET", "/api/v1/surveys/<uuid:survey_id>"): Case(
        "/api/v1/surveys/{survey}", by_role(401, 200, 404, 200, 404, 200)
    ),
    ("PATCH", "/api/v1/surveys/<uuid:survey_id>"): Case(
        "/api/v1/surveys/{survey}",
        by_role(401, 403, 403, 200, 404, 200),
        json={"title": "Nytt namn"},
        headers={"If-Match": '"1"'},
    ),
    ("POST", "/api/v1/surveys/<uuid:survey_id>/responses"): Case(
        "/api/v1/surveys/{survey}/responses",
        by_role(201, 201, 201, 201, 201, 201),
        json=lambda world: {"response_id": str(uuid.uuid4()), "answers": {"evening_safety": "fairly_safe"}},
    ),
    # Survey results (SPEC §7): supervisors of the wave's area and admins; another area's wave is not found.
    ("GET", "/api/v1/surveys/<uuid:survey_id>/results"): Case(
        "/api/v1/surveys/{sr_survey}/results", by_role(401, 403, 403, 200, 404, 200)
    ),
    ("GET", "/api/v1/surveys/<uuid:survey_id>/compare"): Case(
        # compared with itself: the supervisor of the area gets as far as the check of "with"
        "/api/v1/surveys/{sr_survey}/compare?with={sr_survey}",
        by_role(401, 403, 403, 400, 404, 400),
    ),
    ("GET", "/api/v1/surveys/<uuid:survey_id>/places"): Case(
        "/api/v1/surveys/{sr_survey}/places", by_role(401, 403, 403, 200, 404, 200)
    ),
    ("POST", "/api/v1/surveys/<uuid:survey_id>/candidates/<cid>/accept"): Case(
        "/api/v1/surveys/{sr_survey}/candidates/{sr_candidate}/accept",
        by_role(401, 403, 403, 201, 404, 201),
        json={"name": "Sporthallen"},
    ),
    ("POST", "/api/v1/surveys/<uuid:survey_id>/candidates/<cid>/dismiss"): Case(
        "/api/v1/surveys/{sr_survey}/candidates/{sr_candidate}/dismiss",
        by_role(401, 403, 403, 204, 404, 204),
        json={"reason": "Privat mark"},
    ),
    ("GET", "/supervisor/surveys/<uuid:survey_id>/results"): Case(
        "/supervisor/surveys/{sr_survey}/results", by_role(302, 403, 403, 200, 404, 200), page=True
    ),
    ("GET", "/supervisor/surveys/<uuid:survey_id>/places"): Case(
        "/supervisor/surveys/{sr_survey}/places", by_role(302, 403, 403, 200, 404, 200), page=True
    ),
    ("GET", "/supervisor/surveys/<uuid:survey_id>/candidates/<cid>/accept"): Case(
        "/supervisor/surveys/{sr_survey}/candidates/{sr_candidate}/accept",
        by_role(302, 403, 403, 200, 404, 200),
        page=True,
    ),
    ("POST", "/supervisor/surveys/<uuid:survey_id>/candidates/<cid>/accept"): Case(
        "/supervisor/surveys/{sr_survey}/candidates/{sr_candidate}/accept",
        by_role(302, 403, 403, 303, 404, 303),
        data={
            "name": "Sporthallen",
            "lat": "57.505",
            "lon": "13.12",
            "radius_m": "100",
            "priority": "2",
            "target_minutes": "15",
            "active": "y",
        },
        page=True,
    ),
    ("POST", "/supervisor/surveys/<uuid:survey_id>/candidates/<cid>/dismiss"): Case(
        "/supervisor/surveys/{sr_survey}/candidates/{sr_candidate}/dismiss",
        by_role(302, 403, 403, 303, 404, 303),
        data={"reason": "Privat mark"},
        page=True,
    ),
    # The respondent's page (SPEC §7): public, no account; the form posts with the CSRF token of the session.
    ("GET", "/survey/<slug>/<int:year>"): Case("/survey/{area}/{survey_year}", by_role(200, 200, 200, 200, 200, 200)),
    ("POST", "/survey/<slug>/<int:year>"): Case(
        "/survey/{area}/{survey_year}",
        by_role(303, 303, 303, 303, 303, 303),
        data={"evening_safety": "fairly_safe"},
        page=True,
    ),
    # An open wave asks for no code: the code form leads back to the questions.
    ("POST", "/survey/<slug>/<int:year>/code"): Case(
        "/survey/{area}/{survey_year}/code", by_role(303, 303, 303, 303, 303, 303), data={"code": "X"}, page=True
    ),
    ("GET", "/survey/<slug>/<int:year>/thanks"): Case(
        "/survey/{area}/{survey_year}/thanks", by_role(200, 200, 200, 200, 200, 200)
    ),
    # The supervisor's wave pages: supervisors of the area and admins; a wave of another area is not found.
    ("GET", "/supervisor/surveys/"): Case("/supervisor/surveys/", by_role(302, 403, 403, 200, 200, 200), page=True),
    ("GET", "/supervisor/surveys/new"): Case(
        "/supervisor/surveys/new", by_role(302, 403, 403, 200, 200, 200), page=True
    ),
    ("POST", "/supervisor/surveys/new"): Case(
        "/supervisor/surveys/new", by_role(302, 403, 403, 303, 303, 303), data=WAVE_FORM, page=True
    ),
    ("GET", "/supervisor/surveys/<uuid:survey_id>/edit"): Case(
        "/supervisor/surveys/{survey}/edit", by_role(302, 403, 403, 200, 404, 200), page=True
    ),
    ("POST", "/supervisor/surveys/<uuid:survey_id>/edit"): Case(
        "/supervisor/surveys/{survey}/edit",
        by_role(302, 403, 403, 303, 404, 303),
        data={**WAVE_FORM, "rev": "1", "year": str(utcnow().year)},
        page=True,
    ),
    # Officer app: a public shell without data (it signs in with a token through the API).
    ("GET", "/app"): Case("/app", by_role(200, 200, 200, 200, 200, 200)),
    ("GET", "/app/manifest.webmanifest"): Case("/app/manifest.webmanifest", by_role(200, 200, 200, 200, 200, 200)),
    ("GET", "/sw.js"): Case("/sw.js", by_role(200, 200, 200, 200, 200, 200)),
}

# Served files, not endpoints with access rules.
UNLISTED_ENDPOINTS = {"static", "vendor.leaflet"}


@pytest.fixture
def world(app, make_area, make_user, make_hotspot, make_visit, make_token) -> World:
    home = make_area("svenljunga", name="Svenljunga", public_report=True)
    other = make_area("tranemo", name="Tranemo")
    officer = make_user("officer", home, username="anna")
    make_user("officer", other, username="olle")
    make_user("supervisor", home, username="sven")
    make_user("supervisor", other, username="stina")
    make_user("admin", None, username="root")
    hotspot = make_hotspot(home, "Torget")
    visit = make_visit(hotspot, officer, started_at=utcnow() - timedelta(hours=2))
    make_token(officer, "matrix phone")
    from fieldlog.auth.models import Device, User
    from fieldlog.extensions import db

    with app.app_context():
        device_id = db.session.scalar(db.select(Device.id).where(Device.user_id == officer.id))
        from fieldlog.activities.models import Activity
        from fieldlog.sync.changes import current_change_seq

        supervisor_id = db.session.scalar(db.select(User.id).where(User.username == "sven"))
        activity = Activity(
            id=uuid.uuid4(),
            area_id=home.id,
            officer_id=supervisor_id,
            type="parents_evening",
            status="planned",
            starts_at=utcnow() + timedelta(days=5),
            change_seq=current_change_seq(db.session),
        )
        db.session.add(activity)
        db.session.commit()
        activity_id = activity.id
        from datetime import date

        from fieldlog.promises.models import Commitment, CommitmentUpdate, Promise

        promise = Promise(area_id=home.id, title="Löfte 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
        commitment = Commitment(title="Närvaro", kind="presence")
        commitment.updates = [CommitmentUpdate(date=date(2026, 1, 1), text="Vi har börjat.")]
        promise.commitments = [commitment]
        db.session.add(promise)
        db.session.commit()
        promise_ids = {"promise": promise.id, "commitment": commitment.id, "update": commitment.updates[0].id}
        from fieldlog.surveys.models import Survey

        wave = Survey(
            area_id=home.id,
            year=utcnow().year,
            title="Trygghetsundersökning",
            opens_at=utcnow() - timedelta(days=3),
            closes_at=utcnow() + timedelta(days=20),
        )
        db.session.add(wave)
        db.session.commit()
        promise_ids["survey"] = wave.id
        promise_ids["survey_year"] = wave.year
    extra = {"officer": officer.id, "device": device_id, "area_id": home.id, "activity": activity_id, **promise_ids}
    extra.update(survey_results_world(app, home))
    return World(hotspot_id=str(hotspot.id), visit_id=str(visit.id), extra=extra)


def call(client, make_token, world: World, method: str, case: Case, role: str):
    path = case.path.format(hotspot=world.hotspot_id, visit=world.visit_id, area=world.area_slug, **world.extra)
    headers = dict(case.headers)
    token = None
    if role != "anonymous":
        if case.page:
            token = csrf_token(client, "/login")
            signed_in = client.post(
                "/login", data={"username": USERNAMES[role], "password": PASSWORD, "csrf_token": token}
            )
            assert signed_in.status_code == 302, f"{role} could not sign in"
        else:
            from fieldlog.auth.models import User
            from fieldlog.extensions import db

            with client.application.app_context():
                user = db.session.scalar(db.select(User).where(User.username == USERNAMES[role]))
            token = make_token(user)
            if not case.sealed:
                headers["Authorization"] = f"Bearer {token}"
    kwargs = {"headers": headers}
    if case.sealed:
        with client.application.app_context():
            kwargs["json"] = case.json(world, token)
    elif case.json is not None:
        kwargs["json"] = case.json(world) if callable(case.json) else case.json
    if case.data is not None:
        form_page = {"anonymous": "/login", "supervisor": "/supervisor/", "supervisor_other": "/supervisor/"}.get(
            role, "/supervisor/" if role == "admin" else "/"
        )
        kwargs["data"] = {**case.data, "csrf_token": csrf_token(client, form_page)}
    return client.open(path, method=method, **kwargs)


CASES = [(method, rule, role) for (method, rule) in ROUTES for role in ROLES]


@pytest.mark.parametrize(("method", "rule", "role"), CASES, ids=[f"{m} {r} as {role}" for m, r, role in CASES])
def test_route_answers_each_role_as_the_table_says(client, make_token, world, method, rule, role):
    case = ROUTES[(method, rule)]
    response = call(client, make_token, world, method, case, role)
    expected = case.expect[ROLES.index(role)]
    assert response.status_code == expected, f"{method} {rule} as {role}: {response.get_data(as_text=True)[:300]}"
    if rule.startswith("/api/") and expected >= 400:
        assert response.get_json()["error"]["code"]
    if case.check is not None and response.status_code < 300:
        case.check(response.get_json(), role, world)


def test_every_route_is_in_the_table(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNLISTED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method, rule.rule) not in ROUTES:
                missing.append(f"{method} {rule.rule}")
    assert missing == [], "routes without an authorisation row: " + ", ".join(missing)
