"""Console: the carrier portal (manifest upload, own parcels), the flagged-parcel queue with the matched terms, and a
classifier check."""

from __future__ import annotations

import io
import json
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from vigil.parcels import service
from vigil.parcels.catalogue import classifier_for
from vigil.parcels.core.manifest import REQUIRED_COLUMNS
from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.errors import BadRequest
from vigil.registrations import service as registrations
from vigil.registrations.core.csvin import CsvFormatError, read_rows, text_lines
from vigil.registrations.core.validate import CARRIER_SECTOR
from vigil.registrations.service import CURSOR_PATTERN
from vigil.platform.identity.principal import Principal
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/parcels", include_in_schema=False)


@router.get("")
def home(request: Request, cursor: str | None = Query(None, pattern=CURSOR_PATTERN), who: Principal = Depends(current_principal)):
    return render(request, "parcels/home.html", _home_context(who, cursor))


def _home_context(who: Principal, cursor: str | None) -> dict:
    rows, nxt, own, mine = [], None, None, []
    with session_scope() as db:
        if policy.allowed(who, "parcels.queue.work"):
            rows, nxt = service.queue(db, who, "open", cursor, 50)
        carrier = registrations.establishment_of(db, who)
        if carrier is not None and carrier.sector == CARRIER_SECTOR:
            own, mine, nxt = service.own_parcels(db, who, cursor, 50)
    items = [(p, json.loads(p.matched_terms), json.loads(p.sender_hits)) for p in rows]
    return {"section": "parcels", "items": items, "next_cursor": nxt, "own": own, "mine": mine,
            "can_submit_any": policy.allowed(who, "parcels.submit_any"),
            "can_edit": policy.allowed(who, "parcels.catalogue.edit")}


def _submit_upload(data: bytes, licence: str, who: Principal) -> list[service.ParcelOutcome]:
    try:
        rows = list(read_rows(text_lines(io.BytesIO(data)), required=REQUIRED_COLUMNS))
    except CsvFormatError as exc:
        raise BadRequest(f"CSV rejected: {exc}") from None
    if len(rows) > service.MAX_BATCH:
        raise BadRequest(f"At most {service.MAX_BATCH} parcels per upload")
    with session_scope() as db:  # one transaction: the whole file or nothing
        if not licence:
            own = registrations.establishment_of(db, who)
            licence = own.licence if own is not None else ""
        if not licence:
            raise BadRequest("Name the carrier's licence")
        return service.submit_manifest_rows(db, who, licence, rows)


@router.post("/upload")
async def upload(request: Request, file: UploadFile = File(...), carrier: str = Form(""),
                 who: Principal = Depends(current_principal)):
    outcomes = await run_in_threadpool(_submit_upload, await file.read(), carrier.strip(), who)
    shown = {"outcomes": outcomes, "show_alerts": policy.allowed(who, "registrations.screening_results")}
    if request.headers.get("hx-request"):
        return render(request, "parcels/_submitted.html", shown)
    context = await run_in_threadpool(_home_context, who, None)  # without JavaScript: the whole page
    return render(request, "parcels/home.html", {**context, **shown})


@router.post("/classify")
def classify(request: Request, lines: str = Form(""), who: Principal = Depends(current_principal)):
    policy.require(who, "parcels.classify")
    with session_scope() as db:
        classifier = classifier_for(db)
    results = [classifier.classify(line) for line in lines.splitlines()[:200] if line.strip()]
    return render(request, "parcels/_classified.html", {"results": results})


@router.post("/{parcel_id}/decide")
def decide(parcel_id: int, decision: str = Form(""), reason: str = Form(""),
           who: Principal = Depends(current_principal)):
    with session_scope() as db:
        service.decide(db, who, parcel_id, decision, reason)
    return RedirectResponse("/parcels", status_code=303)
