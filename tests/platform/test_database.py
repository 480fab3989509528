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


def test_wal_checkpointer_copies_the_log_into_the_database_in_the_background(tmp_path):
    """Committed pages wait in the write-ahead log until a checkpoint copies them into the database file; the
    checkpointer thread does that, so no request's commit has to."""
    import os
    import sqlite3
    import time

    from vigil.platform.database import WalCheckpointer

    path = str(tmp_path / "wal.db")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # here, only the thread may copy pages back
    writer.execute("CREATE TABLE t (x TEXT)")
    for _ in range(200):
        writer.execute("INSERT INTO t VALUES (?)", ("x" * 500,))
    assert os.path.getsize(path) < 20_000  # 100 kB of rows, all still in the log
    checkpointer = WalCheckpointer(path, interval=0.02).start()
    try:
        deadline = time.monotonic() + 10
        while os.path.getsize(path) < 100_000 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        checkpointer.stop()
    assert os.path.getsize(path) >= 100_000 and checkpointer.checkpoints > 0
    assert writer.execute("SELECT count(*) FROM t").fetchone()[0] == 200
    writer.close()


def test_the_server_checkpoints_only_an_sqlite_file(vigil_db):
    from vigil.platform.database import start_wal_checkpointer

    checkpointer = start_wal_checkpointer()
    try:
        assert (checkpointer is None) == on_postgres()
    finally:
        if checkpointer is not None:
            checkpointer.stop()
