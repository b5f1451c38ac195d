"""Schema-driven fuzzing of every endpoint of /api/v1/openapi.json, in-process through the WSGI app, with a
supervisor's bearer token: no input may cause a server error (SPEC §5, "bad input").

The document is the one the app serves (built here once, at collection, by the same code); each case is sent to the
test's own app. (schemathesis.pytest.from_fixture does not work with pytest 9, hence no lazy loading.)
"""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from fieldlog import create_app


def _document() -> dict:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "openapi", "INSTANCE_PATH": instance})
        response = app.test_client().get("/api/v1/openapi.json")
        assert response.status_code == 200
        return response.get_json()


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture
def bearer(make_token, supervisor, hotspot):
    """A fresh token per case: the fuzzer may well sign its token out (DELETE /auth/token)."""
    return lambda: make_token(supervisor)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, app, bearer):
    response = case.call(app=app, base_url="/api/v1", headers={"Authorization": f"Bearer {bearer()}"})
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:500])
