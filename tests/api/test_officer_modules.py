"""The officer app's modules and what the server tells it: one list of modules, one declaration of the visit."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fieldlog.officer.shell import ENTRY_MODULE, PRELOAD_MODULES, SHELL_MODULES, STATIC, SW_SOURCE, static_imports
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
    # What the first screen of a cold start — the lock screen — needs is preloaded; the rest of the app (main.js and
    # its views, sync, the outbox), loaded once it is drawn, is not (but is precached, above).
    assert {"js/views/lock.js", "js/vault.js", "js/storage.js", "js/i18n.js"} <= preloaded
    assert not {"js/main.js", "js/sync.js", "js/api.js", "js/views/hotspots.js", "js/views/map.js"} & preloaded


def test_the_lock_screen_loads_without_the_pin_choice_the_session_or_the_lock_triggers():
    """Issue 14: a cold start's first screen from as few modules as it needs. Choosing a PIN and the passkey's offer
    and card (views/pin.js), the session and the lock's triggers load with the rest of the app (main.js)."""
    first_screen = set(static_imports(ENTRY_MODULE))
    assert {"js/views/lock.js", "js/vault.js", "js/i18n.js", "js/views/forms.js"} <= first_screen
    assert not {"js/views/pin.js", "js/session.js", "js/lock.js", "js/main.js"} & first_screen
    assert {"js/views/pin.js", "js/session.js", "js/lock.js"} <= imported(STATIC / "js" / "main.js")


def test_the_module_list_is_the_files_on_disk_so_a_new_view_needs_no_other_edit():
    on_disk = {p.relative_to(STATIC).as_posix() for p in (STATIC / "js").rglob("*.js")}
    assert set(SHELL_MODULES) == {name for name in on_disk if not name.startswith(("js/supervisor/", "js/survey/"))}
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


def test_the_shell_serves_the_activity_as_the_server_declares_it(client):
    """The activity (SPEC §6) is declared like the visit, from its input schema — and its codes carry the labels the
    supervisor's pages use, in Swedish and English."""
    from fieldlog.activities import services
    from fieldlog.activities.models import PARTNERS, STATUSES, TOPICS, TYPES
    from fieldlog.activities.schemas import ActivityInputSchema

    activity = served_config(client)["activity"]
    schema = ActivityInputSchema()
    assert activity["fields"] == list(schema.load_fields)
    assert activity["required"] == ["type", "status", "starts_at"]
    assert set(activity["defaults"]) == {name for name, f in schema.load_fields.items() if not f.required}
    assert activity["codes"] == {
        "type": list(TYPES),
        "status": list(STATUSES),
        "topics": list(TOPICS),
        "partners": list(PARTNERS),
    }
    assert activity["bounds"] == {
        "place": {"max_length": 200},
        "school": {"max_length": 200},
        "grades": {"min": 0, "max": 9},
        "group": {"max_length": 20},
        "participants": {"min": 0, "max": 9999},
        "staff": {"min": 0, "max": 99},
        "notes": {"max_length": 2000},
    }
    assert activity["limits"] == {
        "max_hours": 12,
        "done_max_future_minutes": services.DONE_MAX_FUTURE.total_seconds() // 60,
        "planned_max_ahead_days": services.PLANNED_MAX_AHEAD.days,
        "max_age_days": services.MAX_AGE.days,
    }
    for lang in ("sv", "en"):
        # (the shell's JSON sorts keys: a label table is looked up by code, the order is the code list's)
        assert {name: set(table) for name, table in activity["labels"][lang].items()} == {
            name: set(codes) for name, codes in activity["codes"].items()
        }
    assert activity["labels"]["sv"]["type"]["school_session"] == "Skollektion"
    assert activity["labels"]["en"]["type"]["school_session"] == "School session"
    assert activity["labels"]["sv"]["topics"]["it_crime"] == "IT-relaterad brottslighet"


def test_every_activity_field_the_app_names_is_declared_and_every_declared_field_has_its_words(client):
    """What the JavaScript uses against the Python declaration: the field names of i18n.js's sentences for an
    activity's rejections are exactly its wire fields, in both languages, so a field the server names always reads
    as words (and a renamed field fails here, not on a phone)."""
    fields = served_config(client)["activity"]["fields"]
    text = (STATIC / "js" / "i18n.js").read_text(encoding="utf-8")
    why = re.findall(r"^\s*why_activity_(\w+):", text, re.M)
    assert sorted(why) == sorted(fields * 2)
    labels = set(re.findall(r"^\s*field_(\w+):", text, re.M))
    assert set(fields) <= labels
    form = (STATIC / "js" / "views" / "activity.js").read_text(encoding="utf-8")
    for name in ("school_session", "done", "planned"):
        assert f'"{name}"' in form  # the codes the form's rules name ...
    declared = served_config(client)["activity"]["codes"]
    assert "school_session" in declared["type"] and {"done", "planned"} <= set(declared["status"])  # ... exist


def test_limits_and_zone_the_operator_configures_reach_the_app_and_change_its_version(app, client):
    config = served_config(client)
    koper = {"koper_minutes": [10, 16]}  # coverage/terms.py's window, which the timer marks
    assert config["visit"]["limits"] == {"max_hours": 12, "max_future_minutes": 10, "max_age_days": 90, **koper}
    assert config["timezone"] == "Europe/Stockholm"
    version = client.get("/sw.js").get_data(as_text=True)
    app.config.update(VISIT_MAX_HOURS=6, VISIT_MAX_AGE_DAYS=30)
    limits = served_config(client)["visit"]["limits"]
    assert limits == {"max_hours": 6, "max_future_minutes": 10, "max_age_days": 30, **koper}
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
        # The Koper window is coverage/terms.py's: neither its numbers in a sentence nor a constant of the app's.
        assert not re.search(r"\b10\s*[–-]\s*16\b|KOPER_(FROM|TO)\s*=", text), name
        assert not re.search(r'\[\s*"foot",\s*"vehicle"', text), name
        # The activity's code lists and their words are the server's (config.js), not the app's.
        assert not re.search(r'"?school_session"?:\s*"', text), name
        assert not re.search(r"(TYPES|TOPICS|PARTNERS)\s*=", text), name
