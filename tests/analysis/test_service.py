"""Analysis on the database: imports in one transaction, DuckDB answers equal to plain SQL on SQLite and
PostgreSQL, filters, hotspots, near-repeat, the response sync, and policy."""
from __future__ import annotations

import io
import json
import sys
import types
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from vigil.analysis import analytics, samples, service
from vigil.analysis.analytics import Filters
from vigil.analysis.models import HistoricIncident, ImportBatch
from vigil.platform.audit.models import AuditEvent
from vigil.platform.database import session_scope
from vigil.platform.errors import Forbidden, Problem
from vigil.platform.identity.principal import Principal

ANALYST = Principal(user_id=1, username="analyst", agency_id=1, agency_code="ctb", role="analyst", clearance=2)
VIEWER = Principal(user_id=2, username="viewer", agency_id=1, agency_code="city", role="viewer", clearance=1)


@pytest.fixture(scope="module")
def loaded(vigil_db):
    with session_scope() as db:
        service.import_history(db, ANALYST, "gtd", io.StringIO(samples.gtd_csv(400)), "gtd.csv")
        service.import_history(db, ANALYST, "csv", io.StringIO(samples.generic_csv(600)), "generic.csv")
    return vigil_db


def test_import_counts_rejects_and_audits(loaded):
    with session_scope() as db:
        batches = list(db.scalars(select(ImportBatch).where(ImportBatch.created_by == "analyst")
                                  .order_by(ImportBatch.id)))
        assert [(b.source, b.imported, b.rejected) for b in batches] == [("gtd", 400, 2), ("csv", 600, 3)]
        assert [line for line, _ in json.loads(batches[0].errors)] == [402, 403]
        assert db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "analysis.import")) \
            >= 2


def test_importing_the_same_file_again_adds_nothing(loaded):
    with session_scope() as db:
        before = db.scalar(select(func.count()).select_from(HistoricIncident))
        outcome = service.import_history(db, ANALYST, "gtd", io.StringIO(samples.gtd_csv(400)), "gtd.csv")
        assert (outcome.imported, outcome.rejected) == (0, 402)
        assert "already imported" in outcome.errors[0][1]
        assert db.scalar(select(func.count()).select_from(HistoricIncident)) == before


def test_a_failed_import_stores_nothing(loaded):
    with pytest.raises(Problem):
        with session_scope() as db:
            service.import_history(db, ANALYST, "csv", io.StringIO(samples.generic_csv(50, seed=99)), "x.csv")
            raise Problem(500, "crash after parsing")
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(HistoricIncident)
                         .where(HistoricIncident.source_ref.like("demo-99-%"))) == 0


def test_viewers_may_read_but_not_import(loaded):
    with session_scope() as db:
        with pytest.raises(Forbidden):
            service.import_history(db, VIEWER, "gtd", io.StringIO(samples.gtd_csv(3)))
        assert service.statistics(db, VIEWER, Filters())["total"] > 0


def test_duckdb_answers_equal_plain_sql(loaded):
    with session_scope() as db:
        with analytics.connect(analytics.snapshot(db)) as con:
            stats = analytics.statistics(con)
            monthly = analytics.monthly_counts(con)
        assert {r["key"]: r["incidents"] for r in stats["by"]["type"]} == analytics.sql_counts(db, "type")
        assert {r["key"]: r["incidents"] for r in stats["by"]["area"]} == analytics.sql_counts(db, "area")
        by_month: dict[str, int] = {}
        for row in monthly:
            by_month[row["month"]] = by_month.get(row["month"], 0) + row["incidents"]
        assert by_month == analytics.sql_counts(db, "year-month")
        assert stats["total"] == db.scalar(select(func.count()).select_from(HistoricIncident))


def test_snapshot_is_refreshed_when_the_history_changes(loaded):
    with session_scope() as db:
        first = analytics.snapshot(db).stat().st_mtime_ns
        assert analytics.snapshot(db).stat().st_mtime_ns == first
        service.store_rows(db, ANALYST, "csv", [{"source_ref": "late-1", "occurred_at": datetime(
            2025, 6, 1, 12, tzinfo=timezone.utc), "precision": "time", "type": "Late type", "area": "X"}])
    with session_scope() as db:
        stats = service.statistics(db, VIEWER, Filters(type="Late type"))
        assert stats["total"] == 1 and stats["by"]["hour"] == [{"key": 12, "incidents": 1}]


def test_filters_and_unknown_days(loaded):
    with session_scope() as db:
        everything = service.statistics(db, VIEWER, Filters())
        theft = service.statistics(db, VIEWER, Filters(type="Theft"))
        assert 0 < theft["total"] < everything["total"]
        assert [r["key"] for r in theft["by"]["type"]] == ["Theft"]
        year_2000 = service.statistics(db, VIEWER, Filters(start=date(2000, 1, 1), end=date(2000, 12, 31)))
        assert year_2000["years"] == [{"year": 2000, "incidents": year_2000["total"], "change_pct": None}]
        gtd_unknown_month = db.scalar(select(func.count()).select_from(HistoricIncident)
                                      .where(HistoricIncident.precision == "year"))
        assert gtd_unknown_month > 0
        months = sum(r["incidents"] for r in everything["by"]["month"])
        assert months == everything["total"] - gtd_unknown_month  # unknown months are left out, not put in January
        weekdays = sum(r["incidents"] for r in everything["by"]["weekday"])
        assert weekdays == db.scalar(select(func.count()).select_from(HistoricIncident)
                                     .where(HistoricIncident.precision.in_(("time", "day"))))
        years = everything["years"]
        change = years[-1]
        assert change["change_pct"] == round(100 * (change["incidents"] - years[-2]["incidents"])
                                             / years[-2]["incidents"], 1)


def test_hotspots_are_geojson_cells_in_andorra(loaded):
    with session_scope() as db:
        spots = service.hotspots(db, VIEWER, Filters(start=date(2024, 1, 1)))
    hot = [f for f in spots["features"] if f["properties"]["kind"] == "hot"]
    assert hot, "the synthetic history has a central cluster"
    ring = hot[0]["geometry"]["coordinates"][0]
    assert all(42.3 < lat < 42.7 and 1.3 < lon < 1.9 for lon, lat in ring)
    assert all(f["properties"]["p"] < 0.05 for f in spots["features"])


def test_near_repeat_reports_a_monte_carlo_p_value(loaded):
    with session_scope() as db:
        result = service.near_repeat(db, VIEWER, Filters(start=date(2024, 1, 1)), 200, 7, simulations=19)
        assert result["events"] > 100 and result["simulations"] == 19
        assert 1 / 20 <= result["p_value"] <= 1
        empty = service.near_repeat(db, VIEWER, Filters(type="no such type"))
        assert empty["events"] == 0 and empty["p_value"] is None


def test_sync_from_response_skips_when_missing_and_copies_when_present(loaded, monkeypatch):
    with session_scope() as db:
        if "vigil.response.service" not in sys.modules:
            try:
                import vigil.response.service  # noqa: F401
            except ModuleNotFoundError:
                assert service.sync_from_response(db) is None
    received = datetime(2026, 11, 30, 21, 0, tzinfo=timezone.utc)
    incidents = [{"id": "R-1", "received_at": received, "type": "burglary", "priority": "high", "lat": 42.51,
                  "lon": 1.53, "area": "Escaldes-Engordany", "dispatched_at": received + timedelta(minutes=2),
                  "on_scene_at": received + timedelta(minutes=9), "cleared_at": None},
                 {"id": "R-2", "received_at": received, "type": "assault", "priority": "low", "lat": 99.0,
                  "lon": 1.0, "area": "", "dispatched_at": None, "on_scene_at": None, "cleared_at": None}]
    fake = types.ModuleType("vigil.response.service")
    fake.export_incidents = lambda session, since=None: [dict(i) for i in incidents]
    monkeypatch.setitem(sys.modules, "vigil.response.service", fake)
    monkeypatch.setitem(sys.modules, "vigil.response", types.ModuleType("vigil.response"))
    with session_scope() as db:
        assert service.sync_from_response(db) == 2
    with session_scope() as db:
        assert service.sync_from_response(db) == 0  # nothing changed
        incidents[0]["cleared_at"] = received + timedelta(minutes=50)
        assert service.sync_from_response(db) == 1
    with session_scope() as db:
        # (only this test's incidents: the module's database may hold the demo's, synced by an earlier job)
        rows = list(db.scalars(select(HistoricIncident).where(HistoricIncident.source == "response",
                                                              HistoricIncident.source_ref.in_(["R-1", "R-2"]))
                               .order_by(HistoricIncident.source_ref)))
        assert [(r.source_ref, r.priority) for r in rows] == [("R-1", "high"), ("R-2", "low")]
        assert rows[0].cleared_at == received + timedelta(minutes=50)
        assert rows[1].lat is None  # absurd coordinates from the source are dropped, the incident kept
        stats = service.statistics(db, VIEWER, Filters(type="burglary", start=date(2026, 11, 30),
                                                         end=date(2026, 11, 30)))
        assert stats["median_minutes_to_scene"] == 9.0
