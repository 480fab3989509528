"""Registration use cases: establishments, intake (validate -> screen -> store), alerts, search, purge.

Intake is idempotent per (establishment, record id): a unique constraint and INSERT ... ON CONFLICT DO NOTHING,
so a batch sent again after a crash stores nothing twice and answers `duplicate` for what it already holds."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from vigil.platform import clock, policy
from vigil.platform.audit import service as audit
from vigil.platform.database import get_or_404
from vigil.platform.errors import BadRequest, Conflict, NotFound
from vigil.platform.identity.principal import Principal
from vigil.registrations.core.validate import (ALL_SECTORS, SECTORS, Checked, check_record, item_number,
                                               sector_details)
from vigil.registrations.models import Establishment, EstablishmentUser, Registration, RegistrationAlert
from vigil.screening import service as screening

DEFAULT_RETENTION_DAYS = 30
MAX_BATCH = 10_000  # records per API request; files go through the CLI or the portal in chunks
CHUNK = 5_000  # records per transaction in file intake: a crash loses at most this unfinished chunk
ALERT_KINDS = ("watchlist", "document", "stolen_property")


def sector_retention_days() -> dict[str, int]:
    """Days a non-hit record is kept, per sector: 30 unless VIGIL_REGISTRATIONS_RETENTION says
    (e.g. ``hotel=30,venue=7``)."""
    days = dict.fromkeys(ALL_SECTORS, DEFAULT_RETENTION_DAYS)
    for part in os.environ.get("VIGIL_REGISTRATIONS_RETENTION", "").split(","):
        sector, _, value = part.partition("=")
        if sector.strip() in days and value.strip().isdigit():
            days[sector.strip()] = max(1, int(value))
    return days


# ---------------------------------------------------------------- establishments

def add_establishment(session: Session, actor: Principal, licence: str, sector: str, name: str,
                      retention_days: int | None = None) -> Establishment:
    policy.require(actor, "registrations.establishment.manage")
    licence, name = licence.strip(), name.strip()
    if sector not in ALL_SECTORS:
        raise BadRequest(f"sector must be one of {', '.join(ALL_SECTORS)}")
    if not licence or len(licence) > 64 or not name or len(name) > 200:
        raise BadRequest("licence (1-64 characters) and name (1-200 characters) are required")
    if session.scalar(select(Establishment.id).where(Establishment.licence == licence)):
        raise Conflict(f"An establishment with licence {licence!r} exists")
    row = Establishment(licence=licence, sector=sector, name=name, retention_days=retention_days)
    session.add(row)
    session.flush()
    audit.record(session, actor, "registrations.establishment.add", "establishment", row.id,
                 detail={"licence": licence, "sector": sector})
    return row


def list_establishments(session: Session, actor: Principal) -> list[Establishment]:
    policy.require(actor, "registrations.establishment.read")
    return list(session.scalars(select(Establishment).order_by(Establishment.licence)))


def get_establishment(session: Session, licence: str) -> Establishment:
    row = session.scalars(select(Establishment).where(Establishment.licence == licence)).first()
    if row is None:
        raise NotFound(f"No establishment with licence {licence!r}")
    return row


def link_user(session: Session, actor: Principal, establishment_id: int, user_id: int) -> EstablishmentUser:
    policy.require(actor, "registrations.establishment.manage")
    if session.scalar(select(EstablishmentUser.id).where(EstablishmentUser.user_id == user_id)):
        raise Conflict("That user already submits for an establishment")
    link = EstablishmentUser(establishment_id=establishment_id, user_id=user_id)
    session.add(link)
    session.flush()
    audit.record(session, actor, "registrations.establishment.link", "establishment", establishment_id,
                 detail={"user_id": user_id})
    return link


def establishment_of(session: Session, actor: Principal) -> Establishment | None:
    """The establishment ``actor`` submits for (portal users), or None (officers, systems)."""
    if actor.via == "system" or not actor.user_id:
        return None
    return session.scalars(select(Establishment).join(EstablishmentUser, EstablishmentUser.establishment_id
                                                      == Establishment.id)
                           .where(EstablishmentUser.user_id == actor.user_id)).first()


# ---------------------------------------------------------------- intake

@dataclass
class Outcome:
    record_id: str
    status: str  # accepted | rejected | duplicate
    reasons: list[str] = field(default_factory=list)
    alerts: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"record_id": self.record_id, "status": self.status, "reasons": self.reasons, "alerts": self.alerts}


@dataclass
class _Pending:
    """One row on its way through a chunk."""

    position: int
    line: int
    licence: str
    establishment: Establishment | None
    checked: Checked | None
    outcome: Outcome
    hits: list[dict[str, str]] = field(default_factory=list)
    item: str = ""  # IMEI, else VIN, else serial (normalised): what the stolen-property list is asked
    id: int | None = None  # once stored


class EstablishmentCache:
    """Licence -> establishment for one intake run (a few establishments, many rows)."""

    def __init__(self, session_factory=None):
        self.rows: dict[str, Establishment | None] = {}

    def get(self, session: Session, licence: str) -> Establishment | None:
        if licence not in self.rows:
            self.rows[licence] = session.scalars(select(Establishment).where(Establishment.licence == licence)).first()
            if self.rows[licence] is not None:
                session.expunge(self.rows[licence])
        return self.rows[licence]


def _screener(actor: Principal) -> Principal:
    """Screening on arrival is the system's duty, whoever submits (a hotel desk may not run screening itself);
    the audit trail names the submitter."""
    return replace(actor, username=f"registrations:{actor.username}"[:64], role="analyst", via="system")


def ingest(session: Session, actor: Principal, rows: Iterable[tuple[int, dict[str, str] | None, str | None]],
           cache: EstablishmentCache | None = None) -> list[Outcome]:
    """Validate, screen and store one unit of records in the caller's transaction; one outcome per row, in order.
    ``rows`` are (line, row dict, None) or (line, None, parse error) as ``core.csvin.read_rows`` yields them."""
    return complete(session, actor, prepare(session, actor, rows, cache))


@dataclass
class Unit:
    """A unit of records validated (``prepare``), waiting to be stored and screened (``complete``)."""

    own_id: int | None
    pending: list[_Pending]

    def screening_records(self) -> list[screening.RecordIn]:
        """What screening will be asked for the accepted records (a file's intake has them searched ahead)."""
        return _records([p for p in self.pending if p.checked is not None and p.outcome.status == "accepted"])


def prepare(session: Session, actor: Principal, rows: Iterable[tuple[int, dict[str, str] | None, str | None]],
            cache: EstablishmentCache | None = None) -> Unit:
    """Validate a unit of records (pure but for the establishments, read through ``cache``); nothing is written."""
    policy.require(actor, "registrations.submit")
    own = establishment_of(session, actor)
    if own is None and not policy.allowed(actor, "registrations.submit_any"):
        raise policy_refusal()
    cache = cache or EstablishmentCache()
    today = clock.today()
    return Unit(own.id if own else None, [_check_row(session, n, line, row, error, own, cache, today)
                                          for n, (line, row, error) in enumerate(rows)])


def complete(session: Session, actor: Principal, unit: Unit) -> list[Outcome]:
    """Store a prepared unit in the caller's transaction (a key already stored answers `duplicate`), screen the
    records stored now, raise their alerts, audit; one outcome per row, in order."""
    pending = unit.pending
    stored = _store(session, _first_of_each_key(pending))
    fresh = [p for p in stored if p.outcome.status == "accepted"]
    _screen(session, actor, fresh)
    _raise_on_arrival(session, [p for p in fresh if p.hits])
    audit.record(session, actor, "registrations.ingest", "registrations", unit.own_id or "",
                 detail={"records": len(pending), "accepted": len(fresh),
                         "rejected": sum(p.outcome.status == "rejected" for p in pending),
                         "duplicate": sum(p.outcome.status == "duplicate" for p in pending),
                         "alerts": sum(len(p.hits) for p in fresh)})
    return answers_for(actor, [p.outcome for p in pending])


def answers_for(actor: Principal, outcomes: list) -> list:
    """What a submitter is told (registration or parcel outcomes, anything with ``alerts``): agency staff see the
    alerts of their intake; an establishment or carrier never learns that its customer matched a list (no
    tipping-off). The alerts are stored and queued either way."""
    if policy.allowed(actor, "registrations.screening_results"):
        return outcomes
    return [replace(o, alerts=[]) for o in outcomes]


def policy_refusal():
    from vigil.platform.errors import Forbidden

    return Forbidden("Only users linked to an establishment (or operators) submit registrations")


def _check_row(session, position, line, row, error, own, cache, today) -> _Pending:
    if row is None:
        return _Pending(position, line, "", None, None, Outcome("", "rejected", [error or f"line {line}: unreadable"]))
    licence = _clean((row.get("establishment") or "").strip())
    establishment = cache.get(session, licence) if licence else None
    checked = check_record(row, establishment.sector if establishment else None, today)
    if own is not None and establishment is not None and establishment.id != own.id:
        checked.reasons.insert(0, "you submit only for your own establishment")
        establishment = None
    record_id = _clean(checked.values["record_id"])[:100]
    reasons = [f"line {line}: {r}" for r in checked.reasons]
    outcome = Outcome(record_id, "accepted" if checked.ok else "rejected", reasons)
    # A record without a known establishment or an id cannot be stored (nor deduplicated): it is only answered.
    if establishment is None or not record_id:
        return _Pending(position, line, licence, establishment, None, outcome)
    return _Pending(position, line, licence, establishment, checked, outcome, item=item_number(checked.values))


def _first_of_each_key(pending: list[_Pending]) -> list[_Pending]:
    """The storable rows, the first of each (establishment, record id) in the unit; a repeat within the unit is a
    duplicate (one already stored is found by the insert itself)."""
    seen: set[tuple[int, str]] = set()
    first = []
    for p in pending:
        if p.checked is None:
            continue
        key = (p.establishment.id, p.outcome.record_id)
        if key in seen:
            p.outcome = Outcome(p.outcome.record_id, "duplicate")
        else:
            seen.add(key)
            first.append(p)
    return first


def _screen(session: Session, actor: Principal, fresh: list[_Pending]) -> None:
    """Watchlists, the lost/stolen document list and the stolen-property list, through the screening service."""
    if not fresh:
        return
    results = screening.screen_records(session, _screener(actor), _records(fresh), purpose="registration intake")
    stolen = screening.stolen_property_among(session, [p.item for p in fresh if p.item])
    for p, result in zip(fresh, results):
        if result.matches or result.document_hits or p.item in stolen:
            p.hits.extend(watchlist_hits(result.matches))
            p.hits.extend(document_hits(result.document_hits))
            p.hits.extend(property_hits(stolen.get(p.item, [])))
            p.outcome.alerts = [{"kind": h["kind"], "detail": h["detail"]} for h in p.hits]


def _records(fresh: list[_Pending]) -> list[screening.RecordIn]:
    return [screening.RecordIn(str(i), v["name"], v["dob"], v["nationality"], v["document_number"])
            for i, v in enumerate(p.checked.values for p in fresh)]


def watchlist_hits(matches) -> list[dict]:
    return [{"kind": "watchlist", "score": round(m.score, 3),
             "detail": f"{m.name} on {m.entry.list_name if m.entry else m.source} ({m.source_id}), "
                       f"score {m.score:.2f}"[:500]} for m in matches]


def document_hits(docs) -> list[dict]:
    return [{"kind": "document", "score": 1.0,
             "detail": f"document {d.number} ({d.issuing_country or '?'}) reported lost or stolen"
                       f"{' on ' + d.reported_date if d.reported_date else ''}"[:500]} for d in docs]


def property_hits(items) -> list[dict]:
    return [{"kind": "stolen_property", "score": 1.0,
             "detail": f"{s.kind} {s.number} reported stolen{': ' + s.description if s.description else ''}"[:500]}
            for s in items]


def _retain_until(establishment: Establishment, received: datetime, days: dict[str, int]) -> datetime:
    return received + timedelta(days=establishment.retention_days or days.get(establishment.sector,
                                                                               DEFAULT_RETENTION_DAYS))


def _store(session: Session, rows: list[_Pending]) -> list[_Pending]:
    """Store ``rows`` (each key once) with INSERT ... ON CONFLICT DO NOTHING; answers those stored now, with their
    ids. A row whose key is already stored (sent before, or by another process meanwhile) becomes `duplicate`."""
    if not rows:
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    now, days = clock.now(), sector_retention_days()
    received = _driver_value(now, sqlite)
    until: dict[int, object] = {}
    values = []
    for p in rows:
        est = p.establishment
        if est.id not in until:
            until[est.id] = _driver_value(_retain_until(est, now, days), sqlite)
        values.append(_row_values(p, received, until[est.id], sqlite))
    ids = bulk_insert(session, values)
    stored = []
    for p in rows:
        p.id = ids.get((p.establishment.id, p.outcome.record_id))
        if p.id is None:
            p.outcome = Outcome(p.outcome.record_id, "duplicate")
        else:
            stored.append(p)
    return stored


def _raise_on_arrival(session: Session, hit_rows: list[_Pending]) -> None:
    """The hits of records just stored: their alerts, and `hit` so that the purge keeps them."""
    if not hit_rows:
        return
    now = clock.now()
    session.execute(insert(RegistrationAlert), [
        {"registration_id": p.id, "kind": h["kind"], "detail": h["detail"], "score": h["score"], "status": "open",
         "reason": "", "decided_by": "", "created_at": now} for p in hit_rows for h in p.hits])
    ids = [p.id for p in hit_rows]
    for start in range(0, len(ids), 500):
        session.execute(update(Registration).where(Registration.id.in_(ids[start:start + 500])).values(hit=True)
                        .execution_options(synchronize_session=False))


def _clean(text: str) -> str:
    """Bytes that were not UTF-8 (kept as surrogates so the row could be answered) become U+FFFD when stored."""
    if not isinstance(text, str) or text.isascii():
        return text
    return text.encode("utf-8", "replace").decode("utf-8")


_details_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False), built once


def _row_values(p: _Pending, received, until, sqlite: bool) -> tuple:
    """The row in _COLUMNS order, as the driver takes it."""
    v, est = p.checked.values, p.establishment
    if p.outcome.status == "rejected":  # only a rejected record can hold text that was not UTF-8
        v = {k: _clean(t) for k, t in v.items()}
    return (est.id, p.outcome.record_id, p.outcome.status, _clean("; ".join(p.outcome.reasons))[:5000],
            v["name"][:200], v["dob"][:10], v["nationality"][:3], v["document_type"][:10], v["document_number"][:64],
            p.item, _details_json(sector_details(v, est.sector)), 0 if sqlite else False, received, until)


_COLUMNS = ("establishment_id", "record_id", "status", "reasons", "name", "dob", "nationality", "document_type",
            "document_number", "item_number", "details", "hit", "received_at", "retain_until")
# PostgreSQL: where a unit's rows are copied before the insert (per connection; emptied after each use, and at
# commit should a failure come between)
_PG_STAGING = ("CREATE TEMPORARY TABLE IF NOT EXISTS registrations_in (establishment_id integer, record_id text, "
               "status text, reasons text, name text, dob text, nationality text, document_type text, "
               "document_number text, item_number text, details text, hit boolean, received_at timestamptz, "
               "retain_until timestamptz) ON COMMIT DELETE ROWS")
INSERT_ROWS = 1_000  # rows per SQLite INSERT statement: 14,000 parameters, under its limit of 32,766


def _driver_value(value, sqlite: bool):
    """What SQLAlchemy's UtcDateTime/Boolean would bind, done once per value without its per-row machinery."""
    if isinstance(value, datetime):
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds") if sqlite else value
    if isinstance(value, bool):
        return int(value) if sqlite else value
    return value


def bulk_insert(session: Session, rows: list[tuple]) -> dict[tuple[int, str], int]:
    """INSERT ... ON CONFLICT (establishment, record id) DO NOTHING RETURNING the keys and ids stored, at the
    driver level: a row another process stored meanwhile is skipped, never doubled, and is missing from the
    answer. SQLite: multi-row VALUES, 1,000 rows per statement. PostgreSQL: COPY into a temporary table, then
    one INSERT ... SELECT (psycopg formats COPY rows in C; a VALUES list of 14,000 placeholders was parsed anew
    in Python each time, and arrays for ``unnest`` are dumped in Python too)."""
    conn = session.connection()
    columns = ", ".join(_COLUMNS)
    returning = " ON CONFLICT (establishment_id, record_id) DO NOTHING RETURNING establishment_id, record_id, id"
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cur:
            cur.execute(_PG_STAGING)
            with cur.copy(f"COPY registrations_in ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(f"INSERT INTO registrations ({columns}) SELECT {columns} FROM registrations_in{returning}")
            ids = {(e, r): i for e, r, i in cur.fetchall()}
            cur.execute("DELETE FROM registrations_in")
        return ids
    ids = {}
    one = f"({', '.join(['?'] * len(_COLUMNS))})"
    for start in range(0, len(rows), INSERT_ROWS):
        part = rows[start:start + INSERT_ROWS]
        sql = f"INSERT INTO registrations ({columns}) VALUES {', '.join([one] * len(part))}{returning}"
        ids.update({(e, r): i for e, r, i in conn.exec_driver_sql(sql, tuple(v for row in part for v in row))})
    return ids


# ---------------------------------------------------------------- re-screening (new list entries)

RESCREEN_PAGE = 5_000


def retained(session: Session, *where):
    """Accepted records still in retention, page by page (re-screening reads them all, never at once)."""
    last = 0
    while True:
        rows = list(session.execute(select(Registration.id, Registration.name, Registration.dob,
                                           Registration.nationality, Registration.document_number,
                                           Registration.item_number).where(
            Registration.status == "accepted", Registration.retain_until > clock.now(), Registration.id > last,
            *where).order_by(Registration.id).limit(RESCREEN_PAGE)))
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def rescreen_version(session: Session, version_id: int) -> int:
    """Screen the records in retention against the entries a list version added; returns the alerts raised."""
    raised = 0
    for page in retained(session):
        records = [screening.RecordIn(str(r.id), r.name, r.dob, r.nationality, r.document_number) for r in page]
        found = screening.rescreen_new_entries(session, version_id, records)
        raised += _raise(session, {int(k): watchlist_hits(v) for k, v in found.items()})
    return raised


def rescreen_property(session: Session, numbers: list[str]) -> int:
    """Records in retention whose IMEI/VIN/serial a stolen-property import just added."""
    raised = 0
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        by_number = screening.stolen_property_among(session, chunk)
        for page in retained(session, Registration.item_number.in_(chunk)):
            raised += _raise(session, {r.id: property_hits(by_number.get(r.item_number, [])) for r in page})
    return raised


def rescreen_documents(session: Session, numbers: list[str]) -> int:
    """Records in retention whose document number a lost/stolen document import just added."""
    raised = 0
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        docs = screening.lost_documents_among(session, chunk)
        for page in retained(session, Registration.document_number.in_(chunk)):
            raised += _raise(session, {r.id: document_hits(docs.get(r.document_number, [])) for r in page})
    return raised


def _raise(session: Session, hits: dict[int, list[dict]]) -> int:
    hits = {rid: h for rid, h in hits.items() if h}
    if not hits:
        return 0
    now = clock.now()
    session.execute(insert(RegistrationAlert), [
        {"registration_id": rid, "kind": h["kind"], "detail": h["detail"], "score": h["score"], "status": "open",
         "reason": "", "decided_by": "", "created_at": now} for rid, found in hits.items() for h in found])
    session.execute(update(Registration).where(Registration.id.in_(list(hits))).values(hit=True))
    return sum(len(h) for h in hits.values())


# ---------------------------------------------------------------- alerts

def list_alerts(session: Session, actor: Principal, status: str | None, cursor: str | None, limit: int):
    policy.require(actor, "registrations.alerts.work")
    stmt = select(RegistrationAlert, Registration, Establishment).join(
        Registration, Registration.id == RegistrationAlert.registration_id).join(
        Establishment, Establishment.id == Registration.establishment_id)
    if status:
        stmt = stmt.where(RegistrationAlert.status == status)
    return paginate_rows(session, stmt, RegistrationAlert.id, cursor, limit)


CURSOR_PATTERN = r"^[0-9]{1,18}$"  # the last id seen: the schema states it, so no cursor is ever "invalid"


def paginate_rows(session, stmt, key, cursor: str | None, limit: int, scalars: bool = False):
    """One page, newest first; ``cursor`` is the id of the last row of the previous page."""
    limit = max(1, min(int(limit or 50), 500))
    if cursor:  # ids are 32-bit integers: a larger cursor means "from the newest"
        stmt = stmt.where(key < min(int(cursor), 2_147_483_647))
    run = session.scalars if scalars else session.execute
    rows = list(run(stmt.order_by(key.desc()).limit(limit + 1)))
    last = rows[limit - 1] if len(rows) > limit else None
    nxt = str(last.id if scalars else last[0].id) if last is not None else None
    return rows[:limit], nxt


def decide_alert(session: Session, actor: Principal, alert_id: int, decision: str, reason: str,
                 open_case: bool = False, legal_basis: str = "") -> RegistrationAlert:
    """Confirm or dismiss a hit with a reason (audited); a confirmed hit can open a case on the person."""
    policy.require(actor, "registrations.alerts.work")
    if decision not in ("confirmed", "dismissed"):
        raise BadRequest("decision must be confirmed or dismissed")
    if len(reason.strip()) < 5:
        raise BadRequest("A decision needs its reason (at least 5 characters)")
    alert = get_or_404(session, RegistrationAlert, alert_id, f"No alert {alert_id}")
    if alert.status != "open":
        raise Conflict(f"Alert {alert_id} was already {alert.status}")
    alert.status, alert.reason, alert.decided_by, alert.decided_at = decision, reason.strip(), actor.username, clock.now()
    if open_case:
        if decision != "confirmed":
            raise BadRequest("Only a confirmed hit opens a case")
        alert.case_id = _open_case(session, actor, alert, legal_basis or "Registration hit confirmed: " + reason)
    audit.record(session, actor, "registrations.alert.decide", "registration_alert", alert.id,
                 detail={"decision": decision, "case_id": alert.case_id, "kind": alert.kind})
    return alert


def _open_case(session: Session, actor: Principal, alert: RegistrationAlert, legal_basis: str) -> int:
    from vigil.cases import service as cases
    from vigil.cases.schemas import CaseIn, SubjectIn

    reg = session.get(Registration, alert.registration_id)
    case = cases.create_case(session, actor, CaseIn(
        title=f"Registration hit ({alert.kind}): {reg.name}"[:200], summary=alert.detail + "\n" + alert.reason,
        legal_basis=legal_basis[:300], restricted=True))
    nationality = reg.nationality if len(reg.nationality) == 2 else ""
    cases.add_subject(session, actor, case.id, SubjectIn(full_name=reg.name[:300], date_of_birth=reg.dob,
                                                         nationality=nationality,
                                                         document_number=reg.document_number[:40]))
    return case.id


# ---------------------------------------------------------------- reading records

def own_submissions(session: Session, actor: Principal, status: str | None, cursor: str | None, limit: int):
    """A portal user's own establishment's records (and why one was rejected); nobody else's."""
    policy.require(actor, "registrations.submit")
    own = establishment_of(session, actor)
    if own is None:
        raise NotFound("You are not linked to an establishment")
    stmt = select(Registration).where(Registration.establishment_id == own.id)
    if status:
        stmt = stmt.where(Registration.status == status)
    rows, nxt = paginate_rows(session, stmt, Registration.id, cursor, limit, scalars=True)
    return own, rows, nxt


def search(session: Session, actor: Principal, purpose: str | None, case_reference: str, name: str = "",
           document_number: str = "", item: str = "", limit: int = 100) -> list[tuple[Registration, Establishment]]:
    """Officers search registrations for a stated purpose and a case (both audited); no bulk export."""
    policy.require(actor, "registrations.search")
    stated = policy.require_purpose(purpose)
    case_id = _case_id(session, actor, case_reference)
    if not (name.strip() or document_number.strip() or item.strip()):
        return []  # nothing asked, nothing read
    clauses = []
    if name.strip():
        clauses.append(func.lower(Registration.name).contains(name.strip().lower()))
    if document_number.strip():
        from vigil.registrations.core.validate import compact

        clauses.append(Registration.document_number == compact(document_number))
    if item.strip():
        clauses.append(Registration.item_number == "".join(c for c in item.upper() if c.isalnum()))
    rows = list(session.execute(select(Registration, Establishment).join(
        Establishment, Establishment.id == Registration.establishment_id).where(and_(*clauses))
        .order_by(Registration.id.desc()).limit(max(1, min(limit, 100)))))
    audit.record(session, actor, "personal_data.read", "registrations", "", purpose=stated,
                 detail={"case_id": case_id, "case_reference": case_reference, "results": len(rows),
                         "by": [k for k, t in (("name", name), ("document", document_number), ("item", item))
                                if t.strip()]})
    return [(r, e) for r, e in rows]


def _case_id(session: Session, actor: Principal, reference: str) -> int:
    from vigil.cases import service as cases
    from vigil.cases.models import Case

    case_id = session.scalar(select(Case.id).where(Case.reference == (reference or "").strip()))
    if case_id is None:
        raise NotFound(f"No case {reference!r}: a search needs the reference of a case you can read")
    cases.get_case(session, actor, case_id)  # one the caller may read, or NotFound
    return case_id


# ---------------------------------------------------------------- retention

def purge(session: Session, actor: Principal, as_of: datetime | None = None) -> int:
    """Delete the non-hit records whose retention has passed (rejected ones too); hits stay for the officers."""
    policy.require(actor, "registrations.purge")
    at = as_of or clock.now()
    gone = session.execute(delete(Registration).where(Registration.hit.is_(False), Registration.retain_until <= at)
                           .execution_options(synchronize_session=False)).rowcount or 0
    audit.record(session, actor, "registrations.purge", "registrations", "",
                 detail={"purged": gone, "as_of": at.isoformat()})
    return gone


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Registration.status, func.count()).group_by(Registration.status)).all()
    out = {s: n for s, n in rows}
    out["open_alerts"] = session.scalar(select(func.count()).select_from(RegistrationAlert).where(
        RegistrationAlert.status == "open")) or 0
    return out


__all__ = ["SECTORS", "add_establishment", "ingest", "purge", "search", "decide_alert", "rescreen_version",
           "rescreen_property"]
