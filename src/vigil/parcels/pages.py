"""Console: the flagged-parcel queue with the matched terms, and a classifier check."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from vigil.parcels import service
from vigil.parcels.catalogue import classifier_for
from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.registrations.service import CURSOR_PATTERN
from vigil.platform.identity.principal import Principal
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/parcels", include_in_schema=False)


@router.get("")
def home(request: Request, cursor: str | None = Query(None, pattern=CURSOR_PATTERN), who: Principal = Depends(current_principal)):
    rows, nxt = [], None
    with session_scope() as db:
        if policy.allowed(who, "parcels.queue.work"):
            rows, nxt = service.queue(db, who, "open", cursor, 50)
    items = [(p, json.loads(p.matched_terms), json.loads(p.sender_hits)) for p in rows]
    return render(request, "parcels/home.html", {"section": "parcels", "items": items, "next_cursor": nxt,
                                                 "can_edit": policy.allowed(who, "parcels.catalogue.edit")})


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
