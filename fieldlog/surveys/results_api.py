"""The survey results API (SPEC §7): results, the comparison of two waves, perception against presence, and the
decisions on candidate places. Supervisor of the wave's area; admin, with ``?area=`` to name it."""

from __future__ import annotations

import uuid

from flask import Blueprint, g, request

from fieldlog.api.helpers import etag, load
from fieldlog.auth.services import api_auth
from fieldlog.errors import Invalid, NotFound
from fieldlog.hotspots.schemas import HotSpotSchema
from fieldlog.surveys import places, results
from fieldlog.surveys.results_schemas import (
    AcceptSchema,
    AreaQuerySchema,
    CompareQuerySchema,
    DismissSchema,
    ResultsQuerySchema,
)
from fieldlog.surveys.services import get_survey

bp = Blueprint("survey_results", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1

_area = AreaQuerySchema()
_results_query = ResultsQuerySchema()
_compare_query = CompareQuerySchema()
_accept = AcceptSchema()
_dismiss = DismissSchema()
_hotspot = HotSpotSchema()
CANDIDATE_ID_MAX = 64


def _survey(survey_id: uuid.UUID, args: dict):
    return results.survey_for(g.user, survey_id, args.get("area"))


@bp.get("/surveys/<uuid:survey_id>/results")
@api_auth("supervisor", "admin")
def survey_results(survey_id: uuid.UUID):
    args = load(_results_query, request.args.to_dict())
    return results.results(_survey(survey_id, args), args["include_suspect"])


@bp.get("/surveys/<uuid:survey_id>/compare")
@api_auth("supervisor", "admin")
def survey_compare(survey_id: uuid.UUID):
    args = load(_compare_query, request.args.to_dict())
    survey = _survey(survey_id, args)
    try:
        other = get_survey(args["with_"])
    except NotFound:
        other = None
    if other is None or other.area_id != survey.area_id or other.id == survey.id:
        raise Invalid("Compare with another wave of the same area.", {"with": ["No other wave of this area."]})
    return results.compare(survey, other, args["include_suspect"])


@bp.get("/surveys/<uuid:survey_id>/places")
@api_auth("supervisor", "admin")
def survey_places(survey_id: uuid.UUID):
    return places.perception(_survey(survey_id, load(_area, request.args.to_dict())))


def _candidate_id(cid: str) -> str:
    if len(cid) > CANDIDATE_ID_MAX:
        raise NotFound("No such candidate place.")
    return cid


@bp.post("/surveys/<uuid:survey_id>/candidates/<cid>/accept")
@api_auth("supervisor", "admin")
def accept_candidate(survey_id: uuid.UUID, cid: str):
    survey = _survey(survey_id, load(_area, request.args.to_dict()))
    overrides = load(_accept)
    hotspot = places.accept(g.user, survey, _candidate_id(cid), overrides)
    return _hotspot.dump(hotspot), 201, {"ETag": etag(hotspot.rev)}


@bp.post("/surveys/<uuid:survey_id>/candidates/<cid>/dismiss")
@api_auth("supervisor", "admin")
def dismiss_candidate(survey_id: uuid.UUID, cid: str):
    survey = _survey(survey_id, load(_area, request.args.to_dict()))
    body = load(_dismiss)
    places.dismiss(g.user, survey, _candidate_id(cid), body["reason"])
    return "", 204
