from marshmallow import RAISE, Schema, ValidationError, fields, validate

from fieldlog.api.fields import StrictString


class TokenRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    # StrictString: no NUL, which PostgreSQL cannot compare or store (a 500 otherwise).
    username = StrictString(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    device_name = StrictString(required=True, validate=validate.Length(min=1, max=200))
    # Issue 15 (additions to SPEC §3): the install's own secret (the officer app sends one, kept on the phone), which
    # gets the device a recovery key; and the device whose recovery key a sign-in from that same install asks back.
    device_secret = StrictString(validate=validate.Length(min=32, max=128))
    recover_device_id = fields.UUID()


class AreaRefSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    # The zone the area's hot hours and days are in: the officer app shows times in it (added to SPEC §3's user).
    timezone = fields.String()


def _not_blank(value: str) -> bool:
    if not value.strip():
        raise ValidationError("Must not be blank.")
    return True


class DeviceRenameSchema(Schema):
    """``PATCH /me/device``: the officer names their own device (e.g. "Chrome på Android (Pixel 7)")."""

    class Meta:
        unknown = RAISE

    name = StrictString(required=True, validate=[validate.Length(min=1, max=200), _not_blank])


class DeviceSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    created_at = fields.AwareDateTime()
    last_seen_at = fields.AwareDateTime()


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    area = fields.Nested(AreaRefSchema, allow_none=True)


class TokenResponseSchema(Schema):
    token = fields.String()
    token_type = fields.String()
    expires_at = fields.AwareDateTime()
    device_id = fields.UUID()
    user = fields.Nested(UserSchema)
    # Issue 15 (an addition): the device's recovery key, base64url — only when the request sent a device_secret.
    recovery_key = fields.String()
