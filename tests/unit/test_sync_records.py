"""The visit's declaration (fieldlog.sync.records) agrees with the schemas, the model and the exports it names."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fieldlog.sync.records import MUTATIONS, RECORDS, VISIT
from fieldlog.visits.models import Visit
from fieldlog.visits.schemas import VisitInputSchema, VisitSchema
from fieldlog.visits.services import wire_source

# What the server alone decides about a visit; everything else on the wire is the phone's.
SERVER_FIELDS = {"id", "officer", "device_id", "distance_m", "on_site", "flag", "rev", "deleted"}
SERVER_FIELDS |= {"created_at", "updated_at"}


def test_wire_fields_are_the_input_schemas_and_the_dump_schemas_fields():
    assert list(VISIT.wire_fields) == list(VisitInputSchema().fields)
    assert set(VisitSchema().fields) == set(VISIT.wire_fields) | SERVER_FIELDS


def test_wire_source_gives_every_field_of_the_dump_schema():
    row = {column.name: None for column in Visit.__table__.columns}
    assert set(wire_source(row, {})) == set(VisitSchema().fields)


def test_client_columns_and_derived_columns_are_columns_of_the_visit_table():
    columns = set(Visit.__table__.columns.keys())
    assert set(VISIT.client_columns) <= columns
    assert {"lat", "lon", "accuracy_m"} <= set(VISIT.client_columns)
    assert "position" not in VISIT.client_columns


def test_export_columns_cover_every_stored_client_column():
    for exported in (VISIT.csv_columns, VISIT.xlsx_columns):
        names = [column.name for column in exported]
        assert len(names) == len(set(names))
        assert set(VISIT.client_columns) <= set(names)
    assert all(column.header is not None for column in VISIT.xlsx_columns)


def test_client_values_flatten_the_position_and_leave_it_null_without_a_fix():
    data = VISIT.loader.load(
        {
            "hotspot_id": str(uuid.uuid4()),
            "started_at": datetime.now(UTC).isoformat(),
            "position": {"lat": 57.5, "lon": 13.1},
        }
    )
    values = VISIT.client_values(data)
    assert set(values) == set(VISIT.client_columns)
    assert (values["lat"], values["lon"], values["accuracy_m"]) == (57.5, 13.1, None)
    without = VISIT.client_values(dict(data, position=None))
    assert (without["lat"], without["lon"], without["accuracy_m"]) == (None, None, None)


def test_the_registry_dispatches_visit_and_activity_mutation_types():
    from fieldlog.sync.records import ACTIVITY

    # Pull order is registry order: visits keep rank 1, activities were appended.
    assert list(RECORDS.items()) == [("visit", VISIT), ("activity", ACTIVITY)]
    assert MUTATIONS == {
        "visit.upsert": (VISIT, "upsert"),
        "visit.delete": (VISIT, "delete"),
        "activity.upsert": (ACTIVITY, "upsert"),
        "activity.delete": (ACTIVITY, "delete"),
    }
