"""The sync protocol v1 on the wire (SPEC §3): the push envelope and its results, the pull query and its page."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from fieldlog.api import fields as api_fields
from fieldlog.api.fields import StrictInteger, StrictString
from fieldlog.api.openapi import ErrorDetailSchema
from fieldlog.api.schemas import LeanSchema
from fieldlog.sync.records import CREATE_ONLY, MUTATIONS, RECORDS

MUTATION_TYPES = (*MUTATIONS, *CREATE_ONLY)


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


class MutationResultSchema(Schema):
    mutation_id = fields.UUID(required=True)
    record_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("applied", "conflict", "rejected")))
    rev = fields.Integer()
    error = fields.Nested(ErrorDetailSchema)


def _doc_schemas(record) -> tuple[type[Schema], type[Schema]]:
    """The OpenAPI description of one record type's mutations and results: ``data`` its input schema, ``server``
    its wire schema. Made from ``RECORDS``, so that a new type is described without an edit here."""
    title = "".join(part.title() for part in record.name.split("_"))
    mutation = type(
        f"{title}MutationSchema",
        (MutationSchema,),
        {
            "type": StrictString(required=True, validate=validate.OneOf((record.upsert, record.delete))),
            "data": fields.Nested(record.input_schema, load_default=None, allow_none=True),
        },
    )
    server = fields.Nested(record.wire_schema)
    result = type(f"{title}MutationResultSchema", (MutationResultSchema,), {"server": server})
    return mutation, result


def _create_doc_schemas(record) -> tuple[type[Schema], type[Schema]]:
    """The same for a create-only type (``records.CREATE_ONLY``): its one mutation type, no server copy."""
    title = "".join(part.title() for part in record.name.split("_"))
    mutation = type(
        f"{title}MutationSchema",
        (MutationSchema,),
        {
            "type": StrictString(required=True, validate=validate.OneOf((record.create,))),
            "data": fields.Nested(record.input_schema, required=True),
        },
    )
    return mutation, MutationResultSchema


_DOC = [_doc_schemas(record) for record in RECORDS.values()]
_DOC += [_create_doc_schemas(record) for record in CREATE_ONLY.values()]

# The push as the OpenAPI document describes it: each mutation one of the record types' (plain dicts: apispec turns
# the schema classes in them into references).
PUSH_DOC = {
    "type": "object",
    "required": ["protocol", "mutations"],
    "properties": {
        "protocol": {"type": "integer", "enum": [1]},
        "mutations": {"type": "array", "maxItems": 500, "items": {"oneOf": [mutation for mutation, _ in _DOC]}},
    },
    "additionalProperties": False,
}
PUSH_RESULT_DOC = {
    "type": "object",
    "required": ["results", "server_time"],
    "properties": {
        "results": {"type": "array", "items": {"oneOf": [result for _, result in _DOC]}},
        "server_time": {"type": "string", "format": "date-time"},
    },
}


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
    # A HotSpotSchema or a record type's wire schema (VisitSchema, ActivitySchema), by type; absent for a tombstone
    # or a removal.
    data = fields.Dict()


class PullResultSchema(Schema):
    cursor = fields.String(required=True)
    has_more = fields.Boolean(required=True)
    reset = fields.Boolean(required=True)
    changes = fields.List(fields.Nested(ChangeSchema), required=True)
