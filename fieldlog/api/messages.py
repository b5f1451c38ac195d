"""The API's own words in the user's language (issue 10 C1).

The code raises its errors in English (the msgids), and marshmallow and werkzeug do the same; the error envelope and
the push's rejections pass every ``message`` and every reason in ``fields`` through ``translate`` when the response
is built, in the locale of the request: the bearer token's user, else Accept-Language, Swedish by default. Codes
and field names never change (SPEC §3). Doing it at the edge keeps the hot push path free of per-item work and
catches every message, including those of libraries.

Every message with a value in it is listed below as a template (``%(name)s``); an English text that matches a
template is translated with the values it holds. A text that is in neither the catalogue nor this list stays English.
"""

from __future__ import annotations

import re
from functools import cache

from flask_babel import get_locale, gettext


def N_(text: str) -> str:  # noqa: N802 — marks a msgid for the catalogue, translated later by ``translate``
    return text


TEMPLATES = [
    # fieldlog
    N_("At most %(limit)s mutations per push; send smaller batches."),
    N_("At most %(maximum)s."),
    N_("More than %(limit)s."),
    N_("More than %(minutes)s minutes ahead of the server's clock."),
    N_("Older than %(days)s days."),
    N_("Required: the visit started more than %(hours)s hours ago."),
    N_("The visit lasts more than %(hours)s hours."),
    N_("The hot spot was changed meanwhile (now version %(rev)s). Reload it and try again."),
    N_("This server speaks sync protocol %(protocol)s."),
    N_("Unknown mutation type '%(kind)s'."),
    N_("Must be a day in the years %(first)s–%(last)s."),
    N_("At most %(days)s days from 'from'."),
    N_("Must not contain a NUL character. (%(fields)s)"),
    N_("The promise was changed meanwhile (now version %(rev)s). Reload it and try again."),
    N_("Overlaps the published promise “%(title)s” (%(first)s – %(last)s)."),
    N_(
        "The period overlaps the published promise “%(title)s” (%(first)s – %(last)s). Published promises of an "
        "area may not overlap."
    ),
    # marshmallow's validators
    N_("Must be one of: %(choices)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be less than or equal to %(max)s."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Longer than maximum length %(max)s."),
    N_("Shorter than minimum length %(min)s."),
    N_("Length must be %(equal)s."),
    N_('"%(input)s" cannot be formatted as a date.'),
]


@cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    out = []
    # The most specific first: "More than %(limit)s." would otherwise swallow "More than 10 minutes ahead of …".
    for template in sorted(TEMPLATES, key=lambda t: -len(re.sub(r"%\(\w+\)s", "", t))):
        parts = re.split(r"%\((\w+)\)s", template)
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        out.append((re.compile(f"^{regex}$", re.S), template))
    return out


def translate(text) -> str:
    """An English API message in the request's language (unchanged where no translation exists)."""
    text = str(text)
    if str(get_locale() or "sv") == "en":
        return text
    translated = gettext(text)
    if translated != text:
        return translated
    for pattern, template in _patterns():
        match = pattern.match(text)
        if match:
            return gettext(template, **match.groupdict())
    return text


def translate_error(error: dict) -> dict:
    """An envelope's ``error`` object (or a push rejection's) with its message and reasons translated."""
    out = dict(error)
    out["message"] = translate(error.get("message", ""))
    if isinstance(error.get("fields"), dict):
        out["fields"] = {
            name: [translate(r) for r in reasons] if isinstance(reasons, list | tuple) else reasons
            for name, reasons in error["fields"].items()
        }
    return out


def translate_results(results: list[dict]) -> list[dict]:
    """A push's results with the rejections' words translated (the others are returned as they are)."""
    # Most pushes reject nothing: then the locale (a Babel look-up per request) is not even asked for.
    if not any(r.get("status") == "rejected" for r in results) or str(get_locale() or "sv") == "en":
        return results
    return [{**r, "error": translate_error(r["error"])} if r.get("status") == "rejected" else r for r in results]
