"""The kiosk's upload (SPEC §7 Kiosk): a ``survey_response.create`` push mutation, ``record_id`` the response_id and
``data`` ``{"survey_id", "answers"}`` (and a ``code`` for a codes wave), stored through ``services.store_response``
with ``channel: "kiosk"``.

A response is created once and never pulled back, so it is no ``RecordType``: the push calls ``apply_create`` for
each such mutation (``fieldlog.sync.records.CREATE_ONLY``) inside its transaction, and keeps its first result in the
mutation log like any other (rule 1: a replay by mutation_id answers the same). Rule 3 by record_id: the same
response again → ``applied``; other data under the same response_id → ``rejected`` / ``conflict`` (a response is
never shown back, so there is no server copy to send).
"""

from __future__ import annotations

from marshmallow import ValidationError

from fieldlog.api.errors import normalise_fields
from fieldlog.errors import DomainError, Invalid
from fieldlog.extensions import db
from fieldlog.surveys import services
from fieldlog.surveys.models import Survey, SurveyResponse
from fieldlog.surveys.schemas import KioskResponseSchema

NAME = "survey_response"
CREATE = f"{NAME}.create"
# Who may run a kiosk: an officer or supervisor of the wave's area (an admin belongs to no area).
KIOSK_ROLES = ("officer", "supervisor")

_loader = KioskResponseSchema()


def _rejected(head: dict, code: str, message: str, fields: dict | None = None) -> dict:
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {**head, "status": "rejected", "error": error}


def _applied(head: dict) -> dict:
    return {**head, "status": "applied", "rev": 1}


def apply_create(actor, now, head: dict, mutation: dict) -> dict:
    """One ``survey_response.create`` mutation's result (the push stores it with the mutation id)."""
    if mutation["base_rev"]:
        return _rejected(
            head, "validation_error", "A survey response is only created.", {"base_rev": ["Must be null or 0."]}
        )
    if mutation["data"] is None:
        return _rejected(
            head, "validation_error", "The mutation has no data.", {"data": ["Missing data for required field."]}
        )
    try:
        data = _loader.load(mutation["data"])
    except ValidationError as e:
        return _rejected(head, "validation_error", "The answers are not valid.", normalise_fields(e.messages))
    survey = db.session.get(Survey, data["survey_id"])
    if survey is None:
        return _rejected(head, "not_found", "No such survey.", {"survey_id": ["Unknown survey."]})
    if actor.role not in KIOSK_ROLES or actor.area_id != survey.area_id:
        return _rejected(
            head, "forbidden", "Only the officers and supervisors of the survey's area may collect its responses."
        )
    response_id = mutation["record_id"]
    stored = db.session.get(SurveyResponse, response_id)
    if stored is not None:
        if stored.survey_id == survey.id and services.same_answers(stored, survey, data["answers"]):
            return _applied(head)
        return _rejected(head, "conflict", "Another response was stored under this response_id.")
    try:
        services.store_response(survey, response_id, data["answers"], channel="kiosk", code=data.get("code"), now=now)
    except Invalid as e:
        return _rejected(head, "validation_error", e.message, e.fields)
    except DomainError as e:
        return _rejected(head, e.code, e.message, e.fields)
    return _applied(head)
