"""The survey API (SPEC §7): waves for the area's supervisors (``?area=`` for an admin; officers read their area's,
for the kiosk), and the public, sign-in-free JSON response endpoint. ``If-Match`` on PATCH as for promises."""

import uuid

from flask import Blueprint, g, jsonify, request

from fieldlog.api.helpers import etag, if_match_rev, load
from fieldlog.auth.services import api_auth
from fieldlog.surveys import services, throttle
from fieldlog.surveys.browser import browser_token, set_browser_cookie
from fieldlog.surveys.schemas import (
    ResponseInputSchema,
    SurveyInputSchema,
    SurveyPatchSchema,
    SurveyQuerySchema,
    SurveySchema,
)

bp = Blueprint("surveys", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1

_input = SurveyInputSchema()
_patch = SurveyPatchSchema()
_query = SurveyQuerySchema()
_survey = SurveySchema()
_response = ResponseInputSchema()


def _one(survey, status=200):
    return _survey.dump(survey), status, {"ETag": etag(survey.rev)}


def _get(survey_id: uuid.UUID):
    args = load(_query, request.args.to_dict())
    return services.get_for(g.user, survey_id, args.get("area"))


@bp.get("/surveys")
@api_auth()
def list_surveys():
    args = load(_query, request.args.to_dict())
    return {"surveys": _survey.dump(services.list_for(g.user, args.get("area")), many=True)}


@bp.post("/surveys")
@api_auth("supervisor", "admin")
def create_survey():
    args = load(_query, request.args.to_dict())
    return _one(services.create(g.user, load(_input), args.get("area")), 201)


@bp.get("/surveys/<uuid:survey_id>")
@api_auth()
def get_survey(survey_id: uuid.UUID):
    return _one(_get(survey_id))


@bp.patch("/surveys/<uuid:survey_id>")
@api_auth("supervisor", "admin")
def patch_survey(survey_id: uuid.UUID):
    survey = _get(survey_id)
    data = load(_patch)
    return _one(services.update(g.user, survey, data, if_match_rev()))


@bp.post("/surveys/<uuid:survey_id>/responses")
def post_response(survey_id: uuid.UUID):
    """Public: no sign-in, no CSRF (nothing rides on a cookie but the once-per-browser mark). Throttled per address;
    nothing of the address is stored."""
    throttle.check_and_count()
    survey = services.get_survey(survey_id)
    data = load(_response)
    token, new = browser_token(request)
    status, body = services.store_response(
        survey,
        data["response_id"],
        data["answers"],
        channel="api",
        code=data.get("code"),
        browser_token=token if survey.mode == "open" else None,
        started_at=data.get("started_at"),
        honeypot=data.get(services.HONEYPOT_FIELD),
    )
    response = jsonify(body)
    response.status_code = status
    if new and survey.mode == "open":
        set_browser_cookie(response, token, request.is_secure)
    return response
