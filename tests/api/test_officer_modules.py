"""The officer app's modules and what the server tells it: one list of modules, one declaration of the visit."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fieldlog.officer.shell import PRELOAD_MODULES, SHELL_MODULES, STATIC, SW_SOURCE
from fieldlog.visits.models import ACTIVITIES, ENTRIES, MODES, OBSERVATIONS
from fieldlog.visits.schemas import VisitInputSchema

# Static imports and re-exports (`import … from "./x.js"`, `export … from "./x.js"`, `import "./x.js"`) and dynamic
# `import("./x.js")`; the map library (static/vendor) loads on demand and is not the shell's.
IMPORT = re.compile(
    r"""(?:\bimport\s*(?:[\w*{}\s,]+?\s*from\s*)?|\bexport\s*[\w*{}\s,]+?\s*from\s*|\bimport\s*\(\s*)["']([^"']+)["']"""
)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, directly or through others, as paths relative to static/."""
    seen: set[str] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        for spec in IMPORT.findall(current.read_text(encoding="utf-8")):
            if spec.startswith("/static/"):
                target = STATIC / spec.removeprefix("/static/")
            elif spec.startswith("."):
                target = (current.parent / spec).resolve()
            else:
                raise AssertionError(f"{current}: bare import {spec!r} (the app has no build step)")
            name = target.relative_to(STATIC).as_posix()
            if name.startswith("vendor/"):
                continue
            assert target.is_file(), f"{current} imports {spec}, which does not exist"
            if name not in seen:
                seen.add(name)
                todo.append(target)
    return seen


def test_every_module_the_app_and_its_worker_import_is_in_the_one_list_and_precached(client):
    modules = imported(STATIC / "js" / "app.js") | imported(SW_SOURCE)
    assert {"js/views/visit.js", "js/api.js", "js/session.js", "js/config.js", "js/sync.js"} <= modules
    assert modules <= set(SHELL_MODULES)
    body = client.get("/sw.js").get_data(as_text=True)
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    assert {f"/static/{name}" for name in modules} <= set(precache)
    html = client.get("/app").get_data(as_text=True)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/static/([^"]+)">', html))
    assert preloaded == set(PRELOAD_MODULES)
    # What the first view needs is preloaded; views loaded on first use are not (but are precached, above).
    assert {"js/views/hotspots.js", "js/views/signin.js", "js/sync.js", "js/config.js"} <= preloaded
    assert "js/views/map.js" not in preloaded


def test_the_module_list_is_the_files_on_disk_so_a_new_view_needs_no_other_edit():
    on_disk = {p.relative_to(STATIC).as_posix() for p in (STATIC / "js").rglob("*.js")}
    assert set(SHELL_MODULES) == {name for name in on_disk if not name.startswith("js/supervisor/")}
    assert SHELL_MODULES[0] == "js/app.js"


def served_config(client) -> dict:
    html = client.get("/app").get_data(as_text=True)
    raw = re.search(r"data-config='([^']*)'", html).group(1)
    return json.loads(raw.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&"))


def test_the_shell_serves_the_visit_as_the_server_declares_it(client):
    """The outbox's wire fields, defaults and the code lists are the schema's and the model's — not the app's."""
    visit = served_config(client)["visit"]
    schema = VisitInputSchema()
    assert visit["fields"] == list(schema.load_fields)
    assert set(visit["defaults"]) == {name for name, f in schema.load_fields.items() if not f.required}
    assert visit["codes"] == {
        "mode": list(MODES),
        "observations": list(OBSERVATIONS),
        "activities": list(ACTIVITIES),
        "entry": list(ENTRIES),
    }
    assert visit["bounds"] == {
        "officers": {"min": 1, "max": 20},
        "contacts": {"min": 0, "max": 999},
        "notes": {"max_length": 2000},
    }


def test_limits_and_zone_the_operator_configures_reach_the_app_and_change_its_version(app, client):
    config = served_config(client)
    assert config["visit"]["limits"] == {"max_hours": 12, "max_future_minutes": 10, "max_age_days": 90}
    assert config["timezone"] == "Europe/Stockholm"
    version = client.get("/sw.js").get_data(as_text=True)
    app.config.update(VISIT_MAX_HOURS=6, VISIT_MAX_AGE_DAYS=30)
    assert served_config(client)["visit"]["limits"] == {"max_hours": 6, "max_future_minutes": 10, "max_age_days": 30}
    worker = client.get("/sw.js").get_data(as_text=True)
    assert worker != version
    assert '"max_hours": 6' in worker  # the worker's own copy (it syncs with no page open)


def test_the_app_keeps_no_constants_of_the_servers():
    """No wire field list, code list, configurable limit or time zone of its own in the officer app's modules."""
    for name in SHELL_MODULES:
        text = (STATIC / name).read_text(encoding="utf-8")
        assert "Europe/Stockholm" not in text, name
        assert "WIRE_FIELDS" not in text, name
        assert not re.search(r'"hotspot_id",\s*"started_at"', text), name
        assert not re.search(r"MAX_(HOURS|FUTURE|AGE)", text), name
        assert not re.search(r'\[\s*"foot",\s*"vehicle"', text), name
