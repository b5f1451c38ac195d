"""Fixtures for every test: ``app``, ``client``, ``runner``, ``db`` and factories.

The suite runs on a SQLite file by default and on PostgreSQL when FIELDLOG_TEST_DATABASE_URL is set
(``postgresql+psycopg://postgres@127.0.0.1:5432/test``). The schema is made once per session by the real Alembic
migrations; each test starts from empty tables.
"""

from __future__ import annotations

import contextvars
import os
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from fieldlog import create_app
from fieldlog.extensions import db as _db

TEST_DATABASE_URL = os.environ.get("FIELDLOG_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


def base_config(url: str, instance: str) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": instance,
        # Still salted scrypt, at a cost a test suite can afford thousands of times.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }


def _reset_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The test database, migrated once for the session with the real migrations."""
    if TEST_DATABASE_URL:
        url = TEST_DATABASE_URL
        _reset_schema(url)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    app = create_app(base_config(url, str(tmp_path_factory.mktemp("instance"))))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        _db.engine.dispose()
    return url


def empty_tables() -> None:
    """Delete every row, then seed what the migrations seed (the change counter)."""
    tables = [t for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        conn.execute(sa.text("INSERT INTO change_counter (id, value) VALUES (1, 0)"))


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as in production: never sharing the test's app context, session or g."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(base_config(database_url, str(tmp_path / "instance")))
    app.test_client_class = IsolatedClient
    with app.app_context():
        empty_tables()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """The database inside an app context, for tests that query it directly."""
    with app.app_context():
        yield _db
        _db.session.rollback()


def _persist(app, *objects):
    """Commit objects in their own app context and hand them back detached, fully loaded."""
    with app.app_context():
        for obj in objects:
            _db.session.add(obj)
        _db.session.commit()
        for obj in objects:
            _db.session.refresh(obj)
            _db.session.expunge(obj)
    return objects[0] if len(objects) == 1 else objects


@pytest.fixture
def make_area(app):
    from fieldlog.areas.models import Area

    def make(slug: str = "svenljunga", **kwargs):
        kwargs.setdefault("name", slug.title())
        kwargs.setdefault("timezone", "Europe/Stockholm")
        return _persist(app, Area(slug=slug, **kwargs))

    return make


@pytest.fixture
def area(make_area):
    return make_area("svenljunga", name="Svenljunga", public_report=True)


@pytest.fixture
def make_user(app):
    from fieldlog.auth.models import User

    counter = iter(range(1, 10_000))

    def make(role: str = "officer", area=None, username: str | None = None, password: str = PASSWORD, **kwargs):
        username = username or f"{role}{next(counter)}"
        user = User(
            username=username,
            display_name=kwargs.pop("display_name", username.title()),
            role=role,
            area_id=area.id if area is not None else None,
            **kwargs,
        )
        with app.app_context():
            user.set_password(password)
        return _persist(app, user)

    return make


@pytest.fixture
def officer(make_user, area):
    return make_user("officer", area, username="anna")


@pytest.fixture
def supervisor(make_user, area):
    return make_user("supervisor", area, username="sven")


@pytest.fixture
def admin(make_user):
    return make_user("admin", None, username="root")


@pytest.fixture
def set_locale(app):
    """Change a user's language (``sv`` by default): the API answers in it (issue 10 C1)."""
    from fieldlog.auth.models import User

    def change(user, locale: str) -> None:
        with app.app_context():
            _db.session.get(User, user.id).locale = locale
            _db.session.commit()

    return change


@pytest.fixture
def make_token(app):
    """A bearer token for a user, issued as the API issues it."""
    from fieldlog.auth.models import User
    from fieldlog.auth.services import issue_token

    def make(user, device_name: str = "test phone") -> str:
        with app.app_context():
            token, _device = issue_token(_db.session.get(User, user.id), device_name)
            _db.session.commit()
        return token

    return make


@pytest.fixture
def auth(make_token):
    """Authorization headers for a user: ``client.get(url, headers=auth(officer))``."""

    def headers(user, **extra) -> dict:
        return {"Authorization": f"Bearer {make_token(user)}", **extra}

    return headers


@pytest.fixture
def make_hotspot(app):
    from fieldlog.db import utcnow
    from fieldlog.hotspots.models import HotSpot

    def make(area, name: str = "Torget", **kwargs):
        now = utcnow()
        kwargs.setdefault("lat", 57.4955)
        kwargs.setdefault("lon", 13.1090)
        kwargs.setdefault("target_visits_per_week", 5)
        kwargs.setdefault("hot_hours", [{"days": [5, 6], "from": "20:00", "to": "02:00"}])
        with app.app_context():
            from fieldlog.sync.changes import current_change_seq

            hotspot = HotSpot(
                area_id=area.id,
                name=name,
                # An established spot by default: targets count from the day a spot was created (issue 10 B5).
                created_at=kwargs.pop("created_at", now - timedelta(days=365)),
                updated_at=now,
                change_seq=current_change_seq(_db.session),
                **kwargs,
            )
            _db.session.add(hotspot)
            _db.session.commit()
            _db.session.refresh(hotspot)
            _db.session.expunge(hotspot)
        return hotspot

    return make


@pytest.fixture
def hotspot(make_hotspot, area):
    return make_hotspot(area)


@pytest.fixture
def make_visit(app):
    """A visit stored directly (not through push), for tests of what reads visits."""
    from fieldlog.db import utcnow
    from fieldlog.visits.models import Visit

    def make(hotspot, officer, started_at: datetime | None = None, minutes: float | None = 12, **kwargs):
        started_at = started_at or utcnow() - timedelta(hours=1)
        ended_at = started_at + timedelta(minutes=minutes) if minutes is not None else None
        with app.app_context():
            from fieldlog.sync.changes import current_change_seq

            visit = Visit(
                id=kwargs.pop("id", uuid.uuid4()),
                hotspot_id=hotspot.id,
                officer_id=officer.id,
                started_at=started_at,
                ended_at=ended_at,
                change_seq=current_change_seq(_db.session),
                **kwargs,
            )
            _db.session.add(visit)
            _db.session.commit()
            _db.session.refresh(visit)
            _db.session.expunge(visit)
        return visit

    return make


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on a page, as a browser would submit it."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@pytest.fixture
def login(client):
    """Sign in through the real sign-in page (CSRF included)."""

    def sign_in(username: str, password: str = PASSWORD):
        token = csrf_token(client, "/login")
        return client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    return sign_in


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
