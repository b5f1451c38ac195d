"""Changing an area's public settings (SPEC §7 end, §8): the public report and the origins that may embed it.

Used by the CLI (``fieldlog areas set``) and the admins' area page alike, so that both accept exactly the same.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from fieldlog.areas.models import Area
from fieldlog.audit import services as audit
from fieldlog.errors import Invalid

# scheme://host[:port], lower case: a DNS name (labels of letters, digits and '-'), an IPv4 address or [::1].
# Nothing else may reach a Content-Security-Policy header: no path, no wildcard, no space, no quote, no ';'.
_ORIGIN = re.compile(
    r"^(?P<scheme>https?)://"
    r"(?P<host>\[::1\]|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)"
    r"(?::(?P<port>[0-9]{1,5}))?$"
)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}
MAX_ORIGINS = 20

ORIGIN_FORMAT = _l("Write each site as scheme://host or scheme://host:port, for example https://www.svenljunga.se.")
ORIGIN_HTTPS = _l("Must use https:// (http:// only for localhost).")
ORIGIN_PORT = _l("The port must be between 1 and 65535.")
TOO_MANY_ORIGINS = _l("At most %(max)s sites.")


def parse_origin(text: str) -> str:
    """One origin as a CSP source (``https://www.svenljunga.se``), or ``Invalid`` naming ``embed_origins``.
    A trailing slash, surrounding spaces and upper case are forgiven; everything else must be an origin."""
    value = text.strip().lower()
    if value.endswith("/"):
        value = value[:-1]
    match = _ORIGIN.match(value)
    if match is None or len(value) > 253:
        raise Invalid("Invalid embed origin.", {"embed_origins": [f"{value or '–'}: {ORIGIN_FORMAT}"]})
    if match["scheme"] == "http" and match["host"] not in LOCAL_HOSTS:
        raise Invalid("Invalid embed origin.", {"embed_origins": [f"{value}: {ORIGIN_HTTPS}"]})
    if match["port"] is not None and not 1 <= int(match["port"]) <= 65535:
        raise Invalid("Invalid embed origin.", {"embed_origins": [f"{value}: {ORIGIN_PORT}"]})
    return value


def parse_origins(texts) -> list[str]:
    """Several origins (blank ones skipped, duplicates once, in the order given); every bad one is named."""
    out: list[str] = []
    problems: list[str] = []
    for text in texts:
        if not text or not text.strip():
            continue
        try:
            origin = parse_origin(text)
        except Invalid as e:
            problems.extend(str(m) for m in e.fields["embed_origins"])
            continue
        if origin not in out:
            out.append(origin)
    if len(out) > MAX_ORIGINS:
        problems.append(str(TOO_MANY_ORIGINS) % {"max": MAX_ORIGINS})
    if problems:
        raise Invalid("Invalid embed origin.", {"embed_origins": problems})
    return out


def update_public_settings(
    area: Area, actor, public_report: bool | None = None, embed_origins: list[str] | None = None
) -> bool:
    """Set what is given (``embed_origins`` already parsed: it replaces the list); audited; flushes nothing itself.
    Returns whether anything changed."""
    before: dict = {}
    after: dict = {}
    if public_report is not None and public_report != area.public_report:
        before["public_report"], after["public_report"] = area.public_report, public_report
        area.public_report = public_report
    if embed_origins is not None and list(embed_origins) != list(area.embed_origins or []):
        before["embed_origins"], after["embed_origins"] = list(area.embed_origins or []), list(embed_origins)
        area.embed_origins = list(embed_origins)
    if after:
        audit.record(actor, "area", area.id, "update", before, after)
    return bool(after)
