from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request

from vigil.platform.audit import service
from vigil.platform.database import session_scope
from vigil.platform.errors import BadRequest
from vigil.platform.identity.principal import Principal
from vigil.web.security import current_principal
from vigil.web.templating import render

router = APIRouter(prefix="/audit", include_in_schema=False)


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"Not a date: {value!r} (use YYYY-MM-DD)") from None


@router.get("")
def audit_page(request: Request, actor: str = "", agency: str = "", action: str = "", record_type: str = "",
               since: str = "", until: str = "", cursor: str | None = None,
               who: Principal = Depends(current_principal)):
    flt = service.AuditFilter(actor=actor, agency=agency, action=action, record_type=record_type,
                              since=_date(since), until=_date(until))
    with session_scope() as db:
        rows, nxt = service.search(db, who, flt, cursor, 100)
    params = {"actor": actor, "agency": agency, "action": action, "record_type": record_type, "since": since,
              "until": until}
    return render(request, "audit.html", {"section": "audit", "events": rows, "next_cursor": nxt, "f": params})
