"""``/public/<slug>/feed.atom``: the commitments' dated updates as an Atom 1.0 feed (RFC 4287).

Ids are stable (``urn:uuid:`` of the update; the feed's from the area), links absolute, times in UTC. Each published
survey result is an entry too (SPEC §8), dated when it was published, with its figures in words (n, how it was asked,
the share who feel safe from at least 10 respondents) and never anything a respondent wrote.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from xml.etree import ElementTree as ET  # noqa: S405 (building XML, never parsing it)

from flask import url_for
from flask_babel import gettext as _

from fieldlog.areas.models import Area
from fieldlog.public import texts
from fieldlog.templating import current_locale

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _time(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_id(area: Area) -> str:
    """The feed's id: the area's, so that it stays when the site moves or the area is renamed."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"fieldlog:public-feed:area:{area.id}"))


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _day(e: dict) -> str:
    return e["date"].isoformat() if e.get("date") else _time(e["created_at"])[:10]


def _survey_link(page: str, promise: dict | None, year: int) -> str:
    """The page's survey commitment that shows this wave, else the page."""
    for c in (promise or {}).get("commitments") or []:
        if c.get("kind") == "survey" and any(w.get("year") == year for w in c["progress"].get("waves") or []):
            return f"{page}#c-{c['id']}"
    return page


def atom(area: Area, promise: dict | None, entries: list[dict], results: list[dict] = ()) -> bytes:
    lang = current_locale()
    extra = {"lang": "en"} if lang == "en" else {}
    page = url_for("public.report_page", slug=area.slug, _external=True, **extra)
    self_url = url_for("public.feed_atom", slug=area.slug, _external=True, **extra)
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: lang})
    _el(root, "id", feed_id(area))
    _el(root, "title", promise["title"] if promise else _("Police presence in %(area)s", area=area.name))
    _el(root, "subtitle", _("What the police and the municipality have done for the promise, in their own words."))
    updated = max([e["created_at"] for e in [*entries, *results]], default=EPOCH)
    _el(root, "updated", _time(updated))
    author = _el(root, "author")
    _el(author, "name", (promise or {}).get("parties") or area.name)
    _el(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _el(root, "link", rel="alternate", type="text/html", href=page)
    items = [("update", e) for e in entries] + [("survey", r) for r in results]
    # Newest first as the updates' dates go (a result by the day it was published); then by when it was written.
    items.sort(key=lambda item: (_day(item[1]), _time(item[1]["created_at"])), reverse=True)
    for kind, e in items:
        if kind == "survey":
            entry = _el(root, "entry")
            _el(entry, "id", f"urn:uuid:{e['id']}")
            _el(entry, "title", texts.survey_result_title(e))
            _el(entry, "updated", _time(e["created_at"]))
            _el(entry, "published", _time(e["created_at"]))
            _el(entry, "link", rel="alternate", type="text/html", href=_survey_link(page, promise, e["year"]))
            _el(entry, "content", texts.survey_result_text(e), type="text")
            continue
        entry = _el(root, "entry")
        _el(entry, "id", f"urn:uuid:{e['id']}")
        _el(entry, "title", f"{e['commitment']}: {texts.day(e['date'], 'd MMMM yyyy')}")
        _el(entry, "updated", _time(e["created_at"]))
        _el(entry, "published", _time(e["created_at"]))
        _el(entry, "link", rel="alternate", type="text/html", href=f"{page}#c-{e['commitment_id']}")
        _el(entry, "content", e["text"], type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
