"""The words the promise pages show for codes (kinds, assessments, activity types). Short labels carry the context
"promises" so that they stay this feature's own entries in the catalogue."""

from __future__ import annotations

from flask_babel import lazy_pgettext

KIND_LABELS = {
    "presence": lazy_pgettext("promises", "Presence at hot spots"),
    "activities": lazy_pgettext("promises", "Activities"),
    "survey": lazy_pgettext("promises", "Safety survey"),
}
ASSESSMENT_LABELS = {
    "not_started": lazy_pgettext("promises", "Not started"),
    "on_track": lazy_pgettext("promises", "On track"),
    "at_risk": lazy_pgettext("promises", "At risk"),
    "off_track": lazy_pgettext("promises", "Off track"),
    "done": lazy_pgettext("promises", "Done"),
}
TYPE_LABELS = {
    "school_session": lazy_pgettext("promises", "School session"),
    "parents_evening": lazy_pgettext("promises", "Parents' evening"),
    "safety_walk": lazy_pgettext("promises", "Safety walk"),
    "dialogue": lazy_pgettext("promises", "Citizen dialogue"),
    "other": lazy_pgettext("promises", "Other"),
}
# A survey wave's state (SPEC §7), as the promise pages show it beside the wave.
SURVEY_STATE_LABELS = {
    "draft": lazy_pgettext("promises", "Not open yet"),
    "open": lazy_pgettext("promises", "Open now"),
    "closed": lazy_pgettext("promises", "Closed"),
}
