"""Login, logout, dashboard, and honest placeholders for capabilities not yet delivered."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.identity import service as identity
from vigil.platform.identity.principal import Principal
from vigil.web.security import current_principal, start_session
from vigil.web.templating import NAVIGATION, render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only local paths: an open redirect would let a phishing link bounce through our login.
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _authenticate(username: str, password: str):
    with session_scope() as db:  # expire_on_commit is off: the user's fields stay readable after the commit
        return identity.authenticate(db, username, password)


@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
async def login_submit(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/"),
                       csrf_token: str = Form("")):
    from vigil.web.security import _check_csrf

    await _check_csrf(request)
    # argon2 takes ~0.1 s of CPU: on a worker thread, so that the event loop keeps serving other requests
    user = await run_in_threadpool(_authenticate, username, password) if username and password else None
    if user is not None:
        start_session(request, user)
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "error": identity.LOGIN_FAILED,
                                          "username": username}, status_code=401)


@router.post("/logout")
def logout(request: Request, who: Principal = Depends(current_principal)):
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _dashboard_counts(who: Principal) -> dict[str, int]:
    from vigil.cases.models import Case
    from vigil.platform.audit.models import AuditEvent

    with session_scope() as db:
        counts = {"cases": db.scalar(select(func.count()).select_from(Case).where(
            policy.visible_clause(who, Case.agency_id, Case.restricted, Case.classification))) or 0}
        if policy.allowed(who, "audit.read"):
            counts["audit_events"] = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return counts


@router.get("/")
def dashboard(request: Request, who: Principal = Depends(current_principal)):
    from vigil.web.capabilities import status_of

    if not policy.allowed(who, "dashboard.view"):  # a reporter's home is its portal (registrations or parcels)
        portal = next((url for _, _, url, action in NAVIGATION[1:] if policy.allowed(who, action)), "/logout")
        return RedirectResponse(portal, status_code=303)
    modules = [(label, url, status_of(key)) for key, label, url, action in NAVIGATION[1:]
               if policy.allowed(who, action)]
    return render(request, "dashboard.html", {"section": "dashboard", "counts": _dashboard_counts(who),
                                              "modules": modules})


def add_placeholders(app: FastAPI) -> None:
    """A page for every navigation entry whose capability has not been delivered yet."""
    routed = {getattr(r, "path", None) for r in app.routes}
    for key, label, url, action in NAVIGATION:
        if url in routed:
            continue

        async def placeholder(request: Request, _label=label, _key=key, _action=action,
                              who: Principal = Depends(current_principal)):
            policy.require(who, _action)
            return render(request, "placeholder.html", {"section": _key, "label": _label})

        app.add_api_route(url, placeholder, methods=["GET"], include_in_schema=False)


