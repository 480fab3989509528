"""Shared fixtures: a fresh, migrated, demo-seeded database per test module, on SQLite or PostgreSQL.

Set VIGIL_TEST_DATABASE_URL to a PostgreSQL server URL (its database is used only to create and drop
throwaway databases) to run the whole suite on PostgreSQL; otherwise SQLite files in a temp folder are used.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO / "data"  # the public data the repository carries (data/README.md)
TEST_OUTPUT = REPO / "test-output"
PG_ADMIN_URL = os.environ.get("VIGIL_TEST_DATABASE_URL")


def on_postgres() -> bool:
    return bool(PG_ADMIN_URL)


class TestDatabase:
    """One throwaway database; `url` is what VIGIL_DATABASE_URL is set to."""

    def __init__(self, tmp: Path, template: str | None = None):
        self.tmp = tmp
        self.name = f"vigil_test_{uuid.uuid4().hex[:10]}"
        if on_postgres():
            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                if template:
                    # a template database must have no other connection while it is copied
                    conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": template})
                    conn.execute(text(f'CREATE DATABASE "{self.name}" TEMPLATE "{template}"'))
                else:
                    conn.execute(text(f'CREATE DATABASE "{self.name}"'))
            admin.dispose()
            self.url = make_url(PG_ADMIN_URL).set(database=self.name).render_as_string(hide_password=False)
        else:
            self.url = f"sqlite:///{tmp / 'vigil.db'}"

    def drop(self) -> None:
        if on_postgres():
            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            admin.dispose()


# Migrating and seeding the demo (every capability's demo data) takes seconds; each test module needs a database
# of its own. So it is done once per run into a template (a SQLite folder, a PostgreSQL template database) that
# each test's database is copied from, which is what a fresh migrate + seed would produce.
_TEMPLATES: dict[bool, tuple[Path, str]] = {}


def _build_template(seed: bool) -> tuple[Path, str]:
    import atexit
    import shutil
    import tempfile

    from vigil.platform.config import reset_settings

    folder = Path(tempfile.mkdtemp(prefix="vigil-template-"))
    db = TestDatabase(folder)
    saved = {k: os.environ.get(k) for k in ("VIGIL_DATA_DIR", "VIGIL_DATABASE_URL", "VIGIL_SECRET_KEY",
                                             "VIGIL_DEMO_LISTS")}
    os.environ.update({"VIGIL_DATA_DIR": str(folder), "VIGIL_DATABASE_URL": db.url,
                       "VIGIL_SECRET_KEY": "test-secret-key",
                       "VIGIL_DEMO_LISTS": os.environ.get("VIGIL_DEMO_LISTS", "un")})
    try:
        reset_settings()
        from vigil.platform.migrations import upgrade

        upgrade()
        if seed:
            from vigil import demo

            demo.seed()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reset_settings()  # closes the template's connections
    if not on_postgres():
        _sqlite_checkpoint(folder / "vigil.db")
    atexit.register(lambda: (db.drop(), shutil.rmtree(folder, ignore_errors=True)))
    return folder, db.name


def _sqlite_checkpoint(path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _copy_template(seed: bool, tmp: Path) -> TestDatabase:
    import shutil

    if seed not in _TEMPLATES:
        _TEMPLATES[seed] = _build_template(seed)
    folder, name = _TEMPLATES[seed]
    shutil.copytree(folder, tmp, dirs_exist_ok=True)
    return TestDatabase(tmp, template=name if on_postgres() else None)


def use_database(monkeypatch: pytest.MonkeyPatch, tmp: Path, migrate: bool = True, seed: bool = True):
    from vigil.platform.config import reset_settings

    db = _copy_template(seed, tmp) if migrate else TestDatabase(tmp)
    monkeypatch.setenv("VIGIL_DATA_DIR", str(tmp))
    monkeypatch.setenv("VIGIL_DATABASE_URL", db.url)
    monkeypatch.setenv("VIGIL_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("VIGIL_DEMO_LISTS", os.environ.get("VIGIL_DEMO_LISTS", "un"))
    reset_settings()
    return db


@pytest.fixture(scope="module")
def vigil_db(tmp_path_factory):
    """A migrated database with the demo agencies, users and data, shared by one test module."""
    from vigil.platform.config import reset_settings

    mp = pytest.MonkeyPatch()
    db = use_database(mp, tmp_path_factory.mktemp("vigil"))
    yield db
    reset_settings()
    db.drop()
    mp.undo()
    reset_settings()


@pytest.fixture
def fresh_db(tmp_path, monkeypatch):
    """A database of the test's own (for tests that tamper with it)."""
    from vigil.platform.config import reset_settings

    db = use_database(monkeypatch, tmp_path)
    yield db
    reset_settings()
    db.drop()


def make_client(raise_server_exceptions: bool = True):
    from fastapi.testclient import TestClient

    from vigil.web.app import create_app

    return TestClient(create_app(), base_url="https://testserver", raise_server_exceptions=raise_server_exceptions)


def login(client, username: str, password: str | None = None):
    """Log in through the JSON API; the client then sends the session's CSRF token on writes."""
    from vigil.demo import demo_password

    resp = client.post("/api/v1/auth/login", json={"username": username,
                                                   "password": password or demo_password(username)})
    assert resp.status_code == 200, resp.text
    client.headers["X-CSRF-Token"] = resp.json()["csrf_token"]
    return client


@pytest.fixture
def client(vigil_db):
    with make_client() as c:
        yield c


@pytest.fixture
def as_user(vigil_db):
    """Factory: a logged-in client for a demo user."""
    clients = []

    def _make(username: str):
        c = make_client()
        clients.append(c)
        return login(c, username)

    yield _make
    for c in clients:
        c.close()


def record_event_loop_use(monkeypatch: pytest.MonkeyPatch, module, name: str) -> list[bool]:
    """Wrap ``module.name`` (the real function still runs) and record, per call, whether it ran on a thread with a
    running event loop: blocking work there would stall every other request the server is serving."""
    import asyncio

    calls: list[bool] = []
    real = getattr(module, name)

    def spy(*args, **kwargs):
        try:
            asyncio.get_running_loop()
            calls.append(True)
        except RuntimeError:
            calls.append(False)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


# Modules that touch no database (pure cores, the matcher, the batch CLI on files): the PostgreSQL run leaves them to
# the SQLite run, where they test the very same code; everything that reaches a database runs on both.
DATABASE_FREE = {
    "tests/analysis/test_core.py", "tests/intel/test_core.py", "tests/ledger/test_core.py",
    "tests/registrations/test_core.py", "tests/response/test_core.py", "tests/sites/test_core.py",
    "tests/tips/test_core.py", "tests/screening/test_matching.py", "tests/screening/test_spelling_and_alignment.py",
    "tests/screening/test_threshold_pruning.py", "tests/screening/test_native.py", "tests/screening/test_scripts.py",
    "tests/screening/test_importers.py", "tests/screening/test_batch.py", "tests/parcels/test_classifier.py",
    "tests/risk/test_scoring.py",
}


# .ci/run runs the two suites side by side and the SQLite one, with every database-free module, ends last: with
# VIGIL_TEST_SHARE set (sqlite|postgresql, by .ci/run only), these database-free modules go to the PostgreSQL run
# instead, so both end at about the same time. Without it the SQLite run (the README's command) runs them all.
SHARED_WITH_POSTGRES = {"tests/screening/test_batch.py", "tests/screening/test_matching.py"}


def left_to_the_other_run() -> set[str]:
    share = os.environ.get("VIGIL_TEST_SHARE")
    if on_postgres():
        return DATABASE_FREE - SHARED_WITH_POSTGRES if share == "postgresql" else DATABASE_FREE
    return SHARED_WITH_POSTGRES if share == "sqlite" else set()


def pytest_collection_modifyitems(config, items):
    elsewhere = left_to_the_other_run()
    skipped = [item for item in items if item.nodeid.split("::")[0] in elsewhere]
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = [item for item in items if item.nodeid.split("::")[0] not in elsewhere]
