"""Single-use access codes of a ``codes`` wave (SPEC §7): printed on letters to a sample, typed in by the resident,
stored only as SHA-256 hashes (``SurveyCode``) — the file ``fieldlog surveys codes`` writes is the only copy."""

from __future__ import annotations

import secrets

from sqlalchemy import insert

from fieldlog.extensions import db
from fieldlog.surveys.models import Survey, SurveyCode
from fieldlog.surveys.services import code_hash

# No 0/O, 1/I/L: what is read off a letter is typed back without doubt. 10 characters of 31: about 2^49 codes, so a
# wave's few thousand cannot be guessed (and guessing is throttled per address).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10
MAX_COUNT = 100_000


def new_code() -> str:
    """A code as printed: two groups of five (the dash, case and spaces do not matter when typed)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def make_codes(survey: Survey, count: int) -> list[str]:
    """``count`` new codes of the wave, stored hashed (flushed, not committed); the codes themselves are returned
    once and kept nowhere."""
    codes: dict[str, str] = {}
    while len(codes) < count:
        code = new_code()
        codes[code_hash(code)] = code
    db.session.execute(
        insert(SurveyCode), [{"survey_id": survey.id, "code_hash": digest, "used": False} for digest in codes]
    )
    return list(codes.values())
