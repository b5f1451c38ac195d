"""Push of sync protocol v1 (SPEC §3), for every synced record type of ``fieldlog.sync.records``.

One request is one transaction: the phone's push runs in a transaction of its own on a pooled connection
(fieldlog.db.own_transaction, committed when the view returns), any other caller (a supervisor's page) in the
session's, which the request boundary commits. The bookkeeping is set-based: one query loads the
batch's known mutation ids, one per record type its existing records, and the type's rules load what they need once
(a visit's: the hot spots of the officer's area); the mutations are then applied in request order to an in-memory
copy of those records, and written back with one INSERT per table and one grouped UPDATE of the changed records per
type. marshmallow (the type's input schema, e.g. VisitInputSchema) checks every payload, in one pass per type; the
rules that need the clock, configuration or database are the type's ``Rules`` (a visit's: ``check_visit``).

Every mutation's first result is stored (``sync_mutation``) and returned for a replay. Two pushes racing on the same
records cannot both win: a second insert of the same mutation id or record id violates a primary key, and an update
is guarded by the rev it was computed from (``WHERE id = … AND rev = …``, the row count checked). Either way the
loser's transaction is rolled back and its work done again, once more, in a fresh transaction that sees the winner's
rows — so it answers with replays or conflicts, exactly as if the pushes had come one after the other.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from marshmallow import ValidationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from fieldlog import jsontext
from fieldlog.api.errors import ApiError, normalise_fields
from fieldlog.audit.models import AuditEntry
from fieldlog.db import ByIds, insert_many, own, request_connection, utcnow
from fieldlog.extensions import db
from fieldlog.sync.changes import current_change_seq, next_revision
from fieldlog.sync.models import SyncMutation
from fieldlog.sync.records import CREATE_ONLY, MUTATIONS, RecordType, Rules
from fieldlog.visits.services import usernames_for

log = logging.getLogger(__name__)

MUTATION = SyncMutation.__table__
AUDIT = AuditEntry.__table__
# The stored results of a push's mutation ids, as a statement built once (its compiled form is cached).
_STORED = ByIds(select(MUTATION), MUTATION.c.mutation_id)

# How often a push that lost a race to a concurrent push is done again before the client is told to retry.
PUSH_ATTEMPTS = 3


class _LostRace(Exception):
    """A concurrent push changed a record this one was about to update."""


@dataclass(frozen=True)
class Actor:
    """Who pushes, as plain values (they outlive a rolled-back attempt)."""

    user_id: int
    username: str
    area_id: int | None
    device_id: uuid.UUID | None
    role: str = "officer"


# Canonical JSON: exactly json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=False), with its C encoder
# made once instead of per mutation (fieldlog.jsontext).
_canonical_json = jsontext.encoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)

# SHA-256 by name makes OpenSSL look the digest up for every mutation (``hashlib.sha256()``): a fresh copy of an
# empty one costs a fifth of that.
_SHA256 = hashlib.sha256()


def payload_hash(mutation: dict) -> str:
    """SHA-256 of the mutation as sent, in canonical JSON: the same mutation hashes the same however it is spelled."""
    digest = _SHA256.copy()
    digest.update(_canonical_json(mutation).encode("utf-8"))
    return digest.hexdigest()


def push(actor: Actor, raw: list[dict], loaded: list[dict]) -> list[dict]:
    """Apply a push's mutations (``loaded`` by MutationSchema, ``raw`` as sent) and return their results in order."""
    hashes = [payload_hash(m) for m in raw]
    # Results name the ids as the phone spelled them (validated UUIDs), so that it can match them up.
    heads = [{"mutation_id": m["mutation_id"], "record_id": m["record_id"]} for m in raw]
    data = _load_data(loaded)
    own_transaction = own()
    for attempt in range(PUSH_ATTEMPTS):
        try:
            return _push_once(actor, loaded, hashes, heads, data)
        except (IntegrityError, _LostRace) as e:
            if own_transaction is not None:
                own_transaction.restart(db.session)  # the phone's push: its own transaction (sync/api.py)
            else:
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


def _push_once(actor: Actor, mutations: list[dict], hashes: list[str], heads: list[dict], data: dict) -> list[dict]:
    now = utcnow()
    # The request's connection, asked for once: its own transaction's (the phone's push, fieldlog.db.own_transaction),
    # else the session's (each ``session.connection()`` costs about as much as a statement).
    connection = request_connection(db.session)
    mutation_ids = {m["mutation_id"] for m in mutations}
    stored = {row.mutation_id: row for row in _STORED.rows(connection, mutation_ids)}
    record_ids: dict[RecordType, set[uuid.UUID]] = {}
    for m in mutations:
        known = MUTATIONS.get(m["type"])
        if known is not None:
            record_ids.setdefault(known[0], set()).add(m["record_id"])
    batch = _Batch(
        actor, now, {record: _Records.load(connection, record, ids, actor, now) for record, ids in record_ids.items()}
    )
    prepared: dict[RecordType, list[dict]] = {}
    for index, item in data.items():
        if not isinstance(item, ValidationError):
            prepared.setdefault(MUTATIONS[mutations[index]["type"]][0], []).append(item)
    for record, items in prepared.items():
        batch.records[record].rules.prepare(items)
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
            result = batch.apply(head, mutation, data.get(index))
            batch.remember(mutation_id, record_id, digest, result)
        elif prior.user_id == actor.user_id and prior.payload_hash == digest:
            result = batch.replay(head, prior)
        else:
            # Not the key's owner: a later copy of the owner's mutation in this batch is still a replay.
            results.append(_reused(head))
            continue
        first_in_batch[mutation_id] = (digest, result)
        results.append(result)
    batch.write(connection)
    return results


def _load_data(mutations: list[dict]) -> dict[int, dict | ValidationError]:
    """Every upsert's data loaded by its type's input schema: the loaded payload, or the ValidationError, by index.

    One many=True pass per record type; if any payload is invalid, each of that type is loaded on its own to tell
    which.
    """
    indexes_by_record: dict[RecordType, list[int]] = {}
    for i, m in enumerate(mutations):
        known = MUTATIONS.get(m["type"])
        if known is not None and known[1] == "upsert" and m["data"] is not None:
            indexes_by_record.setdefault(known[0], []).append(i)
    out: dict[int, dict | ValidationError] = {}
    for record, indexes in indexes_by_record.items():
        items = [mutations[i]["data"] for i in indexes]
        try:
            out.update(zip(indexes, record.loader.load(items, many=True), strict=True))
            continue
        except ValidationError:
            pass
        for index, item in zip(indexes, items, strict=True):
            try:
                out[index] = record.loader.load(item)
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


class _Records:
    """The records of one type that a push touches: as stored before it, and as they are now."""

    def __init__(self, record: RecordType, existing: dict[uuid.UUID, dict], rules: Rules):
        self.record = record
        self.existing = existing
        self.rules = rules
        self.state: dict[uuid.UUID, dict] = {}  # record id -> the row as it is now, for rows this push touched
        self.dirty: set[uuid.UUID] = set()

    @classmethod
    def load(cls, connection, record: RecordType, ids: set[uuid.UUID], actor: Actor, now: datetime) -> _Records:
        existing = {row.id: row._asdict() for row in record.by_ids.rows(connection, ids)}
        rules = record.rules(record, actor, now)
        rules.connection = connection  # the hot spots' look-up runs on it: no second session.connection()
        return cls(record, existing, rules)

    def current(self, record_id: uuid.UUID) -> dict | None:
        row = self.state.get(record_id)
        # A batch of new records has no existing ones: then no second look-up (hashing a UUID is a Python call).
        if row is None and self.existing:
            row = self.existing.get(record_id)
        return row

    def store(self, record_id: uuid.UUID, row: dict) -> None:
        self.state[record_id] = row
        self.dirty.add(record_id)

    def write(self, connection) -> None:
        """One INSERT and one grouped UPDATE; a guarded UPDATE that misses a row means a lost race."""
        if not self.dirty:
            return
        table = self.record.table
        seq = current_change_seq(db.session, connection)
        inserts, updates = [], []
        for record_id in self.dirty:
            # Stamped in place: the batch's own row (a copy made when it was applied), read by nothing after this.
            row = self.state[record_id]
            row["change_seq"] = seq
            original = self.existing.get(record_id) if self.existing else None
            if original is None:
                inserts.append(row)
            else:
                row["b_id"], row["b_rev"] = record_id, original["rev"]
                updates.append(row)
        if inserts:
            insert_many(connection, table, inserts)
        if updates:
            updated = _updated_columns(self.record)
            statement = (
                update(table)
                .where(table.c.id == _bind("b_id", table.c.id), table.c.rev == _bind("b_rev", table.c.rev))
                .values({name: _bind(name, table.c[name]) for name in updated})
            )
            params = [{key: row[key] for key in (*updated, "b_id", "b_rev")} for row in updates]
            count = connection.execute(statement, params).rowcount
            if count != len(params):
                raise _LostRace


class _Batch:
    """The records one push touches, changed in memory in request order and written back at the end."""

    def __init__(self, actor: Actor, now: datetime, records: dict[RecordType, _Records]):
        self.actor = actor
        self.now = now
        self.records = records
        self.mutation_rows: list[dict] = []
        self.audit_rows: list[dict] = []  # what edits did besides (a visit's answered flag), for the supervisor
        self._usernames: dict[int, str] = {actor.user_id: actor.username}

    # -- reading

    def wire(self, record: RecordType, row: dict) -> dict:
        missing = {row.get(c) for c in record.user_columns} - self._usernames.keys() - {None}
        if missing:
            self._usernames.update(usernames_for(missing))
        return record.to_wire(row, self._usernames)

    # -- applying

    def replay(self, head: dict, prior) -> dict:
        result = {**head, "status": prior.status}
        if prior.rev is not None:
            result["rev"] = prior.rev
        if prior.error is not None:
            result["error"] = prior.error
        if prior.status == "conflict":
            # The record's type is not stored with the mutation: a record id is a UUID born on the phone, so it
            # names one record of one type.
            for records in self.records.values():
                row = records.current(prior.record_id)
                if row is not None:
                    if records.rules.may_change(row):
                        result["server"] = self.wire(records.record, row)
                    break
        return result

    def apply(self, head: dict, mutation: dict, data: dict | ValidationError | None) -> dict:
        kind = mutation["type"]
        known = MUTATIONS.get(kind)
        if known is None:
            create_only = CREATE_ONLY.get(kind)
            if create_only is not None:
                return create_only.apply(self.actor, self.now, head, mutation)
            return _rejected(head, "unknown_mutation_type", f"Unknown mutation type '{kind}'.", {"type": ["Unknown."]})
        record, operation = known
        records = self.records[record]
        rules = records.rules
        record_id = mutation["record_id"]
        row = records.current(record_id)
        if row is not None and not rules.may_change(row):
            return _rejected(head, "forbidden", "This record belongs to someone else.")
        if row is None and operation == "upsert" and not rules.may_create():
            return _rejected(head, "forbidden", "Your role may not do this.")
        base_rev = mutation["base_rev"] or 0
        if operation == "delete":
            return self._delete(head, records, record_id, row, base_rev)
        if data is None:
            return _rejected(
                head, "validation_error", "The mutation has no data.", {"data": ["Missing data for required field."]}
            )
        if isinstance(data, ValidationError):
            return _rejected(
                head, "validation_error", f"The {record.name} is not valid.", normalise_fields(data.messages)
            )
        if base_rev == 0 and row is not None:
            if not row["deleted"] and record.same_client_data(row, record.client_values(data)):
                return {**head, "status": "applied", "rev": row["rev"]}
            return self._conflict(head, record, row)
        if base_rev != 0:
            if row is None:
                return _rejected(head, "not_found", f"No such {record.name}.", {"record_id": ["Unknown record."]})
            if row["deleted"] or row["rev"] != base_rev:
                return self._conflict(head, record, row)
        errors, columns = rules.columns(data)
        if errors:
            return _rejected(head, "validation_error", f"The {record.name} is not valid.", errors)
        if row is None:
            row, rev = rules.new_row(record_id), 0
        else:
            row, rev = dict(row), row["rev"]
        row.update(columns)
        audit = rules.edited(record_id, row)
        if audit:
            self.audit_rows.extend(audit)
        self._stamp(record, row, rev)
        records.state[record_id] = row
        records.dirty.add(record_id)
        return {**head, "status": "applied", "rev": row["rev"]}

    def _stamp(self, record: RecordType, row: dict, rev: int) -> None:
        """``row`` as this push writes it after revision ``rev`` (0: new): its next revision and ``updated_at``
        (``next_revision``), and the device that wrote it. Its change value is stamped in ``_Records.write``."""
        row.update(next_revision(rev, self.now))
        if record.device_column is not None:
            row[record.device_column] = self.actor.device_id

    def _delete(self, head: dict, records: _Records, record_id: uuid.UUID, row: dict | None, base_rev: int) -> dict:
        record = records.record
        if row is None:
            return _rejected(head, "not_found", f"No such {record.name}.", {"record_id": ["Unknown record."]})
        if row["deleted"]:
            return {**head, "status": "applied", "rev": row["rev"]}
        if base_rev != 0 and row["rev"] != base_rev:
            return self._conflict(head, record, row)
        row = dict(row, deleted=True)
        self._stamp(record, row, row["rev"])
        records.store(record_id, row)
        return {**head, "status": "applied", "rev": row["rev"]}

    def _conflict(self, head: dict, record: RecordType, row: dict) -> dict:
        return {**head, "status": "conflict", "rev": row["rev"], "server": self.wire(record, row)}

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

    def write(self, connection) -> None:
        """Per record type one INSERT and one grouped UPDATE; then the mutations and audit rows, one INSERT each."""
        for records in self.records.values():
            records.write(connection)
        if self.mutation_rows:
            insert_many(connection, MUTATION, self.mutation_rows)
        if self.audit_rows:
            connection.execute(AUDIT.insert(), self.audit_rows)


_UPDATED: dict[str, tuple[str, ...]] = {}


def _updated_columns(record: RecordType) -> tuple[str, ...]:
    """The columns an update writes: all but the id, the owner and the creation time."""
    names = _UPDATED.get(record.name)
    if names is None:
        fixed = ("id", record.owner_column, "created_at")
        names = _UPDATED[record.name] = tuple(c.name for c in record.table.columns if c.name not in fixed)
    return names


def _bind(name: str, column):
    return bindparam(name, type_=column.type)
