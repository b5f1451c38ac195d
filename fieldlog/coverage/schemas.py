from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from fieldlog import periods
from fieldlog.api.fields import OffsetDateTime


class PeriodQuerySchema(Schema):
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (inclusive local days) and, for an admin, ``area=<slug>``."""

    class Meta:
        unknown = RAISE

    from_ = fields.Date(data_key="from", format="%Y-%m-%d")
    to = fields.Date(format="%Y-%m-%d")
    area = fields.String(validate=validate.Length(min=1, max=64))

    @validates_schema
    def check_order(self, data, **kwargs):
        for name, message in periods.problems(data.get("from_"), data.get("to")).items():
            raise ValidationError(message, name)


class CoverageRowSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    priority = fields.Integer()
    visits = fields.Integer()
    presence_minutes = fields.Float()
    officer_minutes = fields.Float()
    median_visit_minutes = fields.Float(allow_none=True)
    koper_visits = fields.Integer()
    on_site_visits = fields.Integer()
    hot_hour_minutes = fields.Float()
    target_visits = fields.Float(
        allow_none=True,
        metadata={
            "description": "target_visits_per_week × the days of the period the hot spot existed (from the day it "
            "was created, to the day it was archived) / 7"
        },
    )
    visit_compliance = fields.Float(allow_none=True)
    last_visit_at = OffsetDateTime(allow_none=True)
    officers_distinct = fields.Integer()


class CoverageSchema(Schema):
    area = fields.String()
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    timezone = fields.String()
    hotspots = fields.List(fields.Nested(CoverageRowSchema))


class GridSchema(Schema):
    minutes = fields.List(fields.List(fields.Float()), metadata={"description": "7 weekdays (Mon..Sun) × 24 hours"})
