from __future__ import annotations


from fastapi import APIRouter, Depends

from vigil.platform import policy
from vigil.platform.audit import service
from vigil.platform.audit.schemas import AuditEventOut, VerifyOut
from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.platform.types import Timestamp
from vigil.platform.pagination import Cursor, Limit, Page
from vigil.web.security import current_principal

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEventOut])
def list_events(actor: str = "", agency: str = "", action: str = "", record_type: str = "", record_id: str = "",
                since: Timestamp | None = None, until: Timestamp | None = None, cursor: Cursor = None,
                limit: Limit() = 100, who: Principal = Depends(current_principal)):
    flt = service.AuditFilter(actor, agency, action, record_type, record_id, since, until)
    with session_scope() as db:
        rows, nxt = service.search(db, who, flt, cursor, limit)
        return Page[AuditEventOut](items=[AuditEventOut.model_validate(r) for r in rows], next_cursor=nxt)


@router.get("/verify", response_model=VerifyOut)
def verify(who: Principal = Depends(current_principal)):
    policy.require(who, "audit.read")
    with session_scope() as db:
        result = service.verify(db)
    return VerifyOut(ok=result.ok, checked=result.checked, problem=result.problem, seq=result.seq)
