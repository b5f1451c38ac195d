"""The suite's fixtures, loaded from one module per subject (tests/fixtures/, as indico's ``pytest_plugin.py`` loads
``indico/testing/fixtures/*``): ``app``, ``client``, ``runner``, ``db`` and the database they use; areas, people
and their credentials; hot spots; visits; the app on a real local server (``live_server``);
the load and fault tests' own database and gunicorn workers (``server_database``, ``workers``).

The suite runs on a SQLite file by default and on PostgreSQL when FIELDLOG_TEST_DATABASE_URL is set
(``postgresql+psycopg://postgres@127.0.0.1:5432/test``); see tests/fixtures/app.py.
The helpers tests import live beside their fixtures: ``PASSWORD`` and ``csrf_token`` in tests.fixtures.users,
``TEST_DATABASE_URL``, ``base_config`` and ``IsolatedClient`` in tests.fixtures.app, ``utc`` in tests.fixtures.util.
(This module imports none of them: a fixture module imported before pytest registers it is not assert-rewritten.)
"""

from __future__ import annotations

pytest_plugins = (
    "tests.fixtures.app",
    "tests.fixtures.areas",
    "tests.fixtures.users",
    "tests.fixtures.hotspots",
    "tests.fixtures.visits",
    "tests.fixtures.live_server",
    "tests.fixtures.server",
)
