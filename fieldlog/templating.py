"""What every template may call: the locale, translated labels."""

from __future__ import annotations

import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {"officer": _l("officer"), "supervisor": _l("supervisor"), "admin": _l("administrator")}
WEEKDAYS = {
    1: _l("Mon"),
    2: _l("Tue"),
    3: _l("Wed"),
    4: _l("Thu"),
    5: _l("Fri"),
    6: _l("Sat"),
    7: _l("Sun"),
}


def select_timezone() -> str:
    """Times are shown in the zone of the area being looked at: a supervisor's own, an admin's choice (?area=),
    else the configured default (Europe/Stockholm)."""
    from flask import current_app, has_request_context, request
    from flask_login import current_user

    from fieldlog.security import is_cookieless

    default = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if not has_request_context() or is_cookieless():  # public pages never depend on who asks
        return default
    try:
        if current_user.is_authenticated and current_user.area is not None:
            return current_user.area.timezone
        slug = request.args.get("area") or ""
        if current_user.is_authenticated and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", slug):
            from sqlalchemy import select

            from fieldlog.areas.models import Area
            from fieldlog.extensions import db

            zone = db.session.scalar(select(Area.timezone).where(Area.slug == slug))
            return zone or default
    except Exception:  # noqa: BLE001 (a failed look-up must never break a page; the default is right here)
        return default
    return default


def current_locale() -> str:
    return str(get_locale() or "sv")


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def days_label(days: list[int]) -> str:
    """ISO weekdays as ranges: [1, 2, 3, 5] → "Mon–Wed, Fri"."""
    days = sorted(set(days))
    parts, start = [], None
    for i, day in enumerate(days):
        if start is None:
            start = day
        if i + 1 == len(days) or days[i + 1] != day + 1:
            parts.append(str(WEEKDAYS[start]) if start == day else f"{WEEKDAYS[start]}–{WEEKDAYS[day]}")
            start = None
    return ", ".join(parts)


def hot_hours_label(hot_hours: list[dict]) -> str:
    if not hot_hours:
        return "–"
    return "; ".join(f"{days_label(w['days'])} {w['from']}–{w['to']}" for w in hot_hours)


def zone_name(timezone: str) -> str:
    """A time zone as people call it ("Sverigetid"), never its database id."""
    from babel.dates import get_timezone, get_timezone_location

    return get_timezone_location(get_timezone(timezone), locale=get_locale())


def term_title(key: str) -> str:
    from fieldlog.supervisor.terms import term_title

    return term_title(key)


def coverage_terms() -> list[tuple[str, str]]:
    from fieldlog.supervisor.terms import TERMS

    return [(str(label), str(text)) for label, text in TERMS.values()]


def describe_audit(rows):
    """Audit rows as sentences (a global: the macros are imported without the page's context)."""
    from fieldlog.supervisor.audit_text import describe

    return describe(rows)


def init_app(app) -> None:
    from fieldlog.periods import choices
    from fieldlog.security import is_cookieless
    from fieldlog.visits.labels import code_label, mode_label

    app.jinja_env.globals.update(
        current_locale=current_locale,
        role_label=role_label,
        hot_hours_label=hot_hours_label,
        cookieless=is_cookieless,
        zone_name=zone_name,
        term_title=term_title,
        coverage_terms=coverage_terms,
        describe_audit=describe_audit,
        period_choices=choices,
        mode_label=mode_label,
        code_label=code_label,
    )
    # Also as filters: `codes|map('code_label')` (Jinja's map takes a filter's name, never a function).
    app.jinja_env.filters.update(mode_label=mode_label, code_label=code_label)
