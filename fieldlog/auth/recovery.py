"""Per-device recovery keys (issue 15): generated here, released only to the same install on a password sign-in,
destroyed when the device is revoked.

The officer app wraps its data key with this key, so that a forgotten or blocked PIN loses nothing. The server must
give the key back, so it is stored recoverable — sealed with AES-GCM under a key derived (HKDF-SHA-256) from the app's
SECRET_KEY, with the device id as associated data: a copy of the database alone does not open it, and a sealed key
moved to another device's row does not open either. Python's standard library has no AES: ``cryptography`` provides it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import delete

from fieldlog.auth.models import Device, DeviceRecovery
from fieldlog.extensions import db

KEY_BYTES = 32


def _sealing_key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"fieldlog device recovery v1").derive(secret)


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _seal(key: bytes, device_id: uuid.UUID) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_sealing_key()).encrypt(nonce, key, device_id.bytes)


def _open(sealed: bytes, device_id: uuid.UUID) -> bytes:
    return AESGCM(_sealing_key()).decrypt(sealed[:12], sealed[12:], device_id.bytes)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")


def create(device: Device, secret: str) -> bytes:
    """A new recovery key for a new device, bound to the install's ``secret``; returned once for the sign-in answer."""
    key = os.urandom(KEY_BYTES)
    sealed = _seal(key, device.id)
    db.session.add(DeviceRecovery(device_id=device.id, sealed_key=sealed, secret_hash=_hash_secret(secret)))
    db.session.flush()
    return key


def release(device: Device, secret: str) -> bytes | None:
    """The device's key, if this install (``secret``) asks for it and the device was never revoked; else None."""
    if device.revoked_at is not None:
        return None
    row = db.session.get(DeviceRecovery, device.id)
    if row is None or not hmac.compare_digest(row.secret_hash, _hash_secret(secret)):
        return None
    return _open(row.sealed_key, device.id)


def destroy(device: Device) -> None:
    """The device is revoked: its key is gone for good (its data on the phone can no longer be recovered)."""
    db.session.execute(delete(DeviceRecovery).where(DeviceRecovery.device_id == device.id))
