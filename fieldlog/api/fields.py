"""JSON-strict marshmallow fields: a number must be a JSON number and a boolean a JSON boolean.

marshmallow's own fields accept "5" for an integer and 1 for a boolean; a phone that sends those has a bug we want
to hear about, and the OpenAPI document should say exactly what is accepted.

Every field here calls its validators directly (``DirectValidators``), and the strict fields take the common case —
a value already of the right JSON type — without going through marshmallow's general conversions. The results and
error messages are marshmallow's; the push loads a hundred thousand values a second with these (SPEC §5).
"""

from __future__ import annotations

import math
from datetime import datetime

from marshmallow import fields
from marshmallow.validate import And


class DirectValidators:
    """marshmallow builds an ``And`` of a field's validators for every value it loads; this calls them directly.

    One validator raises its own ValidationError, with the same messages ``And`` would give; several still go
    through ``And``, which collects every message.
    """

    def _validate(self, value) -> None:
        validators = self.validators
        if len(validators) == 1:
            validators[0](value)
        elif validators:
            And(*validators)(value)


class UUID(DirectValidators, fields.UUID):
    pass


class List(DirectValidators, fields.List):
    pass


class Dict(DirectValidators, fields.Dict):
    pass


class Nested(DirectValidators, fields.Nested):
    pass


class StrictInteger(DirectValidators, fields.Integer):
    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is int:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictFloat(DirectValidators, fields.Float):
    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is float and math.isfinite(value):
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.make_error("special")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(DirectValidators, fields.Boolean):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class StrictString(DirectValidators, fields.String):
    """A string without NUL characters (PostgreSQL cannot store them)."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = value if type(value) is str else super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in result:
            raise self.make_error("invalid")
        return result


class OffsetDateTime(DirectValidators, fields.AwareDateTime):
    """ISO 8601 with an offset (SPEC §2); a time without one is refused rather than guessed."""

    default_error_messages = {"invalid": "Not a valid ISO 8601 date-time with an offset."}

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        if not isinstance(value, str) or len(value) > 40:
            raise self.make_error("invalid")
        result = super()._deserialize(value, attr, data, **kwargs)
        if result.year < 1970 or result.year > 9000:
            raise self.make_error("invalid")
        return result
