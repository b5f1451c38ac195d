"""The visit as it travels: what the server sends back (pull, conflicts, supervisor lists)."""

from __future__ import annotations

from marshmallow import Schema, fields

from fieldlog.api.fields import OffsetDateTime


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
    distance_m = fields.Float(allow_none=True)
    on_site = fields.Boolean(allow_none=True)
    flag = fields.Nested(FlagSchema, allow_none=True)
    rev = fields.Integer()
    deleted = fields.Boolean()
    created_at = OffsetDateTime()
    updated_at = OffsetDateTime()
