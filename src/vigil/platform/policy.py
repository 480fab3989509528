"""The one place where access is decided.

Routes, services, exports and counts ask ``decide``/``require``; nothing else compares roles,
agencies or clearances. A decision is a pure function of the principal, the action and the
resource's owning agency, restriction flag, classification and sharing markings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from vigil.platform.errors import Forbidden
from vigil.platform.identity.principal import ROLE_RANK, Principal

# Minimum role for each action. Unknown actions are denied.
ACTIONS: dict[str, str] = {
    "dashboard.view": "viewer",
    "record.read": "viewer",
    "personal_data.read": "analyst",
    "record.write": "operator",
    "record.delete": "supervisor",
    "screening.run": "analyst",
    "watchlist.manage": "supervisor",
    "intel.read": "viewer",
    "intel.write": "analyst",
    "intel.suggestion.decide": "analyst",
    "audit.read": "supervisor",
    "admin.manage": "admin",
}


class Owned(Protocol):
    agency_id: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""


@dataclass(frozen=True)
class Resource:
    """What policy needs to know about a record; services build one from their own rows."""

    agency_id: int | None = None
    restricted: bool = False
    classification: int = 0
    shared_with: frozenset[int] = field(default_factory=frozenset)


def decide(principal: Principal, action: str, resource: Resource | None = None) -> Decision:
    needed = ACTIONS.get(action)
    if needed is None:
        return Decision(False, f"unknown action {action}")
    if principal.rank < ROLE_RANK[needed]:
        return Decision(False, f"{action} needs the {needed} role")
    if resource is None:
        return Decision(True)
    if resource.classification > principal.clearance:
        return Decision(False, "classification above your clearance")
    if resource.restricted and resource.agency_id not in (None, principal.agency_id) \
            and principal.agency_id not in resource.shared_with:
        return Decision(False, "restricted to its owning agency")
    return Decision(True)


def allowed(principal: Principal, action: str, resource: Resource | None = None) -> bool:
    return decide(principal, action, resource).allowed


def require(principal: Principal, action: str, resource: Resource | None = None) -> None:
    decision = decide(principal, action, resource)
    if not decision.allowed:
        raise Forbidden(decision.reason)


def visible_clause(principal: Principal, agency_col, restricted_col, classification_col):
    """The SQL form of ``decide`` for list queries and counts, so lists never leak what reads would refuse."""
    from sqlalchemy import and_, or_

    return and_(classification_col <= principal.clearance,
                or_(restricted_col.is_(False), agency_col == principal.agency_id))


def require_purpose(purpose: str | None) -> str:
    """Reads of personal data must state why; a blank or token purpose is refused."""
    from vigil.platform.errors import Problem

    text = (purpose or "").strip()
    if len(text) < 5:
        raise Problem(428, "Reading personal data requires a declared purpose (at least 5 characters): "
                           "send the X-Vigil-Purpose header or the purpose parameter",
                      title="Purpose required")
    return text[:300]
