from marshmallow import RAISE, Schema, fields, validate

from fieldlog.api.fields import StrictString


class TokenRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    # StrictString: no NUL, which PostgreSQL cannot compare or store (a 500 otherwise).
    username = StrictString(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    device_name = StrictString(required=True, validate=validate.Length(min=1, max=200))


class AreaRefSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()


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
