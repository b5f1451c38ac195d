"""What the officer app's shell is made of, and what the server tells it — each decided here, once.

- ``SHELL_MODULES``: every ES module of the app, found on disk (``static/js`` without the supervisor pages'
  scripts). The service worker's precache list and the app version come from it, and the shell's ``modulepreload``
  tags from the modules ``app.js`` imports statically (``PRELOAD_MODULES``; views it imports on first use are
  precached but not preloaded, so a cold start reads only what the first view needs). A new view module needs no
  edit anywhere else.
- ``shell_config()``: what the server decides and the app must not hard-code — the visit's wire fields and their
  defaults and bounds (from ``VisitInputSchema``), the code lists (from the visit model), the limits operators
  configure (``FIELDLOG_VISIT_*``) and the time zone to show until the signed-in area names its own. The shell
  carries it as ``data-config`` (no inline script: the CSP forbids it) and the service worker text as ``CONFIG``;
  both are precached, so it works offline, and it is part of the app version, so a change offers an update.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import current_app
from marshmallow import validate

ROOT = Path(__file__).resolve().parent.parent.parent
STATIC = ROOT / "static"
SW_SOURCE = ROOT / "service_worker" / "sw.js"
TEMPLATE = ROOT / "templates" / "officer" / "app.html"
ENTRY_MODULE = "js/app.js"
# Scripts under static/js that are not the officer app's (server-rendered pages load them themselves).
NOT_SHELL = ("js/supervisor/",)


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


# What the shell preloads: the entry module's static imports (the first view's), not the views loaded on first use.
PRELOAD_MODULES: tuple[str, ...] = tuple(sorted(set(static_imports(ENTRY_MODULE)) - {ENTRY_MODULE}))
# The files of the shell, precached by the service worker. The map library is not among them: it loads on demand.
SHELL_STATIC: tuple[str, ...] = (
    "css/officer.css",
    *SHELL_MODULES,
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
)


def _bounds(field) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for rule in getattr(field, "validators", ()):
        if isinstance(rule, validate.Range):
            out.update({"min": rule.min, "max": rule.max})
        elif isinstance(rule, validate.Length) and rule.max is not None and not hasattr(field, "inner"):
            out["max_length"] = rule.max
    return out


def _default(field) -> Any:
    value = field.load_default
    return value() if callable(value) else value


def visit_declaration() -> dict[str, Any]:
    """The visit as the phone sends it: wire fields in order, their defaults and bounds, and the code lists."""
    from fieldlog.visits.models import ACTIVITIES, ENTRIES, MODES, OBSERVATIONS
    from fieldlog.visits.schemas import VisitInputSchema

    fields = VisitInputSchema().load_fields
    return {
        "fields": list(fields),
        "defaults": {name: _default(f) for name, f in fields.items() if not f.required},
        "bounds": {name: b for name, f in fields.items() if (b := _bounds(f))},
        "codes": {
            "mode": list(MODES),
            "observations": list(OBSERVATIONS),
            "activities": list(ACTIVITIES),
            "entry": list(ENTRIES),
        },
    }


def shell_config() -> dict[str, Any]:
    """Everything the officer app takes from the server rather than from constants of its own (JSON-ready)."""
    config = current_app.config
    visit = visit_declaration()
    visit["limits"] = {
        "max_hours": config["VISIT_MAX_HOURS"],
        "max_future_minutes": config["VISIT_MAX_FUTURE_MINUTES"],
        "max_age_days": config["VISIT_MAX_AGE_DAYS"],
    }
    return {"visit": visit, "timezone": config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Stockholm"}
