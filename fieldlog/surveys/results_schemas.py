"""What the results, compare, places and candidate endpoints take (SPEC §7), and — loosely, for the OpenAPI
document — what they answer."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from fieldlog.api.fields import StrictString
from fieldlog.hotspots.schemas import HotSpotPatchSchema

REASON_MAX = 1000


class AreaQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    area = StrictString(validate=validate.Length(min=1, max=64))  # admin: the area's slug


class ResultsQuerySchema(AreaQuerySchema):
    include_suspect = fields.Boolean(load_default=False)


class CompareQuerySchema(ResultsQuerySchema):
    with_ = fields.UUID(required=True, data_key="with")


class AcceptSchema(HotSpotPatchSchema):
    """Hot-spot fields that override the candidate's suggestion (all optional; the area is the wave's)."""


class DismissSchema(Schema):
    class Meta:
        unknown = RAISE

    reason = StrictString(required=True, validate=validate.Length(min=1, max=REASON_MAX))


class ResultsSchema(Schema):
    """The results document (SPEC §7); see fieldlog/surveys/results.py for every key."""

    survey_id = fields.String()
    n = fields.Integer()
    response_rate = fields.Float(allow_none=True)
    withheld = fields.Boolean()
    safe_share = fields.Float(allow_none=True)
    never_out_share = fields.Float(allow_none=True)
    questions = fields.Dict()
    problems = fields.Dict()
    by_group = fields.Dict()
    places = fields.Dict()


class CompareSchema(Schema):
    survey_id = fields.String()
    with_ = fields.String(data_key="with")
    comparable = fields.Boolean()
    reasons = fields.List(fields.Dict())
    n = fields.Dict()
    safe_share = fields.Dict()
    never_out_share = fields.Dict()
    problems = fields.Dict()
    questions = fields.Dict()


class PlacesSchema(Schema):
    survey_id = fields.String()
    previous_survey_id = fields.String(allow_none=True)
    hotspots = fields.List(fields.Dict())
    candidates = fields.List(fields.Dict())
