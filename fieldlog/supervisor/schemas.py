"""Load schemas of the supervisor API (visit list, exports, flag)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from fieldlog.api.fields import StrictString
from fieldlog.coverage.schemas import PeriodQuerySchema
from fieldlog.visits.schemas import VisitSchema


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
