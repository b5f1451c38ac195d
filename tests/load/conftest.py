from tests.server_support import server_database, workers  # noqa: F401  (fixtures)
