"""Server-rendered SVG charts: readable without colour (hatching, dashes, markers and value labels) and without
JavaScript; each has a title and a description, and the page shows the same figures in a table."""

from __future__ import annotations

import math

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape


def _nice_max(value: float) -> int:
    if value <= 4:
        return 4
    step = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        top = math.ceil(value / (step * factor)) * step * factor
        if top >= value:
            return int(top)
    return int(value)


def weekly_chart(series: list[dict], chart_id: str, title: str) -> Markup:
    """Visits per week as bars, the 10–16 minute visits among them hatched, the week's target as a dashed line with
    a diamond; axes with week numbers and counts, and a legend."""
    width, height = 640, 270
    left, right, top, bottom = 44, 12, 16, 78
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([s["visits"] for s in series] + [s["target"] or 0 for s in series] + [1])
    y_max = _nice_max(peak)
    step = max(1, y_max // 4)
    slot = plot_w / max(1, len(series))
    bar_w = slot * 0.6

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / y_max

    e = escape
    desc = "; ".join(
        _(
            "week %(week)s: %(visits)s visits, %(koper)s of 10–16 min, target %(target)s",
            week=s["monday"].isocalendar()[1],
            visits=s["visits"],
            koper=s["koper"],
            target="–" if s["target"] is None else format_decimal(s["target"], "#,##0.#"),
        )
        for s in series
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{e(title)}</title><desc id="{chart_id}-desc">{e(desc)}</desc>',
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg"/>'
        '<line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern></defs>',
    ]
    for tick in range(0, y_max + 1, step):
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" class="grid-line"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" class="tick" text-anchor="end">{tick}</text>'
        )
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" class="axis"/>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" class="axis"/>')
    parts.append(
        f'<text x="12" y="{top + plot_h / 2:.1f}" class="axis-label" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">{e(_("Visits"))}</text>'
    )
    for i, s in enumerate(series):
        x = left + i * slot + (slot - bar_w) / 2
        if s["visits"]:
            parts.append(
                f'<rect x="{x:.1f}" y="{y(s["visits"]):.1f}" width="{bar_w:.1f}" '
                f'height="{y(0) - y(s["visits"]):.1f}" class="bar-visits"/>'
            )
        if s["koper"]:
            parts.append(
                f'<rect x="{x:.1f}" y="{y(s["koper"]):.1f}" width="{bar_w:.1f}" '
                f'height="{y(0) - y(s["koper"]):.1f}" fill="url(#{chart_id}-hatch)" class="bar-koper"/>'
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y(s["visits"]) - 4:.1f}" class="value" '
            f'text-anchor="middle">{s["visits"]}</text>'
        )
        if s["target"]:
            ty = y(s["target"])
            parts.append(
                f'<line x1="{left + i * slot + 2:.1f}" x2="{left + (i + 1) * slot - 2:.1f}" y1="{ty:.1f}" '
                f'y2="{ty:.1f}" class="target-line"/>'
                f'<path d="M{x + bar_w / 2:.1f} {ty - 5:.1f} l5 5 l-5 5 l-5 -5 z" class="target-mark"/>'
            )
        label = _("w. %(week)s", week=s["monday"].isocalendar()[1])
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" class="tick" text-anchor="middle">{e(label)}</text>'
        )
    first = format_date(series[0]["monday"], "d MMM") if series else ""
    parts.append(
        f'<text x="{left}" y="{top + plot_h + 32}" class="axis-label">'
        f"{e(_('Weeks (Monday–Sunday), the first from %(first)s', first=first))}</text>"
    )
    ly = height - 18
    parts.append(
        f'<g class="legend"><rect x="{left}" y="{ly - 10}" width="14" height="12" class="bar-visits"/>'
        f'<text x="{left + 20}" y="{ly}">{e(_("Visits"))}</text>'
        f'<rect x="{left + 110}" y="{ly - 10}" width="14" height="12" fill="url(#{chart_id}-hatch)" class="bar-koper"/>'
        f'<text x="{left + 130}" y="{ly}">{e(_("of which 10–16 min"))}</text>'
        f'<line x1="{left + 290}" x2="{left + 318}" y1="{ly - 4}" y2="{ly - 4}" class="target-line"/>'
        f'<path d="M{left + 304} {ly - 9} l5 5 l-5 5 l-5 -5 z" class="target-mark"/>'
        f'<text x="{left + 324}" y="{ly}">{e(_("Target (visits)"))}</text></g>'
    )
    parts.append("</svg>")
    # Every piece of text in ``parts`` went through escape(); the rest are numbers and constant markup.
    return Markup("".join(parts))  # noqa: S704
