"""``/public/<slug>/feed.atom``: the commitments' dated updates as an Atom 1.0 feed (RFC 4287).

Ids are stable (``urn:uuid:`` of the update; the feed's from the area), links absolute, times in UTC. Published
survey results join it when surveys exist (SPEC §7).
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


def atom(area: Area, promise: dict | None, entries: list[dict]) -> bytes:
    lang = current_locale()
    extra = {"lang": "en"} if lang == "en" else {}
    page = url_for("public.report_page", slug=area.slug, _external=True, **extra)
    self_url = url_for("public.feed_atom", slug=area.slug, _external=True, **extra)
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: lang})
    _el(root, "id", feed_id(area))
    _el(root, "title", promise["title"] if promise else _("Police presence in %(area)s", area=area.name))
    _el(root, "subtitle", _("What the police and the municipality have done for the promise, in their own words."))
    updated = max([e["created_at"] for e in entries], default=EPOCH)
    _el(root, "updated", _time(updated))
    author = _el(root, "author")
    _el(author, "name", (promise or {}).get("parties") or area.name)
    _el(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _el(root, "link", rel="alternate", type="text/html", href=page)
    for e in entries:
        entry = _el(root, "entry")
        _el(entry, "id", f"urn:uuid:{e['id']}")
        _el(entry, "title", f"{e['commitment']}: {texts.day(e['date'], 'd MMMM yyyy')}")
        _el(entry, "updated", _time(e["created_at"]))
        _el(entry, "published", _time(e["created_at"]))
        _el(entry, "link", rel="alternate", type="text/html", href=f"{page}#c-{e['commitment_id']}")
        _el(entry, "content", e["text"], type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
