"""The cookie that tells an open wave a browser's second response from a first (SPEC §7): a random value, set on the
browser, stored only as its hash (``SurveyBrowser``). The respondent's page and the JSON API use these two helpers."""

from __future__ import annotations

import secrets

from flask import Request, Response

from fieldlog.surveys.services import BROWSER_COOKIE

# A year and a bit: one wave a year, so the cookie outlives the wave it was set for.
MAX_AGE = 400 * 24 * 3600


def browser_token(request: Request) -> tuple[str, bool]:
    """The browser's token and whether it is new (then ``set_browser_cookie`` must give it to the browser)."""
    token = request.cookies.get(BROWSER_COOKIE, "")
    if 20 <= len(token) <= 100 and token.isascii():
        return token, False
    return secrets.token_urlsafe(24), True


def set_browser_cookie(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(BROWSER_COOKIE, token, max_age=MAX_AGE, path="/", secure=secure, httponly=True, samesite="Lax")
