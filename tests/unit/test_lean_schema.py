"""LeanSchema loads exactly as marshmallow's own Schema does: the same data, the same errors, for any input.

Every LeanSchema subclass of the package — found by importing every module of ``fieldlog`` and walking
``__subclasses__()``, so a new one is covered without editing this file — is compared with a twin that uses
marshmallow's unmodified ``Schema._deserialize`` (``twin``), on input generated from its declared fields: plausible
values of each field's type, every field replaced by values of every JSON type, missing and unknown keys. The push's
own schemas are also compared on input shaped like real visits and mutations.
"""

from __future__ import annotations

import copy
import functools
import importlib
import pkgutil
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, ValidationError, fields, validate

import fieldlog
from fieldlog.api import fields as api_fields
from fieldlog.api.schemas import LeanSchema
from fieldlog.sync.schemas import MutationSchema, PushSchema
from fieldlog.visits.models import ACTIVITIES, MODES, OBSERVATIONS
from fieldlog.visits.schemas import VisitInputSchema


def lean_schemas() -> list[type[LeanSchema]]:
    """Every LeanSchema subclass (at any depth) that the package declares, once all its modules are imported."""
    for module in pkgutil.walk_packages(fieldlog.__path__, "fieldlog."):
        importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    found = {cls for cls in below(LeanSchema) if cls.__module__.startswith("fieldlog.")}
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


@functools.cache
def twin(cls: type[Schema]) -> type[Schema]:
    """``cls`` with marshmallow's own ``Schema._deserialize``, and so every LeanSchema it nests."""
    replaced = {name: _twin_field(field) for name, field in cls._declared_fields.items()}
    changed = {name: field for name, field in replaced.items() if field is not cls._declared_fields[name]}
    return type(f"Plain{cls.__name__}", (cls,), {"_deserialize": Schema._deserialize, **changed})


def _twin_field(field: fields.Field) -> fields.Field:
    if isinstance(field, fields.Nested) and isinstance(field.nested, type) and issubclass(field.nested, LeanSchema):
        field = copy.copy(field)
        field.nested, field._schema = twin(field.nested), None
    elif isinstance(field, fields.List) and (inner := _twin_field(field.inner)) is not field.inner:
        field = copy.copy(field)
        field.inner = inner
    return field


LEAN_SCHEMAS = lean_schemas()
PlainVisit = twin(VisitInputSchema)
PlainMutation = twin(MutationSchema)
PlainPush = twin(PushSchema)


def outcome(schema: Schema, data, **kwargs):
    try:
        return ("ok", schema.load(data, **kwargs))
    except ValidationError as e:
        return ("error", e.messages, e.valid_data)


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["", "\x00", "foot", "disorder", "dialogue", str(uuid.uuid4()), "2026-01-01T10:00:00+01:00"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def plausible(field: fields.Field):
    """Values of the field's own type (those it may accept), or of any JSON type."""
    if isinstance(field, fields.Nested):
        nested = field.nested if isinstance(field.nested, type) else type(field.nested)
        own = st.deferred(lambda: records(nested))
    elif isinstance(field, fields.List):
        own = st.lists(plausible(field.inner), max_size=3)
    elif isinstance(field, fields.Dict):
        own = st.dictionaries(st.text(max_size=8), json_values, max_size=3)
    elif isinstance(field, fields.UUID):
        own = st.uuids().map(str)
    elif isinstance(field, fields.DateTime):
        own = st.datetimes(timezones=st.none() | st.just(UTC)).map(lambda d: d.isoformat())
    elif isinstance(field, fields.Boolean):
        own = st.booleans()
    elif isinstance(field, fields.Integer):
        own = st.integers(-3, 1000)
    elif isinstance(field, fields.Float):
        own = st.floats(allow_nan=False) | st.integers(-200, 200)
    elif isinstance(field, fields.String):
        choices = [c for v in field.validators if isinstance(v, validate.OneOf) for c in v.choices]
        own = st.sampled_from(choices) | st.text(max_size=12) if choices else st.text(max_size=12)
    else:
        own = st.nothing()
    return own | json_values


def records(schema: type[Schema]):
    """Dictionaries for ``schema``: each declared field present or not, with a plausible value or any; unknown keys."""
    declared = schema._declared_fields
    known = st.fixed_dictionaries({}, optional={name: plausible(field) for name, field in declared.items()})
    unknown = st.dictionaries(st.text(max_size=8).filter(lambda key: key not in declared), json_values, max_size=2)
    return st.tuples(known, unknown).map(lambda pair: {**pair[0], **pair[1]})


@st.composite
def visits(draw):
    started = NOW - timedelta(minutes=draw(st.integers(0, 10_000)))
    visit = {
        "hotspot_id": str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))),
        "started_at": started.isoformat(),
        "ended_at": (started + timedelta(minutes=draw(st.integers(-5, 600)))).isoformat(),
        "mode": draw(st.sampled_from(MODES)),
        "officers": draw(st.integers(0, 21)),
        "observations": draw(st.lists(st.sampled_from(OBSERVATIONS), max_size=3)),
        "activities": draw(st.lists(st.sampled_from(ACTIVITIES), max_size=3)),
        "contacts": draw(st.integers(-1, 1000)),
        "notes": draw(st.text(max_size=20)),
        "position": {
            "lat": draw(st.floats(-91, 91)),
            "lon": draw(st.floats(-181, 181)),
            "accuracy_m": draw(st.none() | st.floats(-1, 200)),
        },
    }
    # Break it: drop keys, replace values with anything JSON, add unknown keys (also inside the position).
    for key in draw(st.lists(st.sampled_from(sorted(visit)), max_size=3, unique=True)):
        if draw(st.booleans()):
            del visit[key]
        else:
            visit[key] = draw(json_values)
    visit.update(draw(st.dictionaries(st.sampled_from(["extra", "id", "officer", "lat"]), json_values, max_size=2)))
    if isinstance(visit.get("position"), dict) and draw(st.booleans()):
        visit["position"]["altitude"] = draw(json_values)
    return visit


@st.composite
def mutations(draw):
    mutation = {
        "mutation_id": str(uuid.uuid4()),
        "type": draw(st.sampled_from(["visit.upsert", "visit.delete", "", "x" * 65])),
        "record_id": str(uuid.uuid4()),
        "base_rev": draw(st.none() | st.integers(-1, 3)),
        "data": draw(st.none() | visits()),
    }
    for key in draw(st.lists(st.sampled_from(sorted(mutation)), max_size=2, unique=True)):
        if draw(st.booleans()):
            del mutation[key]
        else:
            mutation[key] = draw(json_values)
    mutation.update(draw(st.dictionaries(st.sampled_from(["extra", "officer_id"]), json_values, max_size=1)))
    return mutation


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(visits(), json_values))
def test_visit_loads_as_with_marshmallows_own_loop(data):
    assert outcome(VisitInputSchema(), data) == outcome(PlainVisit(), data)


@settings(max_examples=200, deadline=None)
@given(items=st.lists(st.one_of(visits(), json_values), max_size=4))
def test_many_visits_load_as_with_marshmallows_own_loop(items):
    assert outcome(VisitInputSchema(), items, many=True) == outcome(PlainVisit(), items, many=True)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(mutations(), json_values))
def test_mutation_loads_as_with_marshmallows_own_loop(data):
    assert outcome(MutationSchema(), data) == outcome(PlainMutation(), data)


@settings(max_examples=200, deadline=None)
@given(
    data=st.one_of(
        st.fixed_dictionaries(
            {"protocol": json_values, "mutations": st.lists(st.one_of(mutations(), json_values), max_size=3)},
            optional={"extra": json_values},
        ),
        json_values,
    )
)
def test_push_envelope_loads_as_with_marshmallows_own_loop(data):
    assert outcome(PushSchema(), data) == outcome(PlainPush(), data)


@pytest.mark.parametrize("unknown", [RAISE, EXCLUDE, INCLUDE])
@settings(max_examples=100, deadline=None)
@given(data=visits())
def test_unknown_keys_handled_as_marshmallow_does(unknown, data):
    assert outcome(VisitInputSchema(), data, unknown=unknown) == outcome(PlainVisit(), data, unknown=unknown)


def test_every_lean_schema_of_the_package_is_found():
    # The discovery itself: it finds the push's schemas, the ones nested in the documentation schemas, and no twin.
    assert {VisitInputSchema, MutationSchema, PushSchema} <= set(LEAN_SCHEMAS)
    assert all(cls.__module__.startswith("fieldlog.") for cls in LEAN_SCHEMAS)


@pytest.mark.parametrize("schema", LEAN_SCHEMAS, ids=lambda cls: cls.__qualname__)
@pytest.mark.parametrize("unknown", [None, EXCLUDE, INCLUDE])  # None: the schema's own Meta.unknown
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_lean_schema_loads_as_with_marshmallows_own_loop(schema, unknown, data):
    value = data.draw(st.one_of(records(schema), json_values))
    options = {} if unknown is None else {"unknown": unknown}
    assert outcome(schema(), value, **options) == outcome(twin(schema)(), value, **options)


def test_partial_and_data_key_go_through_marshmallows_loop():
    class Keyed(LeanSchema):
        name = api_fields.Dict(data_key="Name", required=True)

    assert Keyed()._lean_fields is None
    assert Keyed().load({"Name": {}}) == {"name": {}}
    assert outcome(VisitInputSchema(), {}, partial=True) == outcome(PlainVisit(), {}, partial=True)


def test_direct_validators_give_the_messages_and_would():
    one = api_fields.StrictInteger(validate=validate.Range(0, 5))
    both = api_fields.StrictString(validate=[validate.Length(max=2), validate.OneOf(["a"])])
    with pytest.raises(ValidationError) as single:
        one.deserialize(9)
    assert single.value.messages == ["Must be greater than or equal to 0 and less than or equal to 5."]
    with pytest.raises(ValidationError) as several:
        both.deserialize("abc")
    assert several.value.messages == ["Longer than maximum length 2.", "Must be one of: a."]


# Spellings at the edges of the fast paths for UUIDs and times: each loads (or fails) exactly as marshmallow's own.
ODD_UUIDS = [
    "0b0e8a4e-7e0c-4c3d-9e8e-3c1c1c1c1c1c",
    "0B0E8A4E-7E0C-4C3D-9E8E-3C1C1C1C1C1C",
    "0b0e8a4e7e0c4c3d9e8e3c1c1c1c1c1c",
    "{0b0e8a4e-7e0c-4c3d-9e8e-3c1c1c1c1c1c}",
    "urn:uuid:0b0e8a4e-7e0c-4c3d-9e8e-3c1c1c1c1c1c",
    "0x0e8a4e-7e0c-4c3d-9e8e-3c1c1c1c1c1c",
    "0b0e8a4e-7e0c-4c3d-9e8e-3c1c1c1c1c1g",
    "0b0e8a4e-7e0c-4c3d-9e8e-3c1c1c1c_c1c",
    "+b0e8a4e-7e0c-4c3d-9e8e-3c1c1c1c1c1c",
    " b0e8a4e-7e0c-4c3d-9e8e-3c1c1c1c1c1c",
    "0b0e8a4e--7e0c4c3d-9e8e-3c1c1c1c1c1c",
    "0b0e8a4e-7e0c-4c3d-9e8e-3c1c1c1c1c1",
    "٠b0e8a4e-7e0c-4c3d-9e8e-3c1c1c1c1c1c",
    "",
]
ODD_TIMES = [
    "2026-11-25T10:00:00+01:00",
    "2026-11-25T10:00:00Z",
    "2026-11-25T10:00:00.123456+01:00",
    "2026-11-25T10:00:00",
    "2026-11-25",
    "2026-11-25 10:00:00+00:00",
    "20261125T100000+0100",
    "1969-12-31T23:59:59+00:00",
    "1970-01-01T00:00:00+00:00",
    "9000-12-31T23:59:59+00:00",
    "9001-01-01T00:00:00+00:00",
    "2026-11-25T10:00:00.1234567890123456789+01:00",
    "2026-11-25T10:00:00+25:00",
    "not a time",
]


@pytest.mark.parametrize("value", ODD_UUIDS)
def test_odd_uuids_load_as_with_marshmallows_own_loop(value):
    for field in ("mutation_id", "record_id"):
        data = {"mutation_id": str(uuid.uuid4()), "type": "visit.upsert", "record_id": str(uuid.uuid4()), field: value}
        assert outcome(MutationSchema(), data) == outcome(PlainMutation(), data)


@pytest.mark.parametrize("value", ODD_TIMES)
def test_odd_times_load_as_with_marshmallows_own_loop(value):
    for field in ("started_at", "ended_at"):
        data = {"hotspot_id": str(uuid.uuid4()), "started_at": "2026-11-25T09:00:00+01:00", field: value}
        assert outcome(VisitInputSchema(), data) == outcome(PlainVisit(), data)
