"""Pull of sync protocol v1 (SPEC §3): the hot spots of the user's area and every record type of
``fieldlog.sync.records``, and the cursor.

Changes are ordered by the key ``(change_seq, kind, id)`` (``kind``: hot spots 0, then the record types in the order
of ``RECORDS``). A cursor is a position in that order, ``P = (seq, kind, id)``: the client has been given every row of
its scope whose key is ≤ P, as the row was when given. A page reads, in one snapshot (REPEATABLE READ on PostgreSQL,
one read transaction on SQLite), the change counter V and the rows whose key is > P and whose ``change_seq`` is ≤ V,
in key order, up to ``limit``.

Why nothing is missed (see ``fieldlog.sync.changes`` for the counter): in that snapshot every transaction stamped
≤ V has committed and none stamped > V has, so the rows with ``change_seq`` ≤ V are exactly and completely those
that the snapshot holds. A row the client has not yet been given either has a key > P — it is in this page or a
later one — or it was changed after an earlier page was read; then it was stamped with a value greater than that
page's V, which is ≥ P's seq, so its new key is > P again. A row is given twice only when it changed in between.
When a page ends before ``limit``, there is nothing between P and V: the cursor becomes ``(V, end)``.

A snapshot (``reset: true``: no cursor, or one this server cannot use) is the same walk from position 0, with the
bound B = V of its first page: rows stamped ≤ B are given only if live and in scope of a snapshot (hot spots not
archived; records not deleted whose snapshot column — a visit's start — lies in the last SNAPSHOT_DAYS); rows
stamped > B changed during or after the snapshot and are given whatever they are, tombstones included — so a row
archived between two pages of a snapshot is not left behind on the phone.

A record type with ``pull_visible`` (activities: the user's own and the area's planned ones) walks the changes of
its wider ``pull_scope`` and gives those rows it does not show as removals (``deleted: true``), so that a row that
leaves what the user sees is dropped from the phone; a snapshot gives only visible rows.

The cursor also names the user and area it was issued for; a cursor of another user or area, of another format
version, malformed, or ahead of the counter (a restored database) is unusable and answered with a snapshot.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from fieldlog.auth.models import User
from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.hotspots.schemas import HotSpotSchema
from fieldlog.sync.changes import read_counter
from fieldlog.sync.records import RECORDS

_hotspot_wire = HotSpotSchema()

CURSOR_VERSION = 1
# The kind of a change, its place in the change order: hot spots, then each synced record type.
KIND_RANK = {"hotspot": 0, **{name: rank for rank, name in enumerate(RECORDS, start=1)}}
RANKED = tuple(RECORDS.values())  # RANKED[rank - 1] is the record type of that rank
END = len(KIND_RANK)  # the position after every row of one change_seq


@dataclass(frozen=True)
class Cursor:
    """A position ``(seq, kind, id)`` in the change order, and the snapshot bound of the walk it belongs to."""

    user_id: int
    area_id: int | None
    bound: int  # B: rows stamped ≤ B are given only if live and in snapshot scope (0: a plain walk of changes)
    seq: int
    kind: int  # a KIND_RANK, or END: all of ``seq`` given
    id: uuid.UUID | None

    def encode(self) -> str:
        parts = [CURSOR_VERSION, self.user_id, self.area_id or 0, self.bound, self.seq, self.kind]
        text_ = ".".join(str(p) for p in parts) + "." + (self.id.hex if self.id else "")
        return base64.urlsafe_b64encode(text_.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor | None:
        try:
            padded = value + "=" * (-len(value) % 4)
            fields = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii").split(".")
            if len(fields) != 7 or int(fields[0]) != CURSOR_VERSION:
                return None
            user_id, area_id, bound, seq, kind = (int(f) for f in fields[1:6])
            record_id = uuid.UUID(hex=fields[6]) if fields[6] else None
        except (ValueError, UnicodeError):
            return None
        if min(bound, seq) < 0 or not 0 <= kind <= END or (kind != END) != (record_id is not None):
            return None
        return cls(user_id, area_id or None, bound, seq, kind, record_id)


@dataclass(frozen=True)
class Page:
    changes: list[dict]
    cursor: str
    has_more: bool
    reset: bool


def pull(user, cursor_text: str | None, limit: int) -> Page:
    """One page of changes for this user (SPEC §3 pull), read in one snapshot.

    The page is read on a connection of its own: the request's session has already run a query (the bearer token)
    in a READ COMMITTED transaction, too late to make that one REPEATABLE READ. The read writes nothing.
    """
    with db.engine.connect() as connection:
        _begin_snapshot(connection)
        with Session(bind=connection) as session:
            page = _pull_in(session, user, cursor_text, limit)
        connection.rollback()
    return page


def _begin_snapshot(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ")
    else:
        # pysqlite begins a transaction only before a write; a read transaction must be begun by hand. Deferred:
        # the snapshot is taken by the first read, the counter's.
        connection.exec_driver_sql("BEGIN")


def _pull_in(session: Session, user, cursor_text: str | None, limit: int) -> Page:
    counter = read_counter(session)
    cursor = Cursor.decode(cursor_text) if cursor_text else None
    usable = (
        cursor is not None
        and cursor.user_id == user.id
        and cursor.area_id == user.area_id
        and cursor.seq <= counter
        and cursor.bound <= counter
    )
    reset = not usable
    if reset:
        cursor = Cursor(user.id, user.area_id, counter, 0, END, None)
    snapshot_since = utcnow() - timedelta(days=int(current_app.config["SNAPSHOT_DAYS"]))

    hotspot_rows = session.scalars(
        select(HotSpot)
        .where(
            HotSpot.area_id == user.area_id,
            HotSpot.change_seq <= counter,
            _after(HotSpot.change_seq, HotSpot.id, cursor, 0),
            or_(HotSpot.change_seq > cursor.bound, HotSpot.deleted.is_(False)),
        )
        .order_by(HotSpot.change_seq, HotSpot.id)
        .limit(limit + 1)
    ).all()
    keyed = [((h.change_seq, 0, h.id), h) for h in hotspot_rows]
    for rank, record in enumerate(RANKED, start=1):
        table = record.table
        visible = record.visible(user)
        live = and_(table.c.deleted.is_(False), table.c[record.snapshot_column] >= snapshot_since)
        columns = [table]
        if visible is not None:
            # A row of the scope the user may not see is given as a removal; a snapshot gives only visible rows.
            live = and_(live, visible)
            columns.append(case((visible, True), else_=False).label("pull_visible"))
        rows = session.execute(
            select(*columns)
            .where(
                record.scope(user),
                table.c.change_seq <= counter,
                _after(table.c.change_seq, table.c.id, cursor, rank),
                or_(table.c.change_seq > cursor.bound, live),
            )
            .order_by(table.c.change_seq, table.c.id)
            .limit(limit + 1)
        ).all()
        keyed += [((row.change_seq, rank, row.id), row) for row in rows]
    keyed.sort(key=lambda item: item[0])
    has_more = len(keyed) > limit
    keyed = keyed[:limit]

    wire = {
        rank: iter(_wire(session, record, [row for key, row in keyed if key[1] == rank and not _removed(row)]))
        for rank, record in enumerate(RANKED, start=1)
    }
    changes = []
    for (_seq, kind, record_id), row in keyed:
        change = {"type": "hotspot" if kind == 0 else RANKED[kind - 1].name, "id": str(record_id), "rev": row.rev}
        removed = _removed(row)
        change["deleted"] = removed
        if not removed:
            change["data"] = _hotspot_wire.dump(row) if kind == 0 else next(wire[kind])
        changes.append(change)

    if has_more:
        seq, kind, record_id = keyed[-1][0]
        position = Cursor(user.id, user.area_id, cursor.bound, seq, kind, record_id)
    else:
        # Every later row is stamped > counter ≥ bound: the snapshot's filter no longer applies.
        position = Cursor(user.id, user.area_id, 0, counter, END, None)
    return Page(changes=changes, cursor=position.encode(), has_more=has_more, reset=reset)


def _removed(row) -> bool:
    """Whether a change tells the phone to drop the row: a tombstone, or a row the user may no longer see."""
    return bool(row.deleted) or not getattr(row, "pull_visible", True)


def _after(seq_column, id_column, cursor: Cursor, rank: int):
    """Rows of this kind whose key ``(seq, rank, id)`` lies after the cursor's position."""
    if cursor.kind == END or cursor.kind > rank:
        return seq_column > cursor.seq
    if cursor.kind < rank:
        return seq_column >= cursor.seq
    return or_(seq_column > cursor.seq, and_(seq_column == cursor.seq, id_column > cursor.id))


def _wire(session: Session, record, rows: list) -> list[dict]:
    """Rows of one record type in their wire format, with one query (in the pull's snapshot) for the usernames."""
    if not rows:
        return []
    ids = {getattr(row, column) for row in rows for column in record.user_columns} - {None}
    names = dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
    return record.to_wire_many(rows, names)
