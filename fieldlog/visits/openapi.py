from fieldlog.api.openapi import AUTH_ERRORS, error, json_body, json_response
from fieldlog.visits.schemas import ExportQuerySchema, FlagInputSchema, VisitPageSchema, VisitQuerySchema, VisitSchema

_bearer = [{"bearer": []}]
_id = {"name": "visit_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}

OPENAPI = {
    "/visits": {
        "get": {
            "summary": "The area's visits, newest first, in keyset pages (supervisor: own area; admin: ?area= or all)",
            "security": _bearer,
            "parameters": [{"in": "query", "schema": VisitQuerySchema}],
            "responses": {
                "200": json_response("A page of visits", VisitPageSchema),
                "400": error("Bad query"),
                "403": error("Another area or not a supervisor"),
                "404": error("No such area"),
                **AUTH_ERRORS,
            },
        }
    },
    "/visits/{visit_id}/flag": {
        "post": {
            "summary": "Flag a visit back to its officer with a comment (reaches the phone on its next pull)",
            "security": _bearer,
            "parameters": [_id],
            "requestBody": json_body(FlagInputSchema),
            "responses": {
                "200": json_response("The flagged visit", VisitSchema),
                "400": error("Invalid comment"),
                "403": error("Not a supervisor"),
                "404": error("No such visit"),
                "415": error("Not JSON"),
                **AUTH_ERRORS,
            },
        },
        "delete": {
            "summary": "Remove a visit's flag",
            "security": _bearer,
            "parameters": [_id],
            "responses": {
                "204": {"description": "Flag removed (or there was none)"},
                "403": error("Not a supervisor"),
                "404": error("No such visit"),
                **AUTH_ERRORS,
            },
        },
    },
    "/visits.csv": {
        "get": {
            "summary": "CSV export of the area's visits over inclusive local days (UTF-8, header row)",
            "security": _bearer,
            "parameters": [{"in": "query", "schema": ExportQuerySchema}],
            "responses": {
                "200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
                "400": error("Bad query"),
                "403": error("Another area or not a supervisor"),
                "404": error("No such area"),
                **AUTH_ERRORS,
            },
        }
    },
    "/visits.geojson": {
        "get": {
            "summary": "GeoJSON FeatureCollection of the area's visits with a position",
            "security": _bearer,
            "parameters": [{"in": "query", "schema": ExportQuerySchema}],
            "responses": {
                "200": {
                    "description": "GeoJSON",
                    "content": {"application/geo+json": {"schema": {"type": "object"}}},
                },
                "400": error("Bad query"),
                "403": error("Another area or not a supervisor"),
                "404": error("No such area"),
                **AUTH_ERRORS,
            },
        }
    },
}
