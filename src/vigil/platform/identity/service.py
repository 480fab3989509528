"""Use cases for agencies, users, logins and API tokens. Every write is audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.platform.audit import service as audit_service
from vigil.platform.config import get_settings
from vigil.platform.database import utcnow
from vigil.platform.errors import BadRequest, Conflict, NotFound
from vigil.platform.identity.models import Agency, ApiToken, User
from vigil.platform.identity.principal import ROLES, Principal

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _hasher.hash("vigil-timing-equaliser")
LOGIN_FAILED = "Invalid username or password"
TOKEN_PREFIX = "vgl_"


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise BadRequest("Password must be at least 8 characters")
    return _hasher.hash(password)


def principal_of(user: User, via: str = "session") -> Principal:
    return Principal(user_id=user.id, username=user.username, agency_id=user.agency_id,
                     agency_code=user.agency.code, role=user.role, clearance=user.clearance, via=via)


def create_agency(session: Session, actor: Principal, code: str, name: str, kind: str = "police",
                  country: str = "") -> Agency:
    code = code.strip().lower()
    if not code or not name.strip():
        raise BadRequest("Agency code and name are required")
    if session.scalars(select(Agency).where(Agency.code == code)).first():
        raise Conflict(f"Agency {code} already exists")
    agency = Agency(code=code, name=name.strip(), kind=kind, country=country.upper()[:2])
    session.add(agency)
    session.flush()
    audit_service.record(session, actor, "agency.create", "agency", agency.id, detail={"code": code})
    return agency


def agency_by_code(session: Session, code: str) -> Agency:
    agency = session.scalars(select(Agency).where(Agency.code == code.strip().lower())).first()
    if agency is None:
        raise NotFound(f"No agency {code}")
    return agency


def create_user(session: Session, actor: Principal, username: str, password: str, agency_code: str,
                role: str, clearance: int = 1, display_name: str = "") -> User:
    username = username.strip().lower()
    if role not in ROLES:
        raise BadRequest(f"Role must be one of {', '.join(ROLES)}")
    if not 0 <= clearance <= 3:
        raise BadRequest("Clearance must be 0..3")
    if not username or len(username) > 64:
        raise BadRequest("Username is required (at most 64 characters)")
    if session.scalars(select(User).where(User.username == username)).first():
        raise Conflict(f"User {username} already exists")
    agency = agency_by_code(session, agency_code)
    user = User(username=username, display_name=display_name or username, agency_id=agency.id, agency=agency,
                role=role, clearance=clearance, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit_service.record(session, actor, "user.create", "user", user.id,
                         detail={"username": username, "role": role, "agency": agency.code})
    return user


def _aware(dt):
    return dt if dt is None or dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the user, or None with the same outcome for unknown users, wrong passwords and lockouts."""
    settings = get_settings()
    user = session.scalars(select(User).where(User.username == username.strip().lower())).first()
    if user is None or not user.active:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return None
    now = utcnow()
    locked = user.locked_until is not None and _aware(user.locked_until) > now
    try:
        ok = _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    actor = principal_of(user)
    if locked:
        audit_service.record(session, actor, "auth.login_locked", "user", user.id)
        return None
    if not ok:
        user.failed_logins += 1
        if user.failed_logins >= settings.lockout_threshold:
            user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            audit_service.record(session, actor, "auth.lockout", "user", user.id)
        else:
            audit_service.record(session, actor, "auth.login_failed", "user", user.id)
        return None
    user.failed_logins = 0
    user.locked_until = None
    audit_service.record(session, actor, "auth.login", "user", user.id)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def list_agencies(session: Session) -> list[Agency]:
    return list(session.scalars(select(Agency).order_by(Agency.code)))


def user_by_name(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound(f"No user {username}")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, actor: Principal, username: str, name: str = "") -> tuple[ApiToken, str]:
    """Create an API token; the secret is returned once and only its digest is stored."""
    user = user_by_name(session, username)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, user=user, name=name or "api", prefix=secret[:10], token_hash=_digest(secret))
    session.add(token)
    session.flush()
    audit_service.record(session, actor, "token.create", "api_token", token.id,
                         detail={"user": user.username, "name": token.name})
    return token, secret


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def revoke_token(session: Session, actor: Principal, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"No token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit_service.record(session, actor, "token.revoke", "api_token", token.id)
    return token


def user_for_token(session: Session, secret: str) -> User | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(secret))).first()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token.user
