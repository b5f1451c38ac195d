"""The survey kiosk's endpoints in the OpenAPI document (``fieldlog.surveys.kiosk_api``)."""

from fieldlog.api.openapi import AUTH_ERRORS, error, json_body
from fieldlog.surveys.kiosk_api import PasswordCheckSchema

_bearer = [{"bearer": []}]

OPENAPI = {
    "/kiosk/password": {
        "post": {
            "summary": "Check the caller's password before a kiosk starts (throttled like a sign-in)",
            "security": _bearer,
            "requestBody": json_body(PasswordCheckSchema),
            "responses": {
                "204": {"description": "The caller's password"},
                "400": error("Invalid body"),
                "403": error("Not the caller's password (invalid_credentials)"),
                "415": error("Not JSON"),
                "429": error("Too many failed tries"),
                **AUTH_ERRORS,
            },
        },
    },
}
