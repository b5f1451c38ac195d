"""``/public/<slug>/card.png``: a 1200×630 picture of the promise's progress, for a Facebook or Instagram post.

Drawn with Pillow (the well-kept imaging library; no browser or SVG renderer needed on the server) in DejaVu Sans,
shipped in ``fonts/`` (Bitstream Vera licence, ``fonts/LICENSE``) so that å, ä and ö come out right on any machine.
The picture is made from the words and figures it shows; it is kept in memory by their hash (also its ETag), so it
is drawn again only when a figure, a word or the language changes.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from flask import url_for
from flask_babel import gettext as _
from PIL import Image, ImageDraw, ImageFont

from fieldlog.areas.models import Area
from fieldlog.public import texts
from fieldlog.public.charts import month_label

WIDTH, HEIGHT = 1200, 630
FONTS = Path(__file__).resolve().parent / "fonts"
INK, MUTED, PAPER, BAND, BAND_INK, FILL, TRACK = (
    "#14213d",
    "#4a5468",
    "#ffffff",
    "#1d3b6e",
    "#ffffff",
    "#1d3b6e",
    "#dfe5ee",
)
KEEP = 64

_cache: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()
_drawing = threading.Lock()


@lru_cache(maxsize=16)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def figures(area: Area, promise: dict | None, data: dict) -> dict:
    """Everything the picture shows, in the request's language: the card is a drawing of exactly this."""
    address = url_for("public.report_page", slug=area.slug, _external=True).split("://", 1)[-1]
    if promise is None:
        months = data["months"][:-1] or data["months"]
        last = months[-1] if months else {"month": "", "visits": 0, "presence_hours": 0}
        return {
            "title": _("Police presence in %(area)s", area=area.name),
            "subtitle": area.name,
            "rows": [
                {
                    "title": month_label(last["month"]) if last["month"] else "",
                    "headline": _("%(visits)s visits to the places residents feel unsafe", visits=last["visits"]),
                    "value": None,
                    "target": None,
                    "assessment": "",
                }
            ],
            "footer": address,
        }
    rows = []
    for c in promise["commitments"][:3]:
        words = texts.commitment_words(c)
        rows.append(
            {
                "title": c["title"],
                "headline": words.headline.text,
                "value": words.headline.value,
                "target": words.headline.target,
                "assessment": f"{texts.ASSESSMENT_SIGNS.get(c['assessment'], '')} {texts.assessment(c['assessment'])}",
            }
        )
    footer = _("As of %(day)s", day=texts.day(promise["as_of"]))
    latest = max((u["date"] for c in promise["commitments"] for u in c["updates"]), default=None)
    if latest:
        footer += " · " + _("latest news %(day)s", day=texts.day(latest, "d MMMM"))
    return {
        "title": promise["title"],
        "subtitle": texts.period(promise),
        "rows": rows,
        "footer": f"{footer} · {address}",
    }


def _fit(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """The text, shortened with an ellipsis to fit ``width`` pixels."""
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def render(fig: dict) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    margin = 56
    inner = WIDTH - 2 * margin
    draw.rectangle((0, 0, WIDTH, 150), fill=BAND)
    draw.text((margin, 34), _fit(draw, fig["title"], font(46, True), inner), font=font(46, True), fill=BAND_INK)
    draw.text((margin, 96), _fit(draw, fig["subtitle"], font(26), inner), font=font(26), fill=BAND_INK)
    rows = fig["rows"]
    top, row_h = 176, (HEIGHT - 176 - 64) // max(3, len(rows))
    for i, row in enumerate(rows):
        y = top + i * row_h
        assessment = row["assessment"]
        a_width = int(draw.textlength(assessment, font=font(24, True))) if assessment else 0
        title = _fit(draw, row["title"], font(28, True), inner - a_width - 24)
        draw.text((margin, y), title, font=font(28, True), fill=INK)
        if assessment:
            draw.text((WIDTH - margin - a_width, y + 3), assessment, font=font(24, True), fill=INK)
        draw.text((margin, y + 40), _fit(draw, row["headline"], font(26), inner), font=font(26), fill=MUTED)
        if row["target"]:
            bar_y = y + 80
            share = max(0.0, min(1.0, (row["value"] or 0) / row["target"]))
            draw.rounded_rectangle((margin, bar_y, margin + inner, bar_y + 18), radius=9, fill=TRACK, outline=INK)
            if share > 0:
                right = margin + max(18, int(inner * share))
                draw.rounded_rectangle((margin, bar_y, right, bar_y + 18), radius=9, fill=FILL, outline=INK)
    draw.text((margin, HEIGHT - 46), _fit(draw, fig["footer"], font(22), inner), font=font(22), fill=MUTED)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


def card(area: Area, promise: dict | None, data: dict) -> tuple[bytes, str]:
    """(the PNG, its ETag): drawn once per distinct content, kept for the next asker."""
    fig = figures(area, promise, data)
    key = hashlib.sha256(json.dumps(fig, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit, key
    with _drawing:  # one drawing at a time: the fonts are shared, and FreeType faces are not thread-safe
        image = render(fig)
    with _lock:
        _cache[key] = image
        while len(_cache) > KEEP:
            _cache.popitem(last=False)
    return image, key
