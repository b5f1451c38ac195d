"""The activity as it travels (SPEC §6): what a phone or a supervisor's page sends (``ActivityInputSchema``: the rules
that need neither the database nor the clock) and what the server sends back (``ActivitySchema``: pull, conflicts,
lists). The rules that need the clock or the area's hot spots are ``fieldlog.activities.services.check_activity``."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from fieldlog.activities.models import PARTNERS, STATUSES, TOPICS, TYPES
from fieldlog.api import fields as api_fields
from fieldlog.api.fields import OffsetDateTime, StrictInteger, StrictString
from fieldlog.api.schemas import LeanSchema
from fieldlog.coverage.schemas import PeriodQuerySchema

# SPEC §6: an activity lasts at most 12 hours.
MAX_HOURS = 12


class ActivitySchema(Schema):
    """A stored activity. ``officer`` is the username of whoever logged it."""

    id = fields.UUID()
    officer = fields.String()
    device_id = fields.UUID(allow_none=True)
    type = fields.String()
    status = fields.String()
    starts_at = OffsetDateTime()
    ends_at = OffsetDateTime(allow_none=True)
    place = fields.String()
    hotspot_id = fields.UUID(allow_none=True)
    school = fields.String()
    grades = fields.List(fields.Integer())
    group = fields.String()
    participants = fields.Integer(allow_none=True)
    staff = fields.Integer(allow_none=True)
    topics = fields.List(fields.String())
    partners = fields.List(fields.String())
    notes = fields.String()
    rev = fields.Integer()
    deleted = fields.Boolean()
    created_at = OffsetDateTime()
    updated_at = OffsetDateTime()


class ActivityInputSchema(LeanSchema):
    """An activity as it is sent in ``activity.upsert`` (and by the planning page): the whole record, every time.
    ``area`` and ``officer`` are never sent: they come from the token."""

    class Meta:
        unknown = RAISE

    type = StrictString(required=True, validate=validate.OneOf(TYPES))
    status = StrictString(required=True, validate=validate.OneOf(STATUSES))
    starts_at = OffsetDateTime(required=True)
    ends_at = OffsetDateTime(load_default=None, allow_none=True)
    place = StrictString(load_default="", validate=validate.Length(max=200))
    hotspot_id = api_fields.UUID(load_default=None, allow_none=True)
    school = StrictString(load_default="", validate=validate.Length(max=200))
    grades = api_fields.List(
        StrictInteger(validate=validate.Range(0, 9)), load_default=list, validate=validate.Length(max=10)
    )
    group = StrictString(load_default="", validate=validate.Length(max=20))
    participants = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(0, 9999))
    staff = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(0, 99))
    topics = api_fields.List(
        StrictString(validate=validate.OneOf(TOPICS)), load_default=list, validate=validate.Length(max=len(TOPICS))
    )
    partners = api_fields.List(
        StrictString(validate=validate.OneOf(PARTNERS)),
        load_default=list,
        validate=validate.Length(max=len(PARTNERS)),
    )
    notes = StrictString(load_default="", validate=validate.Length(max=2000))

    @validates_schema
    def check(self, data, **kwargs):
        errors: dict[str, list[str]] = {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts is not None and ends is not None:
            if ends < starts:
                errors["ends_at"] = ["Must not be before the start."]
            elif (ends - starts).total_seconds() > MAX_HOURS * 3600:
                errors["ends_at"] = ["At most 12 hours after the start."]
        for name in ("grades", "topics", "partners"):
            values = data.get(name) or []
            if len(set(values)) != len(values):
                errors[name] = ["Each code at most once."]
        if data.get("type") == "school_session":
            if "school" in data and not data["school"].strip():
                errors["school"] = ["Required for a school session."]
            if "grades" in data and not data["grades"]:
                errors.setdefault("grades", []).append("Required for a school session.")
        if data.get("status") == "done" and "participants" in data and data["participants"] is None:
            errors["participants"] = ["Required when the activity is done."]
        if errors:
            raise ValidationError(errors)


class ActivityQuerySchema(PeriodQuerySchema):
    """``?from&to&type&status&officer=<username>&cursor`` (and ``area`` for an admin)."""

    class Meta:
        unknown = RAISE

    type = fields.String(validate=validate.OneOf(TYPES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    officer = fields.String(validate=validate.Length(min=1, max=64))
    cursor = fields.String(validate=validate.Length(min=1, max=200))


class ActivityExportQuerySchema(PeriodQuerySchema):
    class Meta:
        unknown = RAISE


class ActivityPageSchema(Schema):
    activities = fields.List(fields.Nested(ActivitySchema))
    next_cursor = fields.String(allow_none=True)
