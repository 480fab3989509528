"""Scheduled escalation of overdue tasks and rectification orders (tests drive it with the clock)."""

from __future__ import annotations

from datetime import datetime, timedelta

from vigil.platform.database import session_scope
from vigil.platform.jobs import job


@job("sites.escalate", every=timedelta(hours=1))
def escalate_overdue(as_of: datetime) -> str:
    """Escalate overdue campaign tasks and rectification orders one level up the chain."""
    from vigil.sites import service

    with session_scope() as db:
        return f"escalated {service.escalate(db, as_of)}"
