"""The survey kiosk's password check (issue 13, SPEC §7 "Kiosk"): nested API blueprint ``kiosk``.

``POST /api/v1/kiosk/password`` ``{"password"}`` — whether this is the caller's password: ``204``, or ``403
invalid_credentials`` (403, not 401: the token is fine, and the app must not take it for a dead session). The officer
app asks before a kiosk starts, where there is a connection, so that the password whose PBKDF2 hash the device keeps
for leaving the kiosk is the right one. Throttled and counted like a sign-in (``fieldlog.auth.throttle``).

The kiosk reads the area's waves from ``GET /api/v1/surveys`` (``fieldlog.surveys.api``) and uploads its responses
through the push (``survey_response.create``, ``fieldlog.surveys.sync``).
"""

from __future__ import annotations

from flask import Blueprint, g
from marshmallow import RAISE, Schema, validate

from fieldlog.api.errors import ApiError
from fieldlog.api.fields import StrictString
from fieldlog.api.helpers import load
from fieldlog.auth import services as auth
from fieldlog.auth import throttle

bp = Blueprint("kiosk", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1/kiosk


class PasswordCheckSchema(Schema):
    class Meta:
        unknown = RAISE

    password = StrictString(required=True, validate=validate.Length(min=1, max=1000))


_password = PasswordCheckSchema()


@bp.post("/kiosk/password")
@auth.api_auth()
def check_password():
    data = load(_password)
    username = g.user.username
    throttle.check(username)
    if auth.check_credentials(username, data["password"]) is None:
        throttle.record_failure(username, "kiosk")
        raise ApiError(403, "invalid_credentials", "Wrong password.")
    return "", 204, {"Cache-Control": "no-store"}
