"""What the officer app's shell is made of, and what the server tells it — each decided here, once.

- ``SHELL_MODULES``: every ES module of the app, found on disk (``static/js`` without the scripts of server-rendered
  pages, ``NOT_SHELL``: the supervisor's, and the survey respondent's public page's). The service worker's precache
  list and the app version come from it, and the shell's ``modulepreload`` tags from the modules ``app.js`` imports
  statically (``PRELOAD_MODULES``): the lock screen's, which a cold start draws first. ``main.js`` (the rest of the
  app) and the views it imports on first use are precached but not preloaded, so a cold start reads only what the
  lock screen needs. A new view module needs no edit anywhere else.
- ``shell_config()``: what the server decides and the app must not hard-code — for each synced record type of
  ``fieldlog.sync.records`` (visit, activity): its wire fields, defaults, bounds and code lists (read from its input
  schema), its time limits (the visit's configured by operators, ``FIELDLOG_VISIT_*``; the activity's fixed by SPEC
  §6), and for the activity the codes' labels in Swedish and English (the catalogue's, as the supervisor's pages show
  them); and the time zone to show until the signed-in area names its own. The shell
  carries it as ``data-config`` (no inline script: the CSP forbids it) and the service worker text as ``CONFIG``;
  both are precached, so it works offline, and it is part of the app version, so a change offers an update.
  It also declares the survey questionnaires the kiosk asks (``survey``: ``fieldlog.surveys.questionnaire.describe``
  in both languages, and the kiosk's screens): the phone keeps no copy of them. And the server's public key that the
  phone seals its outbox entries for (``sealed``: ``{kid, key}``, fieldlog.sync.sealed).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale, lazy_pgettext
from marshmallow import validate

ROOT = Path(__file__).resolve().parent.parent.parent
STATIC = ROOT / "static"
SW_SOURCE = ROOT / "service_worker" / "sw.js"
TEMPLATE = ROOT / "templates" / "officer" / "app.html"
ENTRY_MODULE = "js/app.js"
# Scripts under static/js that are not the officer app's (server-rendered pages load them themselves): the
# supervisor's pages, and the public respondent page's map (templates/surveys/respond.html) — no phone of an officer
# runs it, and precaching it cost every first load its bytes.
NOT_SHELL = ("js/supervisor/", "js/survey/")


def _shell_modules() -> tuple[str, ...]:
    found = sorted(
        path.relative_to(STATIC).as_posix()
        for path in (STATIC / "js").rglob("*.js")
        if not path.relative_to(STATIC).as_posix().startswith(NOT_SHELL)
    )
    found.remove(ENTRY_MODULE)
    return (ENTRY_MODULE, *found)


# The entry module first, then every module it may import (static paths, relative to static/).
SHELL_MODULES: tuple[str, ...] = _shell_modules()
# `import … from "…"`, `export … from "…"` and `import "…"` — not `import("…")`, which loads on first use.
STATIC_IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^"'();]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']""", re.M
)


def static_imports(entry: str) -> tuple[str, ...]:
    """The modules ``entry`` (relative to static/) imports statically, directly or through others, in the order met."""
    seen = [entry]
    for name in seen:
        path = STATIC / name
        for groups in STATIC_IMPORT.findall(path.read_text(encoding="utf-8")):
            spec = groups[0] or groups[1]
            target = STATIC / spec.removeprefix("/static/") if spec.startswith("/static/") else path.parent / spec
            found = target.resolve().relative_to(STATIC).as_posix()
            if found not in seen:
                seen.append(found)
    return tuple(seen)


# What the shell preloads: the entry module's static imports (the lock screen's), not main.js, loaded after it.
PRELOAD_MODULES: tuple[str, ...] = tuple(sorted(set(static_imports(ENTRY_MODULE)) - {ENTRY_MODULE}))
# The files of the shell, precached by the service worker. The map library is not among them: it loads on demand.
SHELL_STATIC: tuple[str, ...] = (
    "css/officer.css",
    "css/kiosk.css",
    *SHELL_MODULES,
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
)


def _bounds(field) -> dict[str, Any]:
    """A field's numeric range or text length; for a list, the range of its items (grades 0–9)."""
    out: dict[str, Any] = {}
    inner = getattr(field, "inner", None)
    for rule in (*getattr(field, "validators", ()), *getattr(inner, "validators", ())):
        if isinstance(rule, validate.Range):
            out.update({"min": rule.min, "max": rule.max})
        elif isinstance(rule, validate.Length) and rule.max is not None and inner is None:
            out["max_length"] = rule.max
    return out


def _codes(field) -> list[str] | None:
    """The codes a field (or a list's items) may take: its ``OneOf``, in the declared order."""
    for rule in (*getattr(field, "validators", ()), *getattr(getattr(field, "inner", None), "validators", ())):
        if isinstance(rule, validate.OneOf):
            return list(rule.choices)
    return None


def _default(field) -> Any:
    value = field.load_default
    return value() if callable(value) else value


def record_declaration(record) -> dict[str, Any]:
    """A synced record type as the phone sends it (``fieldlog.sync.records``): wire fields in order, their defaults,
    bounds and code lists — all read from its input schema, so a new type needs nothing here but its limits."""
    fields = record.input_schema().load_fields
    return {
        "fields": list(fields),
        "required": [name for name, f in fields.items() if f.required],
        "defaults": {name: _default(f) for name, f in fields.items() if not f.required},
        "bounds": {name: b for name, f in fields.items() if (b := _bounds(f))},
        "codes": {name: codes for name, f in fields.items() if (codes := _codes(f)) is not None},
    }


def visit_declaration() -> dict[str, Any]:
    """The visit as the phone sends it: wire fields in order, their defaults and bounds, and the code lists."""
    from fieldlog.sync.records import RECORDS

    return record_declaration(RECORDS["visit"])


def _visit_limits(config) -> dict[str, Any]:
    """The operators' limits (``FIELDLOG_VISIT_*``) and the Koper window the timer marks (``coverage.terms``)."""
    from fieldlog.coverage.terms import KOPER_MINUTES

    return {
        "max_hours": config["VISIT_MAX_HOURS"],
        "max_future_minutes": config["VISIT_MAX_FUTURE_MINUTES"],
        "max_age_days": config["VISIT_MAX_AGE_DAYS"],
        "koper_minutes": list(KOPER_MINUTES),
    }


def _activity_limits(config) -> dict[str, Any]:
    """SPEC §6's time windows of an activity (fixed by the spec, declared beside its rules)."""
    from fieldlog.activities import schemas, services

    return {
        "max_hours": schemas.MAX_HOURS,
        "done_max_future_minutes": int(services.DONE_MAX_FUTURE.total_seconds() // 60),
        "planned_max_ahead_days": services.PLANNED_MAX_AHEAD.days,
        "max_age_days": services.MAX_AGE.days,
    }


# The time limits the phone checks early, per record type (the server stays the authority).
LIMITS = {"visit": _visit_limits, "activity": _activity_limits}


def _activity_labels() -> dict[str, dict]:
    from fieldlog.activities.labels import PARTNER_LABELS, STATUS_LABELS, TOPIC_LABELS, TYPE_LABELS

    return {"type": TYPE_LABELS, "status": STATUS_LABELS, "topics": TOPIC_LABELS, "partners": PARTNER_LABELS}


# A record type whose code lists the server words (the catalogue's Swedish, as its pages and exports show them): the
# phone takes the same words, in both languages, so that the officer and the supervisor read one term for one code.
LABELS = {"activity": _activity_labels}
APP_LANGUAGES = ("sv", "en")


def _l(text: str):
    return lazy_pgettext("survey kiosk", text)


def _labels(tables: dict[str, dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for lang in APP_LANGUAGES:
        with force_locale(lang):
            out[lang] = {name: {code: str(text) for code, text in table.items()} for name, table in tables.items()}
    return out


# The survey kiosk's screens (issue 13): the questions of ``core-1`` asked together, in order, each screen under a
# title. A question of the questionnaire missing here, or one it does not have, fails ``questionnaire_declaration``.
KIOSK_SCREENS = (
    (_l("Safety"), ("evening_safety", "overall_safety")),
    (_l("Problems in the area"), ("problems",)),
    (_l("Places"), ("avoids_places", "places")),
    (_l("What could be better?"), ("improvements",)),
    (_l("About you"), ("age_band", "gender", "lives_in")),
)


def questionnaire_declaration(questionnaire) -> dict[str, Any]:
    """A survey questionnaire as the kiosk asks it: in each language, its own description
    (``fieldlog.surveys.questionnaire.describe``: every question's text, its answers as codes with labels, the
    limits) with the kiosk's screen titles; and the screens, the questions asked together — so that the phone holds
    no copy of a code or a word of it, and the kiosk works offline."""
    from fieldlog.surveys.questionnaire import describe

    screens = [list(names) for _title, names in KIOSK_SCREENS]
    asked = [name for names in screens for name in names]
    if asked != list(questionnaire.questions):
        raise ValueError(
            f"questionnaire {questionnaire.name}: KIOSK_SCREENS ask {asked}, it has {list(questionnaire.questions)}"
        )
    out: dict[str, Any] = {"screens": screens}
    for lang in APP_LANGUAGES:
        with force_locale(lang):
            out[lang] = {**describe(questionnaire), "screen_titles": [str(title) for title, _names in KIOSK_SCREENS]}
    return out


def _survey_declaration() -> dict[str, Any]:
    """Built once per app (the questionnaires are code, their words the catalogue's): the shell and the service
    worker ask for the config on every request."""
    from fieldlog.surveys.questionnaire import QUESTIONNAIRES

    cache = current_app.extensions
    if "officer_survey_declaration" not in cache:
        cache["officer_survey_declaration"] = {
            "questionnaires": {name: questionnaire_declaration(q) for name, q in QUESTIONNAIRES.items()}
        }
    return cache["officer_survey_declaration"]


def shell_config() -> dict[str, Any]:
    """Everything the officer app takes from the server rather than from constants of its own (JSON-ready): one
    declaration per synced record type (``visit``, ``activity``), under the type's name; the survey questionnaires
    the kiosk asks (``survey``)."""
    from fieldlog.sync import sealed
    from fieldlog.sync.records import RECORDS

    config = current_app.config
    out: dict[str, Any] = {}
    for name, record in RECORDS.items():
        declaration = record_declaration(record)
        declaration["limits"] = LIMITS[name](config) if name in LIMITS else {}
        if name in LABELS:
            declaration["labels"] = _labels(LABELS[name]())
        out[name] = declaration
    out["survey"] = _survey_declaration()
    out["timezone"] = config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Stockholm"
    # The server's public key that outbox entries are sealed for (issue 15: a locked phone's worker uploads them).
    out["sealed"] = sealed.public_config()
    return out
