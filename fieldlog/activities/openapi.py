from fieldlog.activities.schemas import ActivityExportQuerySchema, ActivityPageSchema, ActivityQuerySchema
from fieldlog.api.openapi import AUTH_ERRORS, error, json_response

_bearer = [{"bearer": []}]

OPENAPI = {
    "/activities": {
        "get": {
            "summary": "The area's activities (SPEC §6), newest first, in keyset pages (supervisor: own area; admin: "
            "?area= or all); a period holds the activities that start in it",
            "security": _bearer,
            "parameters": [{"in": "query", "schema": ActivityQuerySchema}],
            "responses": {
                "200": json_response("A page of activities", ActivityPageSchema),
                "400": error("Bad query"),
                "403": error("Another area or not a supervisor"),
                "404": error("No such area"),
                **AUTH_ERRORS,
            },
        }
    },
    "/activities.csv": {
        "get": {
            "summary": "CSV export of the area's activities that start in inclusive local days (UTF-8, header row)",
            "security": _bearer,
            "parameters": [{"in": "query", "schema": ActivityExportQuerySchema}],
            "responses": {
                "200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
                "400": error("Bad query"),
                "403": error("Another area or not a supervisor"),
                "404": error("No such area"),
                **AUTH_ERRORS,
            },
        }
    },
}
