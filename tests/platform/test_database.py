"""The read path (platform.database.read): no transaction, and it survives a connection the server dropped."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import on_postgres
from vigil.platform.database import read, session_scope


def test_read_sees_committed_rows(vigil_db):
    with session_scope() as db:
        expected = db.execute(text("SELECT count(*) FROM users")).scalar()
    assert read(lambda db: db.execute(text("SELECT count(*) FROM users")).scalar()) == expected > 0


@pytest.mark.skipif(not on_postgres(), reason="SQLite has no server connection to lose")
def test_read_recovers_from_a_dropped_connection(vigil_db):
    def backend_pid(db):
        return db.execute(text("SELECT pg_backend_pid()")).scalar()

    first = read(backend_pid)
    with session_scope() as db:  # what a server restart does to the pooled read connection
        assert db.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar()
    second = read(backend_pid)  # the dead connection is found by the query, dropped, and the read runs again
    assert second != first
    assert read(backend_pid) == second  # and the fresh connection is kept
