"""Use cases of risk registers, CARVER + Shock, major events and accreditation screening.

Threats link to the intelligence hub only through ``vigil.intel.service`` (TLP filtered for the caller); the
accreditation list is screened with ``vigil.screening.service.screen_records``; sites are read through
``vigil.sites.service``."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from vigil.intel import service as intel
from vigil.platform import clock, policy
from vigil.platform.audit import service as audit
from vigil.platform.errors import Conflict, NotFound, Problem
from vigil.platform.identity.principal import Principal
from vigil.risk import schemas
from vigil.risk.core import scoring
from vigil.risk.models import Accreditation, AccreditationHit, CarverScore, Event, RiskEntry
from vigil.screening import service as screening
from vigil.sites import service as sites
from vigil.sites.core import geo
from vigil.sites.service import Invalid

THREAT_TYPES = ["threat-actor", "intrusion-set", "attack-pattern", "campaign", "report", "malware", "tool"]
ACCREDITATION_COLUMNS = ("category", "full_name")  # optional: dob, nationality, id_number, organisation
CATEGORIES = ("staff", "press", "contractor")
MAX_ACCREDITATIONS = 5000
LIST_NAMES = {"un": "UN Security Council list", "ofac": "OFAC SDN list", "custom": "agency watchlist"}


def _agency(session: Session, actor: Principal) -> int:
    return actor.agency_id or sites._agency_for(session, actor)


def _visible(actor: Principal, agency_id: int) -> bool:
    return policy.chain_scope(actor) == "all" or agency_id == actor.agency_id


# ---------------------------------------------------------------------------------------------------- threat links
def threat_refs(session: Session, actor: Principal, refs: list[str]) -> tuple[list[schemas.ThreatRef], int]:
    """The linked STIX objects the actor may read (TLP), and how many links are hidden from them."""
    shown = []
    for ref in refs:
        try:
            row = intel.get_latest(session, actor, ref)
        except Problem:
            continue
        body = intel.loads(row)
        shown.append(schemas.ThreatRef(id=ref, type=row.stix_type, name=str(body.get("name") or ref), tlp=row.tlp))
    return shown, len(refs) - len(shown)


def _check_refs(session: Session, actor: Principal, refs: list[str]) -> list[str]:
    unique = list(dict.fromkeys(refs))
    shown, hidden = threat_refs(session, actor, unique)
    if hidden:
        readable = {r.id for r in shown}
        raise NotFound("Unknown or unreadable intelligence objects: "
                      + ", ".join(r for r in unique if r not in readable))
    return unique


def search_threats(session: Session, actor: Principal, q: str, limit: int = 20) -> list[schemas.ThreatRef]:
    """Threat actors, attack patterns, reports... of the intelligence hub matching ``q``, as the actor may see."""
    rows, _ = intel.search(session, actor, intel.SearchFilter(q=q, types=THREAT_TYPES), None, limit)
    return [schemas.ThreatRef(id=r.stix_id, type=r.stix_type, name=str(intel.loads(r).get("name") or r.stix_id),
                              tlp=r.tlp) for r in rows]


# ---------------------------------------------------------------------------------------------------------- events
def _geometries(items: list, label: str) -> list[dict]:
    """Routes and perimeters as stored GeoJSON; shapely refuses invalid (self-intersecting) shapes."""
    out = []
    for n, item in enumerate(items, start=1):
        geometry = json.loads(item.geometry.model_dump_json())
        try:
            geo.check_geometry(geometry)
        except geo.GeometryError as exc:
            raise Invalid(f"{label} {n} ({item.name}): {exc}") from None
        out.append({"name": item.name, "geometry": geometry})
    return out


def _event_fields(session: Session, actor: Principal, data: schemas.EventIn) -> dict:
    if data.ends_at <= data.starts_at:
        raise Conflict("The event ends before it starts")
    for site_id in data.venue_site_ids:
        sites.get_site(session, actor, site_id)
    known_units = {u.id for u in sites.list_units(session, actor)}
    if set(data.unit_ids) - known_units:
        raise NotFound(f"Unknown units: {sorted(set(data.unit_ids) - known_units)}")
    for phase in data.phases:
        if phase.ends_at <= phase.starts_at:
            raise Conflict(f"Phase {phase.name!r} ends before it starts")
    return {"name": data.name, "description": data.description, "starts_at": data.starts_at,
            "ends_at": data.ends_at, "venue_site_ids": json.dumps(list(dict.fromkeys(data.venue_site_ids))),
            "routes": json.dumps(_geometries(data.routes, "route")),
            "perimeters": json.dumps(_geometries(data.perimeters, "perimeter")),
            "phases": json.dumps([p.model_dump(mode="json") for p in data.phases]),
            "unit_ids": json.dumps(list(dict.fromkeys(data.unit_ids))),
            "stix_refs": json.dumps(_check_refs(session, actor, data.stix_refs)),
            "accreditation_retention_days": data.accreditation_retention_days}


def create_event(session: Session, actor: Principal, data: schemas.EventIn) -> Event:
    policy.require(actor, "events.manage")
    event = Event(**_event_fields(session, actor, data), agency_id=_agency(session, actor),
                  created_by=actor.username)
    session.add(event)
    session.flush()
    audit.record(session, actor, "events.create", "risk_event", event.id, detail={"name": event.name})
    return event


def update_event(session: Session, actor: Principal, event_id: int, data: schemas.EventIn) -> Event:
    policy.require(actor, "events.manage")
    event = get_event(session, actor, event_id)
    for key, value in _event_fields(session, actor, data).items():
        setattr(event, key, value)
    audit.record(session, actor, "events.update", "risk_event", event.id, detail={"name": event.name})
    return event


def list_events(session: Session, actor: Principal) -> list[Event]:
    policy.require(actor, "risk.read")
    stmt = select(Event).order_by(Event.starts_at, Event.id)
    if policy.chain_scope(actor) != "all":
        stmt = stmt.where(Event.agency_id == actor.agency_id)
    return list(session.scalars(stmt))


def get_event(session: Session, actor: Principal, event_id: int) -> Event:
    policy.require(actor, "risk.read")
    event = session.get(Event, event_id)
    if event is None or not _visible(actor, event.agency_id):
        raise NotFound(f"No event {event_id}")
    return event


def event_out(event: Event) -> schemas.EventOut:
    return schemas.EventOut(id=event.id, name=event.name, description=event.description, agency_id=event.agency_id,
                            starts_at=event.starts_at, ends_at=event.ends_at,
                            venue_site_ids=json.loads(event.venue_site_ids), routes=json.loads(event.routes),
                            perimeters=json.loads(event.perimeters), phases=json.loads(event.phases),
                            unit_ids=json.loads(event.unit_ids), stix_refs=json.loads(event.stix_refs),
                            accreditation_retention_days=event.accreditation_retention_days)


# -------------------------------------------------------------------------------------------------- risk register
def check_target(session: Session, actor: Principal, site_id: int | None, event_id: int | None) -> None:
    if (site_id is None) == (event_id is None):
        raise Invalid("A register entry belongs to exactly one site or one event (site_id or event_id)")
    if site_id is not None:
        sites.get_site(session, actor, site_id)
    else:
        get_event(session, actor, event_id)


def add_risk(session: Session, actor: Principal, data: schemas.RiskIn) -> RiskEntry:
    policy.require(actor, "risk.write")
    check_target(session, actor, data.site_id, data.event_id)
    entry = RiskEntry(**data.model_dump(exclude={"stix_refs"}), stix_refs=json.dumps(
        _check_refs(session, actor, data.stix_refs)), agency_id=_agency(session, actor), updated_by=actor.username,
        updated_at=clock.now())
    session.add(entry)
    session.flush()
    audit.record(session, actor, "risk.entry.add", "risk_entry", entry.id, detail={"threat": entry.threat})
    return entry


def get_risk(session: Session, actor: Principal, entry_id: int) -> RiskEntry:
    policy.require(actor, "risk.read")
    entry = session.get(RiskEntry, entry_id)
    if entry is None or not _visible(actor, entry.agency_id):
        raise NotFound(f"No register entry {entry_id}")
    return entry


def update_risk(session: Session, actor: Principal, entry_id: int, data: schemas.RiskFields) -> RiskEntry:
    """Edit an entry; it stays with its site or event."""
    policy.require(actor, "risk.write")
    entry = get_risk(session, actor, entry_id)
    for key, value in data.model_dump(exclude={"stix_refs", "site_id", "event_id"}).items():
        setattr(entry, key, value)
    entry.stix_refs = json.dumps(_check_refs(session, actor, data.stix_refs))
    entry.updated_by, entry.updated_at = actor.username, clock.now()
    audit.record(session, actor, "risk.entry.update", "risk_entry", entry.id, detail={"threat": entry.threat})
    return entry


def delete_risk(session: Session, actor: Principal, entry_id: int) -> None:
    policy.require(actor, "risk.write")
    entry = get_risk(session, actor, entry_id)
    session.delete(entry)
    audit.record(session, actor, "risk.entry.delete", "risk_entry", entry_id, detail={"threat": entry.threat})


def register(session: Session, actor: Principal, site_id: int | None = None,
             event_id: int | None = None) -> list[RiskEntry]:
    policy.require(actor, "risk.read")
    stmt = select(RiskEntry).order_by(RiskEntry.id)
    stmt = stmt.where(RiskEntry.site_id == site_id) if site_id is not None else \
        stmt.where(RiskEntry.event_id == event_id)
    if policy.chain_scope(actor) != "all":
        stmt = stmt.where(RiskEntry.agency_id == actor.agency_id)
    return list(session.scalars(stmt))


def risk_out(entry: RiskEntry) -> schemas.RiskOut:
    inherent = scoring.score(entry.likelihood, entry.impact)
    residual = scoring.score(entry.residual_likelihood, entry.residual_impact)
    return schemas.RiskOut(id=entry.id, site_id=entry.site_id, event_id=entry.event_id, threat=entry.threat,
                           description=entry.description, stix_refs=json.loads(entry.stix_refs),
                           likelihood=entry.likelihood, impact=entry.impact, inherent=inherent,
                           inherent_level=scoring.level(inherent), controls=entry.controls,
                           residual_likelihood=entry.residual_likelihood, residual_impact=entry.residual_impact,
                           residual=residual, residual_level=scoring.level(residual), owner=entry.owner,
                           updated_by=entry.updated_by, updated_at=entry.updated_at)


def site_levels(session: Session, actor: Principal) -> dict[int, str]:
    """The worst residual level of each site's register (for the map)."""
    stmt = select(RiskEntry.site_id, func.max(RiskEntry.residual_likelihood * RiskEntry.residual_impact)) \
        .where(RiskEntry.site_id.isnot(None)).group_by(RiskEntry.site_id)
    if policy.chain_scope(actor) != "all":
        stmt = stmt.where(RiskEntry.agency_id == actor.agency_id)
    return {site_id: scoring.level(worst) for site_id, worst in session.execute(stmt)}


# ---------------------------------------------------------------------------------------------------------- CARVER
def add_carver(session: Session, actor: Principal, data: schemas.CarverIn) -> CarverScore:
    policy.require(actor, "risk.write")
    check_target(session, actor, data.site_id, data.event_id)
    row = CarverScore(**data.model_dump(), agency_id=_agency(session, actor), scored_by=actor.username,
                      scored_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "risk.carver.add", "risk_carver", row.id, detail={"target": row.target})
    return row


def carver_scores(session: Session, actor: Principal, site_id: int | None = None,
                  event_id: int | None = None) -> list[schemas.CarverOut]:
    policy.require(actor, "risk.read")
    stmt = select(CarverScore)
    stmt = stmt.where(CarverScore.site_id == site_id) if site_id is not None else \
        stmt.where(CarverScore.event_id == event_id)
    if policy.chain_scope(actor) != "all":
        stmt = stmt.where(CarverScore.agency_id == actor.agency_id)
    out = [schemas.CarverOut.model_validate({**{c: getattr(r, c) for c in ("id", "site_id", "event_id", "target")},
                                             **{c: getattr(r, c) for c in scoring.CARVER_CRITERIA},
                                             "total": scoring.carver_total({c: getattr(r, c) for c in
                                                                            scoring.CARVER_CRITERIA})})
           for r in session.scalars(stmt)]
    return sorted(out, key=lambda c: -c.total)


# --------------------------------------------------------------------------------------------------- accreditation
def parse_accreditations(text: str) -> tuple[list[dict], list[str]]:
    """Rows of an accreditation CSV (category,full_name[,dob,nationality,id_number,organisation]); errors by line."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ACCREDITATION_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [f"line 1: missing column(s): {', '.join(missing)}"]
    rows, errors = [], []
    for row in reader:
        line = f"line {reader.line_num}"
        category = (row.get("category") or "").strip().lower()
        name = " ".join((row.get("full_name") or "").split())
        dob = (row.get("dob") or "").strip()
        nationality = (row.get("nationality") or "").strip().upper()
        problems = []
        if category not in CATEGORIES:
            problems.append(f"category must be one of {', '.join(CATEGORIES)}")
        if not name or len(name) > 300 or any(ord(c) < 32 for c in name):
            problems.append("full_name must be 1-300 characters")
        if dob and not _is_day(dob):
            problems.append(f"dob {dob!r} is not YYYY-MM-DD")
        if nationality and (len(nationality) != 2 or not nationality.isalpha()):
            problems.append(f"nationality {nationality!r} is not a two-letter code")
        if problems:
            errors.append(f"{line}: {'; '.join(problems)}")
            continue
        rows.append({"category": category, "full_name": name, "dob": dob, "nationality": nationality,
                     "id_number": (row.get("id_number") or "").strip()[:40],
                     "organisation": (row.get("organisation") or "").strip()[:200]})
    if len(rows) > MAX_ACCREDITATIONS:
        errors.append(f"file: at most {MAX_ACCREDITATIONS} people per upload")
    return rows, errors


def _is_day(text: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(text)
        return len(text) == 10
    except ValueError:
        return False


def import_accreditations(session: Session, actor: Principal, event_id: int, text: str,
                          purpose: str = "") -> schemas.AccreditationImport:
    """Store the list and screen it against every watchlist; people with matches go to review. All or nothing."""
    policy.require(actor, "accreditation.screen")
    event = get_event(session, actor, event_id)
    rows, errors = parse_accreditations(text)
    if errors:
        raise Invalid(f"{len(errors)} row(s) refused; nothing imported", errors[:1000])
    if not rows:
        raise Invalid("The file lists nobody")
    purge_after = clock.as_utc(event.ends_at) + timedelta(days=event.accreditation_retention_days)
    people = [Accreditation(event_id=event.id, purge_after=purge_after, created_at=clock.now(), **r) for r in rows]
    session.add_all(people)
    session.flush()
    records = [screening.RecordIn(id=str(p.id), name=p.full_name, dob=p.dob, nationality=p.nationality,
                                  id_number=p.id_number) for p in people]
    results = screening.screen_records(session, actor, records,
                                       purpose=purpose or f"accreditation screening, event {event.id}")
    by_id = {str(p.id): p for p in people}
    hits = sum(_keep_hits(session, by_id[r.id], r.matches) for r in results)
    audit.record(session, actor, "accreditation.import", "risk_event", event.id,
                 detail={"imported": len(people), "hits": hits})
    return schemas.AccreditationImport(imported=len(people), hits=hits,
                                       for_review=sum(1 for p in people if p.status == "review"))


def _keep_hits(session: Session, person: Accreditation, matches) -> int:
    """Store a person's watchlist matches for review; the person waits in `review` until they are decided."""
    for match in matches:
        session.add(AccreditationHit(accreditation_id=person.id, list_name=LIST_NAMES.get(match.source, match.source),
                                     entry_name=match.name[:300], entry_ref=match.source_id[:100],
                                     score=float(match.score)))
    if matches:
        person.status = "review"
    return len(matches)


def rescreen_accreditations(session: Session, version_id: int) -> int:
    """A watchlist gained entries: screen the accreditations still held against only those; new matches go to
    review. Returns the number of new hits."""
    people = list(session.scalars(select(Accreditation).where(Accreditation.purge_after >= clock.now())))
    if not people:
        return 0
    records = [screening.RecordIn(id=str(p.id), name=p.full_name, dob=p.dob, nationality=p.nationality,
                                  id_number=p.id_number) for p in people]
    found = screening.rescreen_new_entries(session, version_id, records)
    by_id = {str(p.id): p for p in people}
    hits = sum(_keep_hits(session, by_id[pid], matches) for pid, matches in found.items())
    if hits:
        audit.record(session, _system(), "accreditation.rescreen", "watchlist_version", version_id,
                     detail={"hits": hits})
    return hits


def _system() -> Principal:
    from vigil.platform.identity.principal import SYSTEM

    return SYSTEM


def accreditations(session: Session, actor: Principal, event_id: int, purpose: str | None,
                   status: str | None = None) -> list[Accreditation]:
    """Personal data: needs a declared purpose; the read is audited."""
    policy.require(actor, "personal_data.read")
    policy.require(actor, "accreditation.screen")
    event = get_event(session, actor, event_id)
    stated = policy.require_purpose(purpose)
    stmt = select(Accreditation).where(Accreditation.event_id == event.id).order_by(Accreditation.id)
    if status:
        stmt = stmt.where(Accreditation.status == status)
    rows = list(session.scalars(stmt))
    audit.record(session, actor, "personal_data.read", "risk_event", event.id, purpose=stated,
                 detail={"accreditations": len(rows)})
    return rows


def hits_of(session: Session, accreditation_ids: list[int]) -> dict[int, list[AccreditationHit]]:
    out: dict[int, list[AccreditationHit]] = {}
    if not accreditation_ids:
        return out
    for hit in session.scalars(select(AccreditationHit).where(AccreditationHit.accreditation_id.in_(
            accreditation_ids)).order_by(AccreditationHit.id)):
        out.setdefault(hit.accreditation_id, []).append(hit)
    return out


def decide_hit(session: Session, actor: Principal, hit_id: int, data: schemas.DecisionIn) -> AccreditationHit:
    """A reviewer clears a false match or confirms a true one (audited); the person is approved once every hit is
    cleared, refused as soon as one is confirmed."""
    policy.require(actor, "accreditation.decide")
    hit = session.get(AccreditationHit, hit_id)
    person = session.get(Accreditation, hit.accreditation_id) if hit else None
    if hit is None or person is None:
        raise NotFound(f"No hit {hit_id}")
    get_event(session, actor, person.event_id)
    if hit.decision != "pending":
        raise Conflict(f"Hit {hit_id} was already decided ({hit.decision})")
    hit.decision, hit.reason, hit.decided_by, hit.decided_at = data.decision, data.reason, actor.username, \
        clock.now()
    session.flush()
    decisions = list(session.scalars(select(AccreditationHit.decision)
                                     .where(AccreditationHit.accreditation_id == person.id)))
    if "confirmed" in decisions:
        person.status = "refused"
    elif all(d == "cleared" for d in decisions):
        person.status = "approved"
    audit.record(session, actor, "accreditation.decide", "risk_accreditation", person.id,
                 detail={"hit": hit.id, "decision": hit.decision, "reason": hit.reason})
    return hit


def accreditation_summary(session: Session, actor: Principal, event_id: int) -> schemas.AccreditationSummary:
    """Counts only (no personal data)."""
    event = get_event(session, actor, event_id)
    rows = session.execute(select(Accreditation.category, Accreditation.status)
                           .where(Accreditation.event_id == event.id)).all()
    pending = session.scalar(select(func.count()).select_from(AccreditationHit).join(
        Accreditation, Accreditation.id == AccreditationHit.accreditation_id).where(
        Accreditation.event_id == event.id, AccreditationHit.decision == "pending")) or 0
    return schemas.AccreditationSummary(total=len(rows), by_category=dict(Counter(c for c, _ in rows)),
                                        by_status=dict(Counter(s for _, s in rows)), pending_hits=pending)


def purge_accreditations(session: Session) -> int:
    """Delete accreditation records (and their hits) past their retention: the event's end + N days."""
    ids = list(session.scalars(select(Accreditation.id).where(Accreditation.purge_after < clock.now())))
    if ids:
        session.execute(delete(AccreditationHit).where(AccreditationHit.accreditation_id.in_(ids)))
        session.execute(delete(Accreditation).where(Accreditation.id.in_(ids)))
        audit.record(session, _system(), "accreditation.purge", "risk_accreditation", "",
                     detail={"purged": len(ids)})
    return len(ids)
