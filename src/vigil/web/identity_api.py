from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.errors import Problem
from vigil.platform.identity import service
from vigil.platform.identity.principal import Principal
from vigil.platform.identity.schemas import (AgencyIn, AgencyOut, LoginIn, Me, TokenCreated, TokenIn, TokenOut,
                                             UserIn, UserOut)
from vigil.web.security import current_principal, start_session

router = APIRouter(prefix="/api/v1", tags=["identity"])


def administrator(who: Principal = Depends(current_principal)) -> Principal:
    """The caller, when it may manage agencies, users and tokens (every ``/admin`` route)."""
    policy.require(who, "admin.manage")
    return who


@router.post("/auth/login", response_model=Me, description="Start a console session (cookie). Scripts use tokens.")
def login(data: LoginIn, request: Request):
    with session_scope() as db:
        user = service.authenticate(db, data.username, data.password)
        if user is not None:
            start_session(request, user)
            return Me(username=user.username, agency=user.agency.code, role=user.role, clearance=user.clearance,
                      csrf_token=request.session["csrf"])
    raise Problem(401, service.LOGIN_FAILED, title="Login failed")


@router.post("/auth/logout", status_code=204)
def logout(request: Request, who: Principal = Depends(current_principal)):
    request.session.clear()


@router.get("/me", response_model=Me)
def me(request: Request, who: Principal = Depends(current_principal)):
    return Me(username=who.username, agency=who.agency_code, role=who.role, clearance=who.clearance,
              csrf_token=request.session.get("csrf"))


@router.get("/admin/agencies", response_model=list[AgencyOut])
def agencies(who: Principal = Depends(administrator)):
    with session_scope() as db:
        return [AgencyOut.model_validate(a) for a in service.list_agencies(db)]


@router.post("/admin/agencies", response_model=AgencyOut, status_code=201)
def create_agency(data: AgencyIn, who: Principal = Depends(administrator)):
    with session_scope() as db:
        return AgencyOut.model_validate(service.create_agency(db, who, data.code, data.name, data.kind,
                                                              data.country))


@router.get("/admin/users", response_model=list[UserOut])
def users(who: Principal = Depends(administrator)):
    with session_scope() as db:
        return [UserOut.model_validate(u) for u in service.list_users(db)]


@router.post("/admin/users", response_model=UserOut, status_code=201)
def create_user(data: UserIn, who: Principal = Depends(administrator)):
    with session_scope() as db:
        return UserOut.model_validate(service.create_user(db, who, data.username, data.password, data.agency,
                                                          data.role, data.clearance, data.display_name))


@router.get("/admin/tokens", response_model=list[TokenOut])
def tokens(who: Principal = Depends(administrator)):
    with session_scope() as db:
        return [TokenOut.model_validate(t) for t in service.list_tokens(db)]


@router.post("/admin/tokens", response_model=TokenCreated, status_code=201)
def create_token(data: TokenIn, who: Principal = Depends(administrator)):
    with session_scope() as db:
        token, secret = service.create_token(db, who, data.username, data.name)
        return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=secret)


@router.delete("/admin/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: int, who: Principal = Depends(administrator)):
    with session_scope() as db:
        return TokenOut.model_validate(service.revoke_token(db, who, token_id))
