"""Tip-line use cases. The public side (submit, status, answer, attach) needs no login and records no network
address; the officers' side asks policy for every action and audits it in the same transaction. Reads of a
reporter's or a volunteer's contact data need a stated purpose and are audited with it."""
from __future__ import annotations


from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.platform import clock, files, policy
from vigil.platform.audit import service as audit
from vigil.platform.database import get_or_404
from vigil.platform.errors import Conflict, NotFound, Problem
from vigil.platform.identity.principal import Principal
from vigil.tips.core import codes, spam
from vigil.tips.models import PatrolShift, Tip, TipFile, TipQuestion, TipReward, Volunteer
from vigil.tips.schemas import AnswerIn, LinkCase, LinkIn, PublicTipIn, RewardIn, ShiftIn, VolunteerIn

# Who the public side acts as in the audit log: no user, no address.
PUBLIC = Principal(user_id=0, username="public", agency_id=0, agency_code="-", role="viewer", clearance=0,
                   via="system")
TIP_RETENTION_DAYS = 730
MAX_FILES_PER_TIP = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
DUPLICATE_WINDOW = timedelta(days=2)


class ResponseMissing(Problem):
    def __init__(self):
        super().__init__(404, "rapid response is not installed: link the tip to an existing incident reference "
                              "instead", title="Rapid response is not installed")


# ---- public side -------------------------------------------------------------------------------------------------

def submit(session: Session, data: PublicTipIn) -> tuple[Tip, str]:
    """Store a tip and return it with its code (shown once). Spam by content is refused (422)."""
    try:
        spam.check_content(data.text)
    except spam.Spam as exc:
        raise Problem(403, str(exc), title="The report looks like spam") from None
    now = clock.now()
    code = codes.new_code()
    tip = Tip(code_hash=codes.code_hash(code), category=data.category, text=data.text, place=data.place or "",
              lat=data.position.lat if data.position else None,
              lon=data.position.lon if data.position else None, contact=data.contact or "", created_at=now, updated_at=now,
              retention_until=(now + timedelta(days=TIP_RETENTION_DAYS)).date(),
              duplicate_of=_earlier_same_text(session, data.text, now), flag=spam.suspicion(data.text))
    session.add(tip)
    session.flush()
    audit.record(session, PUBLIC, "tip.submit", "tip", tip.id,
                 detail={"category": tip.category, "anonymous": not tip.contact})
    return tip, code


def _earlier_same_text(session: Session, text: str, now: datetime) -> int | None:
    """Repeated reports are kept (several people may see the same thing) but marked for triage."""
    normal = " ".join(text.lower().split())
    for tip_id, other in session.execute(select(Tip.id, Tip.text).where(
            Tip.created_at >= now - DUPLICATE_WINDOW, func.length(Tip.text) == len(text)).limit(200)):
        if " ".join(other.lower().split()) == normal:
            return tip_id
    return None


def by_code(session: Session, typed: str) -> Tip:
    code = codes.normalise(typed)
    tip = session.scalar(select(Tip).where(Tip.code_hash == codes.code_hash(code))) if code else None
    if tip is None:
        raise NotFound("No tip with this code")
    return tip


def answer(session: Session, typed_code: str, data: AnswerIn) -> TipQuestion:
    tip = by_code(session, typed_code)
    question = next((q for q in tip.questions if q.id == data.question_id), None)
    if question is None:
        raise NotFound("No such question on this tip")
    if tip.status == "closed":
        raise Conflict("This tip is closed")
    if question.answered_at is not None:
        raise Conflict("This question has already been answered")
    question.answer, question.answered_at = data.answer, clock.now()
    if all(q.answered_at is not None for q in tip.questions):
        tip.status = "in_review"
    tip.updated_at = clock.now()
    audit.record(session, PUBLIC, "tip.answer", "tip", tip.id, detail={"question": question.id})
    return question


def attach(session: Session, typed_code: str, data: bytes) -> TipFile:
    """A file for a tip: its type by content (PDF, text, images), size-limited, stored outside the web root."""
    tip = by_code(session, typed_code)
    if tip.status == "closed":
        raise Conflict("This tip is closed")
    if len(tip.files) >= MAX_FILES_PER_TIP:
        raise Conflict(f"A tip takes at most {MAX_FILES_PER_TIP} files")
    stored = files.store(data, files.DOCUMENTS, MAX_FILE_BYTES, "attachment")
    item = TipFile(tip_id=tip.id, sha256=stored.sha256, kind=stored.kind, size=stored.size)
    tip.files.append(item)
    session.flush()
    audit.record(session, PUBLIC, "tip.file", "tip", tip.id, detail={"kind": stored.kind, "size": stored.size})
    return item


# ---- officers ----------------------------------------------------------------------------------------------------

def list_tips(session: Session, actor: Principal, status: str | None = None, limit: int = 100) -> list[Tip]:
    policy.require(actor, "tips.read")
    stmt = select(Tip).order_by(Tip.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Tip.status == status)
    return list(session.scalars(stmt))


def get_tip(session: Session, actor: Principal, tip_id: int) -> Tip:
    policy.require(actor, "tips.read")
    return get_or_404(session, Tip, tip_id, f"No tip {tip_id}")


def _triage(session: Session, actor: Principal, tip_id: int) -> Tip:
    policy.require(actor, "tips.triage")
    tip = get_tip(session, actor, tip_id)
    if tip.status == "closed":
        raise Conflict("This tip is closed")
    return tip


def link(session: Session, actor: Principal, tip_id: int, data: LinkIn) -> Tip:
    tip = _triage(session, actor, tip_id)
    if isinstance(data, LinkCase):
        from vigil.cases import service as cases

        case = cases.get_case(session, actor, data.case_id)  # 404 for a case the officer may not see
        tip.case_id = case.id
        detail = {"case": case.reference}
    else:
        tip.incident_ref = data.incident_ref
        detail = {"incident": data.incident_ref}
    _touch(tip, "in_review")
    audit.record(session, actor, "tip.link", "tip", tip.id, detail=detail)
    return tip


def create_incident(session: Session, actor: Principal, tip_id: int) -> str:
    """Open a rapid-response incident from the tip (when that capability is installed) and link it."""
    tip = _triage(session, actor, tip_id)
    try:
        from vigil.response import service as response
    except ModuleNotFoundError as exc:
        if exc.name and "vigil.response".startswith(exc.name):
            raise ResponseMissing() from None
        raise
    incident = response.create_incident_from_tip(session, actor, tip.category, tip.text, tip.lat, tip.lon,
                                                 f"tip-{tip.id}")
    tip.incident_ref = str(incident)[:64]
    _touch(tip, "in_review")
    audit.record(session, actor, "tip.incident", "tip", tip.id, detail={"incident": tip.incident_ref})
    return tip.incident_ref


def ask(session: Session, actor: Principal, tip_id: int, question: str) -> TipQuestion:
    tip = _triage(session, actor, tip_id)
    item = TipQuestion(tip_id=tip.id, question=question, asked_by=actor.username, asked_at=clock.now())
    tip.questions.append(item)
    _touch(tip, "awaiting_reply")
    session.flush()
    audit.record(session, actor, "tip.question", "tip", tip.id, detail={"question": item.id})
    return item


def close(session: Session, actor: Principal, tip_id: int, outcome: str) -> Tip:
    tip = _triage(session, actor, tip_id)
    tip.outcome = outcome
    _touch(tip, "closed")
    tip.closed_at = tip.updated_at
    audit.record(session, actor, "tip.close", "tip", tip.id, detail={"outcome": outcome[:100]})
    return tip


def reward(session: Session, actor: Principal, tip_id: int, data: RewardIn) -> TipReward:
    """Record a reward for a tip that helped (the tip must have been linked to an incident or a case)."""
    policy.require(actor, "tips.reward")
    tip = get_tip(session, actor, tip_id)
    if not tip.incident_ref and tip.case_id is None:
        raise Conflict("Only a tip linked to an incident or a case can be rewarded")
    item = TipReward(tip_id=tip.id, amount_cents=data.amount_cents, currency=data.currency, reason=data.reason,
                     status=data.status, recorded_by=actor.username, created_at=clock.now())
    tip.rewards.append(item)
    session.flush()
    audit.record(session, actor, "tip.reward", "tip", tip.id,
                 detail={"amount_cents": data.amount_cents, "currency": data.currency})
    return item


def read_contact(session: Session, actor: Principal, tip_id: int, purpose: str | None) -> str:
    tip = get_tip(session, actor, tip_id)
    policy.require(actor, "personal_data.read")
    stated = policy.require_purpose(purpose)
    audit.record(session, actor, "personal_data.read", "tip", tip.id, purpose=stated, detail={"field": "contact"})
    return tip.contact


def tip_file(session: Session, actor: Principal, tip_id: int, file_id: int) -> files.StoredFile:
    tip = get_tip(session, actor, tip_id)
    item = next((f for f in tip.files if f.id == file_id), None)
    if item is None:
        raise NotFound("No such file on this tip")
    audit.record(session, actor, "tip.file.read", "tip", tip.id, detail={"file": item.id})
    return files.StoredFile(item.sha256, item.kind, item.size)


def _touch(tip: Tip, status: str) -> None:
    tip.status, tip.updated_at = status, clock.now()


def counts(session: Session, actor: Principal) -> dict[str, int]:
    policy.require(actor, "tips.read")
    return dict(session.execute(select(Tip.status, func.count()).group_by(Tip.status)).all())


# ---- volunteers and patrol shifts ----------------------------------------------------------------------------

def create_volunteer(session: Session, actor: Principal, data: VolunteerIn) -> Volunteer:
    policy.require(actor, "volunteers.manage")
    now = clock.now()
    item = Volunteer(agency_id=actor.agency_id, display_name=data.display_name, phone=data.phone,
                     email=data.email, area=data.area, consent_text=data.consent_text, consent_at=now,
                     retention_until=(now + timedelta(days=data.retention_days)).date(),
                     created_by=actor.username, created_at=now)
    session.add(item)
    session.flush()
    audit.record(session, actor, "volunteer.create", "volunteer", item.id, detail={"area": item.area})
    return item


def list_volunteers(session: Session, actor: Principal) -> list[Volunteer]:
    policy.require(actor, "volunteers.read")
    return list(session.scalars(select(Volunteer).where(Volunteer.agency_id == actor.agency_id)
                                .order_by(Volunteer.display_name)))


def get_volunteer(session: Session, actor: Principal, volunteer_id: int) -> Volunteer:
    policy.require(actor, "volunteers.read")
    item = session.get(Volunteer, volunteer_id)
    if item is None or item.agency_id != actor.agency_id:  # volunteers belong to their agency
        raise NotFound(f"No volunteer {volunteer_id}")
    return item


def volunteer_contact(session: Session, actor: Principal, volunteer_id: int, purpose: str | None) -> Volunteer:
    item = get_volunteer(session, actor, volunteer_id)
    policy.require(actor, "personal_data.read")
    stated = policy.require_purpose(purpose)
    audit.record(session, actor, "personal_data.read", "volunteer", item.id, purpose=stated,
                 detail={"fields": ["phone", "email"]})
    return item


def add_shift(session: Session, actor: Principal, volunteer_id: int, data: ShiftIn) -> PatrolShift:
    policy.require(actor, "volunteers.manage")
    volunteer = get_volunteer(session, actor, volunteer_id)
    if not volunteer.active:
        raise Conflict("This volunteer is not active")
    if data.starts_at.year > 9000:  # its end would not be a representable time
        raise Conflict("A shift must start before the year 9000")
    clash = session.scalar(select(PatrolShift.id).where(
        PatrolShift.volunteer_id == volunteer.id, PatrolShift.status != "cancelled",
        PatrolShift.starts_at < data.ends_at, PatrolShift.ends_at > data.starts_at).limit(1))
    if clash:
        raise Conflict(f"The volunteer already has shift {clash} at that time")
    shift = PatrolShift(volunteer_id=volunteer.id, area=data.area, starts_at=data.starts_at, ends_at=data.ends_at,
                        notes=data.notes or "", created_by=actor.username)
    session.add(shift)
    session.flush()
    audit.record(session, actor, "volunteer.shift", "patrol_shift", shift.id, detail={"volunteer": volunteer.id})
    return shift


def set_shift_status(session: Session, actor: Principal, shift_id: int, status: str) -> PatrolShift:
    policy.require(actor, "volunteers.manage")
    shift = get_or_404(session, PatrolShift, shift_id, f"No shift {shift_id}")
    get_volunteer(session, actor, shift.volunteer_id)
    shift.status = status
    audit.record(session, actor, "volunteer.shift.status", "patrol_shift", shift.id, detail={"status": status})
    return shift


def list_shifts(session: Session, actor: Principal, start: datetime | None = None,
                end: datetime | None = None) -> list[PatrolShift]:
    policy.require(actor, "volunteers.read")
    stmt = (select(PatrolShift).join(Volunteer).where(Volunteer.agency_id == actor.agency_id)
            .order_by(PatrolShift.starts_at))
    if start:
        stmt = stmt.where(PatrolShift.ends_at >= start)
    if end:
        stmt = stmt.where(PatrolShift.starts_at < end)
    return list(session.scalars(stmt.limit(500)))


# ---- retention ----------------------------------------------------------------------------------------------

def purge(session: Session, today) -> tuple[int, int]:
    """Delete tips and volunteers past their retention date (files no other tip refers to go too)."""
    tips = list(session.scalars(select(Tip).where(Tip.retention_until < today)))
    hashes = {f.sha256 for t in tips for f in t.files}
    for tip in tips:
        session.delete(tip)
    volunteers = list(session.scalars(select(Volunteer).where(Volunteer.retention_until < today)))
    for item in volunteers:
        session.delete(item)
    session.flush()
    still_used = set(session.scalars(select(TipFile.sha256).where(TipFile.sha256.in_(hashes)))) if hashes else set()
    for digest in hashes - still_used:
        files.delete(digest)
    return len(tips), len(volunteers)


