"""fieldlog.jsontext gives the very text json.dumps gives: stored JSON columns and payload hashes depend on it."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldlog import jsontext
from fieldlog.sync.push import payload_hash

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()  # NaN and the infinities too: json.dumps writes them (allow_nan)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=500, deadline=None)
@given(value=values)
def test_dumps_is_json_dumps(value):
    assert jsontext.dumps(value) == json.dumps(value)


@settings(max_examples=500, deadline=None)
@given(mutation=st.dictionaries(st.text(max_size=8), values, max_size=6))
def test_payload_hash_is_that_of_the_canonical_json(mutation):
    canonical = json.dumps(mutation, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert payload_hash(mutation) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_dumps_refuses_what_json_dumps_refuses():
    for value in (object(), {1j: 1}, {(1, 2): 1}):
        try:
            json.dumps(value)
        except TypeError:
            pass
        else:  # pragma: no cover
            raise AssertionError(value)
        try:
            jsontext.dumps(value)
        except TypeError:
            continue
        raise AssertionError(f"jsontext.dumps took {value!r}")


def test_the_engine_writes_json_columns_with_it(app):
    from fieldlog.extensions import db

    with app.app_context():
        assert db.engine.dialect._json_serializer is jsontext.dumps
