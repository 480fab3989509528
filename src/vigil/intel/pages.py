"""Console pages for shared intelligence (server-rendered; TLP filtered through the service)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from vigil.intel import service
from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/intel", include_in_schema=False)


@router.get("")
def intel_list(request: Request, q: str = "", type: str = "", cursor: str | None = None,
               who: Principal = Depends(current_principal)):
    policy.require(who, "intel.read")
    flt = service.SearchFilter(q=q, types=[type] if type else ["report"] if not q else [])
    with session_scope() as db:
        rows, nxt = service.search(db, who, flt, cursor, 50)
        counts = service.count_by_type(db, who)
    return render(request, "intel/list.html", {"section": "intel", "objects": rows, "next_cursor": nxt, "q": q,
                                               "type": type, "counts": counts})


@router.get("/graph")
def intel_graph(request: Request, center: str = "", depth: int = Query(2, ge=0, le=5),
                who: Principal = Depends(current_principal)):
    policy.require(who, "intel.read")
    return render(request, "intel/graph.html", {"section": "intel", "center": center, "depth": depth})


@router.get("/suggestions")
def intel_suggestions(request: Request, who: Principal = Depends(current_principal)):
    from vigil.intel import correlate

    with session_scope() as db:
        rows = correlate.list_suggestions(db, who, "open")
    return render(request, "intel/suggestions.html", {"section": "intel", "suggestions": rows})


@router.post("/suggestions/{suggestion_id}")
def intel_decide(request: Request, suggestion_id: int, decision: str = Form(...),
                 who: Principal = Depends(current_principal)):
    from vigil.intel import correlate

    with session_scope() as db:
        correlate.decide(db, who, suggestion_id, decision == "accept")
    return RedirectResponse("/intel/suggestions", status_code=303)


@router.get("/objects/{stix_id}")
def intel_detail(request: Request, stix_id: str, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        row = service.get_latest(db, who, stix_id)
        vers = service.versions(db, who, stix_id)
        rel = service.related(db, who, stix_id)
        obj = service.loads(row)
    return render(request, "intel/detail.html", {"section": "intel", "row": row, "obj": obj, "versions": vers,
                                                 "related": rel, "pretty": json.dumps(obj, indent=2)})
