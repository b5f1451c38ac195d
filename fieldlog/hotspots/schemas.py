from __future__ import annotations

import re

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from fieldlog.api.fields import OffsetDateTime, StrictBoolean, StrictFloat, StrictInteger, StrictString

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class HotHoursSchema(Schema):
    """One hot-hours window: ISO weekdays and a time range; ``to`` before ``from`` runs past midnight."""

    class Meta:
        unknown = RAISE

    days = fields.List(
        StrictInteger(validate=validate.Range(1, 7)), required=True, validate=validate.Length(min=1, max=7)
    )
    from_ = StrictString(required=True, data_key="from", validate=validate.Regexp(HHMM, error="Use HH:MM."))
    to = StrictString(required=True, validate=validate.Regexp(HHMM, error="Use HH:MM."))

    @validates_schema
    def check(self, data, **kwargs):
        if len(set(data.get("days", []))) != len(data.get("days", [])):
            raise ValidationError("Each weekday once.", "days")
        if data.get("from_") is not None and data.get("from_") == data.get("to"):
            raise ValidationError("Must differ from 'from'.", "to")

    @post_load
    def as_stored(self, data, **kwargs):
        return {"days": sorted(data["days"]), "from": data["from_"], "to": data["to"]}


class HotSpotInputSchema(Schema):
    """What a supervisor may send to create (all required fields) or PATCH (partial) a hot spot."""

    class Meta:
        unknown = RAISE

    area = StrictString(validate=validate.Length(min=1, max=64))  # admin only: the area's slug
    name = StrictString(required=True, validate=validate.Length(min=1, max=200))
    description = StrictString(validate=validate.Length(max=2000))
    lat = StrictFloat(required=True, validate=validate.Range(-90, 90))
    lon = StrictFloat(required=True, validate=validate.Range(-180, 180))
    radius_m = StrictInteger(validate=validate.Range(1, 5000))
    priority = StrictInteger(validate=validate.Range(1, 3))
    target_visits_per_week = StrictInteger(allow_none=True, validate=validate.Range(0, 1000))
    target_minutes = StrictInteger(validate=validate.Range(1, 720))
    hot_hours = fields.List(fields.Nested(HotHoursSchema), validate=validate.Length(max=50))
    public = StrictBoolean()
    active = StrictBoolean()


class HotSpotPatchSchema(HotSpotInputSchema):
    """A PATCH: any subset of the fields, none required; the area cannot change."""

    class Meta:
        unknown = RAISE
        exclude = ("area",)

    name = StrictString(validate=validate.Length(min=1, max=200))
    lat = StrictFloat(validate=validate.Range(-90, 90))
    lon = StrictFloat(validate=validate.Range(-180, 180))


class HotSpotSchema(Schema):
    id = fields.UUID()
    area = fields.Function(lambda h: h.area.slug)
    name = fields.String()
    description = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    radius_m = fields.Integer()
    priority = fields.Integer()
    target_visits_per_week = fields.Integer(allow_none=True)
    target_minutes = fields.Integer()
    hot_hours = fields.List(fields.Dict())
    public = fields.Boolean()
    active = fields.Boolean()
    rev = fields.Integer()
    deleted = fields.Boolean()
    created_at = OffsetDateTime()
    updated_at = OffsetDateTime()


class HotSpotListSchema(Schema):
    hotspots = fields.List(fields.Nested(HotSpotSchema))


class HotSpotQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    area = fields.String(validate=validate.Length(min=1, max=64))
    include_deleted = fields.Boolean()


class HotSpotStatusSchema(Schema):
    """What the phone's "overdue" view needs of one hot spot (GET /api/v1/hotspots/status)."""

    id = fields.UUID(required=True)
    name = fields.String(required=True)
    last_visit_at = OffsetDateTime(required=True, allow_none=True)
    visits_7d = fields.Integer(required=True)
    presence_minutes_7d = fields.Float(required=True)


class HotSpotStatusListSchema(Schema):
    hotspots = fields.List(fields.Nested(HotSpotStatusSchema), required=True)
    as_of = OffsetDateTime(required=True)


class HotSpotStatusQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    area = fields.String(validate=validate.Length(min=1, max=64))
