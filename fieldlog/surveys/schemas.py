"""What the survey API accepts and answers (SPEC §7): the marshmallow schemas the code validates with, from which the
OpenAPI document is generated. The answers themselves are checked against the questionnaire by
``services.validate_answers`` (every channel goes through it); here they are only "a JSON object"."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from fieldlog.api.fields import OffsetDateTime, StrictBoolean, StrictInteger, StrictString
from fieldlog.surveys.models import MODES, STATES
from fieldlog.surveys.questionnaire import QUESTIONNAIRES
from fieldlog.surveys.services import HONEYPOT_FIELD

MIN_YEAR, MAX_YEAR = 2000, 2100
TITLE_MAX = 200
TARGET_MAX = 1_000_000
CODE_MAX = 64


class SurveyInputSchema(Schema):
    """A new wave: year, title and period required; ``area`` (a slug) only for an admin."""

    class Meta:
        unknown = RAISE

    area = StrictString(validate=validate.Length(min=1, max=64))
    year = StrictInteger(required=True, validate=validate.Range(MIN_YEAR, MAX_YEAR))
    title = StrictString(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    opens_at = OffsetDateTime(required=True)
    closes_at = OffsetDateTime(required=True)
    mode = StrictString(validate=validate.OneOf(MODES))
    questionnaire = StrictString(validate=validate.OneOf(tuple(QUESTIONNAIRES)))
    published = StrictBoolean()
    target_responses = StrictInteger(allow_none=True, validate=validate.Range(0, TARGET_MAX))

    @validates_schema
    def check_period(self, data, **kwargs):
        first, last = data.get("opens_at"), data.get("closes_at")
        if first and last and last <= first:
            raise ValidationError("Must be after opens_at.", "closes_at")


class SurveyPatchSchema(SurveyInputSchema):
    """A PATCH: any subset (the period is checked again against the stored times by the service)."""

    class Meta:
        unknown = RAISE
        exclude = ("area",)

    year = StrictInteger(validate=validate.Range(MIN_YEAR, MAX_YEAR))
    title = StrictString(validate=validate.Length(min=1, max=TITLE_MAX))
    opens_at = OffsetDateTime()
    closes_at = OffsetDateTime()


class SurveyQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    area = StrictString(validate=validate.Length(min=1, max=64))


class SurveySchema(Schema):
    id = fields.UUID(required=True)
    area = fields.Function(lambda s: s.area.slug, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    opens_at = OffsetDateTime(required=True)
    closes_at = OffsetDateTime(required=True)
    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    questionnaire = fields.String(required=True)
    published = fields.Boolean(required=True)
    target_responses = fields.Integer(allow_none=True, required=True)
    rev = fields.Integer(required=True)
    state = fields.Function(lambda s: s.state(), required=True, validate=validate.OneOf(STATES))
    created_at = OffsetDateTime(required=True)
    updated_at = OffsetDateTime(required=True)


class SurveyListSchema(Schema):
    surveys = fields.List(fields.Nested(SurveySchema), required=True)


class AnswersField(fields.Dict):
    """The answers as a JSON object; their questions and codes are the questionnaire's (checked by the service)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "metadata",
            {
                "description": "Question → answer code (questionnaire core-1, SPEC §7): evening_safety, "
                "overall_safety, avoids_places, age_band, gender, lives_in (a code or null); problems "
                "{problem: code}; places [{lat, lon, when, reasons} | {hotspot_id, when, reasons}] (at most 5); "
                "improvements (text, at most 1000). Every question may be left out."
            },
        )
        super().__init__(keys=fields.String(), **kwargs)


class ResponseInputSchema(Schema):
    """A response sent as JSON (``POST /surveys/<id>/responses``). ``started_at`` (when the form was shown) and the
    honeypot field are what the respondent's page sends besides, for the checks that mark a response ``suspect``."""

    class Meta:
        unknown = RAISE

    response_id = fields.UUID(required=True)
    answers = AnswersField(required=True)
    code = StrictString(validate=validate.Length(max=CODE_MAX))
    started_at = OffsetDateTime()
    # The honeypot (services.HONEYPOT_FIELD): a field people never see, so never fill in.
    website = StrictString(validate=validate.Length(max=1000), metadata={"description": "Leave empty"})


assert HONEYPOT_FIELD in ResponseInputSchema._declared_fields


class ResponseStoredSchema(Schema):
    response_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("stored",)))


class KioskResponseSchema(Schema):
    """A kiosk's response as a push mutation's ``data`` (``survey_response.create``, SPEC §7 Kiosk)."""

    class Meta:
        unknown = RAISE

    survey_id = fields.UUID(required=True)
    answers = AnswersField(required=True)
    code = StrictString(validate=validate.Length(max=CODE_MAX))
