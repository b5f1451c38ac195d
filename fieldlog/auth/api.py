import logging

from flask import Blueprint, g

from fieldlog.api.errors import ApiError
from fieldlog.api.helpers import load
from fieldlog.auth import recovery, services, throttle
from fieldlog.auth.schemas import (
    DeviceRenameSchema,
    DeviceSchema,
    TokenRequestSchema,
    TokenResponseSchema,
    UserSchema,
)

bp = Blueprint("auth", __name__)  # nested in the API blueprint (fieldlog.api): /api/v1

log = logging.getLogger(__name__)

_token_request = TokenRequestSchema()
_token_response = TokenResponseSchema()
_user = UserSchema()
_device_rename = DeviceRenameSchema()
_device = DeviceSchema()


@bp.post("/auth/token")
def create_token():
    data = load(_token_request)
    throttle.check(data["username"])
    user = services.check_credentials(data["username"], data["password"])
    if user is None:
        throttle.record_failure(data["username"], "API")
        raise ApiError(401, "invalid_credentials", "Wrong username or password, or the account is deactivated.")
    token, device, recovery_key = services.sign_in_device(
        user, data["device_name"], data.get("device_secret"), data.get("recover_device_id")
    )
    answer = {
        "token": token,
        "token_type": "Bearer",
        "expires_at": device.expires_at,
        "device_id": device.id,
        "user": user,
    }
    if recovery_key is not None:
        answer["recovery_key"] = recovery.encode_key(recovery_key)
    body = _token_response.dump(answer)
    return body, 201, {"Cache-Control": "no-store"}


@bp.delete("/auth/token")
@services.api_auth()
def revoke_token():
    services.revoke_device(g.device)
    return "", 204


@bp.get("/me")
@services.api_auth()
def me():
    return _user.dump(g.user)


@bp.get("/me/device")
@services.api_auth()
def my_device():
    return _device.dump(g.device)


@bp.patch("/me/device")
@services.api_auth()
def rename_my_device():
    """The calling device's name, as the officer wants supervisors to see it (issue 10 D6; an addition to SPEC §3)."""
    data = load(_device_rename)
    services.rename_device(g.device, data["name"])
    return _device.dump(g.device)
