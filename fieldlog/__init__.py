"""fieldlog: an offline-first field log for hot-spot policing."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_login import current_user

ROOT = Path(__file__).resolve().parent.parent


class App(Flask):
    """Flask, with ``ensure_sync`` answered once per function.

    Flask asks it for every hook, view and error handler of every request (ten times on a push), and each answer
    runs ``inspect.iscoroutinefunction`` (about 60 bytecodes). The answer depends only on the function: a plain
    function is returned as it is, a coroutine function wrapped (``async_to_sync``) — kept per function here. The
    functions are the app's registered hooks, views and handlers: a bounded set.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync: dict = {}

    def ensure_sync(self, func):
        try:
            return self._sync[func]
        except KeyError:
            synced = self._sync[func] = super().ensure_sync(func)
            return synced
        except TypeError:  # an unhashable callable: asked afresh
            return super().ensure_sync(func)


def create_app(config: dict | None = None) -> Flask:
    app = App(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance")
        if config is None or "INSTANCE_PATH" not in config
        else config["INSTANCE_PATH"],
    )
    from fieldlog import config as config_module

    config_module.load(app, config)

    from fieldlog import models  # noqa: F401  (every table in the metadata)
    from fieldlog.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    from fieldlog.templating import select_timezone

    babel.init_app(app, locale_selector=_select_locale, timezone_selector=select_timezone)
    _init_login(app, login_manager)

    from fieldlog import ops

    ops.init_app(app)  # first of the after_request hooks to register, so the last to run (fieldlog/ops/__init__.py)
    from fieldlog import compression

    compression.init_app(app)  # the next to last: after the commit, before the measurement

    from fieldlog import api, security, templating
    from fieldlog.activities.views import bp as activities_bp
    from fieldlog.auth.views import bp as auth_bp
    from fieldlog.main.views import bp as main_bp
    from fieldlog.officer.views import bp as officer_bp
    from fieldlog.promises.views import bp as promises_bp
    from fieldlog.public.views import bp as public_bp
    from fieldlog.supervisor import bp as supervisor_bp
    from fieldlog.surveys.respond import bp as survey_bp
    from fieldlog.surveys.results_views import bp as survey_results_bp
    from fieldlog.surveys.views import bp as surveys_bp
    from fieldlog.vendor import bp as vendor_bp

    api.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(supervisor_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(vendor_bp)
    app.register_blueprint(officer_bp)
    app.register_blueprint(promises_bp)
    app.register_blueprint(activities_bp)
    app.register_blueprint(survey_results_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(survey_bp)

    templating.init_app(app)
    app.session_interface = security.SessionInterface()
    app.before_request(security.refuse_nul)
    app.after_request(security.set_security_headers)
    _init_request_boundary(app, db)
    from fieldlog import static_files

    static_files.init_app(app)
    _init_proxy(app)

    from fieldlog.cli import register_commands

    register_commands(app)
    return app


LOCALES = ("sv", "en")


def _select_locale() -> str:
    """The signed-in user's language; else the one chosen on the sign-in page; Swedish by default.

    The API has no browser session: its user is the bearer token's (``g.user``), else the client's Accept-Language.
    Public pages never read the session (they are cacheable by anyone): ``?lang=en``, else Swedish.
    """
    from flask import g, has_request_context

    from fieldlog.security import is_cookieless

    if not has_request_context():
        return "sv"
    if is_cookieless():
        lang = request.args.get("lang")
        return lang if lang in LOCALES else "sv"
    if request.path.startswith("/api/"):
        locale = g.get("user_locale") or _bearer_locale()
        if locale in LOCALES:
            return locale
        return request.accept_languages.best_match(LOCALES) or "sv"
    if current_user and current_user.is_authenticated:
        return current_user.locale
    locale = session.get("locale")
    return locale if locale in LOCALES else "sv"


def _bearer_locale() -> str | None:
    """The language of the bearer token's user, for an API error raised before the route authenticated (a bad
    query, say). A plain look-up: authentication itself, with its checks and sliding expiry, stays in api_auth."""
    header = request.headers.get("Authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 512:
        return None
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from fieldlog.auth.models import Device, User
    from fieldlog.auth.services import hash_token
    from fieldlog.extensions import db

    try:
        return db.session.scalar(
            select(User.locale)
            .join(Device, Device.user_id == User.id)
            .where(Device.token_hash == hash_token(token.strip()), Device.revoked_at.is_(None))
        )
    except SQLAlchemyError:  # the database is down or the transaction failed: the error itself matters more
        return None


def _init_login(app: Flask, login_manager) -> None:
    from fieldlog.api.errors import error_response, is_api_request
    from fieldlog.auth.models import User
    from fieldlog.extensions import db

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, stamp = session_id.partition(":")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        # A changed password (or a deactivated account) ends every session signed in before.
        if user is None or not user.active or user.session_stamp() != stamp:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import redirect, url_for

        if is_api_request():
            return error_response(401, "unauthorized", "Sign in: send Authorization: Bearer <token>.")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _init_request_boundary(app: Flask, db) -> None:
    """One place commits: a successful response commits the request's work, an error rolls it back."""
    from sqlalchemy.exc import OperationalError

    from fieldlog.api.errors import error_response, is_api_request
    from fieldlog.db import rollback_quietly

    @app.after_request
    def commit_or_rollback(response):
        if not db.session.registry.has():
            # The request never used the session (the push commits its own transaction: fieldlog.db.own_transaction):
            # nothing to commit or roll back.
            return response
        if response.status_code >= 400:
            rollback_quietly(db.session)
            return response
        try:
            db.session.commit()
        except OperationalError:
            rollback_quietly(db.session)
            message = "The database is unavailable. Nothing was stored; try again."
            if is_api_request():
                return error_response(503, "service_unavailable", message, headers={"Retry-After": "5"})
            return app.response_class(message, 503, {"Retry-After": "5"}, mimetype="text/plain")
        return response


def _init_proxy(app: Flask) -> None:
    """Behind a TLS proxy, FIELDLOG_TRUSTED_PROXIES=n trusts n hops of X-Forwarded-For/-Proto."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
