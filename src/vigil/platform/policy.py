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
    from sqlalchemy import and_, false, or_

    if not allowed(principal, "record.read"):  # a reporter reads no agency record
        return false()
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


# ---------------------------------------------------------------------------------------------------------------------
# TLP 2.0 for shared intelligence (vigil.intel). Every intel read path (console, API, TAXII, exports, search, graph,
# counts) asks these two functions; nothing else compares TLP levels or agencies.
#   CLEAR, GREEN  -> any authenticated agency
#   AMBER         -> the owner agency and the member agencies of the object's sharing group
#   AMBER+STRICT  -> the owner agency only
#   RED           -> the owner agency only
# ---------------------------------------------------------------------------------------------------------------------
TLP_OPEN = ("CLEAR", "GREEN")

# Who may define the audiences above: sharing groups (members) and collection access (open/closed, per-agency
# read/write grants). Supervisors and administrators; vigil.intel.sharing and its routes ask for this action.
ACTIONS["intel.sharing.manage"] = "supervisor"


def can_read_stix(principal: Principal, tlp: str, owner_agency_id: int | None,
                  sharing_group_agency_ids=frozenset()) -> bool:
    if principal.via == "system":
        return True
    if not allowed(principal, "intel.read"):
        return False
    level = (tlp or "").upper()
    if level in TLP_OPEN:
        return True
    if owner_agency_id is not None and owner_agency_id == principal.agency_id:
        return level in ("AMBER", "AMBER+STRICT", "RED")
    if level == "AMBER":
        return principal.agency_id in set(sharing_group_agency_ids or ())
    return False  # AMBER+STRICT, RED and anything unrecognised


def stix_visible_clause(principal: Principal, tlp_col, owner_col, group_col, member_group_ids):
    """SQL form of ``can_read_stix``; ``member_group_ids`` are the sharing groups the principal's agency is in,
    as ids or as a SQL subquery selecting them (one query per page instead of two)."""
    from sqlalchemy import and_, false, or_, true
    from sqlalchemy.sql import Select

    if principal.via == "system":
        return true()
    if not allowed(principal, "intel.read"):
        return false()
    clauses = [tlp_col.in_(TLP_OPEN),
               and_(owner_col == principal.agency_id, tlp_col.in_(("AMBER", "AMBER+STRICT", "RED")))]
    if isinstance(member_group_ids, Select):
        clauses.append(and_(tlp_col == "AMBER", group_col.in_(member_group_ids)))
    elif groups := list(member_group_ids or ()):
        clauses.append(and_(tlp_col == "AMBER", group_col.in_(groups)))
    return or_(*clauses)


# ---------------------------------------------------------------------------------------------------------------------
# Actions of the capabilities built on the platform: each capability adds its own under its heading.
# ---------------------------------------------------------------------------------------------------------------------

# --- registrations and parcels (vigil.registrations, vigil.parcels)
# Establishment (and carrier) staff are platform users of the "reporter" role, below every agency role, linked to
# one establishment (registrations.establishment_users): they submit for it and see only its records and no other
# page or route; operators and systems submit for any. Screening results never reach a reporter (no tipping-off).
# Officers work the alerts and search (with a purpose and a case); supervisors manage establishments, stolen-property
# lists and purges; admins edit the parcels catalogue.
ACTIONS["registrations.submit"] = "reporter"
ACTIONS["registrations.submit_any"] = "operator"
ACTIONS["registrations.establishment.read"] = "analyst"
ACTIONS["registrations.screening_results"] = "viewer"  # alerts in an intake answer: agency staff only
ACTIONS["registrations.establishment.manage"] = "supervisor"
ACTIONS["registrations.alerts.work"] = "analyst"
ACTIONS["registrations.search"] = "analyst"
ACTIONS["registrations.purge"] = "supervisor"
ACTIONS["parcels.submit"] = "reporter"
ACTIONS["parcels.submit_any"] = "operator"
ACTIONS["parcels.classify"] = "reporter"
ACTIONS["parcels.queue.work"] = "analyst"
ACTIONS["parcels.catalogue.read"] = "viewer"  # the whole term list is not for carriers (evasion)
ACTIONS["parcels.catalogue.edit"] = "admin"


# --- controlled-items ledger (vigil.ledger)
ACTIONS["ledger.read"] = "analyst"
ACTIONS["ledger.write"] = "operator"


# --- key sites, campaigns and risk (vigil.sites, vigil.risk)
# Sites and cameras are read by anyone signed in (no personal data); units and campaigns are set up by supervisors;
# officers (operators) work their tasks and inspections; risk registers are written by analysts; events and the
# accreditation decisions by supervisors.
ACTIONS["sites.read"] = "viewer"
ACTIONS["sites.write"] = "operator"
ACTIONS["sites.units.manage"] = "supervisor"
ACTIONS["campaigns.manage"] = "supervisor"
ACTIONS["campaigns.work"] = "operator"
ACTIONS["risk.read"] = "viewer"
ACTIONS["risk.write"] = "analyst"
ACTIONS["events.manage"] = "supervisor"
ACTIONS["accreditation.screen"] = "analyst"
ACTIONS["accreditation.decide"] = "supervisor"


def chain_scope(principal: Principal) -> str:
    """How much of the responsibility chain (agency -> unit -> officer) a principal sees: "all" (the system and
    administrators), "agency" (supervisors: their whole agency) or "units" (their own units and the units below)."""
    if principal.via == "system" or principal.role == "admin":
        return "all"
    if principal.rank >= ROLE_RANK["supervisor"]:
        return "agency"
    return "units"



# --- rapid response (vigil.response)
ACTIONS["response.read"] = "viewer"  # units, incidents (no caller data), boards, coverage, recommendations
ACTIONS["response.intake"] = "operator"  # open an incident from the operator form
ACTIONS["response.tip_intake"] = "analyst"  # escalate a tip-line tip into an incident (vigil.tips)
ACTIONS["response.dispatch"] = "operator"  # assign a unit, move an incident along its timeline
ACTIONS["response.units"] = "operator"  # unit positions and duty status
ACTIONS["response.plan"] = "analyst"  # post placement and patrol plans
ACTIONS["response.manage"] = "supervisor"  # units, key areas, posts, alarm sources


# --- statistics, analysis and the tip line (vigil.analysis, vigil.tips)

ACTIONS["analysis.read"] = "viewer"  # aggregate statistics, hotspots, exports: no personal data
ACTIONS["analysis.import"] = "analyst"
ACTIONS["tips.read"] = "viewer"  # the triage queue; a tipster's contact needs personal_data.read and a purpose
ACTIONS["tips.triage"] = "operator"  # link, ask, close, create an incident
ACTIONS["tips.reward"] = "supervisor"
ACTIONS["volunteers.read"] = "viewer"  # names, areas and shifts; contact data needs personal_data.read
ACTIONS["volunteers.manage"] = "operator"
