from fieldlog.api.openapi import AUTH_ERRORS, error, json_response
from fieldlog.coverage.schemas import CoverageSchema, GridSchema, PeriodQuerySchema

_bearer = [{"bearer": []}]

OPENAPI = {
    "/coverage": {
        "get": {
            "summary": "Coverage per hot spot over inclusive local days (supervisor: own area; admin: ?area=)",
            "security": _bearer,
            "parameters": [{"in": "query", "schema": PeriodQuerySchema}],
            "responses": {
                "200": json_response("Coverage", CoverageSchema),
                "400": error("Bad query"),
                "403": error("Another area or not a supervisor"),
                "404": error("No such area"),
                **AUTH_ERRORS,
            },
        }
    },
    "/coverage/{hotspot_id}/grid": {
        "get": {
            "summary": "Presence minutes per weekday (Mon..Sun) × hour of one hot spot",
            "security": _bearer,
            "parameters": [
                {"name": "hotspot_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}},
                {"in": "query", "schema": PeriodQuerySchema},
            ],
            "responses": {
                "200": json_response("Grid", GridSchema),
                "400": error("Bad query"),
                "403": error("Not a supervisor"),
                "404": error("No such hot spot"),
                **AUTH_ERRORS,
            },
        }
    },
}
