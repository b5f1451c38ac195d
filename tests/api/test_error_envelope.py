import pytest

from fieldlog import create_app
from tests.fixtures.app import base_config


def assert_envelope(response, status, code):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]


def test_unknown_api_path_is_json_404(client):
    assert_envelope(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_wrong_method_is_json_405_with_allow(client):
    response = client.put("/api/v1/me")
    assert_envelope(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_non_json_body_is_415(client, area):
    response = client.post("/api/v1/auth/token", data="username=a", content_type="application/x-www-form-urlencoded")
    assert_envelope(response, 415, "unsupported_media_type")


def test_malformed_json_is_400_bad_request(client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert_envelope(response, 400, "bad_request")


def test_json_that_is_not_an_object_is_validation_error(client):
    response = client.post("/api/v1/auth/token", json=[1, 2])
    assert_envelope(response, 400, "validation_error")


def test_oversized_body_is_413(client):
    body = '{"username": "' + "x" * (3 * 1024 * 1024) + '"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert_envelope(response, 413, "payload_too_large")


def test_api_never_redirects_to_sign_in(client):
    response = client.get("/api/v1/hotspots")
    assert_envelope(response, 401, "unauthorized")
    assert "Location" not in response.headers


def test_unexpected_error_is_json_500(app):
    app.testing = False  # let the app handle it as in production

    @app.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/api/v1/_boom")
    assert_envelope(response, 500, "internal_error")
    assert "boom" not in response.get_data(as_text=True)


def unreachable_app(database_url: str, tmp_path):
    """The app configured with a database of the same kind that cannot be reached."""
    if database_url.startswith("postgresql"):
        unreachable = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"
    else:
        unreachable = "sqlite:///" + str(tmp_path / "no-such-folder" / "db.sqlite3")
    app = create_app(base_config(unreachable, str(tmp_path / "instance")))
    app.testing = False
    return app


def test_database_down_is_503(database_url, tmp_path):
    app = unreachable_app(database_url, tmp_path)
    response = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer some-token"})
    assert_envelope(response, 503, "service_unavailable")
    assert response.headers["Retry-After"]


def test_database_down_on_a_page_is_503_in_swedish_or_the_language_asked_for(database_url, tmp_path):
    app = unreachable_app(database_url, tmp_path)
    response = app.test_client().get("/public/svenljunga")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_data(as_text=True) == "Databasen är inte tillgänglig. Inget sparades; försök igen."
    english = app.test_client().get("/public/svenljunga", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.get_data(as_text=True) == "The database is unavailable. Nothing was stored; try again."


def test_database_dropping_the_connection_mid_request_is_503_not_500(app):
    """The connection dies under a request that already used it: even rolling it back then fails (seen in CI under a
    database outage), and the answer must still be 503."""
    import sqlalchemy as sa
    from sqlalchemy.exc import OperationalError

    from fieldlog.extensions import db

    app.testing = False

    @app.get("/api/v1/_dropped")
    def dropped():
        db.session.execute(sa.select(sa.literal(1)))
        connection = db.session.connection().connection.dbapi_connection
        connection.close()  # what the server closing the socket leaves behind
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    response = app.test_client().get("/api/v1/_dropped")
    assert_envelope(response, 503, "service_unavailable")
    assert app.test_client().get("/api/v1/_dropped").status_code == 503  # and the pool recovers


def test_openapi_document_lists_every_api_route(client, app):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = rule.rule.removeprefix("/api/v1")
        for converter in ("uuid:", "int:", "string:", "path:"):
            path = path.replace("<" + converter, "{")
        path = path.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not in the OpenAPI document"


@pytest.mark.parametrize("path", ["/api/v1/me", "/login", "/healthz"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
