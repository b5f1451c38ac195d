"""The one error envelope of the API: ``{"error": {"code", "message", "fields"?}}`` for every error."""

from __future__ import annotations

import logging

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from fieldlog.errors import DomainError

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    428: "precondition_required",
    429: "too_many_requests",
    431: "request_header_fields_too_large",
    500: "internal_error",
    503: "service_unavailable",
}


HTTP_MESSAGES = {
    400: _l("The request is not valid."),
    401: _l("Sign in: send Authorization: Bearer <token>."),
    403: _l("Your role may not do this."),
    404: _l("There is nothing at this address."),
    405: _l("This method is not allowed here."),
    406: _l("This answer cannot be given in the format asked for."),
    409: _l("The request conflicts with the stored data."),
    412: _l("If-Match does not name a version of this record."),
    413: _l("The request is too large."),
    414: _l("The address is too long."),
    415: _l("The request body must be JSON (Content-Type: application/json)."),
    429: _l("Too many requests. Try again later."),
    431: _l("The request headers are too large."),
    500: _l("An unexpected error occurred."),
}


class ApiError(Exception):
    """A domain error with its HTTP status, snake_case code and human message."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers or {}


def error_body(code: str, message, fields: dict | None = None) -> dict:
    """The envelope, its words in the request's language (api/messages.py); codes and field names as they are."""
    from fieldlog.api.messages import translate_error

    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": translate_error(error)}


def error_response(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    response = jsonify(error_body(code, message, fields))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def normalise_fields(messages) -> dict:
    """marshmallow's messages as ``{field: [reasons]}``; nested errors keep their dotted path."""
    if not isinstance(messages, dict):
        return {"_schema": messages if isinstance(messages, list) else [str(messages)]}
    out: dict = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out.setdefault(prefix or "_schema", []).extend(value)
        elif isinstance(value, list):
            for sub in value:
                walk(prefix, sub)
        else:
            out.setdefault(prefix or "_schema", []).append(str(value))

    walk("", messages)
    return out


def register_error_handlers(app) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(e: ApiError):
        return error_response(e.status, e.code, e.message, e.fields, e.headers)

    @app.errorhandler(DomainError)
    def handle_domain_error(e: DomainError):
        """A service's refusal: the envelope on the API; on a page that did not answer it in place, the error page
        of its status (a record outside the user's area is a plain 404)."""
        if is_api_request():
            return error_response(e.status, e.code, e.message, e.fields, e.headers)
        from fieldlog.db import rollback_quietly
        from fieldlog.extensions import db
        from fieldlog.main.errors import render_error_page

        rollback_quietly(db.session)
        return render_error_page(e.status)

    @app.errorhandler(ValidationError)
    def handle_validation_error(e: ValidationError):
        if not is_api_request():
            raise e
        return error_response(400, "validation_error", "The request is not valid.", normalise_fields(e.messages))

    @app.errorhandler(HTTPException)
    def handle_http_exception(e: HTTPException):
        if not is_api_request():
            if e.response is not None or (e.code or 500) < 400:
                return e
            from fieldlog.main.errors import render_error_page

            headers = {k: v for k, v in e.get_headers() if k.lower() != "content-type"}
            return render_error_page(e.code or 500, e, headers)
        headers = {}
        if e.code == 405 and e.response is None:
            allowed = getattr(e, "valid_methods", None)
            if allowed:
                headers["Allow"] = ", ".join(allowed)
        if e.code == 429 and hasattr(e, "retry_after"):
            headers["Retry-After"] = str(e.retry_after)
        code = CODES.get(e.code or 500, "http_error")
        # werkzeug's stock descriptions speak of "the server" and "the requested URL": say it in our words.
        message = e.description if e.description != type(e).description else HTTP_MESSAGES.get(e.code)
        return error_response(e.code or 500, code, message or e.description or e.name, headers=headers)

    @app.errorhandler(OperationalError)
    def handle_database_unavailable(e: OperationalError):
        # The database is down or unreachable: nothing of this request was committed; the client may retry.
        log.error("database unavailable: %s", type(e.orig).__name__ if e.orig else e)
        from fieldlog.db import rollback_quietly
        from fieldlog.extensions import db

        rollback_quietly(db.session)
        message = "The database is unavailable. Nothing was stored; try again."
        if is_api_request():
            return error_response(503, "service_unavailable", message, headers={"Retry-After": "5"})
        # A page: in the reader's language by Accept-Language alone (Swedish unless English is preferred), since
        # choosing it by the signed-in user would need the database that is down.
        from flask_babel import force_locale, gettext

        with force_locale(request.accept_languages.best_match(["sv", "en"], default="sv")):
            text = gettext("The database is unavailable. Nothing was stored; try again.")
        return text, 503, {"Retry-After": "5", "Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(InternalServerError)
    def handle_internal_error(e: InternalServerError):
        if e.original_exception is not None:
            log.exception("unhandled error on %s %s", request.method, request.path, exc_info=e.original_exception)
        if not is_api_request():
            from fieldlog.db import rollback_quietly
            from fieldlog.extensions import db
            from fieldlog.main.errors import render_error_page

            rollback_quietly(db.session)  # the page's layout reads the signed-in user: start from a clean session
            return render_error_page(500, e)
        return error_response(500, "internal_error", "An unexpected error occurred.")
