"""The coverage terms as the pages explain them: one short sentence each, shown where the figure is shown
(``<abbr title>`` on the heading and a visible list under the table)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TERMS = {
    "presence": (
        _l("Presence time"),
        _l("Minutes with police at the hot spot. Two crews there at once count once."),
    ),
    "hot_hours": (
        _l("Hot hours"),
        _l("The part of the presence time that fell within the hot spot's hot hours."),
    ),
    "officer_minutes": (
        _l("Officer minutes"),
        _l("Each visit's minutes times the number of officers, added up."),
    ),
    "koper": (
        _l("Koper visits (10–16 min)"),
        _l("Visits of 10 to 16 minutes: the length that deters best according to research (Koper 1995)."),
    ),
    "on_site": (
        _l("On site"),
        _l("Visits whose position at arrival lay within the hot spot's radius (plus the fix's accuracy)."),
    ),
    "median": (
        _l("Median visit"),
        _l("The middle visit length: half of the visits were shorter, half longer."),
    ),
    "compliance": (
        _l("Compliance"),
        _l("Visits as a share of the visit target. The target counts from the day the hot spot was created."),
    ),
    "target_met": (
        _l("Target met"),
        _l(
            "Enough visits, at least half of them 10–16 minutes long, and at least half of the target presence "
            "time within the hot hours (where the hot spot has hot hours)."
        ),
    ),
}


def term_title(key: str) -> str:
    return str(TERMS[key][1])


def term_label(key: str) -> str:
    return str(TERMS[key][0])
