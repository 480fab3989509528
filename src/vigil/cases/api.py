from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from vigil.cases import service
from vigil.cases.schemas import CaseIn, CaseOut, SubjectIn, SubjectOut
from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.platform.pagination import Cursor, Limit, Page
from vigil.web.security import current_principal, declared_purpose

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.get("", response_model=Page[CaseOut])
def list_cases(cursor: Cursor = None, limit: Limit() = 50, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        rows, nxt = service.list_cases(db, who, cursor, limit)
        return Page[CaseOut](items=[CaseOut.model_validate(r) for r in rows], next_cursor=nxt)


@router.post("", response_model=CaseOut, status_code=201)
def create_case(data: CaseIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return CaseOut.model_validate(service.create_case(db, who, data))


@router.get("/{case_id}", response_model=CaseOut)
def get_case(case_id: int, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return CaseOut.model_validate(service.get_case(db, who, case_id))


@router.post("/{case_id}/subjects", response_model=SubjectOut, status_code=201)
def add_subject(case_id: int, data: SubjectIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return SubjectOut.model_validate(service.add_subject(db, who, case_id, data))


@router.get("/{case_id}/subjects", response_model=list[SubjectOut],
            description="Personal data: requires the X-Vigil-Purpose header (or ?purpose=); the read is audited.")
def read_subjects(case_id: int, request: Request, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        rows = service.read_subjects(db, who, case_id, declared_purpose(request))
        return [SubjectOut.model_validate(r) for r in rows]
