"""``LeanSchema``: a marshmallow Schema whose per-field load loop is cheaper, with the same results and errors.

marshmallow's ``Schema._deserialize`` is written for every option it supports (``partial``, ``data_key``, dotted
``attribute``s, any Mapping): for each field of each item it builds a closure and a kwargs dict and goes through
``_call_and_store`` and ``set_value``. The push loads thousands of visits per request (SPEC §5 ingest target), and
that generic loop cost about as much as the fields' own work. For the case the API uses — a plain ``dict``, no
``partial``, fields without ``data_key`` or ``attribute`` — this loop does the same steps directly: every field is
still loaded as its own ``Field.deserialize`` loads it (required, allow_none, defaults, validators; for a present,
non-null value the two steps that method takes, ``_deserialize`` and ``_validate``, are called directly), and every
error is stored in marshmallow's ErrorStore as marshmallow stores it; unknown keys are handled as marshmallow does.
Any other case goes to marshmallow's loop unchanged. ``tests/unit/test_lean_schema.py`` checks that both loops give
equal results and equal errors.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError
from marshmallow.fields import Field
from marshmallow.utils import missing


class LeanSchema(Schema):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lean_fields = None
        if all(f.data_key is None and f.attribute is None and "." not in n for n, f in self.load_fields.items()):
            self._lean_fields = tuple((name, field, _plain(field)) for name, field in self.load_fields.items())

    def _deserialize(self, data, *, error_store, many=False, partial=None, unknown=RAISE, index=None):
        fields = self._lean_fields
        if many or partial is not None or fields is None or type(data) is not dict:
            return super()._deserialize(
                data, error_store=error_store, many=many, partial=partial, unknown=unknown, index=index
            )
        if not self.opts.index_errors:
            index = None
        result = self.dict_class()
        get = data.get
        for name, field, plain in fields:
            raw = get(name, missing)
            try:
                if plain and raw is not missing and raw is not None:
                    # Field.deserialize for a present, non-null value, without its checks for the other cases.
                    value = field._deserialize(raw, name, data)
                    if field.validators:
                        field._validate(value)
                else:
                    value = field.deserialize(raw, name, data)
            except ValidationError as error:
                error_store.store_error(error.messages, name, index=index)
                # A Nested field that fails keeps its valid part, as in marshmallow.
                value = error.valid_data or missing
            if value is not missing:
                result[name] = value
        if unknown != EXCLUDE and not data.keys() <= self.load_fields.keys():
            known = {name for name, _field, _plain in fields}
            for key in set(data) - known:
                if unknown == RAISE:
                    error_store.store_error([self.error_messages["unknown"]], key, index)
                else:  # INCLUDE
                    result[key] = data[key]
        return result


def _plain(field: Field) -> bool:
    """Whether loading a present, non-null value with this field is exactly ``_deserialize`` then ``_validate``:
    marshmallow's ``Field.deserialize``, no pre_load/post_load functions."""
    return type(field).deserialize is Field.deserialize and not field.pre_load and not field.post_load
