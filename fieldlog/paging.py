"""Keyset pages, newest first, for supervisors' lists (visits, activities): an opaque cursor holding the last row's
time and id, and the page query that continues after it."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime

from flask import request, url_for
from sqlalchemy import and_, or_

from fieldlog.errors import Invalid
from fieldlog.extensions import db


def encode_cursor(at: datetime, record_id: uuid.UUID) -> str:
    raw = json.dumps([at.isoformat(), str(record_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, record_id = json.loads(raw)
        at = datetime.fromisoformat(at)
        if at.tzinfo is None:
            raise ValueError("naive")
        return at, uuid.UUID(record_id)
    except (ValueError, TypeError, AttributeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        raise Invalid("The cursor is not valid.", {"cursor": ["Not a cursor."]}) from None


def page(query, cursor: str | None, size: int, time_column, id_column) -> tuple[list, str | None]:
    """One keyset page of rows and the cursor of the next (None at the end).

    ``query`` is ordered by ``time_column`` then ``id_column``, both descending, and its first column is the record
    those columns belong to.
    """
    if cursor:
        at, record_id = decode_cursor(cursor)
        query = query.where(or_(time_column < at, and_(time_column == at, id_column < record_id)))
    rows = list(db.session.execute(query.limit(size + 1)))
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1][0]
        next_cursor = encode_cursor(getattr(last, time_column.key), getattr(last, id_column.key))
    return rows, next_cursor


def list_page(page_of, query, endpoint: str) -> tuple[list, str | None]:
    """One page of a supervisor's list page by ``page_of`` (a feature's ``page``) and the link to the next (None at
    the end): a cursor that is not valid (an edited link) gives the first page; the link keeps the list's filters."""
    try:
        rows, next_cursor = page_of(query, request.args.get("cursor"))
    except Invalid:
        rows, next_cursor = page_of(query, None)
    next_url = None
    if next_cursor:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for(endpoint, cursor=next_cursor, **args)
    return rows, next_url
