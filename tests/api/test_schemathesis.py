"""Schema-driven fuzzing of every endpoint of /api/v1/openapi.json, in-process through the WSGI app, authenticated
as each role (officer, supervisor, admin): no input may cause a server error (SPEC §5, "bad input").

The document is the one the app serves (built here once, at collection, by the same code); each case is sent to the
test's own app. (schemathesis.pytest.from_fixture does not work with pytest 9, hence no lazy loading.) Path
parameters that name a hot spot are, for half the cases, the id of a real one of the area, so that the fuzzer gets
past "not found" into the handlers. FIELDLOG_FUZZ_EXAMPLES sets the examples per endpoint and role (default 25;
a larger run: FIELDLOG_FUZZ_EXAMPLES=1000).
"""

from __future__ import annotations

import os
import tempfile
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from fieldlog import create_app

EXAMPLES = int(os.environ.get("FIELDLOG_FUZZ_EXAMPLES", "25"))


def _document() -> dict:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "openapi", "INSTANCE_PATH": instance})
        response = app.test_client().get("/api/v1/openapi.json")
        assert response.status_code == 200
        return response.get_json()


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture(params=["officer", "supervisor", "admin"])
def caller(request, make_token, make_user, area, make_hotspot, make_visit, app):
    """A role's fresh token per case (the fuzzer may well sign its token out: DELETE /auth/token), and the id of a
    real hot spot of the area with a visit of its officer, of a promise of the area with one commitment, and of an open
    survey wave of the area."""
    officer = make_user("officer", area, username="anna")
    user = (
        officer if request.param == "officer" else make_user(request.param, area if request.param != "admin" else None)
    )
    spot = make_hotspot(area)
    make_visit(spot, officer)
    return (lambda: make_token(user)), str(spot.id), {**_promise(app, area, spot), **_survey(app, area)}


def _promise(app, area, spot) -> dict:
    """A promise of the area with a commitment, for the cases that name one (its id and its commitment's)."""
    from datetime import date

    from fieldlog.extensions import db
    from fieldlog.promises.models import Commitment, Promise

    with app.app_context():
        promise = Promise(area_id=area.id, title="Löfte", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
        promise.commitments = [Commitment(title="Närvaro", kind="presence", hotspot_ids=[str(spot.id)])]
        db.session.add(promise)
        db.session.commit()
        return {"promise_id": str(promise.id), "commitment_id": str(promise.commitments[0].id)}


def _survey(app, area) -> dict:
    """An open survey wave of the area, for the cases that name one."""
    from datetime import timedelta

    from fieldlog.db import utcnow
    from fieldlog.extensions import db
    from fieldlog.surveys.models import Survey

    with app.app_context():
        now = utcnow()
        survey = Survey(
            area_id=area.id,
            year=now.year,
            title="Enkät",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=9),
        )
        db.session.add(survey)
        db.session.commit()
        return {"survey_id": str(survey.id)}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, app, caller):
    token, hotspot_id, promise = caller
    # Deterministic per case (hypothesis replays it the same way): half the cases name the real hot spot.
    seed = zlib.crc32(repr((case.path_parameters, case.body, case.query)).encode("utf-8", "replace"))
    if case.path_parameters and "hotspot_id" in case.path_parameters and seed % 2:
        case.path_parameters["hotspot_id"] = hotspot_id
    if case.path_parameters and "survey_id" in case.path_parameters and seed % 2:
        case.path_parameters["survey_id"] = promise["survey_id"]
    if case.path_parameters and "promise_id" in case.path_parameters and seed % 2:
        case.path_parameters.update({k: v for k, v in promise.items() if k in case.path_parameters})
    response = case.call(app=app, base_url="/api/v1", headers={"Authorization": f"Bearer {token()}"})
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:500])
