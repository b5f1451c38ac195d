"""Envelopes as the officer app seals them (static/js/seal.js), made in Python for the server's tests."""

from __future__ import annotations

import json
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldlog.sync.sealed import INFO, b64url, unb64url


def seal(key: dict, token: str, mutation, *, plain: bytes | None = None) -> dict:
    """An envelope of ``{"token", "mutation"}`` (or of ``plain`` bytes) for the server key ``key`` ({kid, key})."""
    point = unb64url(key["key"])
    own = ec.generate_private_key(ec.SECP256R1())
    epk = own.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    shared = own.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point))
    aes = HKDF(algorithm=hashes.SHA256(), length=32, salt=epk + point, info=INFO).derive(shared)
    iv = os.urandom(12)
    body = plain if plain is not None else json.dumps({"token": token, "mutation": mutation}).encode()
    return {
        "v": 1,
        "kid": key["kid"],
        "epk": b64url(epk),
        "iv": b64url(iv),
        "ct": b64url(AESGCM(aes).encrypt(iv, body, None)),
    }


def sealed_push(client, key: dict, token: str, *mutations, **extra):
    body = {"protocol": 1, "envelopes": [seal(key, token, m) for m in mutations], **extra}
    return client.post("/api/v1/sync/sealed", json=body, headers={"Accept-Language": "en"})
