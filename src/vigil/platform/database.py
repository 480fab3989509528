"""Engine, sessions and the declarative base shared by every capability's models."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TypeVar

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from vigil.platform.config import get_settings

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator):
    """A timestamp column that always comes back aware, in UTC. SQLite stores no offset and returns naive values;
    every timestamp Vigil shows or returns must carry one (RFC 3339 `Z`). Stored as DateTime(timezone=True)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


_engine: Engine | None = None
_sessionmaker: sessionmaker[Session] | None = None
_read_engine: Engine | None = None  # PostgreSQL: a second pool without pre-ping (see _autocommit)
_autocommit_engine: Engine | None = None  # that pool (SQLite: the main one) in AUTOCOMMIT
_read_sessionmaker: sessionmaker[Session] | None = None
_reset_hooks: list = []
T = TypeVar("T")
log = logging.getLogger("vigil.database")


def on_engine_reset(hook) -> None:
    """Call ``hook()`` whenever the engine is dropped (another database): process caches of rows register here."""
    _reset_hooks.append(hook)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, pre_ping: bool = True) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=pre_ping, pool_size=10, max_overflow=20)


class WalCheckpointer:
    """SQLite in WAL mode: a thread that copies committed pages from the write-ahead log into the database file
    every ``interval`` seconds.

    Without it the commit that grows the log to 1,000 pages (SQLite's ``wal_autocheckpoint``) does that copy
    itself, inside a request: with an audit row per screening request, every ~150th request waited ~10 ms. A
    PASSIVE checkpoint never waits for readers or writers, and Python's sqlite3 lets other threads run while it
    copies. The automatic checkpoint stays on, as a safety net should this thread ever fall behind."""

    def __init__(self, path: str, interval: float = 0.1) -> None:
        self.path = path
        self.interval = interval
        self.checkpoints = 0  # PASSIVE checkpoints run so far
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vigil-wal-checkpoint", daemon=True)

    def start(self) -> "WalCheckpointer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, check_same_thread=False)
        try:
            while not self._stop.wait(self.interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error as exc:  # locked or busy this time: the next round catches up
                    log.debug("WAL checkpoint skipped: %s", exc)
        finally:
            conn.close()


def start_wal_checkpointer(interval: float = 0.1) -> WalCheckpointer | None:
    """A running :class:`WalCheckpointer` for the configured database, or None when it is not an SQLite file."""
    engine = get_engine()
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:" or path.startswith("file:"):
        return None
    return WalCheckpointer(path, interval).start()


def get_engine() -> Engine:
    global _engine, _sessionmaker
    if _engine is None:
        settings = get_settings()
        if settings.is_sqlite:
            settings.ensure_data_dir()
        _engine = make_engine(settings.resolved_database_url)
        _sessionmaker = sessionmaker(_engine, expire_on_commit=False)
    return _engine


def reset_engine() -> None:
    global _engine, _sessionmaker, _read_engine, _read_sessionmaker, _autocommit_engine
    for engine in (_engine, _read_engine):
        if engine is not None:
            engine.dispose()
    _engine = _read_engine = _autocommit_engine = None
    _sessionmaker = None
    _read_sessionmaker = None
    for hook in _reset_hooks:
        hook()


def get_or_404(session: Session, model, key, message: str):
    """The row with primary key ``key``, or NotFound(message) (an API 404 / console error page)."""
    from vigil.platform.errors import NotFound

    row = session.get(model, key)
    if row is None:
        raise NotFound(message)
    return row


def new_session() -> Session:
    get_engine()
    assert _sessionmaker is not None
    return _sessionmaker()


@contextmanager
def session_scope() -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    session = new_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _autocommit() -> Engine:
    """The second pool, for work outside a transaction: each statement commits on its own, and no BEGIN/COMMIT or
    pre-ping round trips to PostgreSQL, which together cost more than a TAXII page query itself (see ``read``)."""
    global _read_engine, _autocommit_engine
    if _autocommit_engine is None:
        engine = get_engine()
        if engine.dialect.name != "sqlite":  # SQLite has no round trips to save; share its engine
            engine = _read_engine = make_engine(get_settings().resolved_database_url, pre_ping=False)
        _autocommit_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    return _autocommit_engine


def _read_session() -> Session:
    """Sessions on the autocommit pool, for short reads (``read``)."""
    global _read_sessionmaker
    if _read_sessionmaker is None:
        _read_sessionmaker = sessionmaker(_autocommit(), expire_on_commit=False)
    return _read_sessionmaker()


def embedded() -> bool:
    """Whether the database runs in this process (SQLite): no round trips to save, one transaction is cheapest."""
    return get_engine().dialect.name == "sqlite"


@contextmanager
def autocommit_connection() -> Iterator:
    """A connection of the autocommit pool, for a caller whose whole write is one statement."""
    with _autocommit().connect() as conn:
        yield conn


def read(fn: Callable[[Session], T]) -> T:
    """Run read-only ``fn(session)`` outside a transaction (queries do not share a snapshot; never write through
    it: each statement commits on its own). The read pool skips the pre-ping, so a connection the database dropped (a restart) is found by the
    query itself: SQLAlchemy then invalidates it and ``fn`` runs once more on a fresh connection."""
    for attempt in (1, 2):
        session = _read_session()
        try:
            return fn(session)
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
        finally:
            session.close()
    raise AssertionError("unreachable")
