"""The audit chain: tampering with any row is found and named by `vigil audit verify`."""

from __future__ import annotations

from sqlalchemy import text
from typer.testing import CliRunner

from vigil.cli import app
from vigil.platform.database import get_engine

runner = CliRunner()


def verify():
    return runner.invoke(app, ["audit", "verify"])


def test_intact_chain_verifies(fresh_db):
    result = verify()
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_edited_row_is_named(fresh_db):
    with get_engine().begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 3"))
    result = verify()
    assert result.exit_code == 2
    assert "row 3" in result.output and "edited" in result.output


def test_deleted_row_is_noticed(fresh_db):
    with get_engine().begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 4"))
    result = verify()
    assert result.exit_code == 2
    assert "row 4" in result.output and "missing" in result.output


def test_deleted_newest_row_is_noticed(fresh_db):
    with get_engine().begin() as conn:
        last = conn.execute(text("SELECT max(seq) FROM audit_events")).scalar()
        conn.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": last})
    result = verify()
    assert result.exit_code == 2
    assert f"row {last}" in result.output or f"{last}..{last}" in result.output


def test_reordered_rows_are_noticed(fresh_db):
    # Swap the content of rows 2 and 3 (each keeps its own hash, so both still hash correctly).
    cols = "at, actor, agency, action, record_type, record_id, purpose, detail, prev_hash, hash"
    with get_engine().begin() as conn:
        r2 = conn.execute(text(f"SELECT {cols} FROM audit_events WHERE seq = 2")).mappings().one()
        r3 = conn.execute(text(f"SELECT {cols} FROM audit_events WHERE seq = 3")).mappings().one()
        assign = ", ".join(f"{c} = :{c}" for c in cols.split(", "))
        conn.execute(text(f"UPDATE audit_events SET {assign} WHERE seq = 2"), dict(r3))
        conn.execute(text(f"UPDATE audit_events SET {assign} WHERE seq = 3"), dict(r2))
    result = verify()
    assert result.exit_code == 2
    assert "row 2" in result.output


def test_writes_are_audited_in_the_same_transaction(fresh_db):
    """A failed write leaves no audit row behind (nothing half-written)."""
    from sqlalchemy import func, select

    from vigil.platform.audit.models import AuditEvent
    from vigil.platform.database import session_scope
    from vigil.platform.errors import Problem
    from vigil.platform.identity import service
    from vigil.platform.identity.principal import SYSTEM

    with session_scope() as db:
        before = db.scalar(select(func.count()).select_from(AuditEvent))
    try:
        with session_scope() as db:
            service.create_agency(db, SYSTEM, "newbureau", "New Bureau")
            service.create_user(db, SYSTEM, "ghost", "short", "newbureau", "viewer")  # password too short
    except Problem:
        pass
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert verify().exit_code == 0


def _events():
    with get_engine().connect() as conn:
        return conn.execute(text("SELECT seq, actor, action, record_id FROM audit_events ORDER BY seq")).all()


def test_events_appended_on_their_own_chain_with_those_in_transactions(fresh_db, monkeypatch):
    """``record_now`` (a read's event, committed on its own) and ``record`` (in the caller's transaction) append to
    one chain, in any order: the head another writer moved is noticed, not forked."""
    from vigil.platform.audit import service as audit
    from vigil.platform.database import session_scope
    from vigil.platform.identity.principal import SYSTEM

    before = len(_events())
    audit.record_now(SYSTEM, "test.read", "thing", 1)
    audit.record_now(SYSTEM, "test.read", "thing", 2)  # on PostgreSQL: one statement after the head it knows
    with session_scope() as s:
        audit.record(s, SYSTEM, "test.change", "thing", 3)  # moves the head behind record_now's back
    audit.record_now(SYSTEM, "test.read", "thing", 4)
    with session_scope() as s:  # a transaction that rolls back takes its event with it
        audit.record(s, SYSTEM, "test.change", "thing", 5)
        s.rollback()
    audit.record_now(SYSTEM, "test.read", "thing", 6)
    events = _events()
    assert [(e.action, e.record_id) for e in events[before:]] == [
        ("test.read", "1"), ("test.read", "2"), ("test.change", "3"), ("test.read", "4"), ("test.read", "6")]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    result = verify()
    assert result.exit_code == 0, result.output


def test_an_event_whose_connection_was_lost_is_not_appended_twice(fresh_db):
    """When the connection drops during the one-statement append, the event may or may not be committed: the
    locked append that follows checks the head before appending it again."""
    from vigil.platform.audit import service as audit
    from vigil.platform.database import session_scope
    from vigil.platform.identity.principal import SYSTEM

    audit.record_now(SYSTEM, "test.read", "thing", 1)
    n = len(_events())
    with session_scope() as s:
        head = s.execute(text("SELECT count, last_hash FROM audit_head")).one()
        fields = audit._fields(SYSTEM, "test.read", "thing", 2, "", None)
        assert audit._append(s.connection(), fields, written=head.last_hash) == (head.count, head.last_hash)
    assert len(_events()) == n
    with session_scope() as s:
        audit._append(s.connection(), fields, written="f" * 64)  # a different event: appended
    assert len(_events()) == n + 1 and verify().exit_code == 0


def test_postgres_appends_a_read_event_in_one_statement(fresh_db, monkeypatch):
    """After its first event, a process that is the only writer appends without a transaction of its own."""
    import pytest

    from tests.conftest import on_postgres
    from vigil.platform.audit import service as audit
    from vigil.platform.identity.principal import SYSTEM

    if not on_postgres():
        pytest.skip("PostgreSQL only: SQLite takes the locked append, in-process and without round trips")
    audit.record_now(SYSTEM, "test.read", "thing", 1)

    def no_transaction():
        raise AssertionError("took the locked append")

    monkeypatch.setattr(audit, "session_scope", no_transaction)
    audit.record_now(SYSTEM, "test.read", "thing", 2)
    assert _events()[-1].record_id == "2" and verify().exit_code == 0
