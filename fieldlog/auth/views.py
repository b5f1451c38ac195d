"""Server-rendered sign-in, sign-out and language switch (cookie sessions, CSRF-protected forms)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from fieldlog.auth import services, throttle
from fieldlog.auth.forms import LocaleForm, LoginForm, LogoutForm

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: never redirect a signed-in user to another host."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        throttle.check(form.username.data)
        user = services.check_credentials(form.username.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            login_user(user)
            return redirect(safe_next(form.next.data, url_for("main.index")))
        throttle.record_failure(form.username.data, "page")
        flash(_("Wrong username or password."), "error")
        status = 401
    elif request.method == "GET":
        form.next.data = request.args.get("next", "")
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        locale = current_user.locale
        # The old session cookie must not sign anyone in again (a copy of it, a shared computer's history).
        current_user.end_sessions()
        logout_user()
        session.clear()
        session["locale"] = locale  # the sign-in page stays in the language the user chose
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/locale")
def set_locale():
    form = LocaleForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
    return redirect(safe_next(form.next.data, url_for("main.index")))


def render_throttled():
    """The sign-in page again, saying why it refuses (status 429)."""
    form = LoginForm()
    flash(_("Too many failed sign-ins. Wait a few minutes and try again."), "error")
    return render_template("auth/login.html", form=form), 429


@bp.app_errorhandler(429)
def too_many_requests(e):
    """429 on the API as the error envelope; on the sign-in page as the page with a message."""
    from fieldlog.api.errors import error_response, is_api_request

    headers = {"Retry-After": str(e.retry_after)} if getattr(e, "retry_after", None) else {}
    if is_api_request():
        return error_response(429, "too_many_requests", "Too many failed sign-ins. Try again later.", headers=headers)
    if request.endpoint == "auth.login":
        body, status = render_throttled()
        return body, status, headers
    from fieldlog.main.errors import render_error_page

    return render_error_page(429, e, headers)
