from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.identity import service
from vigil.platform.identity.principal import ROLES, Principal
from vigil.platform.identity.schemas import AgencyIn, UserIn
from vigil.web.forms import form_model
from vigil.web.security import current_principal
from vigil.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)


def _admin_page(request: Request, new_token: str | None = None):
    with session_scope() as db:
        ctx = {"agencies": service.list_agencies(db), "users": service.list_users(db),
               "tokens": service.list_tokens(db)}
    return render(request, "admin.html", {"section": "admin", "roles": ROLES, "new_token": new_token, **ctx})


@router.get("")
def admin_home(request: Request, who: Principal = Depends(current_principal)):
    policy.require(who, "admin.manage")
    return _admin_page(request)


@router.post("/agencies")
def agency_create(request: Request, code: str = Form(""), name: str = Form(""), kind: str = Form("police"),
                  country: str = Form(""), who: Principal = Depends(current_principal)):
    policy.require(who, "admin.manage")
    data = form_model(AgencyIn, code=code.lower(), name=name, kind=kind, country=country.upper())
    with session_scope() as db:
        service.create_agency(db, who, data.code, data.name, data.kind, data.country)
    return RedirectResponse("/admin", status_code=303)


@router.post("/users")
def user_create(request: Request, username: str = Form(""), password: str = Form(""), agency: str = Form(""),
                role: str = Form("viewer"), clearance: int = Form(1), who: Principal = Depends(current_principal)):
    policy.require(who, "admin.manage")
    data = form_model(UserIn, username=username.lower(), password=password, agency=agency, role=role,
                      clearance=clearance)
    with session_scope() as db:
        service.create_user(db, who, data.username, data.password, data.agency, data.role, data.clearance)
    return RedirectResponse("/admin", status_code=303)


@router.post("/tokens")
def token_create(request: Request, username: str = Form(""), name: str = Form("api"),
                 who: Principal = Depends(current_principal)):
    policy.require(who, "admin.manage")
    with session_scope() as db:
        _, secret = service.create_token(db, who, username, name)
    # Shown once in this response; only its digest is stored.
    return _admin_page(request, new_token=secret)


@router.post("/tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: int, who: Principal = Depends(current_principal)):
    policy.require(who, "admin.manage")
    with session_scope() as db:
        service.revoke_token(db, who, token_id)
    return RedirectResponse("/admin", status_code=303)
