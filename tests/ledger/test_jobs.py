"""Time-based alerts come from the scheduled job, reading the platform clock."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from tests.ledger.test_core import holder, lot, move, site


def test_job_raises_unconfirmed_overdue_and_licence_alerts_once(fresh_db):
    from vigil.cli import cli_actor
    from vigil.ledger import service
    from vigil.ledger.models import LedgerAlert
    from vigil.platform import jobs
    from vigil.platform.database import session_scope
    from vigil.platform.registry import load_jobs

    records = [holder("H1"), holder("H2", valid_to="2026-03-20"), site("S1", "H1"), site("S2", "H2"),
               move("M1", "receipt", "H1", site="S1", item=lot("A", 25)),
               move("M2", "dispatch", "H1", at="2026-03-02T08:00:00Z", site="S1", to="H2", item=lot("A", 5),
                    transport={"vehicle": "TRK-1", "planned_arrival": "2026-03-02T12:00:00Z"})]
    with session_scope() as db:
        outs = list(service.apply_records(db, cli_actor(), records))
    assert all(o.accepted for o in outs)
    assert "expires on 2026-03-20" in outs[-1].alerts[0].reason  # raised by the record itself

    load_jobs()
    assert jobs.run("ledger.alerts", datetime(2026, 3, 2, 10, tzinfo=timezone.utc)).startswith("0 new")
    summary = jobs.run("ledger.alerts", datetime(2026, 3, 4, 9, tzinfo=timezone.utc))
    assert summary.startswith("2 new")
    assert jobs.run("ledger.alerts", datetime(2026, 3, 4, 10, tzinfo=timezone.utc)).startswith("0 new")
    jobs.run("ledger.alerts", datetime(2026, 3, 21, tzinfo=timezone.utc))
    with session_scope() as db:
        reasons = {a.kind: a.reason for a in db.scalars(select(LedgerAlert))}
    assert "not confirmed within 48 h" in reasons["dispatch_unconfirmed"]
    assert "planned arrival 2026-03-02T12:00:00Z" in reasons["transport_overdue"]
    assert "expired on 2026-03-20" in reasons["licence_expired"]

    with session_scope() as db:
        late = list(service.apply_records(db, cli_actor(), [
            move("M3", "confirm", "H2", at="2026-03-21T08:00:00Z", site="S2", dispatch="M2", item=lot("A", 5))]))
    assert "expired on 2026-03-20" in late[0].reasons[0]  # the receiver's licence lapsed while in transit
