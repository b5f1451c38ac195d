"""The public data in plain words, in the request's language: one place for the page, the embed, the card and the
Open Graph description, so that they all say the same."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date, format_decimal, format_percent, lazy_pgettext, ngettext, pgettext
from flask_babel import gettext as _

# Words others may also use with another sense carry this context, so that one catalogue holds both.
CTX = "public page"


def _l(text: str):
    return lazy_pgettext(CTX, text)


ASSESSMENTS = {
    "not_started": _l("Not started yet"),
    "on_track": _l("Going to plan"),
    "at_risk": _l("At risk of falling short"),
    "off_track": _l("Behind plan"),
    "done": _l("Done"),
}
# A sign beside the words, so that the state reads without colour (and in print).
ASSESSMENT_SIGNS = {"not_started": "○", "on_track": "✓", "at_risk": "!", "off_track": "✗", "done": "★"}

# Activity types in the plural, as counted things.
ACTIVITY_NOUNS = {
    "school_session": (_l("school session"), _l("school sessions")),
    "parents_evening": (_l("parents' evening"), _l("parents' evenings")),
    "safety_walk": (_l("safety walk"), _l("safety walks")),
    "dialogue": (_l("dialogue with residents"), _l("dialogues with residents")),
}


@dataclass
class Line:
    """One sentence with its figure: ``value`` of ``target`` (``target`` None: a count without a target)."""

    text: str
    value: float | None = None
    target: float | None = None


@dataclass
class Words:
    """What a commitment says: a headline (the figure against target), more lines, and the picture's kind."""

    headline: Line
    lines: list[Line] = field(default_factory=list)


def day(value: str | date, pattern: str = "d MMMM yyyy") -> str:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, pattern)


def period(promise: dict) -> str:
    return pgettext(CTX, "%(first)s – %(last)s", first=day(promise["starts_on"]), last=day(promise["ends_on"]))


def assessment(code: str) -> str:
    return str(ASSESSMENTS.get(code, ASSESSMENTS["not_started"]))


def hours(minutes: float | None) -> int:
    return round((minutes or 0) / 60)


def _activity_noun(types: list[str], count: int) -> str:
    if len(types) == 1 and types[0] in ACTIVITY_NOUNS:
        one, many = ACTIVITY_NOUNS[types[0]]
        return str(one if count == 1 else many)
    return pgettext(CTX, "activity") if count == 1 else pgettext(CTX, "activities")


def grades_label(grades: list[int]) -> str:
    if not grades:
        return ""
    if len(grades) > 1 and grades == list(range(grades[0], grades[-1] + 1)):
        return _("in grades %(first)s–%(last)s", first=grades[0], last=grades[-1])
    if len(grades) == 1:
        return _("in grade %(grade)s", grade=grades[0])
    return _("in grades %(grades)s", grades=", ".join(str(g) for g in grades))


def presence_words(p: dict) -> Words:
    weeks = p.get("weeks") or {}
    met, total, judged = weeks.get("met", 0), weeks.get("total", 0), weeks.get("judged", 0)
    headline = Line(
        ngettext(
            "%(met)s of %(num)s week with at least the target of visits",
            "%(met)s of %(num)s weeks with at least the target of visits",
            total,
            met=met,
        ),
        met,
        total,
    )
    lines = []
    passed = sum(1 for w in weeks.get("series") or [] if w.get("complete"))
    if passed < total:
        lines.append(Line(ngettext("%(num)s week has passed so far.", "%(num)s weeks have passed so far.", passed)))
    if judged < passed:
        lines.append(
            Line(
                ngettext(
                    "%(num)s of them had no target yet (the places were added later).",
                    "%(num)s of them had no target yet (the places were added later).",
                    passed - judged,
                )
            )
        )
    target = p.get("target_visits")
    if target:
        lines.append(
            Line(
                _(
                    "%(visits)s visits so far, against a target of %(target)s by now.",
                    visits=format_decimal(p.get("visits") or 0, "#,##0"),
                    target=format_decimal(target, "#,##0"),
                ),
                p.get("visits") or 0,
                target,
            )
        )
    else:
        lines.append(Line(_("%(visits)s visits so far.", visits=format_decimal(p.get("visits") or 0, "#,##0"))))
    lines.append(
        Line(
            ngettext(
                "About %(num)s hour of police presence; %(koper)s visits lasted the 10–16 minutes that deter best.",
                "About %(num)s hours of police presence; %(koper)s visits lasted the 10–16 minutes that deter best.",
                hours(p.get("presence_minutes")),
                koper=format_decimal(p.get("koper_visits") or 0, "#,##0"),
            )
        )
    )
    return Words(headline, lines)


def places_note(p: dict) -> str:
    """What the totals include: "All 9 places together, 3 of them not named here"."""
    hidden = p.get("places_not_named") or 0
    if not hidden:
        return ngettext("The figures are for %(num)s place.", "The figures are for %(num)s places.", p.get("places", 0))
    return ngettext(
        "The figures include %(num)s place that is not named here.",
        "The figures include %(num)s places that are not named here.",
        hidden,
    )


def activities_words(p: dict) -> Words:
    types = p.get("activity_types") or []
    done, target = p.get("done") or 0, p.get("target_count")
    reach, reached = p.get("reach_target"), p.get("groups_reached") or 0
    grades = grades_label(p.get("grades") or [])
    if reach:
        headline = Line(
            ngettext("%(reached)s of %(num)s class", "%(reached)s of %(num)s classes", reach, reached=reached)
            + (" " + grades if grades else ""),
            reached,
            reach,
        )
    elif target:
        headline = Line(
            _("%(done)s of %(target)s %(what)s held", done=done, target=target, what=_activity_noun(types, target)),
            done,
            target,
        )
    else:
        headline = Line(_("%(done)s %(what)s held", done=done, what=_activity_noun(types, done)), done)
    lines = []
    if reach and target:
        noun = _activity_noun(types, target)
        held = _("%(done)s of %(target)s %(what)s held.", done=done, target=target, what=noun)
        lines.append(Line(held, done, target))
    elif reach:
        lines.append(Line(_("%(done)s %(what)s held.", done=done, what=_activity_noun(types, done))))
    planned = p.get("planned") or 0
    if planned:
        lines.append(Line(ngettext("%(num)s more is planned.", "%(num)s more are planned.", planned)))
    participants = p.get("participants") or 0
    if participants:
        lines.append(Line(ngettext("%(num)s participant in all.", "%(num)s participants in all.", participants)))
    return Words(headline, lines)


# How a wave was asked (SPEC §7 ``mode``), for the method note beside the figures.
SURVEY_MODES = {
    "open": _l("open web survey"),
    "codes": _l("letters with a personal code to a random sample"),
}


def percent(value: float) -> str:
    """A share as the reader's language writes it: "56 %" in Swedish."""
    return format_percent(value)


def survey_words(p: dict) -> Words:
    """The survey's headline (the latest published wave: share who feel safe with n) and one line per wave."""
    waves = p.get("waves") or []
    if not waves:
        return Words(Line(_("No safety survey yet")))
    latest = waves[-1]
    n = latest.get("responses") or 0
    if latest.get("safe_share") is not None:
        # Short enough for the card's line; the bar there is the share.
        headline = Line(
            _(
                "Safety survey %(year)s: %(share)s feel safe out in the evening (%(n)s responses)",
                year=latest["year"],
                share=percent(latest["safe_share"]),
                n=format_decimal(n, "#,##0"),
            ),
            latest["safe_share"],
            1.0,
        )
    else:
        headline = Line(_("The safety survey %(year)s: %(n)s responses", year=latest["year"], n=n))
    lines = []
    for wave in waves:
        if wave.get("safe_share") is not None:
            lines.append(
                Line(
                    _(
                        "%(year)s: %(share)s feel safe out alone late in the evening (%(n)s responses).",
                        year=wave["year"],
                        share=percent(wave["safe_share"]),
                        n=wave.get("responses") or 0,
                    )
                )
            )
    return Words(headline, lines)


def survey_mode(code: str | None) -> str:
    return str(SURVEY_MODES.get(code or "", code or ""))


def survey_method(wave: dict) -> str:
    """How one wave was asked: "open web survey" (and the questionnaire, when waves differ in it)."""
    return survey_mode(wave.get("mode"))


def survey_method_note(p: dict) -> str:
    """How the waves were made: "Every year an open web survey." — or, when they differ, that they do not compare
    like for like and how each was made ("2024 open web survey, 2025 letters …")."""
    waves = p.get("waves") or []
    if not waves:
        return ""
    questionnaires = {w.get("questionnaire") for w in waves}
    if p.get("comparable", True):
        return _("Every year: %(method)s.", method=survey_method(waves[0]))
    parts = []
    for w in waves:
        method = survey_method(w)
        if len(questionnaires) > 1:
            method = pgettext(CTX, "%(method)s, questionnaire %(name)s", method=method, name=w.get("questionnaire"))
        parts.append(pgettext(CTX, "%(year)s %(method)s", year=w["year"], method=method))
    return _(
        "The years are not fully comparable, because the survey was made in different ways: %(methods)s.",
        methods=", ".join(parts),
    )


def survey_place_line(h: dict, places: dict) -> str:
    """One place residents named, with the presence delivered there since the survey."""
    named = ngettext(
        "%(name)s: named %(num)s time",
        "%(name)s: named %(num)s times",
        h["marks"],
        name=h["name"],
    )
    if h.get("share") is not None:
        named += " " + _("(by %(share)s of those who answered)", share=percent(h["share"]))
    since = ngettext(
        "since then %(visits)s police visit",
        "since then %(visits)s police visits",
        h.get("visits") or 0,
        visits=format_decimal(h.get("visits") or 0, "#,##0"),
    )
    presence = ngettext(
        "about %(num)s hour of presence",
        "about %(num)s hours of presence",
        hours(h.get("presence_minutes")),
    )
    return f"{named}; {since}, {presence}."


def survey_places_intro(places: dict) -> str:
    return _(
        "Places residents named as unsafe in the survey %(year)s, and the police presence there from %(first)s to "
        "%(last)s:",
        year=places["year"],
        first=day(places["from"]),
        last=day(places["to"]),
    )


def survey_places_note(places: dict) -> str:
    return _(
        "Only places on the police's public list that residents named at least %(num)s times are shown here.",
        num=places.get("min_marks") or 10,
    )


def survey_result_title(result: dict) -> str:
    """The feed entry of a published survey result."""
    return _("Results of the safety survey %(year)s", year=result["year"])


def survey_result_text(result: dict) -> str:
    n = result.get("responses") or 0
    method = survey_mode(result.get("mode"))
    if result.get("safe_share") is not None:
        return _(
            "%(n)s responses (%(method)s). %(share)s feel safe out alone late in the evening.",
            n=format_decimal(n, "#,##0"),
            method=method,
            share=percent(result["safe_share"]),
        )
    return _("%(n)s responses (%(method)s).", n=format_decimal(n, "#,##0"), method=method)


def commitment_words(c: dict) -> Words:
    if c["kind"] == "presence":
        return presence_words(c["progress"])
    if c["kind"] == "activities":
        return activities_words(c["progress"])
    return survey_words(c["progress"])


def summary(promise: dict | None, area_name: str) -> str:
    """One line of the promise's progress (Open Graph description, the card's alt text)."""
    if promise is None:
        return _("Police presence at the places residents feel unsafe in %(area)s, month by month.", area=area_name)
    parts = [commitment_words(c).headline.text for c in promise["commitments"]]
    return " · ".join(parts) if parts else promise["title"]
