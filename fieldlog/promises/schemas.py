"""What the promise API accepts and answers (SPEC §6): the marshmallow schemas the code validates with, from which the
OpenAPI document is generated. Rules that need the database (hot spots of the area, overlapping periods, the ids a
PATCH keeps) are the service's (``promises.services``)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from fieldlog.activities.models import TYPES
from fieldlog.api.fields import OffsetDateTime, StrictBoolean, StrictInteger, StrictString
from fieldlog.promises.models import ASSESSMENTS, KINDS

MIN_YEAR, MAX_YEAR = 2000, 2100
# A promise runs for a year, sometimes two; three years bound what a period's progress reads.
MAX_PERIOD_DAYS = 3 * 366
MAX_COMMITMENTS = 20

TITLE_MAX, SITUATION_MAX, GOAL_MAX, PARTIES_MAX, DESCRIPTION_MAX, UPDATE_TEXT_MAX = 200, 4000, 1000, 500, 2000, 1000


class Day(fields.Date):
    """A calendar day ``YYYY-MM-DD`` in the years MIN_YEAR..MAX_YEAR."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 10:
            raise self.make_error("invalid")
        result = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= result.year <= MAX_YEAR:
            raise ValidationError(f"Must be a day in the years {MIN_YEAR}–{MAX_YEAR}.")
        return result


class CommitmentInputSchema(Schema):
    """One commitment as sent. ``id`` names a commitment the PATCH keeps (absent: a new one). Fields a kept
    commitment does not send keep their values; the fields of the other kinds must stay empty."""

    class Meta:
        unknown = RAISE

    id = fields.UUID()
    title = StrictString(validate=validate.Length(min=1, max=TITLE_MAX))
    description = StrictString(validate=validate.Length(max=DESCRIPTION_MAX))
    kind = StrictString(validate=validate.OneOf(KINDS))
    hotspot_ids = fields.List(fields.UUID(), validate=validate.Length(max=500))
    activity_types = fields.List(StrictString(validate=validate.OneOf(TYPES)), validate=validate.Length(max=20))
    target_count = StrictInteger(allow_none=True, validate=validate.Range(0, 100_000))
    reach_target = StrictInteger(allow_none=True, validate=validate.Range(0, 100_000))
    survey_ids = fields.List(fields.UUID(), validate=validate.Length(max=50))
    assessment = StrictString(validate=validate.OneOf(ASSESSMENTS))


class PromiseInputSchema(Schema):
    """A new promise: title and period required; ``area`` (a slug) only for an admin."""

    class Meta:
        unknown = RAISE

    area = StrictString(validate=validate.Length(min=1, max=64))
    title = StrictString(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    starts_on = Day(required=True)
    ends_on = Day(required=True)
    situation = StrictString(validate=validate.Length(max=SITUATION_MAX))
    goal = StrictString(validate=validate.Length(max=GOAL_MAX))
    parties = StrictString(validate=validate.Length(max=PARTIES_MAX))
    published = StrictBoolean()
    commitments = fields.List(fields.Nested(CommitmentInputSchema), validate=validate.Length(max=MAX_COMMITMENTS))

    @validates_schema
    def check_period(self, data, **kwargs):
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last:
            if last < first:
                raise ValidationError("Must not be before the first day of the promise.", "ends_on")
            if (last - first).days + 1 > MAX_PERIOD_DAYS:
                raise ValidationError("A promise runs for at most three years.", "ends_on")


class PromisePatchSchema(PromiseInputSchema):
    """A PATCH: any subset; ``commitments``, when sent, replaces the list (keeping the ids it sends)."""

    class Meta:
        unknown = RAISE
        exclude = ("area",)

    title = StrictString(validate=validate.Length(min=1, max=TITLE_MAX))
    starts_on = Day()
    ends_on = Day()


class UpdateInputSchema(Schema):
    """A dated public entry beside a commitment's figures."""

    class Meta:
        unknown = RAISE

    date = Day(required=True)
    text = StrictString(required=True, validate=validate.Length(min=1, max=UPDATE_TEXT_MAX))


class PromiseQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    area = StrictString(validate=validate.Length(min=1, max=64))


class ProgressQuerySchema(PromiseQuerySchema):
    as_of = Day()


class UpdateSchema(Schema):
    id = fields.UUID(required=True)
    date = fields.Date(required=True)
    text = fields.String(required=True)


class CommitmentSchema(Schema):
    id = fields.UUID(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    kind = fields.String(required=True)
    hotspot_ids = fields.List(fields.String(), required=True)
    activity_types = fields.List(fields.String(), required=True)
    target_count = fields.Integer(allow_none=True, required=True)
    reach_target = fields.Integer(allow_none=True, required=True)
    survey_ids = fields.List(fields.String(), required=True)
    assessment = fields.String(required=True)


class PromiseSchema(Schema):
    id = fields.UUID(required=True)
    area = fields.Function(lambda p: p.area.slug, required=True)
    title = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    situation = fields.String(required=True)
    goal = fields.String(required=True)
    parties = fields.String(required=True)
    published = fields.Boolean(required=True)
    rev = fields.Integer(required=True)
    created_at = OffsetDateTime(required=True)
    updated_at = OffsetDateTime(required=True)
    commitments = fields.List(fields.Nested(CommitmentSchema), required=True)


class PromiseListSchema(Schema):
    promises = fields.List(fields.Nested(PromiseSchema), required=True)


class CommitmentProgressSchema(Schema):
    id = fields.UUID(required=True)
    kind = fields.String(required=True)
    assessment = fields.String(required=True)
    progress = fields.Dict(
        required=True,
        metadata={
            "description": "By kind — presence: visits, presence_minutes, koper_visits, hot_hour_minutes, "
            "target_visits, visit_compliance (and from, to, hotspots, weeks); activities: done, planned, "
            "target_count, groups_reached, reach_target, participants; survey: waves, a list of {survey_id, year, "
            "state (draft | open | closed), responses, safe_share (null under 10 responses)}, oldest first."
        },
    )
    updates = fields.List(fields.Nested(UpdateSchema), required=True)


class ProgressSchema(Schema):
    promise_id = fields.UUID(required=True)
    as_of = fields.Date(required=True)
    commitments = fields.List(fields.Nested(CommitmentProgressSchema), required=True)
