"""The visit's codes (mode, observations, activities) as people read them, in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MODE_LABELS = {
    "foot": _l("on foot"),
    "vehicle": _l("vehicle, parked and visible"),
    "bicycle": _l("bicycle"),
    "drive_through": _l("drive-through"),
    "other": _l("other"),
}
CODE_LABELS = {
    "nothing_to_report": _l("nothing to report"),
    "youth_gathering": _l("youths gathering"),
    "disorder": _l("disorder"),
    "drugs": _l("suspected drug dealing"),
    "vandalism": _l("vandalism"),
    "graffiti": _l("graffiti"),
    "intoxication": _l("intoxicated people"),
    "littering": _l("littering"),
    "traffic": _l("traffic problems"),
    "fire": _l("fire"),
    "other": _l("other"),
    "visible_presence": _l("visible presence"),
    "dialogue": _l("dialogue"),
    "check": _l("check"),
    "intervention": _l("intervention"),
    "report_filed": _l("report filed"),
}


def mode_label(code: str) -> str:
    return str(MODE_LABELS.get(code, code))


def code_label(code: str) -> str:
    return str(CODE_LABELS.get(code, code))
