from __future__ import annotations

from dataclasses import replace

import pytest


@pytest.fixture
def who(vigil_db):
    """Factory: the principal of a demo user (optionally with another role)."""
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity

    def make(username: str, role: str | None = None):
        with session_scope() as db:
            principal = identity.principal_of(identity.user_by_name(db, username))
        return replace(principal, role=role) if role else principal

    return make
