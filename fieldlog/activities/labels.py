"""The activity codes of SPEC §6 in people's words (Swedish in the catalogue): pages, Excel, forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TYPE_LABELS = {
    "school_session": _l("School session"),
    "parents_evening": _l("Parents' evening"),
    "safety_walk": _l("Safety walk"),
    "dialogue": _l("Citizen dialogue"),
    "other": _l("Other activity"),
}
STATUS_LABELS = {
    "planned": _l("Planned"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
}
TOPIC_LABELS = {
    "values": _l("Values"),
    "it_crime": _l("IT-related crime"),
    "image_sharing": _l("Image sharing"),
    "bullying": _l("Bullying and harassment"),
    "drugs": _l("Drugs"),
    "vandalism": _l("Vandalism"),
    "traffic": _l("Traffic"),
    "other": _l("Other topic"),
}
PARTNER_LABELS = {
    "school": _l("The school (education administration)"),
    "public_health": _l("Public health"),
    "social_services": _l("Social services"),
    "housing": _l("Housing company"),
    "associations": _l("Associations"),
    "other": _l("Other partner"),
}


def label(labels: dict, code: str | None) -> str:
    """A code's label; an unknown code (never stored: the database checks them) as itself."""
    if code is None:
        return ""
    return str(labels.get(code, code))


def labels(table: dict, codes) -> str:
    return ", ".join(label(table, code) for code in codes or [])


def grades_text(grades) -> str:
    """Grades as people write them: "4–6" for a run, "4, 6" otherwise."""
    grades = sorted(set(grades or []))
    if not grades:
        return ""
    if len(grades) > 2 and grades[-1] - grades[0] == len(grades) - 1:
        return f"{grades[0]}–{grades[-1]}"
    return ", ".join(str(g) for g in grades)
