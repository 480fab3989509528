"""Retention purge (scheduled) and re-screening of records in retention when a list gains entries."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from vigil.platform import events
from vigil.platform.database import session_scope
from vigil.platform.identity.principal import SYSTEM
from vigil.platform.jobs import job
from vigil.registrations import service


@job("registrations.purge", every=timedelta(hours=1),
     description="Delete non-hit registrations whose retention period has passed.")
def purge_expired(as_of: datetime) -> str:
    with session_scope() as db:
        return f"purged {service.purge(db, SYSTEM, as_of)}"


@events.subscribe("screening.list_version")
def rescreen_on_new_entries(session: Session, version_id: int, added: int) -> None:
    if added:
        service.rescreen_version(session, version_id)


@events.subscribe("screening.stolen_property")
def rescreen_on_new_property(session: Session, numbers: list[str]) -> None:
    service.rescreen_property(session, numbers)


@events.subscribe("screening.lost_documents")
def rescreen_on_new_documents(session: Session, numbers: list[str]) -> None:
    service.rescreen_documents(session, numbers)
