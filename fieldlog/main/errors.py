"""Error pages of the site (not the API, which answers its JSON envelope): in the site's layout and the user's
language, saying what happened and offering a way back."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PAGES = {
    400: (
        _l("The request could not be used"),
        _l("What was sent to this page could not be used. Go back and try again."),
    ),
    403: (_l("Not allowed"), _l("Your account may not open this page.")),
    404: (
        _l("Page not found"),
        _l("There is no such page. It may have been moved or archived, or the address is wrong."),
    ),
    405: (_l("Not possible here"), _l("This page cannot be used in that way.")),
    413: (_l("Too much at once"), _l("What was sent is too large.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on the server; it has been logged. Try again in a moment."),
    ),
}
CSRF_TEXT = _l("The form had expired. Go back, reload the page and try again.")


class InputError(HTTPException):
    """A 400 whose description the error page shows (it says which input was wrong, in the user's language)."""

    code = 400
    show_description = True


def _back_url() -> str | None:
    """Where the user came from, if it is a page of this site other than this one."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path or "/"
    if path == request.path or not path.startswith("/") or path.startswith("//"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def render_error_page(status: int, e: HTTPException | None = None, headers=None):
    title, text = PAGES.get(status, PAGES[500 if status >= 500 else 400])
    detail = None
    if isinstance(e, CSRFError):
        text = CSRF_TEXT
    elif e is not None and getattr(e, "show_description", False):
        detail = e.description
    try:
        body = render_template(
            "errors/error.html", status=status, title=title, text=text, detail=detail, back_url=_back_url()
        )
    except Exception:  # the layout needs the database (the signed-in user): never fail while reporting a failure
        log.exception("the error page %s could not be rendered", status)
        body = f"{status} {title}\n{text}\n"
        return body, status, {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}
    return body, status, headers or {}
