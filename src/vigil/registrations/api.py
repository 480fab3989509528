"""Registrations API: establishments, batches of records, the portal's own records, alerts, purpose-bound search."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.platform.pagination import Page
from vigil.platform.types import QUERY_TEXT
from vigil.registrations import service
from vigil.registrations.schemas import (
    AlertOut,
    BatchIn,
    BatchOut,
    DecisionIn,
    EstablishmentIn,
    EstablishmentOut,
    OutcomeOut,
    RegistrationOut,
    SearchHit,
)
from vigil.registrations.service import CURSOR_PATTERN
from vigil.web.security import current_principal, declared_purpose

router = APIRouter(prefix="/api/v1/registrations", tags=["registrations"])


@router.get("/establishments", response_model=list[EstablishmentOut])
def establishments(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [EstablishmentOut.model_validate(e) for e in service.list_establishments(db, who)]


@router.post("/establishments", response_model=EstablishmentOut, status_code=201)
def add_establishment(data: EstablishmentIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return EstablishmentOut.model_validate(service.add_establishment(
            db, who, data.licence, data.sector, data.name, data.retention_days))


@router.post("/batches", response_model=BatchOut,
             description="Submit up to 10,000 records in one transaction. Each record is answered accepted, "
                         "rejected (with reasons) or duplicate (same establishment and record id already stored); "
                         "accepted records are screened on arrival and their alerts returned.")
def submit(data: BatchIn, who: Principal = Depends(current_principal)):
    rows = [(n + 1, r.model_dump(), None) for n, r in enumerate(data.records)]
    with session_scope() as db:
        outcomes = service.ingest(db, who, rows)
    return BatchOut(results=[OutcomeOut(**_api_outcome(o)) for o in outcomes])


def _api_outcome(o: service.Outcome) -> dict:
    # "line N" of the API is the record's position in the batch (1-based)
    return {**o.to_dict(), "reasons": [r.replace("line ", "record ", 1) for r in o.reasons]}


@router.get("/mine", response_model=Page[RegistrationOut],
            description="An establishment user's own records (personal data they sent), newest first.")
def mine(status: Literal["accepted", "rejected"] | None = None, cursor: str | None = Query(None, pattern=CURSOR_PATTERN),
         limit: int = Query(50, ge=1, le=500), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        _, rows, nxt = service.own_submissions(db, who, status, cursor, limit)
        return Page[RegistrationOut](items=[RegistrationOut.model_validate(r) for r in rows], next_cursor=nxt)


def alert_out(alert, reg, est) -> AlertOut:
    return AlertOut(id=alert.id, kind=alert.kind, detail=alert.detail, score=alert.score, status=alert.status,
                    reason=alert.reason, decided_by=alert.decided_by, case_id=alert.case_id,
                    created_at=alert.created_at, establishment=est.licence, record_id=reg.record_id, name=reg.name,
                    dob=reg.dob, nationality=reg.nationality, document_number=reg.document_number)


@router.get("/alerts", response_model=Page[AlertOut], description="The alert queue (officers, analyst and above).")
def alerts(status: Literal["open", "confirmed", "dismissed"] | None = "open", cursor: str | None = Query(None, pattern=CURSOR_PATTERN),
           limit: int = Query(50, ge=1, le=200), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        rows, nxt = service.list_alerts(db, who, status, cursor, limit)
        return Page[AlertOut](items=[alert_out(*r) for r in rows], next_cursor=nxt)


@router.post("/alerts/{alert_id}/decision", response_model=AlertOut,
             description="Confirm or dismiss a hit with a reason (audited); `open_case` opens a case on the person "
                         "(operator and above).")
def decide(alert_id: Annotated[int, Path(ge=1, le=2_147_483_647)], data: DecisionIn, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        alert = service.decide_alert(db, who, alert_id, data.decision, data.reason, data.open_case, data.legal_basis)
        reg = db.get(service.Registration, alert.registration_id)
        est = db.get(service.Establishment, reg.establishment_id)
        return alert_out(alert, reg, est)


@router.get("/search", response_model=list[SearchHit],
            description="Personal data: requires X-Vigil-Purpose and the reference of a case; audited. At most 100 "
                        "records; there is no bulk export.")
def search(request: Request, case_reference: str = Query(..., min_length=3, max_length=40, pattern=QUERY_TEXT),
           name: str = Query("", max_length=200, pattern=QUERY_TEXT),
           document_number: str = Query("", max_length=64, pattern=QUERY_TEXT),
           item: str = Query("", max_length=64, pattern=QUERY_TEXT), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        rows = service.search(db, who, declared_purpose(request), case_reference, name, document_number, item)
        return [SearchHit(establishment=e.licence, registration=RegistrationOut.model_validate(r)) for r, e in rows]
