"""The promise endpoints in the OpenAPI document (SPEC §6)."""

from fieldlog.api.openapi import AUTH_ERRORS, error, json_body, json_response
from fieldlog.promises.schemas import (
    ProgressQuerySchema,
    ProgressSchema,
    PromiseInputSchema,
    PromiseListSchema,
    PromisePatchSchema,
    PromiseQuerySchema,
    PromiseSchema,
    UpdateInputSchema,
    UpdateSchema,
)

_id = {"name": "promise_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
_cid = {"name": "commitment_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
_if_match = {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}}


def _area() -> dict:
    return {"in": "query", "schema": PromiseQuerySchema}


_bearer = [{"bearer": []}]
_one = {
    "description": "The promise with its commitments",
    "headers": {"ETag": {"schema": {"type": "string"}}},
    "content": {"application/json": {"schema": PromiseSchema}},
}
_scope = {"403": error("Another area, or not a supervisor"), "404": error("No such promise or area")}

OPENAPI = {
    "/promises": {
        "get": {
            "summary": "The promises of the caller's area (admin: ?area=)",
            "security": _bearer,
            "parameters": [_area()],
            "responses": {
                "200": json_response("Promises", PromiseListSchema),
                "400": error("Bad query"),
                **_scope,
                **AUTH_ERRORS,
            },
        },
        "post": {
            "summary": "Create a promise with its commitments (supervisor of the area; admin: area or ?area=)",
            "security": _bearer,
            "parameters": [_area()],
            "requestBody": json_body(PromiseInputSchema),
            "responses": {
                "201": _one,
                "400": error("Invalid promise (fields names each field)"),
                "409": error("The period overlaps another published promise of the area"),
                "415": error("Not JSON"),
                **_scope,
                **AUTH_ERRORS,
            },
        },
    },
    "/promises/{promise_id}": {
        "get": {
            "summary": "One promise",
            "security": _bearer,
            "parameters": [_id, _area()],
            "responses": {"200": _one, "400": error("Bad query"), **_scope, **AUTH_ERRORS},
        },
        "patch": {
            "summary": "Change a promise (If-Match: its rev); commitments, when sent, replace the list keeping the ids "
            "sent",
            "security": _bearer,
            "parameters": [_id, _if_match, _area()],
            "requestBody": json_body(PromisePatchSchema),
            "responses": {
                "200": _one,
                "400": error("Invalid change"),
                "409": error("The period overlaps another published promise of the area"),
                "412": error("Changed meanwhile"),
                "415": error("Not JSON"),
                "428": error("If-Match missing"),
                **_scope,
                **AUTH_ERRORS,
            },
        },
        "delete": {
            "summary": "Delete a promise with its commitments and updates (If-Match: its rev)",
            "security": _bearer,
            "parameters": [_id, _if_match, _area()],
            "responses": {
                "204": {"description": "Deleted"},
                "400": error("Bad query"),
                "412": error("Changed meanwhile"),
                "428": error("If-Match missing"),
                **_scope,
                **AUTH_ERRORS,
            },
        },
    },
    "/promises/{promise_id}/commitments/{commitment_id}/updates": {
        "post": {
            "summary": "Write a dated public update beside a commitment's figures",
            "security": _bearer,
            "parameters": [_id, _cid, _area()],
            "requestBody": json_body(UpdateInputSchema),
            "responses": {
                "201": json_response("The update", UpdateSchema),
                "400": error("Invalid update"),
                "415": error("Not JSON"),
                **_scope,
                **AUTH_ERRORS,
            },
        },
    },
    "/promises/{promise_id}/progress": {
        "get": {
            "summary": "Each commitment's computed progress, assessment and updates (as of today, or ?as_of=)",
            "security": _bearer,
            "parameters": [_id, {"in": "query", "schema": ProgressQuerySchema}],
            "responses": {
                "200": json_response("Progress", ProgressSchema),
                "400": error("Bad query"),
                **_scope,
                **AUTH_ERRORS,
            },
        },
    },
}
