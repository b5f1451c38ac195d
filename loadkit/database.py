"""The database of a run: emptied, migrated with ``fieldlog db upgrade`` as an operator does it, then an area with
hot spots, officers with two devices each and supervisors (``prepare``)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from loadkit.server import BIN, ROOT, server_env


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named by ``url`` when it does not exist (no-op for SQLite)."""
    import sqlalchemy as sa

    target = sa.make_url(url)
    if not target.get_backend_name().startswith("postgresql"):
        return
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
            if exists.first() is None:
                conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    finally:
        engine.dispose()


def reset_database(url: str) -> None:
    """An empty database: PostgreSQL's public schema dropped and made again; a SQLite file removed."""
    import sqlalchemy as sa

    target = sa.make_url(url)
    if target.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            if target.database and os.path.exists(target.database + suffix):
                os.remove(target.database + suffix)
        return
    ensure_postgres_database(url)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def migrate(url: str, instance: str) -> None:
    """``fieldlog db upgrade`` against the database, as an operator runs it."""
    subprocess.run(
        [str(BIN / "fieldlog"), "db", "upgrade"],
        cwd=str(ROOT),
        env=server_env(url, instance),
        check=True,
        capture_output=True,
        timeout=120,
    )


@dataclass
class Officer:
    user_id: int
    username: str
    token: str  # the pushing phone
    second_token: str  # a second phone of the same officer, which pulls


@dataclass
class Fleet:
    officers: list[Officer]
    supervisor_tokens: list[str]
    hotspots: list[dict]
    area_slug: str


def add_hotspots(
    session,
    area,
    count: int,
    *,
    name: str = "Plats {i}",
    lat: float,
    lon: float,
    step: float = 0.002,
    fields: Callable[[int], dict] = lambda i: {},
) -> list:
    """``count`` hot spots of ``area`` on a line from (``lat``, ``lon``), ``step`` degrees apart; ``name`` is formatted
    with the spot's index ``i`` and number ``n`` (``i + 1``); ``fields(i)`` gives any further columns."""
    from fieldlog.db import utcnow
    from fieldlog.hotspots.models import HotSpot
    from fieldlog.sync.changes import stamp

    now = utcnow()
    spots = []
    for i in range(count):
        spot = HotSpot(
            area=area,
            name=name.format(i=i, n=i + 1),
            lat=lat + i * step,
            lon=lon + i * step,
            **fields(i),
            created_at=now,
        )
        stamp(session, spot, now)
        session.add(spot)
        spots.append(spot)
    session.flush()  # their ids
    return spots


def create_fleet(url: str, instance: str, officers: int, supervisors: int = 3, hotspots: int = 50) -> Fleet:
    """An area with hot spots, officers with two devices each, and supervisors with a token each."""
    from fieldlog import create_app
    from fieldlog.areas.models import Area
    from fieldlog.auth.services import create_user, issue_token
    from fieldlog.extensions import db

    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "load-bench",
            "INSTANCE_PATH": instance,
            "RATELIMIT_STORAGE_URI": "memory://",
            # Nobody signs in with these passwords; a cheap hash keeps the set-up short.
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with app.app_context():
        area = Area(slug="lasttest", name="Lasttest", timezone="Europe/Stockholm")
        db.session.add(area)
        db.session.flush()
        spots = add_hotspots(
            db.session,
            area,
            hotspots,
            lat=57.40,
            lon=13.00,
            fields=lambda i: {
                "target_visits_per_week": 5,
                "hot_hours": [{"days": [5, 6], "from": "20:00", "to": "02:00"}],
            },
        )
        people = []
        for i in range(officers):
            user = create_user(f"officer{i:03d}", "load-password", "officer", area)
            token, _ = issue_token(user, "phone")
            second, _ = issue_token(user, "second phone")
            people.append((user, token, second))
        sup_tokens = []
        for i in range(supervisors):
            user = create_user(f"supervisor{i}", "load-password", "supervisor", area)
            sup_tokens.append(issue_token(user, "desk")[0])
        db.session.commit()
        fleet = Fleet(
            officers=[Officer(u.id, u.username, t, s) for u, t, s in people],
            supervisor_tokens=sup_tokens,
            hotspots=[{"id": str(s.id), "lat": s.lat, "lon": s.lon} for s in spots],
            area_slug=area.slug,
        )
        db.session.remove()
        db.engine.dispose()
    return fleet


def prepare(url: str, instance: str, officers: int, supervisors: int = 3) -> Fleet:
    reset_database(url)
    migrate(url, instance)
    return create_fleet(url, instance, officers, supervisors)
