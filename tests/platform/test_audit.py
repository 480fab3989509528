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
