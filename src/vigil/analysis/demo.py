"""Demo data: two years of synthetic incidents around Andorra (so the hotspot map shows something)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.analysis import samples, service
from vigil.analysis.models import HistoricIncident
from vigil.platform import clock
from vigil.platform.identity.principal import Principal

DEMO_INCIDENTS = 2500


def seed(session: Session, actor: Principal) -> None:
    if session.scalar(select(HistoricIncident.id).where(HistoricIncident.source == "demo").limit(1)):
        return
    rows = samples.incidents(DEMO_INCIDENTS, clock.now().replace(microsecond=0))
    service.store_rows(session, actor, "demo", rows, filename="synthetic Andorra demo history")
