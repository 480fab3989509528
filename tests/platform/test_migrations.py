"""Migrations: empty to head on the test database; models and migrations agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from vigil.platform.database import get_engine
from vigil.platform.migrations import current_revision, head_revision
from vigil.platform.registry import load_models
from tests.conftest import use_database


def test_upgrade_empty_to_head_and_models_match(tmp_path, monkeypatch):
    db = use_database(monkeypatch, tmp_path, migrate=False)
    try:
        assert inspect(get_engine()).get_table_names() == []
        from vigil.platform.migrations import upgrade

        upgrade()
        with get_engine().connect() as conn:
            assert current_revision(conn) == head_revision()
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), load_models())
        assert diff == [], diff
        assert {"users", "agencies", "audit_events", "api_tokens"} <= set(inspect(get_engine()).get_table_names())
    finally:
        from vigil.platform.config import reset_settings

        reset_settings()
        db.drop()


def test_readyz_reports_revision(client):
    resp = client.get("/readyz")
    assert resp.status_code == 200 and resp.json()["revision"] == head_revision()
    assert client.get("/healthz").json() == {"status": "ok"}
