from fieldlog.api.openapi import AUTH_ERRORS, error, json_body, json_response
from fieldlog.hotspots.schemas import (
    HotSpotInputSchema,
    HotSpotListSchema,
    HotSpotPatchSchema,
    HotSpotQuerySchema,
    HotSpotSchema,
    HotSpotStatusListSchema,
    HotSpotStatusQuerySchema,
)

_id = {"name": "hotspot_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
_if_match = {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}}
_bearer = [{"bearer": []}]
_one = {
    "description": "The hot spot",
    "headers": {"ETag": {"schema": {"type": "string"}}},
    "content": {"application/json": {"schema": HotSpotSchema}},
}

OPENAPI = {
    "/hotspots": {
        "get": {
            "summary": "Hot spots of the caller's area (admin: all, or ?area=)",
            "security": _bearer,
            "parameters": [{"in": "query", "schema": HotSpotQuerySchema}],
            "responses": {
                "200": json_response("Hot spots", HotSpotListSchema),
                "400": error("Bad query"),
                "403": error("Another area"),
                "404": error("No such area"),
                **AUTH_ERRORS,
            },
        },
        "post": {
            "summary": "Create a hot spot (supervisor of the area, admin)",
            "security": _bearer,
            "requestBody": json_body(HotSpotInputSchema),
            "responses": {
                "201": _one,
                "400": error("Invalid hot spot"),
                "403": error("Not allowed"),
                "415": error("Not JSON"),
                **AUTH_ERRORS,
            },
        },
    },
    "/hotspots/{hotspot_id}": {
        "get": {
            "summary": "One hot spot",
            "security": _bearer,
            "parameters": [_id],
            "responses": {"200": _one, "404": error("No such hot spot"), **AUTH_ERRORS},
        },
        "patch": {
            "summary": "Change a hot spot (If-Match: its rev)",
            "security": _bearer,
            "parameters": [_id, _if_match],
            "requestBody": json_body(HotSpotPatchSchema),
            "responses": {
                "200": _one,
                "400": error("Invalid change"),
                "403": error("Not allowed"),
                "404": error("No such hot spot"),
                "409": error("Archived"),
                "412": error("Changed meanwhile"),
                "415": error("Not JSON"),
                "428": error("If-Match missing"),
                **AUTH_ERRORS,
            },
        },
        "delete": {
            "summary": "Archive a hot spot (tombstone; If-Match: its rev)",
            "security": _bearer,
            "parameters": [_id, _if_match],
            "responses": {
                "204": {"description": "Archived"},
                "403": error("Not allowed"),
                "404": error("No such hot spot"),
                "412": error("Changed meanwhile"),
                "428": error("If-Match missing"),
                **AUTH_ERRORS,
            },
        },
    },
    "/hotspots/status": {
        "get": {
            "summary": "Per hot spot: last visit, visits and presence minutes of the last 7 days",
            "security": _bearer,
            "parameters": [{"in": "query", "schema": HotSpotStatusQuerySchema}],
            "responses": {
                "200": json_response("Status of the hot spots", HotSpotStatusListSchema),
                "400": error("Bad query"),
                "403": error("Another area"),
                "404": error("No such area"),
                **AUTH_ERRORS,
            },
        },
    },
}
