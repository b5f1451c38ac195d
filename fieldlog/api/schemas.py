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

Before that loop, an item first goes through ``_accept``: per field a converter made once for the field's type and
validators (``_converter``), which returns what the field would load from a *valid* value and raises on anything
else — then the item is loaded by the loop above, which finds and stores the errors exactly as before. So every
error still comes from marshmallow's fields; the converters only take the common case (a JSON value of the right
type, within its limits) without marshmallow's per-field calls. A push loads one envelope, one visit and one
position per mutation: this is most of what validation costs there. Its three UUIDs and two times take the same steps
as ``uuid.UUID`` and ``OffsetDateTime`` do for a well-formed value (``_uuid``; the ``OffsetDateTime`` converter)
without their calls through marshmallow's layers; ``tests/unit/test_lean_schema.py`` also tries odd spellings of both.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import datetime

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate
from marshmallow.fields import Field
from marshmallow.utils import missing

from fieldlog.api import fields as api_fields


class _Slow(Exception):
    """The fast path does not take this value: the full loop loads the item."""


class LeanSchema(Schema):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lean_fields = None
        self._accepting = None
        if all(f.data_key is None and f.attribute is None and "." not in n for n, f in self.load_fields.items()):
            self._lean_fields = tuple((name, field, _plain(field)) for name, field in self.load_fields.items())
            self._accepting = tuple(
                (name, field, _converter(name, field), field.required, field.allow_none, field.load_default)
                for name, field in self.load_fields.items()
            )

    def _deserialize(self, data, *, error_store, many=False, partial=None, unknown=RAISE, index=None):
        fields = self._lean_fields
        if many or partial is not None or fields is None or type(data) is not dict:
            return super()._deserialize(
                data, error_store=error_store, many=many, partial=partial, unknown=unknown, index=index
            )
        if unknown != EXCLUDE and not data.keys() <= self.load_fields.keys():
            pass  # an unknown key: the loop below stores its error (or, with INCLUDE, its value)
        else:
            # Any doubt (an exception of any kind): the full loop decides, with marshmallow's own errors.
            try:
                return self._accept(data)
            except Exception:  # noqa: BLE001, S110
                pass
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

    def _accept(self, data: dict) -> dict:
        """The item as the loop below loads it, if every field holds a valid value (or may be missing); else raises."""
        result = self.dict_class()
        for name, _field, convert, required, allow_none, default in self._accepting:
            raw = data.get(name, missing)
            if raw is missing:
                if required:
                    raise _Slow
                value = default() if callable(default) else default
                if value is missing:
                    continue
            elif raw is None:
                if not allow_none:
                    raise _Slow
                value = None
            else:
                value = convert(raw, data)
            result[name] = value
        return result


# The validators whose check is a plain comparison, made once per validator: what passes it is what the validator
# lets through unchanged (each returns its value).
def _check(validator) -> Callable[[object], bool] | None:
    kind = type(validator)
    if kind is validate.OneOf:
        try:
            choices = frozenset(validator.choices)
        except TypeError:
            return None
        return lambda value: type(value) is str and value in choices
    if kind is validate.Length:
        low, high, equal = validator.min, validator.max, validator.equal
        if equal is not None:
            return lambda value: len(value) == equal
        return lambda value: (low is None or len(value) >= low) and (high is None or len(value) <= high)
    if kind is validate.Range and validator.min_inclusive and validator.max_inclusive:
        low, high = validator.min, validator.max
        return lambda value: (low is None or value >= low) and (high is None or value <= high)
    return None


def _validating(field: Field) -> Callable[[object], None]:
    """The field's validators, each as a fast check where there is one (a failed check raises ``_Slow``)."""
    checks = []
    for validator in field.validators:
        check = _check(validator)
        checks.append((check, validator))

    def run(value) -> None:
        for check, validator in checks:
            if check is None:
                validator(value)
            elif not check(value):
                raise _Slow

    return run


def _converter(name: str, field: Field) -> Callable[[object, dict], object]:
    """For a present, non-null value: what ``field.deserialize`` returns when the value is valid; raises otherwise."""
    direct = _direct(field) if _plain(field) else None
    if direct is not None:
        return direct
    validators = _validating(field) if field.validators else None
    kind = type(field)
    if not _plain(field):
        convert = _generic(name, field)
    elif kind is api_fields.StrictString:

        def convert(raw, data):
            if type(raw) is not str or "\x00" in raw:
                raise _Slow
            return raw

    elif kind is api_fields.StrictInteger:

        def convert(raw, data):
            if type(raw) is not int:
                raise _Slow
            return raw

    elif kind is api_fields.StrictFloat:

        def convert(raw, data):
            if type(raw) is not float or not math.isfinite(raw):
                raise _Slow
            return raw

    elif kind is api_fields.StrictBoolean:

        def convert(raw, data):
            if type(raw) is not bool:
                raise _Slow
            return raw

    elif kind in (api_fields.UUID, fields.UUID):

        def convert(raw, data):
            if type(raw) is not str:
                raise _Slow
            return _uuid(raw)

    elif kind in (api_fields.Dict, fields.Dict) and field.key_field is None and field.value_field is None:
        mapping = field.mapping_type

        def convert(raw, data):
            if type(raw) is not dict:
                raise _Slow
            return mapping(raw)

    elif kind in (api_fields.List, fields.List) and _plain(field.inner):
        inner = _converter(name, field.inner)
        inner_allows_none = field.inner.allow_none

        def convert(raw, data):
            if type(raw) is not list:
                raise _Slow
            out = []
            for each in raw:
                if each is None:
                    if not inner_allows_none:
                        raise _Slow
                    out.append(None)
                else:
                    out.append(inner(each, data))
            return out

    elif kind in (api_fields.Nested, fields.Nested) and _nested_fast(field):
        accept, known = field.schema._accept, field.schema.load_fields.keys()

        def convert(raw, data):
            if type(raw) is not dict or not raw.keys() <= known:
                raise _Slow
            return accept(raw)

    else:
        convert = _generic(name, field)
    if validators is None:
        return convert

    def checked(raw, data):
        value = convert(raw, data)
        validators(value)
        return value

    return checked


_UUID, _SAFE_UNKNOWN, _new, _set = uuid.UUID, uuid.SafeUUID.unknown, object.__new__, object.__setattr__


def _uuid(raw: str) -> uuid.UUID:
    """``uuid.UUID(raw)``. For the canonical form (36 characters, four hyphens, the rest letters or digits) the same
    steps it takes for any string — its 32 digits without the hyphens, ``int(digits, 16)`` — without its argument
    checks, which cost half of it (three UUIDs a pushed visit); anything else goes to ``uuid.UUID`` itself."""
    digits = raw.replace("-", "")
    if len(raw) != 36 or len(digits) != 32 or not digits.isalnum():
        return _UUID(raw)
    value = _new(_UUID)
    _set(value, "int", int(digits, 16))  # 32 digits: within 0 .. 2**128 - 1, as UUID checks
    _set(value, "is_safe", _SAFE_UNKNOWN)
    return value


def _direct(field: Field) -> Callable[[object, dict], object] | None:
    """The commonest fields of the push — a strict string, integer or float with one OneOf, Length or Range, a list of
    coded strings — as one function each, the type check and the limits in one expression (no calls between)."""
    kind = type(field)
    validators = field.validators
    if kind is api_fields.OffsetDateTime and not validators:
        # OffsetDateTime._deserialize for a valid value: ISO 8601 (``datetime.fromisoformat``, as marshmallow's
        # DateTime), aware (marshmallow's AwareDateTime: no default zone here), within the years it allows.
        fromisoformat = field.DESERIALIZATION_FUNCS[field.format]
        if field.default_timezone is not None or fromisoformat != datetime.fromisoformat:
            return None

        def convert(raw, data):
            if type(raw) is str and len(raw) <= 40:
                value = fromisoformat(raw)
                tzinfo = value.tzinfo
                if tzinfo is not None and 1970 <= value.year <= 9000 and tzinfo.utcoffset(value) is not None:
                    return value
            raise _Slow

        return convert
    one = validators[0] if len(validators) == 1 else None
    one_kind = type(one)
    if kind is api_fields.StrictString and one_kind is validate.OneOf:
        choices = _string_choices(one)
        if choices is None:
            return None

        def convert(raw, data):
            if type(raw) is str and raw in choices:
                return raw
            raise _Slow

        return convert
    if kind is api_fields.StrictString and one_kind is validate.Length and one.equal is None:
        low = -math.inf if one.min is None else one.min
        high = math.inf if one.max is None else one.max

        def convert(raw, data):
            if type(raw) is str and low <= len(raw) <= high and "\x00" not in raw:
                return raw
            raise _Slow

        return convert
    if kind in (api_fields.StrictInteger, api_fields.StrictFloat) and one_kind is validate.Range:
        if not (one.min_inclusive and one.max_inclusive):
            return None
        low = -math.inf if one.min is None else one.min
        high = math.inf if one.max is None else one.max
        if kind is api_fields.StrictInteger:

            def convert(raw, data):
                if type(raw) is int and low <= raw <= high:
                    return raw
                raise _Slow

        else:
            # A finite float within finite limits: NaN fails both comparisons, an infinity one of them.
            if not (math.isfinite(low) or low == -math.inf) or not (math.isfinite(high) or high == math.inf):
                return None
            isfinite = math.isfinite

            def convert(raw, data):
                if type(raw) is float and low <= raw <= high and isfinite(raw):
                    return raw
                raise _Slow

        return convert
    if (
        kind in (api_fields.List, fields.List)
        and one_kind is validate.Length
        and one.equal is None
        and type(field.inner) is api_fields.StrictString
        and len(field.inner.validators) == 1
        and type(field.inner.validators[0]) is validate.OneOf
        and _plain(field.inner)
    ):
        choices = _string_choices(field.inner.validators[0])
        if choices is None:
            return None
        low = -math.inf if one.min is None else one.min
        high = math.inf if one.max is None else one.max

        def convert(raw, data):
            if type(raw) is list and low <= len(raw) <= high:
                for each in raw:
                    if type(each) is not str or each not in choices:
                        raise _Slow
                return list(raw)
            raise _Slow

        return convert
    return None


def _string_choices(validator: validate.OneOf) -> frozenset | None:
    """A OneOf's choices as a set, when they are all strings without NUL (so that a member passes StrictString)."""
    choices = validator.choices
    if not all(type(c) is str and "\x00" not in c for c in choices):
        return None
    return frozenset(choices)


def _generic(name: str, field: Field) -> Callable[[object, dict], object]:
    """Any other field: its own steps, as the loop below takes them."""
    if _plain(field):
        deserialize = field._deserialize
        return lambda raw, data: deserialize(raw, name, data)
    return lambda raw, data: field.deserialize(raw, name, data)


def _nested_fast(field) -> bool:
    """A nested LeanSchema loaded by its fields alone: no hooks, one object, its own ``unknown`` — then loading it
    is exactly its ``_accept`` when that succeeds (``Nested._deserialize`` is ``schema.load``)."""
    schema = field.schema
    return (
        isinstance(schema, LeanSchema)
        and schema._accepting is not None
        and not any(schema._hooks.values())
        and not schema.many
        and not getattr(field, "many", False)
        and field.unknown is None
        and schema.unknown == RAISE
        and not schema.partial
    )


def _plain(field: Field) -> bool:
    """Whether loading a present, non-null value with this field is exactly ``_deserialize`` then ``_validate``:
    marshmallow's ``Field.deserialize``, no pre_load/post_load functions."""
    return type(field).deserialize is Field.deserialize and not field.pre_load and not field.post_load
