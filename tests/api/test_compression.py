"""Compressed answers from the app alone (issue 14): static files by WhiteNoise, pages and JSON gzipped on the fly —
never a page with a session's secret, never a tiny answer, and every answer still correct once decompressed."""

from __future__ import annotations

import gzip
import hashlib
import json
import re

import brotli

from fieldlog import compression, static_files
from tests.api.sync_support import push, upsert, visit_data
from tests.conftest import PASSWORD


def test_static_files_come_compressed_as_the_client_accepts_and_the_same_once_decompressed(client, app):
    with client.get("/static/js/app.js") as plain:
        source = plain.get_data()
        assert "Content-Encoding" not in plain.headers
    with client.get("/static/js/app.js", headers={"Accept-Encoding": "gzip"}) as zipped:
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.get_data()) == source
    with client.get("/static/js/app.js", headers={"Accept-Encoding": "gzip, deflate, br, zstd"}) as best:
        assert best.headers["Content-Encoding"] == "br"
        assert brotli.decompress(best.get_data()) == source
        assert len(best.get_data()) < len(source) / 2
    for response in (plain, zipped, best):
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in response.headers
        assert "Access-Control-Allow-Origin" not in response.headers
    with open(app.static_folder + "/js/app.js", "rb") as f:
        assert source == static_files.minified("js/app.js", f.read())


def test_content_hashed_names_are_cached_for_good_and_plain_names_revalidated(client, app):
    html = client.get("/app").get_data(as_text=True)
    style = re.search(r'<link rel="stylesheet" href="(/static/css/officer\.([0-9a-f]{12})\.css)">', html)
    assert style, "the shell links its style sheet by a content-hashed name"
    with client.get(style.group(1)) as hashed:
        assert hashed.status_code == 200
        assert "immutable" in hashed.headers["Cache-Control"]
        body = hashed.get_data()
    with client.get("/static/css/officer.css") as plain:
        assert plain.headers["Cache-Control"] == "no-cache"
        assert plain.get_data() == body
    # A change to the file changes its name: the hash is the content's.
    assert hashlib.sha256(body).hexdigest()[:12] == style.group(2)
    # JavaScript modules keep their names (they import each other by relative URL).
    assert '<script type="module" src="/static/js/app.js">' in html


def test_revalidation_of_a_static_file_is_a_304(client):
    with client.get("/static/js/sync.js") as first:
        etag = first.headers["ETag"]
    with client.get("/static/js/sync.js", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


def test_officer_shell_and_worker_are_gzipped_when_accepted(client):
    for url in ("/app", "/sw.js"):
        plain = client.get(url)
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in plain.headers
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in zipped.headers["Vary"]
        assert gzip.decompress(zipped.get_data()) == plain.get_data()
        # The security headers are still there.
        assert "script-src 'self'" in zipped.headers["Content-Security-Policy"]


def test_public_report_is_gzipped_and_stays_cookieless(client, area):
    response = client.get("/public/svenljunga", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "<html" in gzip.decompress(response.get_data()).decode()


def test_pages_of_a_signed_in_session_are_not_compressed(client, area, supervisor, login):
    """BREACH: a page that carries the CSRF token beside text a user typed is sent as it is."""
    login("sven", PASSWORD)
    response = client.get("/supervisor/", headers={"Accept-Encoding": "gzip"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_small_api_answers_go_plain_and_large_ones_gzipped(client, officer, hotspot, auth):
    headers = auth(officer, **{"Accept-Encoding": "gzip"})
    response = push(client, headers, upsert(data=visit_data(hotspot)))
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["results"][0]["status"] == "applied"
    many = push(client, headers, *(upsert(data=visit_data(hotspot)) for _ in range(20)))
    assert many.headers["Content-Encoding"] == "gzip"
    results = json.loads(gzip.decompress(many.get_data()))["results"]
    assert [r["status"] for r in results] == ["applied"] * 20


def test_the_token_answer_is_never_compressed(client, officer, monkeypatch):
    """Its secret sits beside the username the client sent: even at any size, it goes plain."""
    monkeypatch.setattr(compression, "MIN_SIZE", 0)
    headers = {"Accept-Encoding": "gzip"}
    response = client.post(
        "/api/v1/auth/token", json={"username": "anna", "password": PASSWORD, "device_name": "telefon"}, headers=headers
    )
    assert response.status_code in (200, 201)
    assert "Content-Encoding" not in response.headers
    token = response.get_json()["token"]
    # The same small size elsewhere in the API is compressed: only the token's answer is kept plain.
    other = client.get("/api/v1/sync/pull", headers={**headers, "Authorization": f"Bearer {token}"})
    assert other.headers["Content-Encoding"] == "gzip"


def test_every_endpoint_the_header_rules_name_exists(app):
    """The rules name endpoints by name: a renamed endpoint (nesting a blueprint renames every route in it) would
    silently fall out of them — the token answer was gzipped once that way."""
    from fieldlog import security

    named = compression.NEVER | compression.NO_SECRET_PAGES | security.NUL_CHECKED_BY_ENDPOINT
    assert named - set(app.view_functions) == set()


def test_officer_shell_worker_and_manifest_go_in_brotli_when_accepted_and_the_same_once_decompressed(client):
    for url in ("/app", "/sw.js", "/sw.js?classic=1", "/app/manifest.webmanifest"):
        plain = client.get(url).get_data()
        for _ in range(2):  # compressed once, then answered from memory: the same bytes
            best = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
            assert best.headers["Content-Encoding"] == "br", url
            assert "Accept-Encoding" in best.headers["Vary"]
            assert brotli.decompress(best.get_data()) == plain
        assert len(best.get_data()) < len(gzip.compress(plain, compression.LEVEL))
        refused = client.get(url, headers={"Accept-Encoding": "br;q=0, gzip"})
        assert refused.headers["Content-Encoding"] == "gzip"


def test_answers_made_per_request_stay_gzip_even_where_brotli_is_accepted(client, officer, hotspot, auth):
    headers = auth(officer, **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    many = push(client, headers, *(upsert(data=visit_data(hotspot)) for _ in range(20)))
    assert many.headers["Content-Encoding"] == "gzip"
    assert [r["status"] for r in json.loads(gzip.decompress(many.get_data()))["results"]] == ["applied"] * 20
