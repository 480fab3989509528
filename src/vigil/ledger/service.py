"""Ledger use cases: import records, balances (now or at a past moment), trace, verify, reconcile, alerts.

Every write takes the chain's lock first (store.lock_head) and holds it to commit, so concurrent writers — two
imports, two console forms — are applied one after the other against the state the previous one committed."""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import BigInteger, func, insert, literal, or_, select, text, union_all
from sqlalchemy.orm import Session

from vigil.ledger import store
from vigil.ledger.core.ledger import Ledger, Outcome
from vigil.ledger.core.units import show
from vigil.ledger.models import (LedgerAlert, LedgerBalance, LedgerHolder, LedgerItem, LedgerMovement, LedgerRejection,
                                 LedgerSite, LedgerTransit)
from vigil.platform import clock, policy
from vigil.platform.audit import service as audit
from vigil.platform.chain import first_break, head_break
from vigil.platform.database import get_or_404
from vigil.platform.identity.principal import Principal

BATCH = 20_000
EXPIRY_WARNING_DAYS = 30
CONFIRM_WITHIN = timedelta(hours=48)


# ---- writing ---------------------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    accepted: int = 0
    rejected: int = 0
    alerts: int = 0
    reconciliation: list[str] = field(default_factory=list)


def parse_line(line: str) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return _Malformed(str(exc))


class _Malformed:
    def __init__(self, why: str):
        self.why = why


def apply_records(session: Session, actor: Principal, records: Iterable[Any], source: str = "api",
                  progress: Callable[[int], None] | None = None) -> Iterator[Outcome]:
    """Apply records (parsed JSON values, in order) in the caller's transaction; yields one outcome each."""
    policy.require(actor, "ledger.write")
    conn = session.connection()
    head = store.lock_head(conn)
    store.roomy_cache(conn)
    ledger = Ledger(EXPIRY_WARNING_DAYS)
    writer = store.Writer(conn, head)
    loader = store.Loader(conn, ledger, empty_chain=head[0] == 0, before_read=writer.wait)
    summary = ImportSummary()
    line = 0
    collecting = gc.isenabled()
    gc.disable()  # see the note below
    try:
        for batch in store.chunks(records, BATCH):
            loader.prefetch(batch)
            rejections = []
            for record in batch:
                line += 1
                outcome = _apply(ledger, record, line)
                if outcome.accepted:
                    summary.accepted += 1
                    summary.alerts += len(outcome.alerts)
                else:
                    summary.rejected += 1
                    rejections.append(_rejection(record, outcome, line, actor))
                yield outcome
            writer.flush(ledger, final=False, background=True)
            if rejections:
                writer.wait()
                session.execute(insert(LedgerRejection), rejections)
            if progress:
                progress(len(batch))
        writer.flush(ledger)
    finally:
        writer.close()
        if collecting:
            gc.enable()
    audit.record(session, actor, "ledger.import", "ledger", source,
                 detail={"accepted": summary.accepted, "rejected": summary.rejected, "alerts": summary.alerts,
                         "chain_length": writer.count})
# The cyclic garbage collector pauses during an import: a large one keeps millions of small objects alive (the
# state it loads and builds, none of them in reference cycles), and every full pass of the collector walks them all,
# so they cost more the longer the import runs (a quarter of the rules' time at a million movements).


def _apply(ledger: Ledger, record: Any, line: int) -> Outcome:
    if isinstance(record, _Malformed):
        return Outcome("", False, [f"line {line}: malformed JSON ({record.why})"], [])
    return ledger.apply(record)


def _rejection(record: Any, outcome: Outcome, line: int, actor: Principal) -> dict:
    raw = record.why if isinstance(record, _Malformed) else json.dumps(record, default=str)[:4000]
    return {"record_id": outcome.id[:64], "line": line, "reasons": "; ".join(outcome.reasons), "raw": raw,
            "recorded_at": clock.now(), "recorded_by": actor.username[:64]}


def apply_one(session: Session, actor: Principal, record: dict) -> Outcome:
    """One record from the API or a console form."""
    (outcome,) = list(apply_records(session, actor, [record], source=str(record.get("id", ""))))  # runs the flush
    return outcome


# ---- reading ---------------------------------------------------------------------------------------------------


def _holder(session: Session, holder_id: str) -> LedgerHolder:
    return get_or_404(session, LedgerHolder, holder_id, f"No holder {holder_id}")


def _item_line(item: LedgerItem, amount: int, site: str) -> dict[str, Any]:
    key = "serial" if item.item_class == "firearm" else "lot"
    return {"class": item.item_class, key: item.key, "quantity": show(amount), "unit": item.unit,
            "site": site or None, "un_number": item.un_number or None, "group": item.compat_group or None}


def balance(session: Session, actor: Principal, holder_id: str, at: datetime | None = None) -> dict[str, Any]:
    """What a holder holds now (the derived table) or at a past moment (summed from the movements up to then)."""
    policy.require(actor, "ledger.read")
    _holder(session, holder_id)
    if at is None:
        rows = session.execute(select(LedgerBalance.site, LedgerBalance.item, LedgerBalance.amount)
                               .where(LedgerBalance.holder == holder_id, LedgerBalance.amount != 0)).all()
    else:
        rows = _balance_at(session, holder_id, at)
    items = {i.key: i for i in session.scalars(select(LedgerItem).where(LedgerItem.key.in_({r[1] for r in rows})))}
    lines = [_item_line(items[key], amount, site) for site, key, amount in rows if amount]
    lines.sort(key=lambda x: (x["site"] or "", x["class"], x.get("serial") or x.get("lot")))
    return {"holder": holder_id, "at": at, "items": lines}


def _balance_at(session: Session, holder_id: str, at: datetime) -> list[tuple[str, str, int]]:
    m = LedgerMovement
    own = select(m.site.label("site"), m.item.label("item"), m.delta.label("delta")) \
        .where(m.holder == holder_id, m.at <= at)
    moved_in = select(m.to_site, m.item, -m.delta).where(m.holder == holder_id, m.at <= at, m.kind == "move")
    both = union_all(own, moved_in).subquery()
    return [(s, i, int(a)) for s, i, a in session.execute(
        select(both.c.site, both.c.item, func.sum(both.c.delta)).group_by(both.c.site, both.c.item))]


def trace(session: Session, actor: Principal, key: str) -> dict[str, Any]:
    """The accepted movements of a serial or lot, oldest first."""
    policy.require(actor, "ledger.read")
    item = get_or_404(session, LedgerItem, key, f"No serial or lot {key} on the ledger")
    rows = session.scalars(select(LedgerMovement).where(LedgerMovement.item == key)
                           .order_by(LedgerMovement.at, LedgerMovement.seq)).all()
    return {"key": key, "class": item.item_class, "unit": item.unit, "un_number": item.un_number or None,
            "movements": [_movement_line(m, item.unit) for m in rows]}


def _movement_line(m: LedgerMovement, unit: str) -> dict[str, Any]:
    detail = json.loads(m.detail or "{}")
    quantity = detail["counted"] if m.kind == "count" else abs(m.delta)
    return {"id": m.id, "at": m.at, "kind": m.kind, "holder": m.holder, "site": m.site or None,
            "quantity": show(quantity), "unit": unit, "to": m.to_holder or None, "to_site": m.to_site or None,
            "dispatch": m.dispatch or None, "corrects": m.corrects or None, "seq": m.seq}


def holdings_at(session: Session, actor: Principal, key: str, at: datetime) -> dict[str, Any]:
    """Who held a serial or lot, where, at a past moment; and what was in transit then."""
    policy.require(actor, "ledger.read")
    item = get_or_404(session, LedgerItem, key, f"No serial or lot {key} on the ledger")
    m = LedgerMovement
    own = select(m.holder.label("holder"), m.site.label("site"), m.delta.label("delta")).where(m.item == key,
                                                                                                 m.at <= at)
    moved_in = select(m.holder, m.to_site, -m.delta).where(m.item == key, m.at <= at, m.kind == "move")
    both = union_all(own, moved_in).subquery()
    held = [{"holder": h, "site": s or None, "quantity": show(int(a)), "unit": item.unit}
            for h, s, a in session.execute(select(both.c.holder, both.c.site, func.sum(both.c.delta))
                                           .group_by(both.c.holder, both.c.site)) if a]
    t = LedgerTransit
    moving = session.scalars(select(t).where(t.item == key, t.at <= at,
                                             or_(t.confirmed_at.is_(None), t.confirmed_at > at))).all()
    return {"key": key, "at": at, "held": held,
            "in_transit": [{"dispatch": r.dispatch, "from": r.sender, "to": r.receiver,
                            "quantity": show(r.amount), "unit": item.unit} for r in moving]}


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None
    movement: str | None = None


def verify(session: Session) -> VerifyResult:
    """Walk the movement chain; name the first entry edited, deleted or reordered."""
    conn = session.connection()
    checked, last_hash, broken = first_break(store.chain_rows(conn), "ledger entry")
    if broken is None:
        count, head_hash = store.head(conn)
        broken = head_break(checked, last_hash, count, head_hash)
    if broken is None:
        return VerifyResult(True, checked)
    movement = session.scalar(select(LedgerMovement.id).where(LedgerMovement.seq == broken.seq))
    return VerifyResult(False, checked, broken.problem, broken.seq, movement)


def reconcile(session: Session) -> list[str]:
    """Recompute every balance from the movements and compare with the derived table; the differences.

    One GROUP BY over the movements and the balance table together, in the database: only the (holder, site, item)
    keys whose movements disagree with the table (or sum below zero) come back, not a row per balance."""
    m, b = LedgerMovement, LedgerBalance
    own = select(m.holder.label("holder"), m.site.label("site"), m.item.label("item"), m.delta.label("moved"),
                 literal(0, BigInteger).label("held"))
    moved_in = select(m.holder, m.to_site, m.item, -m.delta, literal(0, BigInteger)).where(m.kind == "move")
    stored = select(b.holder, b.site, b.item, literal(0, BigInteger), b.amount)
    rows = union_all(own, moved_in, stored).subquery()
    want, have = func.sum(rows.c.moved), func.sum(rows.c.held)
    if session.get_bind().dialect.name == "postgresql":  # hash the groups in memory, not in batches on disk
        session.execute(text("SET LOCAL work_mem = '256MB'"))
    differences = sorted((h, s, i, int(w), int(a)) for h, s, i, w, a in session.execute(
        select(rows.c.holder, rows.c.site, rows.c.item, want, have)
        .group_by(rows.c.holder, rows.c.site, rows.c.item).having(or_(want != have, want < 0))))
    problems = []
    for holder, site, item, want, have in differences:
        if want != have:
            problems.append(f"balance of {item} at holder {holder} site {site or '-'}: movements give "
                            f"{show(want):g}, the balance table holds {show(have):g}")
        if want < 0:
            problems.append(f"balance of {item} at holder {holder} is negative ({show(want):g})")
    return problems


# ---- alerts ----------------------------------------------------------------------------------------------------


def scan_alerts(session: Session, at: datetime) -> int:
    """Time-based alerts as of ``at``: unconfirmed dispatches, overdue transports, licences expiring or expired."""
    t = LedgerTransit
    found: list[dict] = []
    for row in session.scalars(select(t).where(t.confirmed_by.is_(None), t.at <= at - CONFIRM_WITHIN)):
        found.append(_alert("dispatch_unconfirmed", row.receiver, row.dispatch,
                            f"dispatch {row.dispatch} from {row.sender} to {row.receiver} not confirmed within "
                            f"{CONFIRM_WITHIN.total_seconds() / 3600:g} h (dispatched {_t(row.at)})"))
    for row in session.scalars(select(t).where(t.confirmed_by.is_(None), t.planned_arrival.is_not(None),
                                               t.planned_arrival < at)):
        found.append(_alert("transport_overdue", row.receiver, row.dispatch,
                            f"transport of dispatch {row.dispatch} overdue: planned arrival {_t(row.planned_arrival)}"
                            f", not yet confirmed by {row.receiver}"))
    soon = at.date() + timedelta(days=EXPIRY_WARNING_DAYS)
    for row in session.scalars(select(LedgerHolder).where(LedgerHolder.valid_to <= soon)):
        if row.valid_to < at.date():
            found.append(_alert("licence_expired", row.id, row.licence_number,
                                f"licence {row.licence_number} of {row.id} expired on {row.valid_to}"))
        else:
            found.append(_alert("licence_expiring", row.id, row.licence_number,
                                f"licence {row.licence_number} of {row.id} expires on {row.valid_to} "
                                f"(within {EXPIRY_WARNING_DAYS} days)"))
    known = set(session.scalars(select(LedgerAlert.key).where(LedgerAlert.key.in_([f["key"] for f in found]))))
    fresh = [dict(f, raised_at=at) for f in found if f["key"] not in known]
    if fresh:
        session.execute(insert(LedgerAlert), fresh)
    return len(fresh)


def _t(value: datetime) -> str:
    return clock.as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _alert(kind: str, holder: str, subject: str, reason: str) -> dict:
    return {"key": f"{kind}:{holder}:{subject}", "kind": kind, "holder": holder, "subject": subject,
            "reason": reason, "status": "open", "closed_by": ""}


def list_alerts(session: Session, actor: Principal, status: str = "open", holder: str | None = None,
                limit: int = 200) -> list[LedgerAlert]:
    policy.require(actor, "ledger.read")
    stmt = select(LedgerAlert).order_by(LedgerAlert.id.desc()).limit(limit)
    if status != "all":
        stmt = stmt.where(LedgerAlert.status == status)
    if holder:
        stmt = stmt.where(LedgerAlert.holder == holder)
    return list(session.scalars(stmt))


def close_alert(session: Session, actor: Principal, alert_id: int) -> LedgerAlert:
    policy.require(actor, "ledger.write")
    row = get_or_404(session, LedgerAlert, alert_id, f"No alert {alert_id}")
    if row.status == "open":
        row.status, row.closed_by, row.closed_at = "closed", actor.username[:64], clock.now()
        audit.record(session, actor, "ledger.alert.close", "ledger_alert", row.id, detail={"key": row.key})
    return row


# ---- lists for the console and API -----------------------------------------------------------------------------


def list_holders(session: Session, actor: Principal, query: str = "", limit: int = 200) -> list[dict[str, Any]]:
    policy.require(actor, "ledger.read")
    stmt = select(LedgerHolder).order_by(LedgerHolder.id).limit(limit)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(or_(LedgerHolder.id.ilike(like), LedgerHolder.name.ilike(like)))
    holders = list(session.scalars(stmt))
    ids = [h.id for h in holders]
    alerts = dict(session.execute(select(LedgerAlert.holder, func.count()).where(
        LedgerAlert.holder.in_(ids), LedgerAlert.status == "open").group_by(LedgerAlert.holder)).all())
    return [dict(holder_view(h, clock.today()), open_alerts=alerts.get(h.id, 0)) for h in holders]


def holder_view(h: LedgerHolder, today) -> dict[str, Any]:
    status = "expired" if h.valid_to < today else "not yet valid" if h.valid_from > today else "valid"
    return {"id": h.id, "name": h.name, "kind": h.kind,
            "licence": {"number": h.licence_number, "classes": h.classes.split(","), "valid_from": h.valid_from,
                        "valid_to": h.valid_to, "status": status,
                        "max_quantities": {k: show(v) for k, v in json.loads(h.max_quantities).items()}}}


def get_holder(session: Session, actor: Principal, holder_id: str) -> dict[str, Any]:
    policy.require(actor, "ledger.read")
    h = _holder(session, holder_id)
    sites = [site_view(s) for s in session.scalars(select(LedgerSite).where(LedgerSite.holder_id == holder_id)
                                                    .order_by(LedgerSite.id))]
    t = LedgerTransit
    transits = session.scalars(select(t).where(t.confirmed_by.is_(None),
                                               or_(t.sender == holder_id, t.receiver == holder_id))
                               .order_by(t.at)).all()
    return dict(holder_view(h, clock.today()), sites=sites,
                in_transit=[{"dispatch": r.dispatch, "from": r.sender, "to": r.receiver, "item": r.item,
                             "quantity": show(r.amount), "at": r.at, "planned_arrival": r.planned_arrival}
                            for r in transits])


def site_view(s: LedgerSite) -> dict[str, Any]:
    return {"id": s.id, "holder": s.holder_id, "name": s.name, "capacity_kg": show(s.capacity),
            "groups": list(s.groups)}


def get_site(session: Session, actor: Principal, site_id: str) -> dict[str, Any]:
    policy.require(actor, "ledger.read")
    s = get_or_404(session, LedgerSite, site_id, f"No site {site_id}")
    rows = session.execute(select(LedgerBalance.item, LedgerBalance.amount, LedgerItem)
                           .join(LedgerItem, LedgerItem.key == LedgerBalance.item)
                           .where(LedgerBalance.site == site_id, LedgerBalance.holder == s.holder_id,
                                  LedgerBalance.amount != 0).order_by(LedgerBalance.item)).all()
    items = [_item_line(item, amount, site_id) for _, amount, item in rows]
    stored_kg = sum(i["quantity"] for i in items if i["unit"] == "kg" and i["class"] in ("explosive", "ammunition",
                                                                                          "detonator"))
    return dict(site_view(s), items=items, stored_kg=stored_kg)


def recent_movements(session: Session, actor: Principal, holder: str | None = None, limit: int = 50) -> list[dict]:
    policy.require(actor, "ledger.read")
    stmt = select(LedgerMovement, LedgerItem.unit).join(LedgerItem, LedgerItem.key == LedgerMovement.item) \
        .order_by(LedgerMovement.seq.desc()).limit(limit)
    if holder:
        stmt = stmt.where(or_(LedgerMovement.holder == holder, LedgerMovement.to_holder == holder))
    return [dict(_movement_line(m, unit), item=m.item, item_class=m.item_class) for m, unit in session.execute(stmt)]


def recent_rejections(session: Session, actor: Principal, limit: int = 50) -> list[LedgerRejection]:
    policy.require(actor, "ledger.read")
    return list(session.scalars(select(LedgerRejection).order_by(LedgerRejection.id.desc()).limit(limit)))


def naive_balance(session: Session, holder_id: str, at: datetime) -> dict[tuple[str, str], int]:
    """The baseline the benchmark compares with: read every movement and fold the holder's balance."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    m = LedgerMovement
    for holder, site, item, delta, kind, to_site, when in session.execute(
            select(m.holder, m.site, m.item, m.delta, m.kind, m.to_site, m.at).execution_options(yield_per=50_000)):
        if holder == holder_id and clock.as_utc(when) <= at:
            totals[(site, item)] += delta
            if kind == "move":
                totals[(to_site, item)] -= delta
    return {k: v for k, v in totals.items() if v}

