from fieldlog.api.openapi import AUTH_ERRORS, error, json_body, json_response
from fieldlog.auth.schemas import (
    DeviceRenameSchema,
    DeviceSchema,
    TokenRequestSchema,
    TokenResponseSchema,
    UserSchema,
)

OPENAPI = {
    "/auth/token": {
        "post": {
            "summary": "Sign in a device and get a bearer token",
            "security": [],
            "requestBody": json_body(TokenRequestSchema),
            "responses": {
                "201": json_response("Token issued", TokenResponseSchema),
                "400": error("Malformed request"),
                "401": error("Wrong credentials or inactive user"),
                "415": error("Not JSON"),
                "429": {
                    **error("Too many failed sign-ins for this username or from this address"),
                    "headers": {
                        "Retry-After": {
                            "description": "Seconds until the next attempt may be counted",
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    },
                },
            },
        },
        "delete": {
            "summary": "Revoke the calling token",
            "security": [{"bearer": []}],
            "responses": {"204": {"description": "Revoked"}, **AUTH_ERRORS},
        },
    },
    "/me": {
        "get": {
            "summary": "The signed-in user",
            "security": [{"bearer": []}],
            "responses": {"200": json_response("The user", UserSchema), **AUTH_ERRORS},
        }
    },
    "/me/device": {
        "get": {
            "summary": "The calling device",
            "security": [{"bearer": []}],
            "responses": {"200": json_response("The device", DeviceSchema), **AUTH_ERRORS},
        },
        "patch": {
            "summary": "Rename the calling device (the name supervisors see in the device list)",
            "security": [{"bearer": []}],
            "requestBody": json_body(DeviceRenameSchema),
            "responses": {
                "200": json_response("Renamed", DeviceSchema),
                "400": error("Invalid name (fields.name) or malformed request"),
                "415": error("Not JSON"),
                **AUTH_ERRORS,
            },
        },
    },
}
