"""The OpenAPI 3 document, generated from the marshmallow schemas the code validates with.

Each feature describes its operations in an ``OPENAPI`` mapping next to its routes (``{path: {method: operation}}``),
naming its schema classes; apispec's MarshmallowPlugin turns those into JSON Schema.
"""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app
from marshmallow import Schema, fields

bp = Blueprint("openapi", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1/openapi.json


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()))


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


def error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": "ErrorSchema"}}}


def json_body(schema, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def json_response(description: str, schema) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


AUTH_ERRORS = {"401": error("Missing, invalid, expired or revoked token")}


def _feature_operations() -> list[dict]:
    from fieldlog.activities import openapi as activities_doc
    from fieldlog.auth import openapi as auth_doc
    from fieldlog.coverage import openapi as coverage_doc
    from fieldlog.hotspots import openapi as hotspots_doc
    from fieldlog.promises import openapi as promises_doc
    from fieldlog.surveys import openapi as surveys_doc
    from fieldlog.surveys import results_openapi as survey_results_doc
    from fieldlog.sync import openapi as sync_doc
    from fieldlog.visits import openapi as visits_doc

    return [
        auth_doc.OPENAPI,
        hotspots_doc.OPENAPI,
        sync_doc.OPENAPI,
        coverage_doc.OPENAPI,
        visits_doc.OPENAPI,
        promises_doc.OPENAPI,
        activities_doc.OPENAPI,
        surveys_doc.OPENAPI,
        survey_results_doc.OPENAPI,
    ]


def build_spec() -> dict:
    spec = APISpec(
        title="fieldlog API",
        version="1",
        openapi_version="3.0.3",
        info={"description": "Offline-first field log for hot-spot policing (SPEC.md §3)."},
        servers=[{"url": "/api/v1"}],
        plugins=[MarshmallowPlugin()],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("ErrorSchema", schema=ErrorSchema)
    for paths in _feature_operations():
        for path, operations in paths.items():
            spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_document():
    cached = current_app.extensions.get("fieldlog_openapi_doc")
    if cached is None:
        cached = current_app.extensions["fieldlog_openapi_doc"] = build_spec()
    return cached
