from fieldlog.api.openapi import AUTH_ERRORS, error, json_body, json_response
from fieldlog.sync.schemas import PUSH_DOC, PUSH_RESULT_DOC, PullQuerySchema, PullResultSchema

_bearer = [{"bearer": []}]

OPENAPI = {
    "/sync/push": {
        "post": {
            "summary": "Upload mutations (exactly once, in order, independently; SPEC §3)",
            "security": _bearer,
            "requestBody": json_body(PUSH_DOC),
            "responses": {
                "200": json_response("One result per mutation, in request order", PUSH_RESULT_DOC),
                "400": error("Malformed JSON, not a valid envelope, or an unsupported protocol"),
                "413": error("More than 500 mutations or 2 MiB: halve the batch"),
                "415": error("Not JSON"),
                "503": error("The database is unavailable; retrying the whole request is safe"),
                **AUTH_ERRORS,
            },
        }
    },
    "/sync/pull": {
        "get": {
            "summary": "Changes after a cursor; a snapshot (reset) without a usable one",
            "security": _bearer,
            "parameters": [{"in": "query", "schema": PullQuerySchema}],
            "responses": {
                "200": json_response("A page of changes", PullResultSchema),
                "400": error("Bad query"),
                **AUTH_ERRORS,
            },
        }
    },
}
