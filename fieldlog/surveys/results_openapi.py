"""The survey results endpoints in the OpenAPI document (SPEC §7)."""

from fieldlog.api.openapi import AUTH_ERRORS, error, json_body, json_response
from fieldlog.hotspots.schemas import HotSpotSchema
from fieldlog.surveys.results_schemas import (
    AcceptSchema,
    AreaQuerySchema,
    CompareQuerySchema,
    CompareSchema,
    DismissSchema,
    PlacesSchema,
    ResultsQuerySchema,
    ResultsSchema,
)

_id = {"name": "survey_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
_cid = {"name": "cid", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
_bearer = [{"bearer": []}]
_scope = {"403": error("Another area, or not a supervisor"), "404": error("No such survey or area")}


def _get(summary: str, query, answer: str, schema) -> dict:
    return {
        "get": {
            "summary": summary,
            "security": _bearer,
            "parameters": [_id, {"in": "query", "schema": query}],
            "responses": {
                "200": json_response(answer, schema),
                "400": error("Bad query"),
                **_scope,
                **AUTH_ERRORS,
            },
        }
    }


def _decision(summary: str, body, created: dict) -> dict:
    return {
        "post": {
            "summary": summary,
            "security": _bearer,
            "parameters": [_id, _cid, {"in": "query", "schema": AreaQuerySchema}],
            "requestBody": json_body(body),
            "responses": {
                **created,
                "400": error("Invalid body (fields names each field)"),
                "409": error("The candidate has already been decided on"),
                "415": error("Not JSON"),
                **_scope,
                **AUTH_ERRORS,
            },
        }
    }


OPENAPI = {
    "/surveys/{survey_id}/results": _get(
        "A wave's results, groups under 10 suppressed (supervisor of the area; admin: ?area=)",
        ResultsQuerySchema,
        "Results",
        ResultsSchema,
    ),
    "/surveys/{survey_id}/compare": _get(
        "The differences from another wave of the area, and whether they compare like for like",
        CompareQuerySchema,
        "Differences",
        CompareSchema,
    ),
    "/surveys/{survey_id}/places": _get(
        "Per hot spot: marks this wave and the previous one, presence in between; candidate places",
        AreaQuerySchema,
        "Perception against presence",
        PlacesSchema,
    ),
    "/surveys/{survey_id}/candidates/{cid}/accept": _decision(
        "Turn a candidate place into a hot spot (body: hot-spot fields overriding the suggestion)",
        AcceptSchema,
        {"201": json_response("The new hot spot", HotSpotSchema)},
    ),
    "/surveys/{survey_id}/candidates/{cid}/dismiss": _decision(
        "Dismiss a candidate place with a reason", DismissSchema, {"204": {"description": "Dismissed"}}
    ),
}
