import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from fieldlog.auth.models import User
from fieldlog.db import utcnow
from fieldlog.hotspots.models import HotSpot
from fieldlog.visits.models import Visit


def _user(**kwargs):
    user = User(display_name="X", **kwargs)
    user.set_password("long enough")
    return user


def test_password_is_stored_as_salted_scrypt_hash(area):
    first, second = _user(username="a", role="officer"), _user(username="b", role="officer")
    assert first.password_hash.startswith("scrypt:")
    assert first.password_hash != second.password_hash
    assert first.check_password("long enough") and not first.check_password("wrong")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role": "officer", "area_id": None},
        {"role": "admin", "area_id": "AREA"},
        {"role": "chief", "area_id": "AREA"},
        {"role": "officer", "area_id": "AREA", "locale": "de"},
    ],
)
def test_user_constraints(db, area, kwargs):
    kwargs = {k: (area.id if v == "AREA" else v) for k, v in kwargs.items()}
    db.session.add(_user(username="x", **kwargs))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_usernames_are_unique(db, area, officer):
    db.session.add(_user(username="anna", role="officer", area_id=area.id))
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.mark.parametrize("change", [{"priority": 0}, {"priority": 4}, {"radius_m": 0}, {"lat": 95.0}])
def test_hotspot_constraints(db, area, change):
    now = utcnow()
    fields = {"name": "X", "lat": 57.0, "lon": 13.0, "created_at": now, "updated_at": now, "change_seq": 1, **change}
    db.session.add(HotSpot(area_id=area.id, **fields))
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.mark.parametrize(
    "change", [{"officers": 0}, {"officers": 21}, {"contacts": 1000}, {"mode": "boat"}, {"ended_at": "BEFORE"}]
)
def test_visit_constraints(db, hotspot, officer, change):
    start = utcnow() - timedelta(hours=1)
    if change.get("ended_at") == "BEFORE":
        change = {"ended_at": start - timedelta(minutes=1)}
    db.session.add(
        Visit(id=uuid.uuid4(), hotspot_id=hotspot.id, officer_id=officer.id, started_at=start, change_seq=1, **change)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_times_come_back_aware_utc(db, hotspot, officer, make_visit):
    from datetime import UTC

    visit = make_visit(hotspot, officer, started_at=datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    stored = db.session.get(Visit, visit.id)
    assert stored.started_at == datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    assert stored.started_at.utcoffset() == timedelta(0)


def test_naive_datetime_is_refused(db, hotspot, officer):
    db.session.add(
        Visit(
            id=uuid.uuid4(), hotspot_id=hotspot.id, officer_id=officer.id, started_at=datetime(2026, 1, 1), change_seq=1
        )
    )
    with pytest.raises(StatementError):
        db.session.flush()
