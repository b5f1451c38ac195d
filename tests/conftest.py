"""The suite's fixtures, loaded from one module per subject (tests/fixtures/, as indico's ``pytest_plugin.py`` loads
``indico/testing/fixtures/*``): ``app``, ``client``, ``runner``, ``db`` and the database they use; areas, people
and their credentials; hot spots; visits; the app on a real local server (``live_server``);
the load and fault tests' own database and gunicorn workers (``server_database``, ``workers``).

The suite runs on a SQLite file by default and on PostgreSQL when FIELDLOG_TEST_DATABASE_URL is set
(``postgresql+psycopg://postgres@127.0.0.1:5432/test``); see tests/fixtures/app.py.
The helpers tests import live beside their fixtures: ``PASSWORD`` and ``csrf_token`` in tests.fixtures.users,
``TEST_DATABASE_URL``, ``base_config`` and ``IsolatedClient`` in tests.fixtures.app, ``utc`` in tests.fixtures.util;
they are importable from here too, where they were before the split (tests written meanwhile import them from here).
"""

from __future__ import annotations

import pytest

# Before the imports below: the fixture modules are imported here first, and are still to be assert-rewritten.
pytest.register_assert_rewrite("tests.fixtures")

from tests.fixtures.app import TEST_DATABASE_URL, IsolatedClient, base_config  # noqa: E402
from tests.fixtures.users import PASSWORD, csrf_token  # noqa: E402
from tests.fixtures.util import utc  # noqa: E402

__all__ = ["PASSWORD", "TEST_DATABASE_URL", "IsolatedClient", "base_config", "csrf_token", "utc"]

pytest_plugins = (
    "tests.fixtures.app",
    "tests.fixtures.areas",
    "tests.fixtures.users",
    "tests.fixtures.hotspots",
    "tests.fixtures.surveys",
    "tests.fixtures.visits",
    "tests.fixtures.live_server",
    "tests.fixtures.server",
)
