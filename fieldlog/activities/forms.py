"""The supervisor's form for planning an activity (SPEC §6). It only gathers the fields: the rules are the sync
push's (``services.save_from_page``), so a page and a phone are held to the same ones."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from fieldlog.activities.labels import PARTNER_LABELS, TOPIC_LABELS, TYPE_LABELS


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActivityForm(FlaskForm):
    type = SelectField(_l("Type"), choices=[SelectChoice(code, label) for code, label in TYPE_LABELS.items()])
    day = DateField(_l("Day"), validators=[InputRequired()])
    start = TimeField(_l("Starts at"), validators=[InputRequired()])
    end = TimeField(_l("Ends at"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    hotspot = SelectField(_l("Hot spot"), choices=[], validate_choice=False)
    school = StringField(_l("School"), validators=[Optional(), Length(max=200)])
    grades = CheckboxesField(
        _l("Grades"), choices=[SelectChoice(str(g), str(g)) for g in range(10)], validate_choice=False
    )
    group = StringField(_l("Class"), validators=[Optional(), Length(max=20)])
    participants = IntegerField(_l("Expected participants"), validators=[Optional(), NumberRange(0, 9999)])
    staff = IntegerField(_l("Staff"), validators=[Optional(), NumberRange(0, 99)])
    topics = CheckboxesField(_l("Topics"), choices=_choices(TOPIC_LABELS), validate_choice=False)
    partners = CheckboxesField(_l("Partners"), choices=_choices(PARTNER_LABELS), validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    # The push's idempotency key, made when the form is shown: sending the form twice stores it once.
    mutation_id = HiddenField(validators=[DataRequired()])
    rev = HiddenField()

    def fill(self, activity, tz: ZoneInfo) -> None:
        """The form's fields from a stored activity (local times)."""
        starts = activity.starts_at.astimezone(tz)
        self.type.data = activity.type
        self.day.data, self.start.data = starts.date(), starts.time().replace(second=0, microsecond=0)
        self.end.data = activity.ends_at.astimezone(tz).time().replace(second=0) if activity.ends_at else None
        self.place.data = activity.place
        self.hotspot.data = str(activity.hotspot_id) if activity.hotspot_id else ""
        self.school.data, self.group.data = activity.school, activity.group
        self.grades.data = [str(g) for g in activity.grades or []]
        self.participants.data, self.staff.data = activity.participants, activity.staff
        self.topics.data, self.partners.data = list(activity.topics or []), list(activity.partners or [])
        self.notes.data = activity.notes
        self.rev.data = str(activity.rev)

    def wire_data(self, tz: ZoneInfo, status: str = "planned") -> dict:
        """The activity as a phone would send it; the push checks it."""
        starts = datetime.combine(self.day.data, self.start.data, tz)
        ends = datetime.combine(self.day.data, self.end.data, tz) if self.end.data else None
        return {
            "type": self.type.data,
            "status": status,
            "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat() if ends else None,
            "place": (self.place.data or "").strip(),
            "hotspot_id": self.hotspot.data or None,
            "school": (self.school.data or "").strip(),
            "grades": sorted({int(g) for g in self.grades.data or [] if g.isdigit()}),
            "group": (self.group.data or "").strip(),
            "participants": self.participants.data,
            "staff": self.staff.data,
            "topics": list(self.topics.data or []),
            "partners": list(self.partners.data or []),
            "notes": (self.notes.data or "").strip(),
        }

    def new_mutation(self) -> None:
        self.mutation_id.data = str(uuid.uuid4())

    # A rejection's field (the wire's name, "topics.1" for an item) → the form's field.
    WIRE_FIELDS = {"starts_at": "start", "ends_at": "end", "hotspot_id": "hotspot", "status": "type"}

    def show_errors(self, fields: dict | None) -> list[str]:
        """Put a rejection's reasons on the form's fields; the reasons with no field of their own are returned."""
        rest = []
        for name, reasons in (fields or {}).items():
            base = name.split(".")[0]
            field = getattr(self, self.WIRE_FIELDS.get(base, base), None)
            texts = reasons if isinstance(reasons, list) else [str(reasons)]
            if field is None or base in ("mutation_id", "rev"):
                rest.extend(str(t) for t in texts)
            else:
                field.errors = list(field.errors or []) + [str(t) for t in texts]
        return rest
