"""Forms of the supervisor and admin pages (Flask-WTF: every POST carries the CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
USERNAME = r"^[A-Za-z0-9._-]{1,64}$"
WEEKDAY_CHOICES = [
    SelectChoice(1, _l("Mon")),
    SelectChoice(2, _l("Tue")),
    SelectChoice(3, _l("Wed")),
    SelectChoice(4, _l("Thu")),
    SelectChoice(5, _l("Fri")),
    SelectChoice(6, _l("Sat")),
    SelectChoice(7, _l("Sun")),
]


class CoordinateField(FloatField):
    """A latitude or longitude: shown with at most 6 decimals (about 10 cm), never 57.496401666666664."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{round(float(self.data), 6):.6f}".rstrip("0").rstrip(".")


class HotHoursRowForm(Form):
    """One hot-hours window; a row left empty is ignored. Whether a started row is complete is checked by
    ``HotSpotForm.validate`` (the times' own ``Optional`` would stop an inline check on an empty field)."""

    days = SelectMultipleField(_l("Days"), choices=WEEKDAY_CHOICES, coerce=int, validate_choice=True)
    start = StringField(_l("From"), validators=[Optional(), Regexp(HHMM, message=_l("Use HH:MM."))])
    end = StringField(_l("To"), validators=[Optional(), Regexp(HHMM, message=_l("Use HH:MM."))])

    def is_empty(self) -> bool:
        return not self.days.data and not self.start.data and not self.end.data

    def missing(self) -> list[str]:
        """What a started row lacks, in words (empty when complete or empty)."""
        if self.is_empty():
            return []
        problems = []
        if not self.days.data:
            problems.append(str(_l("Choose at least one day.")))
        if not self.start.data and not self.end.data:
            problems.append(str(_l("Give both a 'from' and a 'to' time.")))
        elif not self.start.data:
            problems.append(str(_l("Give a 'from' time.")))
        elif not self.end.data:
            problems.append(str(_l("Give a 'to' time.")))
        elif self.start.data == self.end.data:
            problems.append(str(_l("'To' must differ from 'From'.")))
        return problems


class HotSpotForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    lat = CoordinateField(_l("Latitude"), validators=[DataRequired(), NumberRange(-90, 90)])
    lon = CoordinateField(_l("Longitude"), validators=[DataRequired(), NumberRange(-180, 180)])
    radius_m = IntegerField(_l("Radius (metres)"), default=150, validators=[DataRequired(), NumberRange(1, 5000)])
    priority = SelectField(
        _l("Priority"),
        choices=[SelectChoice(1, _l("1 – high")), SelectChoice(2, _l("2 – normal")), SelectChoice(3, _l("3 – low"))],
        coerce=int,
        default=2,
    )
    target_visits_per_week = IntegerField(_l("Target visits per week"), validators=[Optional(), NumberRange(0, 1000)])
    target_minutes = IntegerField(
        _l("Target minutes per visit"), default=15, validators=[DataRequired(), NumberRange(1, 720)]
    )
    hot_hours = FieldList(FormField(HotHoursRowForm), min_entries=4, max_entries=20)
    public = BooleanField(_l("May be named in the public report"))
    active = BooleanField(_l("Active"), default=True)
    rev = HiddenField()

    # Row index → what that hot-hours window lacks, in words (set by ``validate``).
    hot_hour_problems: dict[int, str] = {}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.hot_hour_problems = {}
        for i, row in enumerate(self.hot_hours):
            problems = row.form.missing()
            if problems:
                self.hot_hour_problems[i] = str(_l("Window %(n)s:", n=i + 1)) + " " + " ".join(problems)
                ok = False
        return ok

    def hot_hours_value(self) -> list[dict]:
        return [
            {"days": sorted(row.days.data), "from": row.start.data, "to": row.end.data}
            for row in self.hot_hours
            if not row.is_empty()
        ]

    def data_for_service(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "description": (self.description.data or "").strip(),
            "lat": float(self.lat.data),
            "lon": float(self.lon.data),
            "radius_m": self.radius_m.data,
            "priority": self.priority.data,
            "target_visits_per_week": self.target_visits_per_week.data,
            "target_minutes": self.target_minutes.data,
            "hot_hours": self.hot_hours_value(),
            "public": bool(self.public.data),
            "active": bool(self.active.data),
        }


class RevForm(FlaskForm):
    """A button that changes a versioned record (archive): carries the version it was shown."""

    rev = HiddenField(validators=[DataRequired()])


class ButtonForm(FlaskForm):
    """A button with nothing but the CSRF token (unflag, revoke, deactivate)."""


class FlagForm(FlaskForm):
    comment = TextAreaField(_l("Comment to the officer"), validators=[DataRequired(), Length(max=2000)])


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Regexp(USERNAME, message=_l("Use letters, digits, '.', '_' or '-'."))],
    )
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8, max=1024)])
    area = SelectField(_l("Area"), coerce=int, validate_choice=False)


class PasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=1024)])


class AreaForm(FlaskForm):
    slug = StringField(
        _l("Short name (in addresses)"),
        validators=[
            DataRequired(),
            Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$", message=_l("Lower-case letters, digits, '-'.")),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    timezone = StringField(_l("Time zone"), default="Europe/Stockholm", validators=[DataRequired(), Length(max=64)])
    public_report = BooleanField(_l("Publish the public report"))
