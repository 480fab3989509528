"""Who is calling: session cookie (console) or bearer token (scripts, partner systems). CSRF for sessions."""

from __future__ import annotations

import secrets

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from vigil.platform.database import session_scope
from vigil.platform.errors import Problem
from vigil.platform.identity import service as identity
from vigil.platform.identity.models import User
from vigil.platform.identity.principal import Principal

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class LoginRequired(Problem):
    def __init__(self):
        super().__init__(401, "Authentication required", headers={"WWW-Authenticate": "Bearer"})


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def start_session(request: Request, user: User) -> None:
    request.session.clear()
    request.session["uid"] = user.id
    request.session["csrf"] = secrets.token_urlsafe(24)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


async def _check_csrf(request: Request) -> None:
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get("csrf_token")
    if not expected or not sent or not secrets.compare_digest(str(sent), expected):
        raise Problem(403, "Missing or invalid CSRF token", title="CSRF check failed")


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the authenticated principal, or 401."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    secret = _bearer(request)
    if secret is not None:
        via = "token"
        principal = (identity.cached_principal_for_token(secret)
                     or await run_in_threadpool(identity.principal_for_token, secret))
    else:
        via = "session"
        uid = request.session.get("uid")
        principal = None
        if isinstance(uid, int):
            principal = (identity.cached_principal_for_user_id(uid)
                         or await run_in_threadpool(identity.principal_for_user_id, uid))
    if principal is None:
        raise LoginRequired()
    if via == "session" and request.method not in SAFE_METHODS:
        await _check_csrf(request)
    request.state.principal = principal
    return principal


def optional_principal(request: Request) -> Principal | None:
    uid = request.session.get("uid")
    if not uid:
        return None
    with session_scope() as db:
        user = db.get(User, uid)
        return identity.principal_of(user) if user and user.active else None


def declared_purpose(request: Request) -> str | None:
    return request.headers.get("x-vigil-purpose") or request.query_params.get("purpose")
