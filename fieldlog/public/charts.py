"""The public page's pictures as inline SVG, made on the server: no JavaScript, readable without colour (shapes,
outlines, dashes and signs carry the meaning; colour only repeats it), each with a title and a description that say
in words what it shows. Styles come from static/css/public.css (the CSP allows no inline style)."""

from __future__ import annotations

import math
from datetime import date

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

CELL, GAP, PER_ROW = 18, 4, 18
MAX_UNITS = 60


def _open(chart_id: str, width: float, height: float, title: str, desc: str, css: str) -> str:
    return (
        f'<svg class="{css}" viewBox="0 0 {width:g} {height:g}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>'
    )


def week_states(weeks: dict) -> list[str]:
    """One state per ISO week of the whole promise: met, missed, none (no target), running, ahead."""
    states = []
    for w in weeks.get("series") or []:
        if not w.get("complete"):
            states.append("running")
        elif w.get("met") is None:
            states.append("none")
        else:
            states.append("met" if w["met"] else "missed")
    total = weeks.get("total") or len(states)
    return states + ["ahead"] * max(0, total - len(states))


def _cell(state: str, x: float, y: float) -> str:
    s = CELL
    if state == "met":  # filled, with a tick
        return (
            f'<rect x="{x}" y="{y}" width="{s}" height="{s}" class="u-met"/>'
            f'<path d="M{x + 4} {y + 9.5} l3.5 3.5 l6.5 -7.5" class="u-tick"/>'
        )
    if state == "missed":  # open, crossed once
        return (
            f'<rect x="{x + 0.75}" y="{y + 0.75}" width="{s - 1.5}" height="{s - 1.5}" class="u-missed"/>'
            f'<path d="M{x + 4} {y + s - 4} L{x + s - 4} {y + 4}" class="u-stroke"/>'
        )
    if state == "todo":  # open: not done yet
        return f'<rect x="{x + 0.75}" y="{y + 0.75}" width="{s - 1.5}" height="{s - 1.5}" class="u-missed"/>'
    if state == "running":  # dashed outline
        return f'<rect x="{x + 0.75}" y="{y + 0.75}" width="{s - 1.5}" height="{s - 1.5}" class="u-running"/>'
    if state == "none":  # open, with a dash: nothing to meet that week
        return (
            f'<rect x="{x + 0.75}" y="{y + 0.75}" width="{s - 1.5}" height="{s - 1.5}" class="u-missed"/>'
            f'<path d="M{x + 5} {y + s / 2} H{x + s - 5}" class="u-stroke"/>'
        )
    return f'<rect x="{x + 5}" y="{y + 5}" width="{s - 10}" height="{s - 10}" class="u-ahead"/>'  # ahead: a dot


def week_strip(chart_id: str, weeks: dict, title: str) -> Markup:
    """A square per week of the promise: filled with a tick when the week met its visit target, crossed when not,
    dashed while it runs, a small dot for weeks ahead."""
    states = week_states(weeks)
    counts = {k: states.count(k) for k in ("met", "missed", "none", "running", "ahead")}
    desc = " ".join(
        part
        for part in (
            ngettext("%(num)s week met the target.", "%(num)s weeks met the target.", counts["met"]),
            ngettext("%(num)s week did not.", "%(num)s weeks did not.", counts["missed"]) if counts["missed"] else "",
            ngettext("%(num)s week had no target.", "%(num)s weeks had no target.", counts["none"])
            if counts["none"]
            else "",
            _("The current week is still running.") if counts["running"] else "",
            ngettext("%(num)s week is ahead.", "%(num)s weeks are ahead.", counts["ahead"]) if counts["ahead"] else "",
        )
        if part
    )
    cols = min(PER_ROW, max(1, len(states)))
    rows = max(1, math.ceil(len(states) / cols))
    width, height = cols * (CELL + GAP) - GAP, rows * (CELL + GAP) - GAP
    parts = [_open(chart_id, width, height, title, desc, "units weeks")]
    for i, state in enumerate(states):
        parts.append(_cell(state, (i % cols) * (CELL + GAP), (i // cols) * (CELL + GAP)))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped text only)


def legend_swatch(state: str) -> Markup:
    return Markup(  # noqa: S704 (constant markup)
        f'<svg class="swatch" viewBox="0 0 {CELL} {CELL}" aria-hidden="true" focusable="false">'
        f"{_cell(state, 0, 0)}</svg>"
    )


def units(chart_id: str, value: int, target: int | None, title: str) -> Markup:
    """``target`` squares, ``value`` of them filled with a tick (done), the rest open; a bar when the target is
    large."""
    value = max(0, int(value or 0))
    if not target:
        return Markup("")
    desc = _("%(value)s of %(target)s.", value=value, target=target)
    if target <= MAX_UNITS:
        cols = min(PER_ROW, target)
        rows = math.ceil(target / cols)
        width, height = cols * (CELL + GAP) - GAP, rows * (CELL + GAP) - GAP
        parts = [_open(chart_id, width, height, title, desc, "units")]
        for i in range(target):
            parts.append(_cell("met" if i < value else "todo", (i % cols) * (CELL + GAP), (i // cols) * (CELL + GAP)))
        parts.append("</svg>")
        return Markup("".join(parts))  # noqa: S704 (numbers and escaped text only)
    return bar(chart_id, value, target, title)


def bar(chart_id: str, value: float, target: float, title: str) -> Markup:
    """A bar of ``value`` in an outlined box of ``target`` (past the target: the box full and a mark at the end)."""
    width, height = 300, 22
    share = min(1.0, (value or 0) / target) if target else 0
    desc = _("%(value)s of %(target)s.", value=round(value or 0), target=round(target))
    return Markup(  # noqa: S704 (numbers and escaped text only)
        _open(chart_id, width, height, title, desc, "bar-chart")
        + f'<rect x="1" y="1" width="{width - 2}" height="{height - 2}" class="bar-box"/>'
        + f'<rect x="1" y="1" width="{(width - 2) * share:.1f}" height="{height - 2}" class="bar-fill"/>'
        + "</svg>"
    )


def months_chart(chart_id: str, months: list[dict], title: str) -> Markup:
    """Visits per complete month as bars with their numbers; the month still running is left out (the table beside
    it marks it as partial)."""
    if not months:
        return Markup("")
    width, height, left, bottom, top = 560, 200, 8, 28, 18
    slot = (width - left * 2) / len(months)
    peak = max([m["visits"] for m in months] + [1])
    plot_h = height - bottom - top
    desc = "; ".join(
        _("%(month)s: %(visits)s visits", month=month_label(m["month"], "LLLL yyyy"), visits=m["visits"])
        for m in months
    )
    parts = [_open(chart_id, width, height, title, desc, "months-chart")]
    parts.append(f'<line x1="{left}" x2="{width - left}" y1="{top + plot_h}" y2="{top + plot_h}" class="axis"/>')
    for i, m in enumerate(months):
        h = plot_h * m["visits"] / peak
        x = left + i * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            'class="month-bar"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{top + plot_h - h - 4:.1f}" text-anchor="middle" class="value">'
            f"{m['visits']}</text>"
            f'<text x="{x + slot * 0.35:.1f}" y="{height - 10}" text-anchor="middle" class="tick">'
            f"{escape(month_label(m['month'], 'LLL'))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped text only)


def month_label(month: str, pattern: str = "LLLL yyyy") -> str:
    year, number = (int(x) for x in month.split("-"))
    return format_date(date(year, number, 1), pattern)
