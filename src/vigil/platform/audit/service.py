"""Write and verify the audit chain.

Each event's hash covers its own fields and the previous event's hash; the head row records
count and last hash. Appends lock the head row, so concurrent writers on PostgreSQL queue up
instead of forking the chain; SQLite serialises writers anyway. The event is written in the
caller's transaction: if the audited change rolls back, so does its audit row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from vigil.platform.audit.models import AuditEvent, AuditHead
from vigil.platform.database import utcnow
from vigil.platform.identity.principal import Principal

GENESIS = "0" * 64


def _canonical_time(at: datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(seq: int, at: datetime, actor: str, agency: str, action: str, record_type: str,
               record_id: str, purpose: str, detail: str, prev_hash: str) -> str:
    payload = json.dumps([seq, _canonical_time(at), actor, agency, action, record_type, record_id, purpose,
                          detail, prev_hash], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


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
    conn = session.connection()
    head = conn.execute(_HEAD).first()
    if head is None:
        conn.execute(insert(AuditHead), {"id": 1, "count": 0, "last_hash": GENESIS})
        head = (0, GENESIS)
    row = {"seq": head[0] + 1, "at": utcnow(), "actor": principal.username, "agency": principal.agency_code,
           "action": action, "record_type": record_type, "record_id": str(record_id), "purpose": purpose or "",
           "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str), "prev_hash": head[1]}
    row["hash"] = event_hash(**row)
    conn.execute(_ADD_EVENT, row)
    conn.execute(_SET_HEAD, {"count": row["seq"], "last_hash": row["hash"]})


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first row that was edited, deleted or reordered."""
    expected_prev, expected_seq, checked, last = GENESIS, 1, 0, 0
    while True:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.seq > last)
                                    .order_by(AuditEvent.seq).limit(batch)))
        if not rows:
            break
        for ev in rows:
            if ev.seq != expected_seq:
                return VerifyResult(False, checked, f"audit row {expected_seq} is missing (deleted); "
                                                    f"next row present is {ev.seq}", expected_seq)
            if ev.prev_hash != expected_prev:
                return VerifyResult(False, checked, f"audit row {ev.seq} does not follow row {ev.seq - 1} "
                                                    "(reordered or previous row replaced)", ev.seq)
            if _hash_of(ev) != ev.hash:
                return VerifyResult(False, checked, f"audit row {ev.seq} was edited: its content no longer "
                                                    "matches its hash", ev.seq)
            expected_prev, expected_seq, checked = ev.hash, ev.seq + 1, checked + 1
            last = ev.seq
    head = session.get(AuditHead, 1)
    count, head_hash = (head.count, head.last_hash) if head else (0, GENESIS)
    if count != checked or head_hash != expected_prev:
        return VerifyResult(False, checked, f"the chain ends at row {checked} but the head records {count} rows: "
                                            f"row(s) {checked + 1}..{count} were deleted", checked + 1)
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
