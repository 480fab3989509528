"""Parcel use cases: manifests (sender screened like a registration, contents classified), the flagged queue,
catalogue edits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vigil.parcels.core.manifest import parcel_of
from vigil.parcels.catalogue import classifier_for, load_catalogue_file, newest_version, validate_catalogue
from vigil.parcels.models import CatalogueVersion, Parcel
from vigil.platform import clock, policy
from vigil.platform.audit import service as audit
from vigil.platform.database import get_or_404
from vigil.platform.errors import BadRequest, Conflict, Forbidden, NotFound
from vigil.platform.identity.principal import Principal
from vigil.registrations import service as registrations
from vigil.registrations.core.validate import CARRIER_SECTOR, check_record
from vigil.screening import service as screening

MAX_BATCH = 5_000
RETENTION_DAYS = 30


@dataclass
class ParcelOutcome:
    tracking_number: str
    status: str  # accepted | rejected | duplicate
    reasons: list[str] = field(default_factory=list)
    flagged: bool = False
    categories: list[str] = field(default_factory=list)
    un_numbers: list[str] = field(default_factory=list)
    matched_terms: list[str] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)


def _carrier(session: Session, actor: Principal, licence: str):
    own = registrations.establishment_of(session, actor)
    carrier = registrations.get_establishment(session, licence)
    if carrier.sector != CARRIER_SECTOR:
        raise NotFound(f"No carrier with licence {licence!r} (an establishment of the {CARRIER_SECTOR} sector)")
    if own is not None and own.id != carrier.id:
        raise Forbidden("You submit only for your own carrier")
    if own is None and not policy.allowed(actor, "parcels.submit_any"):
        raise Forbidden("Only carrier staff (or operators) submit manifests")
    return carrier


def submit_manifest(session: Session, actor: Principal, licence: str, parcels: list[dict]) -> list[ParcelOutcome]:
    """Store a carrier's manifest in the caller's transaction: senders screened, contents classified."""
    policy.require(actor, "parcels.submit")
    if len(parcels) > MAX_BATCH:
        raise BadRequest(f"At most {MAX_BATCH} parcels per manifest")
    carrier = _carrier(session, actor, licence)
    classifier = classifier_for(session)
    existing = set(session.scalars(select(Parcel.tracking_number).where(
        Parcel.carrier_id == carrier.id, Parcel.tracking_number.in_([p["tracking_number"] for p in parcels]))))
    outcomes, fresh = [], []
    for p in parcels:
        number = p["tracking_number"]
        if number in existing:
            outcomes.append(ParcelOutcome(number, "duplicate"))
            continue
        existing.add(number)
        person = check_record({"record_id": number, "name": p["sender_name"], "dob": p.get("sender_dob", ""),
                               "nationality": p.get("sender_nationality", ""),
                               "document_type": p["sender_document_type"],
                               "document_number": p["sender_document_number"]}, "hotel", clock.today())
        reasons = [r for r in person.reasons if not r.startswith(("dob", "nationality"))]  # optional for senders
        if reasons:
            outcomes.append(ParcelOutcome(number, "rejected", reasons))
            continue
        result = classifier.classify(p["contents"])
        outcome = ParcelOutcome(number, "accepted", [], result.flagged, result.categories, result.un_numbers,
                                result.matched_terms)
        outcomes.append(outcome)
        fresh.append((p, person, outcome))
    _screen_senders(session, actor, fresh)
    now = clock.now()
    for p, person, o in fresh:
        session.add(Parcel(carrier_id=carrier.id, tracking_number=o.tracking_number, sender_name=p["sender_name"],
                           sender_document_type=p["sender_document_type"],
                           sender_document_number=person.values["document_number"], receiver_name=p["receiver_name"],
                           contents=p["contents"], weight_kg=p["weight_kg"], origin=p["origin"],
                           destination=p["destination"], flagged=o.flagged or bool(o.alerts),
                           categories=",".join(o.categories), matched_terms=json.dumps(o.matched_terms, ensure_ascii=False),
                           un_numbers=",".join(o.un_numbers)[:200], sender_hits=json.dumps(o.alerts, ensure_ascii=False),
                           status="open" if (o.flagged or o.alerts) else "clear", received_at=now,
                           retain_until=now + timedelta(days=RETENTION_DAYS)))
    session.flush()
    audit.record(session, actor, "parcels.manifest", "carrier", carrier.id,
                 detail={"parcels": len(parcels), "accepted": len(fresh),
                         "flagged": sum(o.flagged or bool(o.alerts) for _, _, o in fresh)})
    # carriers are told how their contents were classified, never that a sender matched a list (no tipping-off)
    return registrations.answers_for(actor, outcomes)


def submit_manifest_rows(session: Session, actor: Principal, licence: str,
                         rows: list[tuple[int, dict[str, str] | None, str | None]]) -> list[ParcelOutcome]:
    """A manifest file's rows (``read_rows(..., required=manifest.REQUIRED_COLUMNS)``): each answered in order, a
    row that cannot be a parcel rejected with its line number and reasons, the rest as ``submit_manifest``."""
    checked = []
    for line, row, error in rows:
        parcel, reasons = parcel_of(row) if row is not None else (None, [error or "unreadable row"])
        number = (row or {}).get("tracking_number", "").strip()[:64]
        checked.append((parcel, ParcelOutcome(number, "rejected", [r if r.startswith("line ") else f"line {line}: {r}"
                                                                  for r in reasons])))
    submitted = iter(submit_manifest(session, actor, licence, [p for p, _ in checked if p is not None])
                     if any(p is not None for p, _ in checked) else [])
    return [next(submitted) if parcel is not None else rejected for parcel, rejected in checked]


def own_parcels(session: Session, actor: Principal, cursor: str | None, limit: int):
    """A carrier's own parcels, newest first: what it declared, how the contents were classified, and whether an
    officer told it to hold one (not why, nor whether the sender is under review)."""
    policy.require(actor, "parcels.submit")
    own = registrations.establishment_of(session, actor)
    if own is None or own.sector != CARRIER_SECTOR:
        raise NotFound("You are not linked to a carrier")
    rows, nxt = registrations.paginate_rows(session, select(Parcel).where(Parcel.carrier_id == own.id), Parcel.id,
                                            cursor, limit, scalars=True)
    return own, [carrier_view(p) for p in rows], nxt


def carrier_view(p: Parcel) -> dict:
    return {"tracking_number": p.tracking_number, "receiver_name": p.receiver_name, "contents": p.contents,
            "weight_kg": p.weight_kg, "destination": p.destination,
            "categories": [c for c in p.categories.split(",") if c], "un_numbers": [u for u in p.un_numbers.split(",") if u],
            "held": p.status == "held", "received_at": p.received_at}


def _screen_senders(session: Session, actor: Principal, fresh) -> None:
    if not fresh:
        return
    records = [screening.RecordIn(str(i), p["sender_name"], p.get("sender_dob", ""), p.get("sender_nationality", ""),
                                  person.values["document_number"]) for i, (p, person, _) in enumerate(fresh)]
    results = screening.screen_records(session, registrations._screener(actor), records, purpose="parcel sender check")
    for (_, _, outcome), result in zip(fresh, results):
        outcome.alerts = [{"kind": h["kind"], "detail": h["detail"]} for h in
                          registrations.watchlist_hits(result.matches) + registrations.document_hits(result.document_hits)]


def queue(session: Session, actor: Principal, status: str, cursor: str | None, limit: int):
    policy.require(actor, "parcels.queue.work")
    return registrations.paginate_rows(session, select(Parcel).where(Parcel.status == status), Parcel.id, cursor,
                                       limit, scalars=True)


def decide(session: Session, actor: Principal, parcel_id: int, decision: str, reason: str) -> Parcel:
    policy.require(actor, "parcels.queue.work")
    if decision not in ("released", "held"):
        raise BadRequest("decision must be released or held")
    if len(reason.strip()) < 5:
        raise BadRequest("A decision needs its reason (at least 5 characters)")
    parcel = get_or_404(session, Parcel, parcel_id, f"No parcel {parcel_id}")
    if parcel.status != "open":
        raise Conflict(f"Parcel {parcel_id} is not in the queue")
    parcel.status, parcel.reason, parcel.decided_by = decision, reason.strip(), actor.username
    audit.record(session, actor, "parcels.decide", "parcel", parcel.id, detail={"decision": decision})
    return parcel


def catalogue(session: Session) -> dict:
    row = newest_version(session)
    return json.loads(row.data) if row else load_catalogue_file()


def edit_catalogue(session: Session, actor: Principal, data: dict, note: str) -> CatalogueVersion:
    policy.require(actor, "parcels.catalogue.edit")
    problems = validate_catalogue(data)
    if problems:
        raise BadRequest("Catalogue rejected: " + "; ".join(problems))
    row = CatalogueVersion(data=json.dumps(data, ensure_ascii=False), note=note[:300], created_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor, "parcels.catalogue.edit", "parcel_catalogue", row.id, detail={"note": note[:300]})
    return row


def seed_catalogue(session: Session, actor: Principal) -> None:
    """The first seed copies the shipped catalogue into the database, where admins edit it."""
    if newest_version(session) is None:
        session.add(CatalogueVersion(data=json.dumps(load_catalogue_file(), ensure_ascii=False),
                                     note="shipped catalogue", created_by=actor.username[:64]))


def purge(session: Session, actor: Principal, as_of: datetime | None = None) -> int:
    """Cleared (never flagged) parcels past retention are deleted; flagged ones stay with their decision."""
    at = as_of or clock.now()
    gone = session.execute(delete(Parcel).where(Parcel.status == "clear", Parcel.retain_until <= at)
                           .execution_options(synchronize_session=False)).rowcount or 0
    audit.record(session, actor, "parcels.purge", "parcels", "", detail={"purged": gone})
    return gone
