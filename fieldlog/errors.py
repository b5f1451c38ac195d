"""Domain errors: what a service says went wrong, in the domain's words, not HTTP's.

Services raise these; they do not know who called them. The API turns each into its envelope
(``fieldlog.api.errors``: status, code, message, fields); a page catches the ones it can answer in place (an invalid
form shows its fields, a conflict says the record changed) and lets the rest become the error page of the same status
(404 for not found, so that a record outside the user's area reveals nothing).

Messages are English msgids: the API translates them into the request's language (``fieldlog.api.messages``), a
page passes them through ``gettext``.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A service's refusal. ``status`` and ``code`` are what the API answers with."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = dict(fields) if fields else None

    @property
    def headers(self) -> dict[str, str]:
        """Headers the API answer carries besides the envelope."""
        return {}


class NotFound(DomainError):
    """No such record — or none the user may see (the same answer, so nothing is revealed)."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The user may see the record but not do this to it (a supervisor of another area naming it in a query)."""

    status = 403
    code = "forbidden"


class Invalid(DomainError):
    """The input breaks a rule; ``fields`` names each field and why."""

    status = 400
    code = "validation_error"


class Conflict(DomainError):
    """The request conflicts with what is stored (a second of something that may exist once, an archived record)."""

    status = 409
    code = "conflict"


class StaleRevision(DomainError):
    """``If-Match`` names a revision that is no longer the current one; ``rev`` is the current one (the answer's
    ``ETag``, so that a client can reload and try again)."""

    status = 412
    code = "precondition_failed"

    def __init__(self, message: str, rev: int):
        super().__init__(message)
        self.rev = rev

    @property
    def headers(self) -> dict[str, str]:
        return {"ETag": f'"{self.rev}"'}
