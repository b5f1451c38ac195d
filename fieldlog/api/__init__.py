"""The /api/v1 blueprint. Each feature owns the blueprint of its API routes (``bp`` beside them in its api.py, as
flaskr does) and ``init_app`` nests them in this one: the features never import this package's blueprint, and it
names them in one place (``feature_blueprints``)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def feature_blueprints() -> list[Blueprint]:
    """The API blueprints of the features, each with its routes (nested in ``bp``: endpoints ``api.<feature>.*``)."""
    from fieldlog.activities.api import bp as activities
    from fieldlog.api.openapi import bp as openapi
    from fieldlog.auth.api import bp as auth
    from fieldlog.coverage.api import bp as coverage
    from fieldlog.hotspots.api import bp as hotspots
    from fieldlog.promises.api import bp as promises
    from fieldlog.surveys.api import bp as surveys
    from fieldlog.surveys.results_api import bp as survey_results
    from fieldlog.sync.api import bp as sync
    from fieldlog.visits.api import bp as visits

    return [openapi, activities, auth, coverage, hotspots, promises, surveys, survey_results, sync, visits]


_nested: list[Blueprint] = []


def init_app(app) -> None:
    from fieldlog.api.errors import register_error_handlers
    from fieldlog.api.helpers import StrictJSONProvider
    from fieldlog.extensions import csrf

    if not _nested:  # once per process: a blueprint takes no more children after its first registration
        _nested.extend(feature_blueprints())
        for feature in _nested:
            bp.register_blueprint(feature)
    register_error_handlers(app)
    app.json = StrictJSONProvider(app)
    # Bearer tokens, not cookies, authenticate the API: CSRF does not apply to it (Flask-WTF exempts a blueprint by
    # the innermost one a request is routed to, so each nested one too).
    for blueprint in (bp, *_nested):
        csrf.exempt(blueprint)
    app.register_blueprint(bp)
