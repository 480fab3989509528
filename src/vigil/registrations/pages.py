"""Console: the establishment portal (own records, CSV upload with reasons) and the officers' alert queue."""

from __future__ import annotations

import io
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.registrations.service import CURSOR_PATTERN
from vigil.platform.errors import BadRequest
from vigil.platform.identity.principal import Principal
from vigil.registrations import service
from vigil.registrations.core.validate import CARRIER_SECTOR
from vigil.registrations.core.csvin import CsvFormatError, read_rows, text_lines
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/registrations", include_in_schema=False)
MAX_UPLOAD_ROWS = 10_000


@router.get("")
def home(request: Request, cursor: str | None = Query(None, pattern=CURSOR_PATTERN),
         who: Principal = Depends(current_principal)):
    context = _home_context(who, cursor)
    if context["own"] is not None and context["own"].sector == CARRIER_SECTOR:
        return RedirectResponse("/parcels", status_code=303)  # a carrier's portal is its manifests
    return render(request, "registrations/home.html", context)


def _home_context(who: Principal, cursor: str | None) -> dict:
    with session_scope() as db:
        own = service.establishment_of(db, who)
        ctx = {"section": "registrations", "own": own, "records": [], "alerts": [], "next_cursor": None}
        if own is not None:
            _, ctx["records"], ctx["next_cursor"] = service.own_submissions(db, who, None, cursor, 50)
        if policy.allowed(who, "registrations.alerts.work"):
            ctx["alerts"], ctx["next_cursor"] = service.list_alerts(db, who, "open", cursor, 50)
            ctx["counts"] = service.counts(db)
    return ctx


def _ingest_upload(data: bytes, who: Principal) -> list[service.Outcome]:
    try:
        rows = list(read_rows(text_lines(io.BytesIO(data))))
    except CsvFormatError as exc:
        raise BadRequest(f"CSV rejected: {exc}") from None
    if len(rows) > MAX_UPLOAD_ROWS:
        raise BadRequest(f"At most {MAX_UPLOAD_ROWS} rows per upload")
    with session_scope() as db:  # one transaction: the whole file or nothing
        return service.ingest(db, who, rows)


@router.post("/upload")
async def upload(request: Request, file: UploadFile = File(...), who: Principal = Depends(current_principal)):
    data = await file.read()
    outcomes = await run_in_threadpool(_ingest_upload, data, who)
    shown = {"outcomes": outcomes, "show_alerts": policy.allowed(who, "registrations.screening_results")}
    if request.headers.get("hx-request"):
        return render(request, "registrations/_results.html", shown)
    context = await run_in_threadpool(_home_context, who, None)  # without JavaScript: the whole page
    return render(request, "registrations/home.html", {**context, **shown})


@router.post("/alerts/{alert_id}/decide")
def decide(alert_id: int, decision: str = Form(""), reason: str = Form(""), open_case: bool = Form(False),
           who: Principal = Depends(current_principal)):
    with session_scope() as db:
        service.decide_alert(db, who, alert_id, decision, reason, open_case)
    return RedirectResponse("/registrations", status_code=303)
