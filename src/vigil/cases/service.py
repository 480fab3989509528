"""Case use cases. Policy decides every access; personal-data reads are audited with their purpose."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.cases.models import Case, CaseSubject
from vigil.cases.schemas import CaseIn, SubjectIn
from vigil.platform import policy
from vigil.platform.audit import service as audit
from vigil.platform.database import utcnow
from vigil.platform.errors import NotFound
from vigil.platform.identity.principal import Principal
from vigil.platform.pagination import paginate


def resource_of(case: Case) -> policy.Resource:
    return policy.Resource(agency_id=case.agency_id, restricted=case.restricted, classification=case.classification)


def create_case(session: Session, actor: Principal, data: CaseIn) -> Case:
    policy.require(actor, "record.write")
    count = session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0
    case = Case(reference=f"{actor.agency_code.upper()}-{utcnow():%Y}-{count + 1:05d}", title=data.title,
                summary=data.summary, agency_id=actor.agency_id, restricted=data.restricted,
                classification=min(data.classification, actor.clearance), legal_basis=data.legal_basis,
                retention_until=(utcnow() + timedelta(days=data.retention_days)).date(), created_by=actor.username)
    session.add(case)
    session.flush()
    audit.record(session, actor, "case.create", "case", case.id, detail={"reference": case.reference})
    return case


def get_case(session: Session, actor: Principal, case_id: int) -> Case:
    case = session.get(Case, case_id)
    # A record the caller may not read is reported as absent: its existence is not disclosed.
    if case is None or not policy.allowed(actor, "record.read", resource_of(case)):
        raise NotFound(f"No case {case_id}")
    return case


def list_cases(session: Session, actor: Principal, cursor: str | None, limit: int) -> tuple[list[Case], str | None]:
    policy.require(actor, "record.read")
    stmt = select(Case).where(policy.visible_clause(actor, Case.agency_id, Case.restricted, Case.classification))
    return paginate(session, stmt, Case.id, cursor, limit)


def add_subject(session: Session, actor: Principal, case_id: int, data: SubjectIn) -> CaseSubject:
    case = get_case(session, actor, case_id)
    policy.require(actor, "record.write", resource_of(case))
    subject = CaseSubject(case_id=case.id, **data.model_dump())
    session.add(subject)
    session.flush()
    audit.record(session, actor, "case.subject.add", "case_subject", subject.id, detail={"case": case.reference})
    return subject


def read_subjects(session: Session, actor: Principal, case_id: int, purpose: str | None) -> list[CaseSubject]:
    case = get_case(session, actor, case_id)
    policy.require(actor, "personal_data.read", resource_of(case))
    stated = policy.require_purpose(purpose)
    audit.record(session, actor, "personal_data.read", "case", case.id, purpose=stated,
                 detail={"subjects": len(case.subjects)})
    return list(case.subjects)
