"""JSON-strict marshmallow fields: a number must be a JSON number and a boolean a JSON boolean.

marshmallow's own fields accept "5" for an integer and 1 for a boolean; a phone that sends those has a bug we want
to hear about, and the OpenAPI document should say exactly what is accepted.
"""

from __future__ import annotations

import math
from datetime import datetime

from marshmallow import fields


class StrictInteger(fields.Integer):
    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictFloat(fields.Float):
    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.make_error("special")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class StrictString(fields.String):
    """A string without NUL characters (PostgreSQL cannot store them)."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in result:
            raise self.make_error("invalid")
        return result


class OffsetDateTime(fields.AwareDateTime):
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
