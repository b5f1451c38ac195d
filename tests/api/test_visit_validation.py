"""Validation of a pushed visit (SPEC §2), one rule per test: each rejection names the field and the reason."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from fieldlog.hotspots.models import HotSpot
from tests.api.sync_support import iso, pull_all, push_results, upsert, visit_data


@pytest.fixture
def headers(auth, officer, set_locale):
    set_locale(officer, "en")  # the reasons asserted here are the English ones (Swedish by default: issue 10 C1)
    return auth(officer)


def now() -> datetime:
    return datetime.now(UTC)


def result_of(client, headers, data) -> dict:
    [result] = push_results(client, headers, upsert(data=data))
    return result


def rejected_on(client, headers, data) -> dict[str, list[str]]:
    result = result_of(client, headers, data)
    assert result["status"] == "rejected", result
    assert result["error"]["code"] == "validation_error"
    assert result["error"]["message"]
    return result["error"]["fields"]


def test_valid_visit_is_applied(client, headers, hotspot):
    assert result_of(client, headers, visit_data(hotspot))["status"] == "applied"


def test_minimal_visit_takes_defaults(client, headers, hotspot, db):
    started = now() - timedelta(minutes=30)
    data = {"hotspot_id": str(hotspot.id), "started_at": iso(started), "ended_at": iso(started + timedelta(minutes=5))}
    assert result_of(client, headers, data)["status"] == "applied"
    row = db.session.execute(sa.text("SELECT mode, officers, contacts, notes, entry FROM visit")).one()
    assert tuple(row) == ("foot", 1, 0, "", "live")


def test_visit_logged_after_the_fact_keeps_its_entry_through_pull(client, headers, hotspot):
    record_id = uuid.uuid4()
    [result] = push_results(client, headers, upsert(record_id, visit_data(hotspot, entry="after", position=None)))
    assert result["status"] == "applied"
    changes, _cursor = pull_all(client, headers)
    [visit] = [c for c in changes if c["type"] == "visit"]
    assert visit["data"]["entry"] == "after"


def test_unknown_entry_is_rejected(client, headers, hotspot):
    assert "entry" in rejected_on(client, headers, visit_data(hotspot, entry="later"))


def test_unknown_mode_is_rejected(client, headers, hotspot):
    assert "mode" in rejected_on(client, headers, visit_data(hotspot, mode="horse"))


def test_unknown_observation_is_rejected(client, headers, hotspot):
    fields = rejected_on(client, headers, visit_data(hotspot, observations=["aliens"]))
    assert any(name.startswith("observations") for name in fields)


def test_unknown_activity_is_rejected(client, headers, hotspot):
    fields = rejected_on(client, headers, visit_data(hotspot, activities=["arrest_everyone"]))
    assert any(name.startswith("activities") for name in fields)


def test_nothing_to_report_is_exclusive(client, headers, hotspot):
    fields = rejected_on(client, headers, visit_data(hotspot, observations=["nothing_to_report", "graffiti"]))
    assert fields == {"observations": ["nothing_to_report cannot be combined with other codes."]}


def test_nothing_to_report_alone_is_valid(client, headers, hotspot):
    assert result_of(client, headers, visit_data(hotspot, observations=["nothing_to_report"]))["status"] == "applied"


def test_repeated_code_is_rejected(client, headers, hotspot):
    assert "activities" in rejected_on(client, headers, visit_data(hotspot, activities=["check", "check"]))


def test_ended_before_started_is_rejected_on_ended_at(client, headers, hotspot):
    data = visit_data(hotspot, minutes=-5)
    assert rejected_on(client, headers, data) == {"ended_at": ["Must not be before started_at."]}


def test_duration_over_12_hours_is_rejected_on_ended_at(client, headers, hotspot):
    data = visit_data(hotspot, started_at=now() - timedelta(hours=14), minutes=12 * 60 + 1)
    assert rejected_on(client, headers, data) == {"ended_at": ["The visit lasts more than 12 hours."]}


def test_open_visit_older_than_12_hours_is_rejected_on_ended_at(client, headers, hotspot):
    data = visit_data(hotspot, started_at=now() - timedelta(hours=12, minutes=1), minutes=None)
    fields = rejected_on(client, headers, data)
    assert list(fields) == ["ended_at"] and "12 hours" in fields["ended_at"][0]


def test_open_visit_younger_than_12_hours_is_valid(client, headers, hotspot):
    data = visit_data(hotspot, started_at=now() - timedelta(hours=11), minutes=None)
    assert result_of(client, headers, data)["status"] == "applied"


def test_started_more_than_10_minutes_ahead_is_rejected(client, headers, hotspot):
    data = visit_data(hotspot, started_at=now() + timedelta(minutes=11), minutes=None)
    fields = rejected_on(client, headers, data)
    assert list(fields) == ["started_at"] and "ahead" in fields["started_at"][0]


def test_started_within_clock_skew_window_is_valid(client, headers, hotspot):
    data = visit_data(hotspot, started_at=now() + timedelta(minutes=9), minutes=None)
    assert result_of(client, headers, data)["status"] == "applied"


def test_ended_more_than_10_minutes_ahead_is_rejected(client, headers, hotspot):
    data = visit_data(hotspot, started_at=now() - timedelta(minutes=5), minutes=30)
    assert list(rejected_on(client, headers, data)) == ["ended_at"]


def test_started_older_than_90_days_is_rejected(client, headers, hotspot):
    data = visit_data(hotspot, started_at=now() - timedelta(days=91))
    assert rejected_on(client, headers, data) == {"started_at": ["Older than 90 days."]}


def test_time_windows_are_configurable(client, headers, hotspot, app):
    app.config.update(VISIT_MAX_FUTURE_MINUTES=60, VISIT_MAX_AGE_DAYS=400, VISIT_MAX_HOURS=24)
    assert result_of(client, headers, visit_data(hotspot, started_at=now() + timedelta(minutes=50), minutes=None))[
        "status"
    ] == ("applied")
    assert result_of(client, headers, visit_data(hotspot, started_at=now() - timedelta(days=300)))["status"] == (
        "applied"
    )
    long = visit_data(hotspot, started_at=now() - timedelta(hours=30), minutes=20 * 60)
    assert result_of(client, headers, long)["status"] == "applied"


def test_time_without_offset_is_rejected(client, headers, hotspot):
    data = visit_data(hotspot, started_at=None)
    data["started_at"] = "2026-11-20T18:00:00"
    assert "started_at" in rejected_on(client, headers, data)


def test_unknown_hotspot_is_rejected_on_hotspot_id(client, headers, hotspot):
    data = visit_data(hotspot, hotspot_id=str(uuid.uuid4()))
    assert rejected_on(client, headers, data) == {"hotspot_id": ["No such hot spot in your area."]}


def test_hotspot_of_another_area_is_rejected_on_hotspot_id(client, headers, make_area, make_hotspot):
    elsewhere = make_hotspot(make_area("boras"), "Stora torget")
    assert rejected_on(client, headers, visit_data(elsewhere)) == {"hotspot_id": ["No such hot spot in your area."]}


def _archive(db, hotspot, when: datetime) -> None:
    with db.session.begin():
        db.session.execute(sa.update(HotSpot).where(HotSpot.id == hotspot.id).values(deleted=True, deleted_at=when))


def test_hotspot_archived_before_the_visit_is_rejected_on_hotspot_id(client, headers, hotspot, db):
    _archive(db, hotspot, now() - timedelta(days=2))
    data = visit_data(hotspot, started_at=now() - timedelta(days=1))
    assert rejected_on(client, headers, data) == {"hotspot_id": ["The hot spot was archived before the visit started."]}


def test_hotspot_archived_after_the_visit_started_is_valid(client, headers, hotspot, db):
    _archive(db, hotspot, now() - timedelta(hours=1))
    data = visit_data(hotspot, started_at=now() - timedelta(hours=3))
    assert result_of(client, headers, data)["status"] == "applied"


@pytest.mark.parametrize(("field", "value"), [("officers", 0), ("officers", 21), ("officers", "2"), ("officers", 1.5)])
def test_officers_must_be_1_to_20(client, headers, hotspot, field, value):
    assert field in rejected_on(client, headers, visit_data(hotspot, **{field: value}))


@pytest.mark.parametrize("value", [-1, 1000, True])
def test_contacts_must_be_0_to_999(client, headers, hotspot, value):
    assert "contacts" in rejected_on(client, headers, visit_data(hotspot, contacts=value))


def test_notes_longer_than_2000_characters_are_rejected(client, headers, hotspot):
    assert "notes" in rejected_on(client, headers, visit_data(hotspot, notes="x" * 2001))


def test_notes_of_2000_characters_are_valid(client, headers, hotspot):
    assert result_of(client, headers, visit_data(hotspot, notes="å" * 2000))["status"] == "applied"


@pytest.mark.parametrize(
    "position",
    [{"lat": 91, "lon": 13}, {"lat": 57, "lon": 181}, {"lat": 57}, {"lat": 57, "lon": 13, "accuracy_m": -1}],
)
def test_position_out_of_range_is_rejected(client, headers, hotspot, position):
    fields = rejected_on(client, headers, visit_data(hotspot, position=position))
    assert any(name.startswith("position") for name in fields)


def test_unknown_field_is_rejected(client, headers, hotspot):
    assert "colour" in rejected_on(client, headers, visit_data(hotspot, colour="blue"))


def test_missing_started_at_and_hotspot_are_rejected(client, headers, hotspot):
    data = visit_data(hotspot)
    del data["started_at"], data["hotspot_id"]
    assert {"started_at", "hotspot_id"} <= set(rejected_on(client, headers, data))


def test_data_that_is_not_an_object_is_rejected_with_fields(client, headers):
    response = client.post(
        "/api/v1/sync/push",
        json={"protocol": 1, "mutations": [{**upsert(data=None), "data": [1, 2]}]},
        headers=headers,
    )
    assert response.status_code == 400
    assert any(name.startswith("mutations.0.data") for name in response.get_json()["error"]["fields"])


def test_upsert_without_data_is_rejected_on_data(client, headers):
    [result] = push_results(client, headers, upsert(data=None))
    assert result["status"] == "rejected" and result["error"]["fields"] == {
        "data": ["Missing data for required field."]
    }
