"""JSON text from the standard library's C encoder, made once rather than for every value.

``json.dumps`` and ``JSONEncoder.encode`` make a new C encoder (``c_make_encoder``) for every call; for a short value
— a visit's list of codes — that costs several times the encoding itself (about 15,000 instructions against 4,000),
and a push of 500 visits writes 1,000 such values and hashes 500 mutations. ``encoder(**options)`` gives a function
that returns exactly ``JSONEncoder(**options).encode(value)``, its C encoder made once.

Without the check for circular references (``check_circular=False``, which never changes the text): the values
encoded here are parsed request bodies and rows built from them, which hold no cycles. A cycle would recurse until
``RecursionError`` instead of raising ``ValueError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from json.encoder import c_make_encoder, encode_basestring, encode_basestring_ascii


def encoder(**options) -> Callable[[object], str]:
    """``JSONEncoder(**options, check_circular=False).encode``, with one C encoder for every call."""
    base = json.JSONEncoder(**options, check_circular=False)
    if c_make_encoder is None or base.indent is not None:  # as JSONEncoder.iterencode: only then the C encoder
        return base.encode
    chunks = c_make_encoder(
        None,  # markers: check_circular=False
        base.default,
        encode_basestring_ascii if base.ensure_ascii else encode_basestring,
        base.indent,
        base.key_separator,
        base.item_separator,
        base.sort_keys,
        base.skipkeys,
        base.allow_nan,
    )
    # A partial, not a closure: psycopg caches its JSON dumper per serializer function, except for a closure, which
    # it warns about ("may cause a resource leak") on every new connection — this is the engine's serializer.
    return partial(_encode, chunks)


def _encode(chunks, value) -> str:
    return "".join(chunks(value, 0))


# ``json.dumps(value)`` with its defaults: the database engine's serializer for JSON columns (fieldlog.config).
dumps = encoder()
