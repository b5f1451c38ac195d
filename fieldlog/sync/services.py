"""Push and pull of sync protocol v1 (SPEC §3).

Push
----
One request is one transaction (the request boundary commits). The bookkeeping is set-based: one query loads the
batch's known mutation ids, one its existing visits, one the hot spots of the officer's area; the mutations are then
applied in request order to an in-memory copy of those visits, and written back with one INSERT per table and one
grouped UPDATE of the changed visits. marshmallow (VisitInputSchema) checks every visit; the rules that need the
clock, configuration or hot spot are in ``fieldlog.visits.services.check_visit``.

Every mutation's first result is stored (``sync_mutation``) and returned for a replay. Two pushes racing on the same
records cannot both win: a second insert of the same mutation id or visit id violates a primary key, and an update
is guarded by the rev it was computed from (``WHERE id = … AND rev = …``, the row count checked). Either way the
loser's transaction is rolled back and its work done again, once more, in a fresh transaction that sees the winner's
rows — so it answers with replays or conflicts, exactly as if the pushes had come one after the other.

Pull
----
Changes are ordered by the key ``(change_seq, type, id)`` (``type``: hot spots before visits). A cursor is a position
in that order, ``P = (seq, type, id)``: the client has been given every row of its scope whose key is ≤ P, as the
row was when given. A page reads, in one snapshot (REPEATABLE READ on PostgreSQL, one read transaction on SQLite),
the change counter V and the rows whose key is > P and whose ``change_seq`` is ≤ V, in key order, up to ``limit``.

Why nothing is missed (see ``fieldlog.sync.changes`` for the counter): in that snapshot every transaction stamped
≤ V has committed and none stamped > V has, so the rows with ``change_seq`` ≤ V are exactly and completely those
that the snapshot holds. A row the client has not yet been given either has a key > P — it is in this page or a
later one — or it was changed after an earlier page was read; then it was stamped with a value greater than that
page's V, which is ≥ P's seq, so its new key is > P again. A row is given twice only when it changed in between.
When a page ends before ``limit``, there is nothing between P and V: the cursor becomes ``(V, end)``.

A snapshot (``reset: true``: no cursor, or one this server cannot use) is the same walk from position 0, with the
bound B = V of its first page: rows stamped ≤ B are given only if live and in scope of a snapshot (hot spots not
archived; visits not deleted that started in the last SNAPSHOT_DAYS); rows stamped > B changed during or after the
snapshot and are given whatever they are, tombstones included — so a row archived between two pages of a snapshot
is not left behind on the phone.

The cursor also names the user and area it was issued for; a cursor of another user or area, of another format
version, malformed, or ahead of the counter (a restored database) is unusable and answered with a snapshot.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldlog.api.errors import ApiError, normalise_fields
from fieldlog.audit.models import AuditEntry
from fieldlog.db import utcnow
from fieldlog.extensions import db
from fieldlog.hotspots.models import HotSpot
from fieldlog.hotspots.schemas import HotSpotSchema
from fieldlog.sync.changes import current_change_seq, read_counter
from fieldlog.sync.models import SyncMutation
from fieldlog.visits import services as visits
from fieldlog.visits.models import Visit
from fieldlog.visits.schemas import VisitInputSchema

log = logging.getLogger(__name__)

_visit_input = VisitInputSchema()
_hotspot_wire = HotSpotSchema()

VISIT = Visit.__table__
MUTATION = SyncMutation.__table__
HOTSPOT = HotSpot.__table__
AUDIT = AuditEntry.__table__

# How often a push that lost a race to a concurrent push is done again before the client is told to retry.
PUSH_ATTEMPTS = 3


class _LostRace(Exception):
    """A concurrent push changed a visit this one was about to update."""


@dataclass(frozen=True)
class Actor:
    """Who pushes, as plain values (they outlive a rolled-back attempt)."""

    user_id: int
    username: str
    area_id: int | None
    device_id: uuid.UUID | None


# ---------------------------------------------------------------------------------------------------------- push


# Canonical JSON: exactly json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=False), with the encoder
# built once instead of per mutation. A parsed request body holds no cycles, so the circular-reference check (which
# never changes the output) is skipped.
_canonical_json = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, check_circular=False
).encode


def payload_hash(mutation: dict) -> str:
    """SHA-256 of the mutation as sent, in canonical JSON: the same mutation hashes the same however it is spelled."""
    return hashlib.sha256(_canonical_json(mutation).encode("utf-8")).hexdigest()


def push(actor: Actor, raw: list[dict], loaded: list[dict]) -> list[dict]:
    """Apply a push's mutations (``loaded`` by MutationSchema, ``raw`` as sent) and return their results in order."""
    hashes = [payload_hash(m) for m in raw]
    # Results name the ids as the phone spelled them (validated UUIDs), so that it can match them up.
    heads = [{"mutation_id": m["mutation_id"], "record_id": m["record_id"]} for m in raw]
    visit_data = _load_visits(loaded)
    for attempt in range(PUSH_ATTEMPTS):
        try:
            return _push_once(actor, loaded, hashes, heads, visit_data)
        except (IntegrityError, _LostRace) as e:
            db.session.rollback()
            log.info("push lost a race to a concurrent push (%s); doing it again", type(e).__name__)
            if attempt == PUSH_ATTEMPTS - 1:
                break
    raise ApiError(
        503,
        "service_unavailable",
        "Other pushes changed the same records; nothing was stored. Try again.",
        headers={"Retry-After": "1"},
    )


def _push_once(
    actor: Actor, mutations: list[dict], hashes: list[str], heads: list[dict], visit_data: dict
) -> list[dict]:
    now = utcnow()
    session = db.session
    mutation_ids = {m["mutation_id"] for m in mutations}
    record_ids = {m["record_id"] for m in mutations}
    stored = {
        row.mutation_id: row
        for row in session.execute(select(MUTATION).where(MUTATION.c.mutation_id.in_(mutation_ids)))
    }
    existing = {row.id: dict(row._mapping) for row in session.execute(select(VISIT).where(VISIT.c.id.in_(record_ids)))}
    batch = _Batch(actor, now, existing)
    results: list[dict] = []
    first_in_batch: dict[uuid.UUID, tuple[str, dict]] = {}
    for index, (mutation, digest, head) in enumerate(zip(mutations, hashes, heads, strict=True)):
        mutation_id, record_id = mutation["mutation_id"], mutation["record_id"]
        if mutation_id in first_in_batch:
            first_digest, first_result = first_in_batch[mutation_id]
            results.append(dict(first_result) if first_digest == digest else _reused(head))
            continue
        prior = stored.get(mutation_id)
        if prior is None:
            result = batch.apply(head, mutation, visit_data.get(index))
            batch.remember(mutation_id, record_id, digest, result)
        elif prior.user_id == actor.user_id and prior.payload_hash == digest:
            result = batch.replay(head, prior)
        else:
            # Not the key's owner: a later copy of the owner's mutation in this batch is still a replay.
            results.append(_reused(head))
            continue
        first_in_batch[mutation_id] = (digest, result)
        results.append(result)
    batch.write()
    return results


def _load_visits(mutations: list[dict]) -> dict[int, dict | ValidationError]:
    """Every upsert's data loaded by VisitInputSchema: the loaded visit, or the ValidationError, by index.

    One many=True pass for the batch; if any visit is invalid, each is loaded on its own to tell which.
    """
    indexes = [i for i, m in enumerate(mutations) if m["type"] == "visit.upsert" and m["data"] is not None]
    items = [mutations[i]["data"] for i in indexes]
    try:
        return dict(zip(indexes, _visit_input.load(items, many=True), strict=True))
    except ValidationError:
        pass
    out: dict[int, dict | ValidationError] = {}
    for index, item in zip(indexes, items, strict=True):
        try:
            out[index] = _visit_input.load(item)
        except ValidationError as e:
            out[index] = e
    return out


def _reused(head: dict) -> dict:
    return {
        **head,
        "status": "rejected",
        "error": {
            "code": "mutation_id_reused",
            "message": "This mutation_id was used before for a different mutation.",
            "fields": {"mutation_id": ["Already used for a different mutation."]},
        },
    }


def _rejected(head: dict, code: str, message: str, fields: dict | None = None) -> dict:
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {**head, "status": "rejected", "error": error}


class _Batch:
    """The visits one push touches, changed in memory in request order and written back at the end."""

    def __init__(self, actor: Actor, now: datetime, existing: dict[uuid.UUID, dict]):
        self.actor = actor
        self.now = now
        self.existing = existing
        self.state: dict[uuid.UUID, dict] = {}  # record id -> the row as it is now, for rows this push touched
        self.dirty: set[uuid.UUID] = set()
        self.mutation_rows: list[dict] = []
        self.audit_rows: list[dict] = []  # flags that an officer's edit answered (cleared), for the supervisor
        self._hotspots: dict[uuid.UUID, dict] | None = None
        self._limits: visits.VisitLimits | None = None
        self._usernames: dict[int, str] = {actor.user_id: actor.username}

    # -- reading

    def current(self, record_id: uuid.UUID) -> dict | None:
        row = self.state.get(record_id)
        if row is None:
            row = self.existing.get(record_id)
        return row

    def hotspots(self) -> dict[uuid.UUID, dict]:
        """The hot spots of the officer's area, loaded once per push."""
        if self._hotspots is None:
            rows = db.session.execute(
                select(
                    HOTSPOT.c.id,
                    HOTSPOT.c.lat,
                    HOTSPOT.c.lon,
                    HOTSPOT.c.radius_m,
                    HOTSPOT.c.deleted,
                    HOTSPOT.c.deleted_at,
                ).where(HOTSPOT.c.area_id == self.actor.area_id)
            )
            self._hotspots = {row.id: dict(row._mapping) for row in rows}
        return self._hotspots

    def limits(self) -> visits.VisitLimits:
        if self._limits is None:
            self._limits = visits.VisitLimits.from_config(current_app.config)
        return self._limits

    def wire(self, row: dict) -> dict:
        flag_by = row.get("flag_by_id")
        if flag_by is not None and flag_by not in self._usernames:
            self._usernames.update(visits.usernames_for({flag_by}))
        return visits.visit_to_wire(row, self._usernames)

    # -- applying

    def replay(self, head: dict, prior) -> dict:
        result = {**head, "status": prior.status}
        if prior.rev is not None:
            result["rev"] = prior.rev
        if prior.error is not None:
            result["error"] = prior.error
        if prior.status == "conflict":
            row = self.current(prior.record_id)
            if row is not None and row["officer_id"] == self.actor.user_id:
                result["server"] = self.wire(row)
        return result

    def apply(self, head: dict, mutation: dict, data: dict | ValidationError | None) -> dict:
        kind = mutation["type"]
        if kind not in ("visit.upsert", "visit.delete"):
            return _rejected(head, "unknown_mutation_type", f"Unknown mutation type '{kind}'.", {"type": ["Unknown."]})
        record_id = mutation["record_id"]
        row = self.current(record_id)
        if row is not None and row["officer_id"] != self.actor.user_id:
            return _rejected(head, "forbidden", "This record belongs to someone else.")
        base_rev = mutation["base_rev"] or 0
        if kind == "visit.delete":
            return self._delete(head, record_id, row, base_rev)
        if data is None:
            return _rejected(
                head, "validation_error", "The mutation has no data.", {"data": ["Missing data for required field."]}
            )
        if isinstance(data, ValidationError):
            return _rejected(head, "validation_error", "The visit is not valid.", normalise_fields(data.messages))
        if base_rev == 0 and row is not None:
            hotspot = self.hotspots().get(data["hotspot_id"])
            if not row["deleted"] and visits.same_client_data(row, visits.stored_fields(data, hotspot)):
                return {**head, "status": "applied", "rev": row["rev"]}
            return self._conflict(head, row)
        if base_rev != 0:
            if row is None:
                return _rejected(head, "not_found", "No such visit.", {"record_id": ["Unknown record."]})
            if row["deleted"] or row["rev"] != base_rev:
                return self._conflict(head, row)
        hotspot = self.hotspots().get(data["hotspot_id"])
        errors = visits.check_visit(data, hotspot, self.now, self.limits())
        if errors:
            return _rejected(head, "validation_error", "The visit is not valid.", errors)
        fields = visits.stored_fields(data, hotspot)
        if row is None:
            row = {
                "id": record_id,
                "officer_id": self.actor.user_id,
                "created_at": self.now,
                "rev": 1,
                "deleted": False,
            }
        else:
            row = dict(row)
            row["rev"] += 1
        row.update(fields)
        # An edit answers a supervisor's flag: it is cleared (SPEC §3 push rule 4), and the audit log says so, which
        # the supervisor's dashboard lists. Read from the row already in hand: no work for visits without a flag.
        if row.get("flag_at") is not None:
            self._answered(record_id, row)
        row.update(flag_comment=None, flag_by_id=None, flag_at=None)
        row.update(device_id=self.actor.device_id, updated_at=self.now)
        self._store(record_id, row)
        return {**head, "status": "applied", "rev": row["rev"]}

    def _answered(self, record_id: uuid.UUID, row: dict) -> None:
        self.audit_rows.append(
            {
                "at": self.now,
                "actor_id": self.actor.user_id,
                "entity_type": "visit",
                "entity_id": str(record_id),
                "action": "flag_answered",
                "before": {
                    "comment": row.get("flag_comment"),
                    "by_id": row.get("flag_by_id"),
                    "at": row["flag_at"].isoformat(),
                },
                "after": None,
            }
        )

    def _delete(self, head: dict, record_id: uuid.UUID, row: dict | None, base_rev: int) -> dict:
        if row is None:
            return _rejected(head, "not_found", "No such visit.", {"record_id": ["Unknown record."]})
        if row["deleted"]:
            return {**head, "status": "applied", "rev": row["rev"]}
        if base_rev != 0 and row["rev"] != base_rev:
            return self._conflict(head, row)
        row = dict(row, deleted=True, rev=row["rev"] + 1, device_id=self.actor.device_id, updated_at=self.now)
        self._store(record_id, row)
        return {**head, "status": "applied", "rev": row["rev"]}

    def _conflict(self, head: dict, row: dict) -> dict:
        return {**head, "status": "conflict", "rev": row["rev"], "server": self.wire(row)}

    def _store(self, record_id: uuid.UUID, row: dict) -> None:
        self.state[record_id] = row
        self.dirty.add(record_id)

    def remember(self, mutation_id: uuid.UUID, record_id: uuid.UUID, digest: str, result: dict) -> None:
        self.mutation_rows.append(
            {
                "mutation_id": mutation_id,
                "user_id": self.actor.user_id,
                "record_id": record_id,
                "payload_hash": digest,
                "status": result["status"],
                "rev": result.get("rev"),
                "error": result.get("error"),
                "created_at": self.now,
            }
        )

    # -- writing

    def write(self) -> None:
        """One INSERT per table and one grouped UPDATE; a guarded UPDATE that misses a row means a lost race."""
        session = db.session
        if self.dirty:
            seq = current_change_seq(session)
            inserts, updates = [], []
            for record_id in self.dirty:
                row = dict(self.state[record_id], change_seq=seq)
                original = self.existing.get(record_id)
                if original is None:
                    inserts.append(row)
                else:
                    row["b_id"], row["b_rev"] = record_id, original["rev"]
                    updates.append(row)
            if inserts:
                _insert_many(VISIT, inserts)
            if updates:
                statement = (
                    update(VISIT)
                    .where(VISIT.c.id == _bind("b_id", VISIT.c.id), VISIT.c.rev == _bind("b_rev", VISIT.c.rev))
                    .values({name: _bind(name, VISIT.c[name]) for name in _UPDATED})
                )
                params = [{key: row[key] for key in (*_UPDATED, "b_id", "b_rev")} for row in updates]
                count = session.connection().execute(statement, params).rowcount
                if count != len(params):
                    raise _LostRace
        if self.mutation_rows:
            _insert_many(MUTATION, self.mutation_rows)
        if self.audit_rows:
            session.execute(AUDIT.insert(), self.audit_rows)


_UPDATED = tuple(c.name for c in VISIT.columns if c.name not in ("id", "officer_id", "created_at"))


def _bind(name: str, column):
    return bindparam(name, type_=column.type)


_INSERT_PLANS: dict[tuple[str, str], tuple[str, bool, list]] = {}


def _insert_many(table, rows: list[dict]) -> None:
    """One INSERT of many rows (executemany). The values go through the columns' own bind processors, so they are
    stored exactly as through the ORM; only SQLAlchemy's per-row parameter bookkeeping is skipped, which at 500 rows
    a push cost about as much as the database's own work (bench/ingest.py --profile).

    The parameters are built column by column: the rows' values are picked and transposed in C (itemgetter, zip),
    and each column with a bind processor is mapped through it — once in all when every row holds the very same
    object (a push's rows share one ``now``, one device id, the same empty error)."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    plan = _INSERT_PLANS.get((table.name, dialect.name))
    if plan is None:
        compiled = table.insert().compile(dialect=dialect)
        names = list(compiled.positiontup) if compiled.positional else [c.name for c in table.columns]
        processors = [(name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names]
        plan = _INSERT_PLANS[(table.name, dialect.name)] = (str(compiled), compiled.positional, processors)
    sql, positional, processors = plan
    names = [name for name, _process in processors]
    try:
        values = list(map(itemgetter(*names), rows))
    except KeyError:  # a row without some column: NULL, as before
        values = [tuple([row.get(name) for name in names]) for row in rows]
    columns = list(zip(*values, strict=True))
    for i, (_name, process) in enumerate(processors):
        if process is not None:
            column = columns[i]
            if len(set(map(id, column))) == 1:
                columns[i] = [process(column[0])] * len(column)
            else:
                columns[i] = list(map(process, column))
    params = zip(*columns, strict=True)
    connection.exec_driver_sql(sql, list(params) if positional else [dict(zip(names, v, strict=True)) for v in params])


# ---------------------------------------------------------------------------------------------------------- pull

CURSOR_VERSION = 1
KIND_RANK = {"hotspot": 0, "visit": 1}
END = 2  # the position after every row of one change_seq


@dataclass(frozen=True)
class Cursor:
    """A position ``(seq, kind, id)`` in the change order, and the snapshot bound of the walk it belongs to."""

    user_id: int
    area_id: int | None
    bound: int  # B: rows stamped ≤ B are given only if live and in snapshot scope (0: a plain walk of changes)
    seq: int
    kind: int  # 0 hot spot, 1 visit, END: all of ``seq`` given
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
        if min(bound, seq) < 0 or kind not in (0, 1, END) or (kind != END) != (record_id is not None):
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
    visit_rows = session.execute(
        select(VISIT)
        .where(
            VISIT.c.officer_id == user.id,
            VISIT.c.change_seq <= counter,
            _after(VISIT.c.change_seq, VISIT.c.id, cursor, 1),
            or_(
                VISIT.c.change_seq > cursor.bound,
                and_(VISIT.c.deleted.is_(False), VISIT.c.started_at >= snapshot_since),
            ),
        )
        .order_by(VISIT.c.change_seq, VISIT.c.id)
        .limit(limit + 1)
    ).all()

    keyed = [((h.change_seq, 0, h.id), h) for h in hotspot_rows] + [((v.change_seq, 1, v.id), v) for v in visit_rows]
    keyed.sort(key=lambda item: item[0])
    has_more = len(keyed) > limit
    keyed = keyed[:limit]

    visit_wire = iter(_visits_wire(session, [row for key, row in keyed if key[1] == 1 and not row.deleted]))
    changes = []
    for (_seq, kind, record_id), row in keyed:
        change = {"type": "hotspot" if kind == 0 else "visit", "id": str(record_id), "rev": row.rev}
        change["deleted"] = bool(row.deleted)
        if not row.deleted:
            change["data"] = _hotspot_wire.dump(row) if kind == 0 else next(visit_wire)
        changes.append(change)

    if has_more:
        seq, kind, record_id = keyed[-1][0]
        position = Cursor(user.id, user.area_id, cursor.bound, seq, kind, record_id)
    else:
        # Every later row is stamped > counter ≥ bound: the snapshot's filter no longer applies.
        position = Cursor(user.id, user.area_id, 0, counter, END, None)
    return Page(changes=changes, cursor=position.encode(), has_more=has_more, reset=reset)


def _after(seq_column, id_column, cursor: Cursor, rank: int):
    """Rows of this kind whose key ``(seq, rank, id)`` lies after the cursor's position."""
    if cursor.kind == END or cursor.kind > rank:
        return seq_column > cursor.seq
    if cursor.kind < rank:
        return seq_column >= cursor.seq
    return or_(seq_column > cursor.seq, and_(seq_column == cursor.seq, id_column > cursor.id))


def _visits_wire(session: Session, rows: list) -> list[dict]:
    if not rows:
        return []
    ids = {row.officer_id for row in rows} | {row.flag_by_id for row in rows if row.flag_by_id is not None}
    from fieldlog.auth.models import User

    names = dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
    return [visits.visit_to_wire(row, names) for row in rows]
