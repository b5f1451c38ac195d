"""Small pieces every API route uses: reading a JSON body, loading it with a schema, ETags."""

from __future__ import annotations

from flask import request
from marshmallow import Schema
from werkzeug.exceptions import BadRequest

from fieldlog.api.errors import ApiError


def json_body():
    """The request's JSON: 415 for another content type, 400 for malformed JSON."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "The request body must be JSON (Content-Type: application/json).")
    try:
        return request.get_json()
    except BadRequest:
        raise ApiError(400, "bad_request", "The request body is not valid JSON.") from None


def load(schema: Schema, data=None, **kwargs):
    """Validate with a marshmallow schema; a ValidationError becomes the 400 envelope (api.errors)."""
    if data is None:
        data = json_body()
    if not isinstance(data, dict):
        raise ApiError(
            400,
            "validation_error",
            "The request body must be a JSON object.",
            {"_schema": ["Not an object."]},
        )
    return schema.load(data, **kwargs)


def etag(rev: int) -> str:
    return f'"{rev}"'


def if_match_rev() -> int:
    """The rev named by If-Match; 428 when absent (no unconditional overwrite), 412 when unparseable."""
    header = request.headers.get("If-Match")
    if header is None:
        raise ApiError(
            428,
            "precondition_required",
            "Send If-Match with the ETag of the version you changed.",
            {"If-Match": ["Missing."]},
        )
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise ApiError(412, "precondition_failed", "If-Match does not name a version of this record.")
    return int(value)
