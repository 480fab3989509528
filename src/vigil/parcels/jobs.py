"""Retention purge of cleared parcels."""

from __future__ import annotations

from datetime import datetime, timedelta

from vigil.parcels import service
from vigil.platform.database import session_scope
from vigil.platform.identity.principal import SYSTEM
from vigil.platform.jobs import job


@job("parcels.purge", every=timedelta(hours=1), description="Delete cleared parcels whose retention has passed.")
def purge_expired(as_of: datetime) -> str:
    with session_scope() as db:
        return f"purged {service.purge(db, SYSTEM, as_of)}"
