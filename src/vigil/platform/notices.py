"""Change notices: a process keeps what it read from a rarely changed table until a change is announced, instead
of asking the database on every request.

A writer calls ``announce(session, channel)`` in the transaction that changes the table. On PostgreSQL that is a
``NOTIFY``, which the server delivers when the transaction commits (never when it rolls back) to every process
listening on the channel; this process also learns of it as soon as its own commit returns. A reader compares
``stamp(channel)`` with the stamp it noted when it last read the table: the same stamp, nothing was announced since.

``stamp`` is None whenever this process is not listening (SQLite, where asking costs no round trip; the first
moments of a process; the listening connection lost and not yet back): the reader then asks the database, as it
would without notices. A change committed by another process is seen once its notice arrives, within
milliseconds on a healthy server, rather than by the very next request; should notices be lost, within ten
seconds, since every ten quiet seconds count as a change.
"""

from __future__ import annotations

import logging
import os
import threading

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from vigil.platform.database import get_engine, on_engine_reset

log = logging.getLogger("vigil.notices")

_ANNOUNCED = "vigil_announced"  # session.info key: the channels a transaction announces
_WAIT = 1.0  # seconds a listening thread waits for notices before it looks whether it should stop
_IDLE_CHECK = 10  # waits without a notice before the listening connection is checked with a query


def announce(session: Session, channel: str) -> None:
    """Announce a change on ``channel`` when ``session``'s transaction commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel})
    session.info.setdefault(_ANNOUNCED, set()).add(channel)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for channel in session.info.pop(_ANNOUNCED, ()):
        watch = _watches.get(channel)
        if watch is not None:
            watch.bump()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_ANNOUNCED, None)


def stamp(channel: str) -> int | None:
    """A number that changes whenever a change on ``channel`` is announced or may have been missed; None when
    this process is not listening, and the caller must ask the database itself."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        return None
    watch = _watches.get(channel)
    if watch is None or watch.pid != os.getpid():  # a forked child does not inherit the listening thread
        with _lock:
            watch = _watches.get(channel)
            if watch is None or watch.pid != os.getpid():
                conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
                watch = _watches[channel] = _Watch(conninfo, channel)
    return watch.stamp()


class _Watch:
    """A thread with its own connection, LISTENing on one channel and counting the notices; it reconnects when the
    connection is lost, and every (re)connection counts as a notice, since some may have been missed."""

    def __init__(self, conninfo: str, channel: str) -> None:
        self.conninfo = conninfo
        self.channel = channel
        self.pid = os.getpid()
        self.backend_pid: int | None = None  # the listening connection's server process (tests end it)
        self._count = 0
        self._live = False
        self._count_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"vigil-listen-{channel}", daemon=True)
        self._thread.start()

    def bump(self, live: bool | None = None) -> None:
        """Count a change; ``live``, when given, says whether the stamp may be trusted from now on."""
        with self._count_lock:
            self._count += 1
            if live is not None:
                self._live = live

    def stamp(self) -> int | None:
        with self._count_lock:
            return self._count if self._live else None

    def stop(self) -> None:
        """Stop within a second (not waited for: its connection closes when the thread ends)."""
        self._stop.set()

    def _run(self) -> None:
        import psycopg
        from psycopg import sql

        delay = 0.2
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                    self.backend_pid = conn.info.backend_pid
                    self.bump(live=True)  # notices sent while no one listened are lost: a change, to be safe
                    delay = 0.2
                    self._listen(conn)
            except Exception as exc:  # noqa: BLE001 - any failure: stop trusting the stamp, reconnect
                log.warning("listening on %s stopped: %s", self.channel, exc)
            finally:
                self.bump(live=False)
            self._stop.wait(delay)
            delay = min(delay * 2, 10.0)

    def _listen(self, conn) -> None:
        quiet = 0
        while not self._stop.is_set():
            quiet += 1
            for _ in conn.notifies(timeout=_WAIT):
                quiet = 0
                self.bump()
            if quiet >= _IDLE_CHECK:
                # a quiet connection may be a dead one: a query finds out (and raises); and notices may be lost on
                # the way (a pooler in transaction mode drops them), so a quiet spell counts as a change too: readers
                # then ask once, and a change is never missed for longer than this
                conn.execute("SELECT 1")
                self.bump()
                quiet = 0


_watches: dict[str, _Watch] = {}
_lock = threading.Lock()


def _stop_all() -> None:
    """Another database: the listening connections go with the engine."""
    with _lock:
        for watch in _watches.values():
            watch.stop()
        _watches.clear()


on_engine_reset(_stop_all)
