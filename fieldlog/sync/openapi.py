from fieldlog.api.openapi import AUTH_ERRORS, error, json_body, json_response
from fieldlog.sync.schemas import PUSH_DOC, PUSH_RESULT_DOC, PullQuerySchema, PullResultSchema

_bearer = [{"bearer": []}]

ENVELOPE_DOC = {
    "type": "object",
    "required": ["v", "kid", "epk", "iv", "ct"],
    "properties": {
        "v": {"type": "integer", "enum": [1]},
        "kid": {"type": "string", "description": "The server key's id (the app's config: sealed.kid)"},
        "epk": {"type": "string", "description": "The phone's ephemeral P-256 public key, uncompressed, base64url"},
        "iv": {"type": "string", "description": "AES-GCM IV (12 bytes), base64url"},
        "ct": {
            "type": "string",
            "description": 'AES-256-GCM of {"token", "mutation"} under HKDF-SHA-256(ECDH(epk, server key), '
            'salt = epk ‖ server point, info = "fieldlog sealed push v1"), base64url',
        },
    },
    "additionalProperties": False,
}
SEALED_DOC = {
    "type": "object",
    "required": ["protocol", "envelopes"],
    "properties": {
        "protocol": {"type": "integer", "enum": [1]},
        "envelopes": {"type": "array", "maxItems": 500, "items": ENVELOPE_DOC},
    },
    "additionalProperties": False,
}

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
    "/sync/sealed": {
        "post": {
            "summary": "The push of a locked phone: mutations sealed for the server with the bearer token inside "
            "(issue 15; fieldlog/sync/sealed.py). No Authorization header: each envelope's token is checked as a "
            "bearer",
            "security": [],
            "requestBody": json_body(SEALED_DOC),
            "responses": {
                "200": json_response("One result per envelope's mutation, in request order", PUSH_RESULT_DOC),
                "400": error(
                    "Malformed JSON, not a valid body, an unsupported protocol, an envelope that does not open or "
                    "carries another token than the first (fields: envelopes.N), or a mutation that is not one "
                    "(fields: mutations.N)"
                ),
                "409": error(
                    "sealed_key_unknown: sealed for a key this server no longer has; push the entries unsealed"
                ),
                "413": error("More than 500 envelopes or 2 MiB: halve the batch"),
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
