"""Outbox entries sealed for the server (issue 15 item 4): how a locked phone's service worker uploads what it cannot
read.

When the officer app writes an outbox entry it also seals it for the server: an envelope
``{"v": 1, "kid", "epk", "iv", "ct"}`` — an ephemeral P-256 key of the phone's (``epk``), ECDH with the server's key,
the shared secret through HKDF-SHA-256 (salt: ``epk`` ‖ the server's point, info ``fieldlog sealed push v1``) into an
AES-256-GCM key, and ``ct`` the plaintext JSON ``{"token": <bearer token>, "mutation": <the mutation as the page
would push it>}`` (static/js/seal.js). Nothing on the phone can open it again; the service worker, which has no data
key while the app is locked, posts the envelopes to ``POST /api/v1/sync/sealed``, and this module opens them.

The server's key pair is derived from ``SECRET_KEY`` (HKDF-SHA-256 with a label of its own, reduced to a P-256
scalar), so every worker process has the same key with nothing stored; its public half reaches the app with the rest
of the server's config (fieldlog/officer/shell.py). ``kid`` names it (the first 8 bytes of the SHA-256 of the public
point): a new SECRET_KEY gives a new key, and an envelope sealed for the old one answers 409 ``sealed_key_unknown``
— the phone then uploads it after the unlock, as it would without sealing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from fieldlog.api.errors import ApiError

VERSION = 1
INFO = b"fieldlog sealed push v1"
_KEY_LABEL = b"fieldlog sealed push key v1"
# The order of P-256's group.
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_POINT_BYTES = 65  # uncompressed: 0x04 ‖ x ‖ y
_IV_BYTES = 12
_ENVELOPE_KEYS = frozenset({"v", "kid", "epk", "iv", "ct"})
# An envelope's ciphertext holds one mutation and a token: far below this (the request itself is at most 2 MiB).
_MAX_CT_CHARS = 400_000


@dataclass(frozen=True)
class ServerKey:
    private: ec.EllipticCurvePrivateKey
    point: bytes  # the public key, uncompressed
    kid: str

    def public_config(self) -> dict[str, str]:
        """What the app needs to seal for this key: ``{"kid", "key"}`` (the point, base64url)."""
        return {"kid": self.kid, "key": b64url(self.point)}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    """base64url without padding, strictly (ValueError for anything else)."""
    if not isinstance(text, str) or not text.isascii() or "=" in text:
        raise ValueError("not base64url")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except binascii.Error:
        raise ValueError("not base64url") from None


def derive_key(secret: str | bytes) -> ServerKey:
    """The server's sealing key pair from its secret: HKDF-SHA-256 → 48 bytes → a scalar in [1, n−1] (the 16 bytes
    beyond the scalar's 32 make the reduction's bias negligible, as FIPS 186-5 A.4.1 does)."""
    material = secret.encode() if isinstance(secret, str) else secret
    okm = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=_KEY_LABEL).derive(material)
    scalar = int.from_bytes(okm, "big") % (_P256_ORDER - 1) + 1
    private = ec.derive_private_key(scalar, ec.SECP256R1())
    point = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return ServerKey(private, point, b64url(hashlib.sha256(point).digest()[:8]))


def server_key() -> ServerKey:
    """This app's key (derived once per SECRET_KEY: an EC scalar multiplication is not free)."""
    secret = str(current_app.config["SECRET_KEY"])
    cache = current_app.extensions.setdefault("fieldlog_sealed_keys", {})
    if secret not in cache:
        cache.clear()
        cache[secret] = derive_key(secret)
    return cache[secret]


def public_config() -> dict[str, str]:
    return server_key().public_config()


class UnknownKey(Exception):
    """The envelope names another key than this server's (sealed before SECRET_KEY changed)."""


class BadEnvelope(Exception):
    """An envelope that is not one, or does not open (tampered, truncated, for another key)."""


def open_envelope(envelope: Any, key: ServerKey) -> dict:
    """The plaintext of one envelope: ``{"token": str, "mutation": dict}``. UnknownKey, BadEnvelope otherwise."""
    if not isinstance(envelope, dict) or set(envelope) != _ENVELOPE_KEYS:
        raise BadEnvelope("Not an envelope: expected exactly v, kid, epk, iv and ct.")
    if envelope["v"] != VERSION or isinstance(envelope["v"], bool):
        raise BadEnvelope("Unsupported envelope version.")
    if not isinstance(envelope["kid"], str):
        raise BadEnvelope("Not an envelope: expected exactly v, kid, epk, iv and ct.")
    if envelope["kid"] != key.kid:
        raise UnknownKey()
    if not all(isinstance(envelope[k], str) for k in ("epk", "iv", "ct")) or len(envelope["ct"]) > _MAX_CT_CHARS:
        raise BadEnvelope("The envelope does not open.")
    try:
        epk, iv, ct = (unb64url(envelope[k]) for k in ("epk", "iv", "ct"))
        if len(epk) != _POINT_BYTES or len(iv) != _IV_BYTES:
            raise ValueError("bad length")
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), epk)
        shared = key.private.exchange(ec.ECDH(), peer)
        aes = HKDF(algorithm=hashes.SHA256(), length=32, salt=epk + key.point, info=INFO).derive(shared)
        plain = json.loads(AESGCM(aes).decrypt(iv, ct, None))
    except (ValueError, InvalidTag, UnicodeDecodeError, RecursionError):
        raise BadEnvelope("The envelope does not open.") from None
    if (
        not isinstance(plain, dict)
        or not isinstance(plain.get("token"), str)
        or not plain["token"]
        or not isinstance(plain.get("mutation"), dict)
    ):
        raise BadEnvelope("The envelope does not hold a token and a mutation.")
    return plain


def open_request(body: Any, limit: int, protocol_version: int) -> tuple[str, list[dict]]:
    """A sealed push's body ``{"protocol": 1, "envelopes": [...]}`` opened: its one token and its mutations in order.

    The request's own shape is checked as the push checks its own (400, 413 over ``limit``); then every envelope is
    opened: one sealed for another key → 409 ``sealed_key_unknown``; ones that do not open, or carry another token
    than the first → 400 naming each (``envelopes.N``)."""
    if not isinstance(body, dict):
        raise ApiError(
            400, "validation_error", "The request body must be a JSON object.", {"_schema": ["Not an object."]}
        )
    protocol = body.get("protocol")
    if isinstance(protocol, int) and not isinstance(protocol, bool) and protocol != protocol_version:
        raise ApiError(
            400,
            "unsupported_protocol",
            f"This server speaks sync protocol {protocol_version}.",
            {"protocol": ["Unsupported."]},
        )
    unknown = sorted(set(body) - {"protocol", "envelopes"})
    fields: dict[str, list[str]] = {name: ["Unknown field."] for name in unknown}
    if protocol is None:
        fields["protocol"] = ["Missing data for required field."]
    elif protocol != protocol_version or isinstance(protocol, bool):
        fields["protocol"] = ["Not a valid integer."]
    envelopes = body.get("envelopes")
    if not isinstance(envelopes, list):
        fields["envelopes"] = ["Missing data for required field."] if envelopes is None else ["Not a valid list."]
    elif len(envelopes) > limit:
        raise ApiError(
            413,
            "payload_too_large",
            f"At most {limit} mutations per push; send smaller batches.",
            {"envelopes": [f"More than {limit}."]},
        )
    if fields:
        raise ApiError(400, "validation_error", "The request is not valid.", fields)
    key = server_key()
    opened: list[dict | None] = []
    bad: dict[str, list[str]] = {}
    unknown_key: list[str] = []
    for index, envelope in enumerate(envelopes):
        try:
            opened.append(open_envelope(envelope, key))
        except UnknownKey:
            unknown_key.append(f"envelopes.{index}")
            opened.append(None)
        except BadEnvelope as e:
            bad[f"envelopes.{index}"] = [str(e)]
            opened.append(None)
    if unknown_key:
        raise ApiError(
            409,
            "sealed_key_unknown",
            "Sealed for a key this server no longer has; upload the entries unsealed.",
            {name: ["Unknown key."] for name in unknown_key},
        )
    if bad:
        raise ApiError(400, "validation_error", "The request is not valid.", bad)
    if not opened:
        raise ApiError(400, "validation_error", "The request is not valid.", {"envelopes": ["At least one envelope."]})
    token = opened[0]["token"]
    mixed = {
        f"envelopes.{i}": ["Another token than the first envelope's."]
        for i, p in enumerate(opened)
        if p["token"] != token
    }
    if mixed:
        raise ApiError(400, "validation_error", "The request is not valid.", mixed)
    return token, [p["mutation"] for p in opened]
