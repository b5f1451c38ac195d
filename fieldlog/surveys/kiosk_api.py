"""What the officer app's survey kiosk asks the server (issue 13, SPEC §7 "Kiosk"): nested API blueprint ``kiosk``.

* ``GET /api/v1/kiosk/surveys`` — the waves of the caller's area that have not closed (open now, or opening later),
  so that a signed-in device knows them while offline: the app caches the list after each sync and starts a kiosk
  from it without signal (the device itself tells open from not yet open by the times). Any signed-in user; a user
  without an area (an admin) gets an empty list.
* ``POST /api/v1/kiosk/password`` ``{"password"}`` — whether this is the caller's password: ``204``, or ``403
  invalid_credentials``. The kiosk asks before it starts, where there is a connection, so that the password whose
  hash it keeps for leaving is the right one. Throttled and counted like a sign-in (``fieldlog.auth.throttle``).

The responses themselves come through the push (``survey_response.create``), not here.
"""

from __future__ import annotations

from flask import Blueprint, g
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from fieldlog.api.errors import ApiError
from fieldlog.api.fields import OffsetDateTime, StrictString
from fieldlog.api.helpers import load
from fieldlog.auth import services as auth
from fieldlog.auth import throttle
from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.surveys.models import Survey

bp = Blueprint("kiosk", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1/kiosk


class KioskSurveySchema(Schema):
    id = fields.UUID()
    year = fields.Integer()
    title = fields.String()
    opens_at = OffsetDateTime()
    closes_at = OffsetDateTime()
    questionnaire = fields.String()


class KioskSurveyListSchema(Schema):
    surveys = fields.List(fields.Nested(KioskSurveySchema))


class PasswordCheckSchema(Schema):
    class Meta:
        unknown = RAISE

    password = StrictString(required=True, validate=validate.Length(min=1, max=1000))


_surveys = KioskSurveyListSchema()
_password = PasswordCheckSchema()


@bp.get("/kiosk/surveys")
@auth.api_auth()
def surveys():
    user = g.user
    rows = []
    if user.area_id is not None:
        rows = db.session.scalars(
            select(Survey)
            .where(Survey.area_id == user.area_id, Survey.closes_at > utcnow())
            .order_by(Survey.opens_at, Survey.year)
        ).all()
    return _surveys.dump({"surveys": rows}), 200, {"Cache-Control": "no-store"}


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
