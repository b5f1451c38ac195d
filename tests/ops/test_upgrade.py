"""Upgrades keep the data (issue 16 §3): a database made by the previous release — the schema of its migrations
(up to 0003) and demo-like data written as that schema had it — upgraded to head loses nothing, and every page a
supervisor or admin reaches answers.

The data is written with SQL into the tables as reflected from the database at 0003, not through today's models
(which know columns the old schema lacks): what an operator's database holds before they run ``fieldlog db upgrade``.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from fieldlog import create_app
from fieldlog.extensions import db as _db
from tests.fixtures.app import base_config
from tests.fixtures.users import PASSWORD, csrf_token

PREVIOUS_RELEASE = "0003"
EVENINGS = {"days": [1, 2, 3, 4], "from": "18:00", "to": "22:00"}
WEEKEND_NIGHTS = {"days": [5, 6], "from": "20:00", "to": "02:00"}
HOTSPOTS = [
    ("Torget", 57.49561, 13.10885, 1, 10, [EVENINGS, WEEKEND_NIGHTS], True, False),
    ("ICA-området", 57.49795, 13.11305, 1, 8, [EVENINGS, WEEKEND_NIGHTS], True, False),
    ("Thilanderska parken", 57.49405, 13.10650, 2, 5, [WEEKEND_NIGHTS], True, False),
    ("Busstationen", 57.49690, 13.10420, 2, 5, [EVENINGS], False, False),
    ("Gamla macken", 57.4990, 13.1010, 3, None, [], False, True),  # archived
]


@pytest.fixture
def old_release(scratch_database, tmp_path):
    """An app on a database at the previous release's schema, holding that release's kind of data."""
    app = create_app(base_config(scratch_database("upgrade"), str(tmp_path / "instance")))
    with app.app_context():
        upgrade(revision=PREVIOUS_RELEASE)
        fill_as_of_previous_release(_db.engine)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def reflect(engine: sa.Engine) -> sa.MetaData:
    """The tables as the database has them; UUID columns read as UUIDs on SQLite too (stored there as 32 hex
    characters, as ``sa.Uuid`` writes them)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    for table in meta.tables.values():
        for column in table.c:
            if isinstance(column.type, sa.CHAR) and column.type.length == 32:
                column.type = sa.Uuid()
    return meta


def fill_as_of_previous_release(engine: sa.Engine) -> None:
    """The Svenljunga demo's shape: an area, a supervisor, an admin, officers with phones, hot spots (one archived),
    four weeks of visits (flagged, deleted, in progress, with and without a position), their idempotency records and
    audit entries — through SQL, into the tables as they are at 0003."""
    t = reflect(engine).tables
    assert "entry" not in t["visit"].c, "the database must be at the previous release's schema"
    rnd = random.Random(2019)
    now = datetime.now(UTC).replace(microsecond=0)
    password_hash = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
    with engine.begin() as conn:
        seq = conn.execute(sa.text("UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value")).scalar()
        area_id = conn.execute(
            t["area"].insert().returning(t["area"].c.id),
            {"slug": "svenljunga", "name": "Svenljunga", "timezone": "Europe/Stockholm", "public_report": True},
        ).scalar_one()
        users = {}
        for username, role in [("admin", "admin"), ("lena", "supervisor"), ("anna", "officer"), ("erik", "officer")]:
            users[username] = conn.execute(
                t["user_account"].insert().returning(t["user_account"].c.id),
                {
                    "username": username,
                    "display_name": username.title(),
                    "password_hash": password_hash,
                    "role": role,
                    "area_id": None if role == "admin" else area_id,
                    "active": True,
                    "locale": "sv",
                    "created_at": now - timedelta(days=60),
                },
            ).scalar_one()
        devices = {}
        for username in ("anna", "erik"):
            devices[username] = uuid.uuid4()
            conn.execute(
                t["device"].insert(),
                {
                    "id": devices[username],
                    "user_id": users[username],
                    "name": f"{username}s telefon",
                    "token_hash": uuid.uuid4().hex * 2,
                    "created_at": now - timedelta(days=30),
                    "last_seen_at": now - timedelta(hours=2),
                    "expires_at": now + timedelta(days=28),
                    "revoked_at": None,
                },
            )
        hotspots = []
        for name, lat, lon, priority, target, hot_hours, public, deleted in HOTSPOTS:
            hotspots.append((uuid.uuid4(), lat, lon))
            conn.execute(
                t["hotspot"].insert(),
                {
                    "id": hotspots[-1][0],
                    "area_id": area_id,
                    "name": name,
                    "description": f"{name} — beskrivning",
                    "lat": lat,
                    "lon": lon,
                    "radius_m": 150,
                    "priority": priority,
                    "target_visits_per_week": target,
                    "target_minutes": 15,
                    "hot_hours": hot_hours,
                    "public": public,
                    "active": not deleted,
                    "rev": 2 if deleted else 1,
                    "deleted": deleted,
                    "deleted_at": now - timedelta(days=3) if deleted else None,
                    "created_at": now - timedelta(days=60),
                    "updated_at": now - timedelta(days=3 if deleted else 60),
                    "change_seq": seq,
                },
            )
        visits, mutations = [], []
        for i in range(240):
            officer = rnd.choice(("anna", "erik"))
            hotspot_id, lat, lon = rnd.choice(hotspots[:4])
            started = now - timedelta(days=rnd.randint(0, 27), hours=rnd.randint(1, 20), minutes=rnd.randint(0, 59))
            minutes = rnd.choice((3, 8, 11, 12, 14, 15, 16, 25))
            in_progress = i == 0
            if in_progress:
                started = now - timedelta(minutes=7)
            positioned = rnd.random() < 0.8
            flagged = rnd.random() < 0.05
            deleted = rnd.random() < 0.04
            visit_id = uuid.uuid4()
            visits.append(
                {
                    "id": visit_id,
                    "hotspot_id": hotspot_id,
                    "officer_id": users[officer],
                    "device_id": devices[officer],
                    "started_at": started,
                    "ended_at": None if in_progress else started + timedelta(minutes=minutes),
                    "mode": rnd.choice(("foot", "vehicle", "bicycle", "drive_through")),
                    "officers": rnd.randint(1, 3),
                    "observations": rnd.choice(
                        [["nothing_to_report"], ["youth_gathering"], ["littering", "vandalism"]]
                    ),
                    "activities": ["visible_presence", "dialogue"],
                    "contacts": rnd.randint(0, 12),
                    "notes": rnd.choice(("", "Lugnt.", "Ungdomar vid bänkarna, pratade med dem.")),
                    "lat": lat + 0.0003 if positioned else None,
                    "lon": lon + 0.0003 if positioned else None,
                    "accuracy_m": 12.0 if positioned else None,
                    "distance_m": 38.0 if positioned else None,
                    "on_site": True if positioned else None,
                    "flag_comment": "Stämmer tiden?" if flagged else None,
                    "flag_by_id": users["lena"] if flagged else None,
                    "flag_at": now - timedelta(days=1) if flagged else None,
                    "rev": 2 if (deleted or flagged) else 1,
                    "deleted": deleted,
                    "created_at": started,
                    "updated_at": started + timedelta(minutes=minutes),
                    "change_seq": seq,
                }
            )
            mutations.append(
                {
                    "mutation_id": uuid.uuid4(),
                    "user_id": users[officer],
                    "record_id": visit_id,
                    "payload_hash": uuid.uuid4().hex * 2,
                    "status": "applied",
                    "rev": 1,
                    "error": None,
                    "created_at": started,
                }
            )
        conn.execute(t["visit"].insert(), visits)
        conn.execute(t["sync_mutation"].insert(), mutations)
        conn.execute(
            t["audit_entry"].insert(),
            [
                {
                    "at": now - timedelta(days=3),
                    "actor_id": users["lena"],
                    "entity_type": "hotspot",
                    "entity_id": str(hotspots[4][0]),
                    "action": "archive",
                    "before": {"deleted": False},
                    "after": {"deleted": True},
                }
            ],
        )


def table_rows(engine: sa.Engine, columns_of: dict[str, list[str]] | None = None) -> dict[str, list[dict]]:
    """Every row of every table (but Alembic's and the coverage days, which are derived), as plain values."""
    meta = reflect(engine)
    rows = {}
    with engine.connect() as conn:
        for name, table in meta.tables.items():
            if name in ("alembic_version", "coverage_day", "coverage_stale"):
                continue
            if columns_of is not None and name not in columns_of:
                continue  # a table added since, or one empty before (login_failure, 0005): no old rows to keep
            columns = [table.c[c] for c in (columns_of[name] if columns_of else table.c.keys())]
            key = list(table.primary_key.columns)
            result = conn.execute(sa.select(*columns).order_by(*key)).mappings().all()
            rows[name] = [{k: _plain(v) for k, v in r.items()} for r in result]
    return rows


def _plain(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def test_upgrading_from_the_previous_release_keeps_every_row_and_every_page_answers(old_release):
    app = old_release
    with app.app_context():
        before = table_rows(_db.engine)
        assert len(before["visit"]) == 240 and len(before["hotspot"]) == 5
        upgrade()  # to head, as `fieldlog db upgrade` does
        after = table_rows(_db.engine, {name: list(rows[0]) for name, rows in before.items() if rows})
        entries = _db.session.execute(sa.text("SELECT DISTINCT entry FROM visit")).scalars().all()
        _db.session.rollback()
    assert {name: rows for name, rows in after.items() if name in before and before[name]} == {
        name: rows for name, rows in before.items() if rows
    }
    assert entries == ["live"]  # visits from before the entry column were all logged with Arrive / Leave

    runner = app.test_cli_runner()
    result = runner.invoke(args=["coverage", "refresh"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["coverage", "check"])
    assert result.exit_code == 0, result.output

    pages = supervisor_pages(app, before)
    assert len(pages) >= 12
    answered = {"lena": 0, "admin": 0}
    for username in ("lena", "admin"):
        client = app.test_client()
        token = csrf_token(client, "/login")
        signed_in = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert signed_in.status_code == 302
        for page in pages:
            url = page + ("&" if "?" in page else "?") + "area=svenljunga" if username == "admin" else page
            response = client.get(url, follow_redirects=True)
            # The admin reaches every page; the supervisor every page but the admin's own (403, not an error).
            allowed = (200,) if username == "admin" else (200, 403)
            assert response.status_code in allowed, f"{url} as {username}: {response.status_code}"
            answered[username] += response.status_code == 200
    assert answered["admin"] == len(pages) and answered["lena"] >= len(pages) - 2
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"username": "anna", "password": PASSWORD, "device_name": "efter uppgradering"}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    pulled = client.get("/api/v1/sync/pull?limit=1000", headers=headers).get_json()
    anna = next(r["id"] for r in before["user_account"] if r["username"] == "anna")
    own_live = {uuid.UUID(hex=v["id"]) for v in before["visit"] if v["officer_id"] == anna and not v["deleted"]}
    assert {uuid.UUID(c["id"]) for c in pulled["changes"] if c["type"] == "visit"} == own_live
    assert client.get("/public/svenljunga.json").status_code == 200


def str_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def supervisor_pages(app, rows: dict[str, list[dict]]) -> list[str]:
    """Every GET page of the supervisor's and admin's blueprint, its path parameters taken from the old data."""
    values = {
        "hotspot_id": str_uuid(next(h["id"] for h in rows["hotspot"] if not h["deleted"])),
        "visit_id": str_uuid(next(v["id"] for v in rows["visit"] if not v["deleted"] and v["observations"])),
        "user_id": next(r["id"] for r in rows["user_account"] if r["username"] == "anna"),
        "area_id": rows["area"][0]["id"],
    }
    pages = ["/", "/public/svenljunga"]
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("supervisor.") or "GET" not in rule.methods:
                continue
            if not set(rule.arguments) <= values.keys():
                continue  # a page whose parameters this old data cannot name
            pages.append(url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}))
    return pages


def test_downgrading_to_the_previous_release_keeps_the_visits_and_drops_only_what_it_added(old_release):
    """The README's downgrade note: 0004 can be reversed, at the price of the `entry` marker (live or after)."""
    from flask_migrate import downgrade

    with old_release.app_context():
        before = table_rows(_db.engine)
        upgrade()
        _db.session.execute(sa.text("UPDATE visit SET entry = 'after' WHERE officers = 2"))
        _db.session.commit()
        downgrade(revision=PREVIOUS_RELEASE)
        assert "entry" not in reflect(_db.engine).tables["visit"].c
        assert table_rows(_db.engine) == before
