"""Write and verify the audit chain.

Each event's hash covers its own fields and the previous event's hash; the head row records
count and last hash. Appends lock the head row, so concurrent writers on PostgreSQL queue up
instead of forking the chain; SQLite serialises writers anyway. The event is written in the
caller's transaction: if the audited change rolls back, so does its audit row. A caller with
nothing else to write (a read) uses ``record_now``: the event is committed before it returns.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from vigil.platform.audit.models import AuditEvent, AuditHead
from vigil.platform.chain import GENESIS, canonical_time, chain_hash, first_break, head_break
from vigil.platform.database import autocommit_connection, embedded, on_engine_reset, session_scope, utcnow
from vigil.platform.identity.principal import Principal

def event_hash(seq: int, at: datetime, actor: str, agency: str, action: str, record_type: str,
               record_id: str, purpose: str, detail: str, prev_hash: str) -> str:
    return chain_hash([seq, canonical_time(at), actor, agency, action, record_type, record_id, purpose, detail,
                       prev_hash])


def _hash_of(ev: AuditEvent) -> str:
    return event_hash(ev.seq, ev.at, ev.actor, ev.agency, ev.action, ev.record_type, ev.record_id, ev.purpose,
                      ev.detail, ev.prev_hash)


_HEAD = select(AuditHead.count, AuditHead.last_hash).where(AuditHead.id == 1).with_for_update()
_ADD_EVENT = insert(AuditEvent)
_SET_HEAD = update(AuditHead).where(AuditHead.id == 1)


def record(session: Session, principal: Principal, action: str, record_type: str = "", record_id: Any = "",
           purpose: str = "", detail: dict[str, Any] | None = None) -> None:
    """Append one event in the caller's transaction. Plain statements on the session's connection, not ORM
    objects: flushing two ORM rows cost more than the screening request they audited."""
    session.flush()  # the caller's pending rows first, as the ORM's autoflush did before the head query
    _append(session.connection(), _fields(principal, action, record_type, record_id, purpose, detail))


def _fields(principal: Principal, action: str, record_type: str, record_id: Any, purpose: str,
            detail: dict[str, Any] | None) -> dict[str, Any]:
    """An event's own fields: all but its place in the chain (seq, prev_hash, hash)."""
    return {"at": utcnow(), "actor": principal.username, "agency": principal.agency_code, "action": action,
            "record_type": record_type, "record_id": str(record_id), "purpose": purpose or "",
            "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)}


def _chained(fields: dict[str, Any], head: tuple[int, str]) -> dict[str, Any]:
    """The event row that follows ``head`` (count, last hash)."""
    row = {"seq": head[0] + 1, **fields, "prev_hash": head[1]}
    row["hash"] = event_hash(**row)
    return row


def _append(conn, fields: dict[str, Any], written: str | None = None) -> tuple[int, str]:
    """Append under the head row's lock; returns the new head.  ``written``: the hash of an event that may have
    been committed already (its connection was lost on the way), not to be appended twice."""
    head = conn.execute(_HEAD).first()
    if head is None:
        conn.execute(insert(AuditHead), {"id": 1, "count": 0, "last_hash": GENESIS})
        head = (0, GENESIS)
    if written is not None and head[1] == written:
        return head[0], head[1]
    row = _chained(fields, (head[0], head[1]))
    conn.execute(_ADD_EVENT, row)
    conn.execute(_SET_HEAD, {"count": row["seq"], "last_hash": row["hash"]})
    return row["seq"], row["hash"]


# PostgreSQL: the event and the new head in one statement, on the condition that the head is still the one this
# process last wrote; the UPDATE takes the head row's lock, so a writer that got there first makes it a no-op.
_APPEND_AFTER = text(
    "WITH head AS (UPDATE audit_head SET count = :seq, last_hash = :hash"
    " WHERE id = 1 AND count = :prev_seq AND last_hash = :prev_hash RETURNING id)"
    " INSERT INTO audit_events (seq, at, actor, agency, action, record_type, record_id, purpose, detail,"
    " prev_hash, hash)"
    " SELECT :seq, :at, :actor, :agency, :action, :record_type, :record_id, :purpose, :detail, :prev_hash, :hash"
    " FROM head")


class _Head:
    """The chain's head as this process last wrote it (count, last hash), or None."""

    lock = threading.Lock()
    known: tuple[int, str] | None = None

    @classmethod
    def forget(cls) -> None:
        cls.known = None


on_engine_reset(_Head.forget)


def record_now(principal: Principal, action: str, record_type: str = "", record_id: Any = "", purpose: str = "",
               detail: dict[str, Any] | None = None) -> None:
    """Append one event in a transaction of its own, committed when this returns: for a read, which has nothing
    else to write.  On PostgreSQL that is one statement on an autocommit connection while the head is the one this
    process last wrote (one round trip to the server, where a transaction of its own takes six: pre-ping, BEGIN,
    head, event, head, COMMIT); on SQLite, or when another writer moved the head, the locked append."""
    fields = _fields(principal, action, record_type, record_id, purpose, detail)
    with _Head.lock:
        written = None
        if _Head.known is not None and not embedded():
            row = _chained(fields, _Head.known)
            try:
                with autocommit_connection() as conn:
                    if conn.execute(_APPEND_AFTER, {**row, "prev_seq": _Head.known[0]}).rowcount == 1:
                        _Head.known = (row["seq"], row["hash"])
                        return
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                written = row["hash"]  # lost with the connection: committed or not, the locked append knows
        _Head.known = None
        with session_scope() as session:
            head = _append(session.connection(), fields, written)
        _Head.known = head


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None


def _rows(session: Session, batch: int):
    last = 0
    while rows := list(session.scalars(select(AuditEvent).where(AuditEvent.seq > last)
                                       .order_by(AuditEvent.seq).limit(batch))):
        for ev in rows:
            yield ev.seq, ev.prev_hash, ev.hash, _hash_of(ev)
        last = rows[-1].seq


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first row that was edited, deleted or reordered."""
    checked, last_hash, broken = first_break(_rows(session, batch), "audit row")
    if broken is None:
        head = session.get(AuditHead, 1)
        count, head_hash = (head.count, head.last_hash) if head else (0, GENESIS)
        broken = head_break(checked, last_hash, count, head_hash)
    if broken is not None:
        return VerifyResult(False, checked, broken.problem, broken.seq)
    return VerifyResult(True, checked)


@dataclass
class AuditFilter:
    actor: str = ""
    agency: str = ""
    action: str = ""
    record_type: str = ""
    record_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


def search(session: Session, principal: Principal, flt: AuditFilter, cursor: str | None, limit: int):
    from vigil.platform import policy
    from vigil.platform.pagination import paginate

    policy.require(principal, "audit.read")
    stmt = select(AuditEvent)
    for column, value in ((AuditEvent.actor, flt.actor), (AuditEvent.agency, flt.agency),
                          (AuditEvent.record_type, flt.record_type), (AuditEvent.record_id, flt.record_id)):
        if value:
            stmt = stmt.where(column == value.strip())
    if flt.action:
        stmt = stmt.where(AuditEvent.action.startswith(flt.action.strip()))
    if flt.since:
        stmt = stmt.where(AuditEvent.at >= flt.since)
    if flt.until:
        stmt = stmt.where(AuditEvent.at <= flt.until)
    return paginate(session, stmt, AuditEvent.seq, cursor, limit)
