"""The officer app's files as the server hands them out: shell, manifest, service worker, Leaflet."""

from __future__ import annotations

import base64
import hashlib
import json
import re


def test_shell_loads_scripts_and_styles_from_files_only_so_the_csp_holds(client):
    response = client.get("/app")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert "<style" not in html and "style=" not in html
    assert '<script type="module" src="/static/js/app.js">' in html
    assert response.headers["Cache-Control"] == "no-cache"


def test_service_worker_is_served_uncached_with_its_version_and_precache_list(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', body).group(1)
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    assert precache[0] == "/app" and "/static/js/app.js" in precache and "/app/manifest.webmanifest" in precache
    assert not any("leaflet" in url for url in precache)
    for url in precache:
        with client.get(url) as file:
            assert file.status_code == 200, url
    assert f'data-version="{version}"' in client.get("/app").get_data(as_text=True)


def test_a_new_app_version_changes_the_service_worker_text(app, client):
    before = client.get("/sw.js").get_data(as_text=True)
    app.config["OFFICER_APP_VERSION"] = "2"
    assert client.get("/sw.js").get_data(as_text=True) != before


def test_manifest_names_the_app_its_start_page_and_icons(client):
    response = client.get("/app/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert (manifest["start_url"], manifest["scope"], manifest["display"], manifest["lang"]) == (
        "/app",
        "/app",
        "standalone",
        "sv",
    )
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes


def test_leaflet_comes_from_the_xstatic_package(client):
    response = client.get("/static/vendor/leaflet/leaflet-src.esm.js")
    assert response.status_code == 200
    assert b"export" in response.data
    assert client.get("/static/vendor/leaflet/../../etc/passwd").status_code == 404


def test_csp_allows_the_configured_tile_host_for_the_map(client):
    csp = client.get("/app").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp


def test_classic_service_worker_has_no_module_import(client):
    """Browsers without module workers register /sw.js?classic=1: the same worker, parseable as a classic script."""
    module = client.get("/sw.js").get_data(as_text=True)
    classic = client.get("/sw.js?classic=1").get_data(as_text=True)
    assert 'import { syncInWorker } from "/static/js/sync.js";' in module
    assert "import " not in classic.split("*/", 1)[1]
    assert "const syncInWorker = null;" in classic


def test_page_only_security_headers_stay_off_static_files_but_not_off_pages_or_the_worker(client):
    """CSP, frame, referrer and permissions policies govern documents and workers, not the scripts they load."""
    with client.get("/static/js/app.js") as script:
        assert script.headers["X-Content-Type-Options"] == "nosniff"
        for page_only in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "Referrer-Policy"):
            assert page_only not in script.headers
    for url in ("/app", "/sw.js", "/app/manifest.webmanifest"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"], url
        assert headers["X-Content-Type-Options"] == "nosniff", url


def test_shell_worker_and_manifest_answer_a_revalidation_with_a_304_until_they_change(app, client):
    """The worker's precache revalidates the shell the page has just loaded, and the browser's update checks the
    worker: while nothing changed they pay only headers. Weak ETags: the same text goes out compressed or not."""
    for url in ("/app", "/sw.js", "/app/manifest.webmanifest"):
        first = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
        etag = first.headers["ETag"]
        assert etag.startswith('W/"'), url
        assert first.headers["Content-Encoding"] == "br"
        assert client.get(url).headers["ETag"] == etag  # plain or compressed: one text
        again = client.get(url, headers={"If-None-Match": etag, "Accept-Encoding": "br"})
        assert (again.status_code, again.get_data()) == (304, b""), url
        assert again.headers["Cache-Control"] == "no-cache"
    worker = client.get("/sw.js").headers["ETag"]
    app.config["OFFICER_APP_VERSION"] = "2"
    changed = client.get("/sw.js", headers={"If-None-Match": worker})
    assert changed.status_code == 200 and changed.headers["ETag"] != worker


def test_the_worker_gets_the_config_its_modules_read_without_the_kiosk_or_the_words_it_never_shows(client):
    html = client.get("/app").get_data(as_text=True)
    page = json.loads(re.search(r"data-config='([^']*)'", html).group(1).replace("&#34;", '"').replace("&#39;", "'"))
    body = client.get("/sw.js").get_data(as_text=True)
    worker = json.loads(re.search(r"globalThis\.FIELDLOG_CONFIG = (\{.*\});\n", body).group(1))
    assert "survey" in page and "survey" not in worker
    assert "labels" in page["activity"] and "labels" not in worker["activity"]
    for kind in ("visit", "activity"):  # outbox.js: wire fields and defaults; the limits too
        assert worker[kind] == {key: value for key, value in page[kind].items() if key != "labels"}
    assert worker["sealed"] == page["sealed"] and worker["timezone"] == page["timezone"]


def test_the_worker_knows_the_integrity_of_every_precached_static_file_as_served(client):
    body = client.get("/sw.js").get_data(as_text=True)
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    integrity = json.loads(re.search(r"const INTEGRITY = (\{.*?\});", body).group(1))
    assert set(integrity) == {url for url in precache if url.startswith("/static/")}
    for url, value in integrity.items():
        with client.get(url, headers={"Accept-Encoding": "identity"}) as response:
            served = response.get_data()
        assert value == "sha256-" + base64.b64encode(hashlib.sha256(served).digest()).decode(), url
