"""The /api/v1 blueprint. Feature packages attach their routes to ``bp`` in their api.py modules."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app) -> None:
    # Imported for their routes, registered on bp before the blueprint is.
    from fieldlog.activities import api as activities_api  # noqa: F401
    from fieldlog.api import openapi  # noqa: F401
    from fieldlog.api.errors import register_error_handlers
    from fieldlog.api.helpers import StrictJSONProvider
    from fieldlog.auth import api as auth_api  # noqa: F401
    from fieldlog.coverage import api as coverage_api  # noqa: F401
    from fieldlog.extensions import csrf
    from fieldlog.hotspots import api as hotspots_api  # noqa: F401
    from fieldlog.promises import api as promises_api  # noqa: F401
    from fieldlog.sync import api as sync_api  # noqa: F401
    from fieldlog.visits import api as visits_api  # noqa: F401

    register_error_handlers(app)
    app.json = StrictJSONProvider(app)
    # Bearer tokens, not cookies, authenticate the API: CSRF does not apply to it.
    csrf.exempt(bp)
    app.register_blueprint(bp)
