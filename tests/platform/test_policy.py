"""The policy module is the single decision point; its SQL clause must agree with its decisions."""

from __future__ import annotations

import itertools

from vigil.platform import policy
from vigil.platform.identity.principal import ROLES, Principal


def who(role="analyst", agency=1, clearance=1):
    return Principal(user_id=1, username="u", agency_id=agency, agency_code="a", role=role, clearance=clearance)


def test_roles_are_ordered():
    assert not policy.allowed(who("viewer"), "record.write")
    assert policy.allowed(who("operator"), "record.write")
    assert not policy.allowed(who("supervisor"), "admin.manage")
    assert not policy.allowed(who("admin"), "no.such.action")


def test_restricted_and_classified_resources():
    own = policy.Resource(agency_id=1, restricted=True)
    other = policy.Resource(agency_id=2, restricted=True)
    shared = policy.Resource(agency_id=2, restricted=True, shared_with=frozenset({1}))
    secret = policy.Resource(agency_id=1, classification=3)
    assert policy.allowed(who(), "record.read", own)
    assert not policy.allowed(who(role="admin"), "record.read", other)
    assert policy.allowed(who(), "record.read", shared)
    assert not policy.allowed(who(clearance=2), "record.read", secret)


def test_sql_clause_matches_decide(fresh_db):
    from sqlalchemy import select

    from vigil.cases.models import Case
    from vigil.platform.database import session_scope

    with session_scope() as db:
        cases = list(db.scalars(select(Case)))
        assert cases
        for role, agency, clearance in itertools.product(ROLES, (1, 2, 3), (0, 1, 2, 3)):
            p = who(role, agency, clearance)
            visible = {c.id for c in db.scalars(select(Case).where(
                policy.visible_clause(p, Case.agency_id, Case.restricted, Case.classification)))}
            decided = {c.id for c in cases if policy.allowed(p, "record.read", policy.Resource(
                agency_id=c.agency_id, restricted=c.restricted, classification=c.classification))}
            assert visible == decided, (role, agency, clearance)
