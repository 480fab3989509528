"""Console pages for shared intelligence (server-rendered; TLP filtered through the service)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from vigil.intel import service, sharing
from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.identity import service as identity
from vigil.platform.identity.principal import Principal
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render, templates

register_templates(Path(__file__).parent / "templates")
templates.env.globals["intel_can_manage_sharing"] = sharing.can_manage
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


# --- sharing groups and collection access (supervisors, administrators) ---------------------------------------------
def _manager(who: Principal = Depends(current_principal)) -> Principal:
    policy.require(who, sharing.MANAGE)
    return who


def _back() -> RedirectResponse:
    return RedirectResponse("/intel/sharing", status_code=303)


@router.get("/sharing")
def sharing_page(request: Request, who: Principal = Depends(_manager)):
    with session_scope() as db:
        ctx = {"groups": sharing.list_groups(db, who), "collections": sharing.list_collection_access(db, who),
               "agencies": identity.list_agencies(db)}
    return render(request, "intel/sharing.html", {"section": "intel", **ctx})


@router.post("/sharing/groups")
def sharing_group_create(request: Request, name: str = Form(""), description: str = Form(""),
                         agencies: list[str] = Form(default=[]), who: Principal = Depends(_manager)):
    with session_scope() as db:
        sharing.create_group(db, who, name, description, [a for a in agencies if a])
    return _back()


@router.post("/sharing/groups/{group_id}/update")
def sharing_group_update(request: Request, group_id: int, name: str = Form(""), description: str = Form(""),
                         who: Principal = Depends(_manager)):
    with session_scope() as db:
        sharing.update_group(db, who, group_id, name, description)
    return _back()


@router.post("/sharing/groups/{group_id}/delete")
def sharing_group_delete(request: Request, group_id: int, who: Principal = Depends(_manager)):
    with session_scope() as db:
        sharing.delete_group(db, who, group_id)
    return _back()


@router.post("/sharing/groups/{group_id}/members")
def sharing_member_add(request: Request, group_id: int, agency: str = Form(""), who: Principal = Depends(_manager)):
    with session_scope() as db:
        sharing.add_member(db, who, group_id, agency)
    return _back()


@router.post("/sharing/groups/{group_id}/members/{agency}/remove")
def sharing_member_remove(request: Request, group_id: int, agency: str, who: Principal = Depends(_manager)):
    with session_scope() as db:
        sharing.remove_member(db, who, group_id, agency)
    return _back()


@router.post("/sharing/collections/{collection_id}/access")
def sharing_collection_access(request: Request, collection_id: str, open_read: str = Form("1"),
                              open_write: str = Form("1"), who: Principal = Depends(_manager)):
    with session_scope() as db:
        sharing.set_open(db, who, collection_id, open_read == "1", open_write == "1")
    return _back()


@router.post("/sharing/collections/{collection_id}/grants")
def sharing_grant(request: Request, collection_id: str, agency: str = Form(""), can_read: str | None = Form(None),
                  can_write: str | None = Form(None), who: Principal = Depends(_manager)):
    with session_scope() as db:
        sharing.set_grant(db, who, collection_id, agency, bool(can_read), bool(can_write))
    return _back()


@router.post("/sharing/collections/{collection_id}/grants/{agency}/revoke")
def sharing_revoke(request: Request, collection_id: str, agency: str, who: Principal = Depends(_manager)):
    with session_scope() as db:
        sharing.revoke_grant(db, who, collection_id, agency)
    return _back()


@router.get("/objects/{stix_id}")
def intel_detail(request: Request, stix_id: str, who: Principal = Depends(current_principal)):
    with session_scope() as db:
        row = service.get_latest(db, who, stix_id)
        vers = service.versions(db, who, stix_id)
        rel = service.related(db, who, stix_id)
        obj = service.loads(row)
    return render(request, "intel/detail.html", {"section": "intel", "row": row, "obj": obj, "versions": vers,
                                                 "related": rel, "pretty": json.dumps(obj, indent=2)})
