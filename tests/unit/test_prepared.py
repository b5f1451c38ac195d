"""``fieldlog.db.Prepared``: statements run on the DB-API cursor give what SQLAlchemy's own execution gives — the same
rows, the same stored values, the same exceptions — on SQLite and PostgreSQL; and the one-step UTC text on SQLite."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator

from fieldlog.db import Prepared, UTCDateTime, insert_many
from fieldlog.hotspots.models import HotSpot

SPOT = HotSpot.__table__


def test_rows_are_sqlalchemys_rows(db, hotspot):
    connection = db.session.connection()
    statement = sa.select(SPOT).where(SPOT.c.id == sa.bindparam("id"))
    assert not (connection._has_events or connection.engine._has_events)  # the DB-API path, not exec_driver_sql
    ours = Prepared(statement).execute(connection, {"id": hotspot.id}).first()
    theirs = connection.execute(statement, {"id": hotspot.id}).first()
    assert ours._asdict() == theirs._asdict()
    assert ours.id == hotspot.id and isinstance(ours.created_at, datetime) and ours.created_at.tzinfo is not None
    assert Prepared(statement).execute(connection, {"id": uuid.uuid4()}).first() is None


def test_a_driver_error_is_sqlalchemys_exception(db, hotspot):
    connection = db.session.connection()
    row = connection.execute(sa.select(SPOT).where(SPOT.c.id == hotspot.id)).first()._asdict()
    with pytest.raises(IntegrityError):
        insert_many(connection, SPOT, [row])  # the same primary key again
    db.session.rollback()
    with pytest.raises(IntegrityError):
        Prepared(SPOT.insert()).execute(db.session.connection(), row)


def test_values_written_read_back_as_through_sqlalchemy(db, hotspot):
    connection = db.session.connection()
    when = datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=timezone(timedelta(hours=1)))
    Prepared(SPOT.update().where(SPOT.c.id == sa.bindparam("b_id")).values(deleted_at=sa.bindparam("at"))).execute(
        connection, {"b_id": hotspot.id, "at": when}
    )
    stored = connection.execute(sa.select(SPOT.c.deleted_at).where(SPOT.c.id == hotspot.id)).scalar_one()
    assert stored == when and stored.tzinfo is not None


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, 120, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 10, 25, 2, 30, tzinfo=timezone(timedelta(hours=2))),
        None,
    ],
)
def test_sqlite_utc_text_is_sqlalchemys(value):
    dialect = sqlite.dialect()
    impl = UTCDateTime().dialect_impl(dialect)
    assert impl.bind_processor(dialect)(value) == TypeDecorator.bind_processor(impl, dialect)(value)


def test_sqlite_utc_text_refuses_a_naive_time():
    dialect = sqlite.dialect()
    with pytest.raises(ValueError):
        UTCDateTime().dialect_impl(dialect).bind_processor(dialect)(datetime(2026, 1, 1))
