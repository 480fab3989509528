"""Use cases for agencies, users, logins and API tokens. Every write is audited."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from datetime import timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.platform.audit import service as audit_service
from vigil.platform.config import get_settings
from vigil.platform.database import get_or_404, on_engine_reset, session_scope, utcnow
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
    token = get_or_404(session, ApiToken, token_id, f"No token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit_service.record(session, actor, "token.revoke", "api_token", token.id)
    _auth_cache.clear()
    return token


def user_for_token(session: Session, secret: str) -> User | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(secret))).first()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token.user


class _AuthCache:
    """Verified credentials -> Principal for a few seconds (see Settings.auth_cache_seconds).

    The hot API and TAXII paths would otherwise spend a database round trip (and for HTTP Basic an argon2
    verification, ~50 ms by design) per request on the same answer. Only successes are cached, so failed
    attempts still reach ``authenticate`` and its lockout counter. When an entry expires, one caller re-checks
    it with the database while the others keep the old answer for at most ``STALE_GRACE`` seconds, instead of
    every in-flight request querying at once (that burst, once per TTL, showed in the TAXII paging p99)."""

    STALE_GRACE = 1.0

    def __init__(self, max_entries: int = 10000) -> None:
        self._items: dict[str, tuple[float, Principal]] = {}
        self._refreshing: set[str] = set()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: str) -> Principal | None:
        hit = self._items.get(key)
        if hit is None:
            return None
        late = time.monotonic() - hit[0]
        if late <= 0 or (late <= self.STALE_GRACE and key in self._refreshing):
            return hit[1]
        return None

    def claim(self, key: str) -> bool:
        """True for the one caller that re-checks ``key`` now; False if another already does."""
        with self._lock:
            if key in self._refreshing:
                return False
            self._refreshing.add(key)
            return True

    def settle(self, key: str, principal: Principal | None, claimed: bool) -> None:
        ttl = get_settings().auth_cache_seconds
        with self._lock:
            if claimed:
                self._refreshing.discard(key)
            if principal is None or ttl <= 0:
                self._items.pop(key, None)
                return
            if len(self._items) >= self._max:
                self._items.clear()
            self._items[key] = (time.monotonic() + ttl, principal)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def lookup(self, key: str, load: Callable[[], Principal | None]) -> Principal | None:
        """The cached principal for ``key``, or ``load()`` (a database check) stored for the next callers."""
        hit = self.get(key)
        if hit is not None:
            return hit
        claimed = self.claim(key)
        if not claimed and (hit := self.get(key)) is not None:
            return hit
        principal = None
        try:
            principal = load()
        finally:
            self.settle(key, principal, claimed)
        return principal


_auth_cache = _AuthCache()
on_engine_reset(_auth_cache.clear)


def cached_principal_for_token(secret: str) -> Principal | None:
    """Only the cache: lets async callers skip a thread hop when the answer is known."""
    return _auth_cache.get("t:" + _digest(secret)) if secret.startswith(TOKEN_PREFIX) else None


def cached_principal_for_user_id(user_id: int) -> Principal | None:
    return _auth_cache.get(f"u:{user_id}")


def principal_for_token(secret: str) -> Principal | None:
    """The principal (via "token") of an active API token, cached briefly; None if unknown, revoked or inactive."""
    if not secret.startswith(TOKEN_PREFIX):
        return None

    def load() -> Principal | None:
        with session_scope() as session:
            user = user_for_token(session, secret)
            return principal_of(user, "token") if user is not None else None

    return _auth_cache.lookup("t:" + _digest(secret), load)


def principal_for_user_id(user_id: int) -> Principal | None:
    """The principal of a signed-in (session) user, cached briefly; None if unknown or inactive."""

    def load() -> Principal | None:
        with session_scope() as session:
            user = session.get(User, user_id)
            return principal_of(user, "session") if user is not None and user.active else None

    return _auth_cache.lookup(f"u:{user_id}", load)


def principal_for_password(username: str, password: str, via: str = "token") -> Principal | None:
    """HTTP Basic credentials -> principal. A miss runs ``authenticate`` (argon2, lockout, audit); a success is
    cached under an HMAC of the credentials, never the password itself."""
    secret = get_settings().resolved_secret_key().encode()
    key = "b:" + hmac.new(secret, username.encode() + b"\0" + password.encode(), hashlib.sha256).hexdigest()

    def load() -> Principal | None:
        with session_scope() as session:
            user = authenticate(session, username, password)
            return principal_of(user, via) if user is not None else None

    return _auth_cache.lookup(key, load)
