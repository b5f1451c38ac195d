"""The visit as it travels: what the phone sends (``VisitInputSchema``, the rules of SPEC §2 that need neither the
database nor the clock) and what the server sends back (``VisitSchema``: pull, conflicts, supervisor lists)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from fieldlog.api import fields as api_fields
from fieldlog.api.fields import OffsetDateTime, StrictFloat, StrictInteger, StrictString
from fieldlog.api.schemas import LeanSchema
from fieldlog.coverage.schemas import PeriodQuerySchema
from fieldlog.visits.models import ACTIVITIES, ENTRIES, MODES, OBSERVATIONS


class PositionSchema(Schema):
    lat = fields.Float()
    lon = fields.Float()
    accuracy_m = fields.Float(allow_none=True)


class FlagSchema(Schema):
    comment = fields.String()
    by = fields.String()
    at = OffsetDateTime()


class VisitSchema(Schema):
    """A stored visit. ``officer`` and ``flag.by`` are usernames; position is null without a fix."""

    id = fields.UUID()
    hotspot_id = fields.UUID()
    officer = fields.String()
    device_id = fields.UUID(allow_none=True)
    started_at = OffsetDateTime()
    ended_at = OffsetDateTime(allow_none=True)
    mode = fields.String()
    officers = fields.Integer()
    observations = fields.List(fields.String())
    activities = fields.List(fields.String())
    contacts = fields.Integer()
    notes = fields.String()
    position = fields.Nested(PositionSchema, allow_none=True)
    entry = fields.String()
    distance_m = fields.Float(allow_none=True)
    on_site = fields.Boolean(allow_none=True)
    flag = fields.Nested(FlagSchema, allow_none=True)
    rev = fields.Integer()
    deleted = fields.Boolean()
    created_at = OffsetDateTime()
    updated_at = OffsetDateTime()


class PositionInputSchema(LeanSchema):
    """The GPS fix taken at *Arrive*."""

    class Meta:
        unknown = RAISE

    lat = StrictFloat(required=True, validate=validate.Range(-90, 90))
    lon = StrictFloat(required=True, validate=validate.Range(-180, 180))
    accuracy_m = StrictFloat(load_default=None, allow_none=True, validate=validate.Range(0, 100_000))


class VisitInputSchema(LeanSchema):
    """A visit as the phone sends it in ``visit.upsert``: the whole record, every time.

    Rules that need the server's clock, the configuration or the database (time windows, maximum duration, the hot
    spot) are checked by ``fieldlog.visits.services.check_visit``.
    """

    class Meta:
        unknown = RAISE

    hotspot_id = api_fields.UUID(required=True)
    started_at = OffsetDateTime(required=True)
    ended_at = OffsetDateTime(load_default=None, allow_none=True)
    mode = StrictString(load_default="foot", validate=validate.OneOf(MODES))
    officers = StrictInteger(load_default=1, validate=validate.Range(1, 20))
    observations = api_fields.List(
        StrictString(validate=validate.OneOf(OBSERVATIONS)),
        load_default=list,
        validate=validate.Length(max=len(OBSERVATIONS)),
    )
    activities = api_fields.List(
        StrictString(validate=validate.OneOf(ACTIVITIES)),
        load_default=list,
        validate=validate.Length(max=len(ACTIVITIES)),
    )
    contacts = StrictInteger(load_default=0, validate=validate.Range(0, 999))
    notes = StrictString(load_default="", validate=validate.Length(max=2000))
    position = api_fields.Nested(PositionInputSchema, load_default=None, allow_none=True)
    entry = StrictString(load_default="live", validate=validate.OneOf(ENTRIES))

    @validates_schema
    def check(self, data, **kwargs):
        errors: dict[str, list[str]] = {}
        ended, started = data.get("ended_at"), data.get("started_at")
        if ended is not None and started is not None and ended < started:
            errors["ended_at"] = ["Must not be before started_at."]
        observations = data.get("observations") or []
        if len(set(observations)) != len(observations):
            errors.setdefault("observations", []).append("Each code at most once.")
        if "nothing_to_report" in observations and len(observations) > 1:
            errors.setdefault("observations", []).append("nothing_to_report cannot be combined with other codes.")
        activities = data.get("activities") or []
        if len(set(activities)) != len(activities):
            errors["activities"] = ["Each code at most once."]
        if errors:
            raise ValidationError(errors)


# The supervisor API's queries and bodies (the area's list, exports, flag).


class VisitQuerySchema(PeriodQuerySchema):
    """``?from&to&hotspot_id&officer=<username>&cursor`` (and ``area`` for an admin)."""

    class Meta:
        unknown = RAISE

    hotspot_id = fields.UUID()
    officer = fields.String(validate=validate.Length(min=1, max=64))
    cursor = fields.String(validate=validate.Length(min=1, max=200))


class ExportQuerySchema(PeriodQuerySchema):
    class Meta:
        unknown = RAISE


class FlagInputSchema(Schema):
    class Meta:
        unknown = RAISE

    comment = StrictString(required=True, validate=validate.Length(min=1, max=2000))


class VisitPageSchema(Schema):
    visits = fields.List(fields.Nested(VisitSchema))
    next_cursor = fields.String(allow_none=True)
