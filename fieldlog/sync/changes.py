"""The change counter that makes the pull cursor safe.

Every transaction that writes a synced record (hot spot or visit) first runs

    UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value

and stamps every row it writes with that value (``change_seq``). Why that is safe, on PostgreSQL and SQLite:

* The UPDATE takes the counter row's lock and holds it until the transaction ends. A second writer blocks on that
  row until the first commits or rolls back, so writers obtain their values *in commit order*: if T1 got n and
  T2 got n+1, T1 had committed before T2 could even read the counter.
* A pull reads the counter value V and the changed rows in one snapshot (REPEATABLE READ on PostgreSQL; a single
  read transaction in WAL mode on SQLite). Every transaction with a value ≤ V committed before the one that wrote
  V, hence before the snapshot; so the snapshot holds *all* rows stamped ≤ V, and none stamped > V.
* The cursor handed out is V. The next pull asks for ``change_seq > V``. A row written later gets a value > V,
  whatever order concurrent transactions commit in. No change is missed, and none is returned twice unless it
  changed again.

A timestamp or a plain sequence is not safe: a transaction can draw an earlier value and commit after a reader
already moved its cursor past it. The price of the counter is that writing transactions are serialised on one
row for their last moments; pushes are batched (up to 500 visits per transaction), so that is cheap.

Every write of a synced row is stamped the same way (``stamp``, ``stamp_values``): its next revision (``rev`` + 1; a
new row is revision 1), ``updated_at`` now, and the transaction's change value.

The value belongs to one transaction: it is forgotten when the session's outermost transaction ends (commit or
rollback), so a session that runs several transactions (a retried push, the CLI, a test) draws a fresh value for each.
A request that runs its own transaction (fieldlog.db.own_transaction: the push) keeps the value on that transaction,
which the session joins; a retry begins a new one, with a fresh value.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, column, event, text
from sqlalchemy.orm import Session, SessionTransaction

from fieldlog.db import Prepared, own, utcnow

_KEY = "fieldlog_change_seq"
# Built once: every push runs them (a statement built per call costs more than SQLite's own work on one visit).
# The bump runs on the DB-API cursor (``Prepared``): SQLAlchemy's execution of it cost more than SQLite's own work.
_BUMP = Prepared(
    text("UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value").columns(column("value", Integer))
)
_READ = text("SELECT value FROM change_counter WHERE id = 1")


def current_change_seq(session: Session, connection=None) -> int:
    """The change counter value for the current transaction, bumping it once on first use (on ``connection``, the
    session's, when the caller holds it already). In a request's own transaction (fieldlog.db.own_transaction: the
    push) the value is that transaction's, which the session joins; else the session's transaction's."""
    own_transaction = own()
    info = own_transaction.info if own_transaction is not None else session.info
    seq = info.get(_KEY)
    if seq is None:
        if connection is None:
            connection = own_transaction.connection if own_transaction is not None else session.connection()
        seq = _BUMP.execute(connection).scalar_one()
        info[_KEY] = seq
    return seq


def next_revision(rev: Any, now: datetime) -> dict[str, Any]:
    """The revision columns of a row's next write: ``rev`` + 1 (a number, or a column for an UPDATE) and
    ``updated_at``. The push stamps its rows' change value apart, when it writes them (``stamp_values`` less the
    counter: the counter row stays locked from then to the commit)."""
    return {"rev": rev + 1, "updated_at": now}


def stamp_values(session: Session, rev: Any, now: datetime | None = None) -> dict[str, Any]:
    """The columns that stamp a written synced row: its next revision (``rev`` + 1), ``updated_at`` (``now`` or the
    current time) and this transaction's change value — as a dict, for an UPDATE's values (``rev`` a column, e.g.
    ``Visit.rev``) or a row to insert (``rev`` 0: a new row is revision 1)."""
    return next_revision(rev, utcnow() if now is None else now) | {"change_seq": current_change_seq(session)}


def stamp(session: Session, row: Any, now: datetime | None = None) -> None:
    """Stamp a synced model object (hot spot, visit) just written, so that every phone receives it on its next
    pull: see ``stamp_values``. A new object (no ``rev`` yet) becomes revision 1."""
    for name, value in stamp_values(session, row.rev or 0, now).items():
        setattr(row, name, value)


def forget_change_seq(session: Session) -> None:
    """Called when the transaction ends: the next one draws a fresh value."""
    session.info.pop(_KEY, None)


def read_counter(session: Session) -> int:
    return session.execute(_READ).scalar_one()


@event.listens_for(Session, "after_transaction_end")
def _forget_on_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        forget_change_seq(session)
