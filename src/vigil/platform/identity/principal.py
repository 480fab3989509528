"""The authenticated caller, detached from the database session."""

from __future__ import annotations

from dataclasses import dataclass

# "reporter": staff of a reporting establishment or carrier (outside the agency), who only submit registrations or
# manifests and see their own submissions; every agency role ranks above it.
ROLES = ("reporter", "viewer", "analyst", "operator", "supervisor", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
CLEARANCES = {0: "unclassified", 1: "restricted", 2: "confidential", 3: "secret"}


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    agency_id: int
    agency_code: str
    role: str
    clearance: int
    via: str = "session"  # session | token | system

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]


SYSTEM = Principal(user_id=0, username="system", agency_id=0, agency_code="-", role="admin", clearance=3, via="system")
