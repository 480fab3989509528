"""Change notices (PostgreSQL LISTEN/NOTIFY): a process keeps what it read until a change is announced."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from tests.conftest import REPO, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="change notices are PostgreSQL's (SQLite asks each time)")


def eventually(check, seconds: float = 10.0):
    """``check()``'s first truthy value within ``seconds``, else fail."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail(f"not within {seconds} s")


def live_stamp(channel: str) -> int:
    from vigil.platform import notices

    return eventually(lambda: notices.stamp(channel))


def test_a_committed_notice_reaches_the_listening_process_and_a_rolled_back_one_does_not(fresh_db):
    from vigil.platform import notices

    before = live_stamp("test_channel")
    other = create_engine(fresh_db.url)  # another process's connection, as far as the server is concerned
    try:
        with other.connect() as conn:
            conn.execute(text("SELECT pg_notify('test_channel', '')"))
            conn.rollback()
        time.sleep(0.5)
        assert notices.stamp("test_channel") == before
        with other.begin() as conn:
            conn.execute(text("SELECT pg_notify('test_channel', '')"))
        eventually(lambda: notices.stamp("test_channel") not in (None, before))
    finally:
        other.dispose()


def test_this_process_sees_its_own_commit_at_once(fresh_db):
    from vigil.platform import notices
    from vigil.platform.database import session_scope

    before = live_stamp("test_channel")
    with session_scope() as session:
        notices.announce(session, "test_channel")
        assert notices.stamp("test_channel") == before  # nothing is announced before the commit
    assert notices.stamp("test_channel") != before  # and no waiting for the server's notice after it
    time.sleep(0.5)  # the server's notice of that commit arrives too
    steady = notices.stamp("test_channel")
    with pytest.raises(RuntimeError), session_scope() as session:
        notices.announce(session, "test_channel")
        raise RuntimeError("rolled back")
    time.sleep(0.5)
    assert notices.stamp("test_channel") == steady


def test_a_lost_listening_connection_counts_as_a_change_and_is_replaced(fresh_db):
    from vigil.platform import notices

    before = live_stamp("test_channel")
    lost = notices._watches["test_channel"].backend_pid
    other = create_engine(fresh_db.url)
    try:
        with other.begin() as conn:
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost})
    finally:
        other.dispose()
    eventually(lambda: notices._watches["test_channel"].backend_pid != lost)
    assert eventually(lambda: notices.stamp("test_channel")) != before


def test_screening_asks_for_the_list_version_only_after_a_notice(fresh_db, tmp_path):
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity
    from vigil.screening import service
    from vigil.screening.service import LISTS_CHANGED, RecordIn

    with session_scope() as db:
        analyst = identity.principal_of(identity.user_by_name(db, "analyst"))
    asked = []

    def count_version_queries(conn, cursor, statement, *args):
        if "max(watchlist_versions.id)" in statement:
            asked.append(statement)

    def screen(name: str) -> list[str]:
        result = service.screen_records_now(analyst, [RecordIn("1", name)], purpose="test")[0]
        return [m.name for m in result.matches]

    event.listen(Engine, "before_cursor_execute", count_version_queries)
    try:
        live_stamp(LISTS_CHANGED)
        screen("Osama bin Laden")  # finds the index current, and notes the stamp
        asked.clear()
        for _ in range(5):
            assert screen("Zebulon Quartermaine") == []
        assert asked == []
        # another process imports a list: its notice, not a query per request, tells this one
        listing = tmp_path / "list.csv"
        listing.write_text("id,name\nzq1,Zebulon Quartermaine\n", encoding="utf-8")
        script = ("from pathlib import Path\n"
                  "from vigil.platform.database import session_scope\n"
                  "from vigil.platform.identity import service as identity\n"
                  "from vigil.screening import service\n"
                  "with session_scope() as db:\n"
                  "    boss = identity.principal_of(identity.user_by_name(db, 'supervisor'))\n"
                  "    wl = service.create_watchlist(db, boss, 'Notice test', 'manual', 'Test Act s.1')\n"
                  f"    service.import_list(db, boss, wl.id, Path({str(listing)!r}))\n")
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
        assert eventually(lambda: screen("Zebulon Quartermaine")) == ["Zebulon Quartermaine"]
        assert len(asked) >= 1
    finally:
        event.remove(Engine, "before_cursor_execute", count_version_queries)


def test_a_quiet_spell_counts_as_a_change(fresh_db, monkeypatch):
    from vigil.platform import notices

    # notices lost on the way (a pooler in transaction mode drops them) delay a change by one quiet spell at most
    monkeypatch.setattr(notices, "_WAIT", 0.05)
    before = live_stamp("quiet_channel")
    assert eventually(lambda: notices.stamp("quiet_channel") not in (None, before), seconds=5)
