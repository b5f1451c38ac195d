"""The sync protocol v1 on the wire (SPEC §3): the push envelope and its results, the pull query and its page."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from fieldlog.api import fields as api_fields
from fieldlog.api.fields import OffsetDateTime, StrictInteger, StrictString
from fieldlog.api.openapi import ErrorDetailSchema
from fieldlog.api.schemas import LeanSchema
from fieldlog.sync.records import MUTATIONS, RECORDS, VISIT

MUTATION_TYPES = tuple(MUTATIONS)


class MutationSchema(LeanSchema):
    """One mutation's envelope. ``data`` is checked per mutation by its record type's input schema
    (``fieldlog.sync.records``), so that one bad visit is rejected on its own instead of failing the whole push
    (SPEC §3 rule 2)."""

    class Meta:
        unknown = RAISE

    mutation_id = api_fields.UUID(required=True)
    # Any string: an unknown type rejects that mutation only (unknown_mutation_type).
    type = StrictString(required=True, validate=validate.Length(min=1, max=64))
    record_id = api_fields.UUID(required=True)
    base_rev = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(min=0))
    data = api_fields.Dict(load_default=None, allow_none=True)


class PushSchema(LeanSchema):
    """The push envelope. Each mutation is then loaded by MutationSchema(many=True): one pass over the list is
    markedly cheaper than a nested field per item, and the ingest target counts microseconds."""

    class Meta:
        unknown = RAISE

    protocol = StrictInteger(required=True)
    mutations = api_fields.List(api_fields.Dict(), required=True)


class MutationDocSchema(MutationSchema):
    """The mutation as the OpenAPI document describes it: ``data`` is a visit (VisitInputSchema)."""

    type = StrictString(required=True, validate=validate.OneOf(MUTATION_TYPES))
    data = fields.Nested(VISIT.input_schema, load_default=None, allow_none=True)


class PushDocSchema(PushSchema):
    protocol = StrictInteger(required=True, validate=validate.OneOf([1]))
    mutations = fields.List(fields.Nested(MutationDocSchema), required=True, validate=validate.Length(max=500))


class MutationResultSchema(Schema):
    mutation_id = fields.UUID(required=True)
    record_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("applied", "conflict", "rejected")))
    rev = fields.Integer()
    server = fields.Nested(VISIT.wire_schema)
    error = fields.Nested(ErrorDetailSchema)


class PushResultSchema(Schema):
    results = fields.List(fields.Nested(MutationResultSchema), required=True)
    server_time = OffsetDateTime(required=True)


class PullQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    cursor = fields.String(validate=validate.Length(max=512))
    # The upper bound is the PULL_MAX_LIMIT setting, checked by the view.
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1))


class ChangeSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(("hotspot", *RECORDS)))
    id = fields.UUID(required=True)
    rev = fields.Integer(required=True)
    deleted = fields.Boolean(required=True)
    # A HotSpotSchema or a VisitSchema, by type; absent for a tombstone.
    data = fields.Dict()


class PullResultSchema(Schema):
    cursor = fields.String(required=True)
    has_more = fields.Boolean(required=True)
    reset = fields.Boolean(required=True)
    changes = fields.List(fields.Nested(ChangeSchema), required=True)
