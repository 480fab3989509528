"""Retention of accreditation records: purged after the event's end + its retention days."""

from __future__ import annotations

from datetime import datetime, timedelta

from vigil.platform.database import session_scope
from vigil.platform.events import subscribe
from vigil.platform.jobs import job


@subscribe("screening.list_version")
def rescreen(session, version_id: int, added: int = 0, **_) -> None:
    """A watchlist gained entries: re-screen the accreditations still held against them (same transaction)."""
    from vigil.risk import service

    if added:
        service.rescreen_accreditations(session, version_id)


@job("risk.purge_accreditations", every=timedelta(hours=6))
def purge(as_of: datetime) -> str:
    """Delete accreditation records past the event's end + retention days."""
    from vigil.risk import service

    with session_scope() as db:
        return f"purged {service.purge_accreditations(db)}"
