"""The survey endpoints in the OpenAPI document (SPEC §7)."""

from fieldlog.api.openapi import AUTH_ERRORS, error, json_body, json_response
from fieldlog.surveys.schemas import (
    ResponseInputSchema,
    ResponseStoredSchema,
    SurveyInputSchema,
    SurveyListSchema,
    SurveyPatchSchema,
    SurveyQuerySchema,
    SurveySchema,
)

_id = {"name": "survey_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
_if_match = {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}}


def _area() -> dict:
    """A fresh parameter each time: apispec expands it in place."""
    return {"in": "query", "schema": SurveyQuerySchema}


_bearer = [{"bearer": []}]
_one = {
    "description": "The survey wave, with its state (draft, open, closed) computed from the times",
    "headers": {"ETag": {"schema": {"type": "string"}}},
    "content": {"application/json": {"schema": SurveySchema}},
}
_scope = {"403": error("Another area, or a role that may not do this"), "404": error("No such survey or area")}
_stored = {
    "description": "Stored (201), or a replay of a stored response_id (200, the same body)",
    "content": {"application/json": {"schema": ResponseStoredSchema}},
}

OPENAPI = {
    "/surveys": {
        "get": {
            "summary": "The survey waves of the caller's area (admin: ?area=, or every area)",
            "security": _bearer,
            "parameters": [_area()],
            "responses": {
                "200": json_response("Survey waves", SurveyListSchema),
                "400": error("Bad query"),
                **_scope,
                **AUTH_ERRORS,
            },
        },
        "post": {
            "summary": "Create a survey wave (supervisor of the area; admin: area or ?area=); one per area and year",
            "security": _bearer,
            "parameters": [_area()],
            "requestBody": json_body(SurveyInputSchema),
            "responses": {
                "201": _one,
                "400": error("Invalid wave (fields names each field)"),
                "409": error("The area already has a wave that year"),
                "415": error("Not JSON"),
                **_scope,
                **AUTH_ERRORS,
            },
        },
    },
    "/surveys/{survey_id}": {
        "get": {
            "summary": "One survey wave",
            "security": _bearer,
            "parameters": [_id, _area()],
            "responses": {"200": _one, "400": error("Bad query"), **_scope, **AUTH_ERRORS},
        },
        "patch": {
            "summary": "Change a survey wave (If-Match: its rev)",
            "security": _bearer,
            "parameters": [_id, _if_match, _area()],
            "requestBody": json_body(SurveyPatchSchema),
            "responses": {
                "200": _one,
                "400": error("Invalid change"),
                "409": error("Another wave that year, or the mode or questionnaire of a wave with responses"),
                "412": error("Changed meanwhile"),
                "415": error("Not JSON"),
                "428": error("If-Match missing"),
                **_scope,
                **AUTH_ERRORS,
            },
        },
    },
    "/surveys/{survey_id}/responses": {
        "post": {
            "summary": "Answer a survey (public, no sign-in): exactly once per response_id; an open wave once per "
            "browser (a cookie); a codes wave with a valid unused code",
            "security": [],
            "parameters": [_id],
            "requestBody": json_body(ResponseInputSchema),
            "responses": {
                "200": _stored,
                "201": _stored,
                "400": error("Invalid response: fields names the question (answers.problems.drugs)"),
                "403": error("invalid_code: no such access code"),
                "404": error("No such survey"),
                "409": error("survey_closed (not open yet, or closed), code_used, or already_answered (this browser)"),
                "415": error("Not JSON"),
                "429": error("Too many responses from this address: try again later"),
            },
        }
    },
}
