"""Analysis use cases: importing histories, copying response incidents, statistics, hotspots, near-repeat.

Every use case asks policy first; imports write an audit row in their own transaction."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from vigil.analysis import analytics
from vigil.analysis.analytics import Filters
from vigil.analysis.core import importers, spatial
from vigil.analysis.models import HistoricIncident, ImportBatch
from vigil.platform import policy
from vigil.platform.audit import service as audit
from vigil.platform.errors import Problem
from vigil.platform.identity.principal import Principal

FORMATS = ("gtd", "csv")
CHUNK = 5_000


@dataclass
class ImportOutcome:
    batch_id: int
    imported: int
    rejected: int
    errors: list[tuple[int, str]]


def parse(fmt: str, lines: Iterable[str], mapping: dict[str, str] | None = None) -> importers.ParseResult:
    if fmt not in FORMATS:
        raise Problem(422, f"format must be one of {', '.join(FORMATS)}")
    try:
        return importers.parse_gtd(lines) if fmt == "gtd" else importers.parse_generic(lines, mapping)
    except ValueError as exc:  # missing required columns
        raise Problem(422, str(exc), title="Unreadable file") from None


def import_history(session: Session, actor: Principal, fmt: str, lines: Iterable[str], filename: str = "",
                   mapping: dict[str, str] | None = None, progress=None) -> ImportOutcome:
    """Parse and store a history in one transaction; rows already imported from the same source are rejected
    with their line (importing a file twice adds nothing)."""
    policy.require(actor, "analysis.import")
    result = parse(fmt, lines, mapping)
    return store_rows(session, actor, fmt, result.rows, result.errors, filename, progress)


def store_rows(session: Session, actor: Principal, source: str, rows: list[dict],
               errors: list[tuple[int, str]] | None = None, filename: str = "", progress=None) -> ImportOutcome:
    errors = list(errors or [])
    batch = ImportBatch(source=source, filename=filename[:300], created_by=actor.username)
    session.add(batch)
    session.flush()
    known = set(session.scalars(select(HistoricIncident.source_ref).where(HistoricIncident.source == source)))
    fresh = []
    for row in rows:
        if row["source_ref"] in known:
            errors.append((row.get("line", 0), f"{row['source_ref']} is already imported"))
            continue
        known.add(row["source_ref"])
        fresh.append(_record(row, source, batch.id))
    for start in range(0, len(fresh), CHUNK):
        session.execute(insert(HistoricIncident), fresh[start:start + CHUNK])
        if progress:
            progress(min(start + CHUNK, len(fresh)), len(fresh))
    errors.sort()
    batch.imported, batch.rejected = len(fresh), len(errors)
    batch.errors = json.dumps(errors[:importers.MAX_ERRORS_KEPT])
    audit.record(session, actor, "analysis.import", "analysis_import", batch.id,
                 detail={"source": source, "imported": batch.imported, "rejected": batch.rejected})
    return ImportOutcome(batch.id, batch.imported, batch.rejected, errors)


def _record(row: dict, source: str, batch_id: int | None) -> dict:
    fields = {k: v for k, v in row.items() if k != "line"}
    fields["detail"] = json.dumps(fields.get("detail") or {})
    return {"source": source, "batch_id": batch_id, "priority": "", "killed": None, "wounded": None,
            "summary": "", "country": "", "area": "", "lat": None, "lon": None, "dispatched_at": None,
            "on_scene_at": None, "cleared_at": None, **fields}


def list_imports(session: Session, actor: Principal, limit: int = 20) -> list[ImportBatch]:
    policy.require(actor, "analysis.read")
    return list(session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)))


# ---- the rapid-response capability -----------------------------------------------------------------------------

def sync_from_response(session: Session) -> int | None:
    """Copy the response capability's incidents into the history (replacing earlier copies of changed ones).
    None when rapid response is not installed."""
    try:
        from vigil.response import service as response
    except ModuleNotFoundError as exc:
        if exc.name and "vigil.response".startswith(exc.name):
            return None
        raise
    exported = response.export_incidents(session, since=None)
    current = {ref: (when, scene, cleared) for ref, when, scene, cleared in session.execute(
        select(HistoricIncident.source_ref, HistoricIncident.dispatched_at, HistoricIncident.on_scene_at,
               HistoricIncident.cleared_at).where(HistoricIncident.source == "response"))}
    changed = []
    for item in exported:
        row = _response_row(item)
        if row is None:
            continue
        if current.get(row["source_ref"]) != (row["dispatched_at"], row["on_scene_at"], row["cleared_at"]):
            changed.append(row)
    if changed:
        refs = [r["source_ref"] for r in changed]
        for start in range(0, len(refs), 500):
            session.execute(delete(HistoricIncident).where(HistoricIncident.source == "response",
                                                           HistoricIncident.source_ref.in_(refs[start:start + 500])))
        session.execute(insert(HistoricIncident), [_record(r, "response", None) for r in changed])
    return len(changed)


def _response_row(item: dict) -> dict | None:
    try:
        lat, lon = importers.check_coordinates(item.get("lat"), item.get("lon"))
    except importers.RowError:
        lat = lon = None
    if item.get("received_at") is None:
        return None
    return {"source_ref": str(item["id"])[:64], "occurred_at": item["received_at"], "precision": "time",
            "type": str(item.get("type") or "unknown")[:80], "area": str(item.get("area") or "")[:120],
            "priority": str(item.get("priority") or "")[:20], "lat": lat, "lon": lon,
            "dispatched_at": item.get("dispatched_at"), "on_scene_at": item.get("on_scene_at"),
            "cleared_at": item.get("cleared_at"), "detail": {}}


# ---- analytics ---------------------------------------------------------------------------------------------------

def _connection(session: Session):
    return analytics.connect(analytics.snapshot(session))


def statistics(session: Session, actor: Principal, filters: Filters) -> dict:
    policy.require(actor, "analysis.read")
    with _connection(session) as con:
        return analytics.statistics(con, filters)


def monthly_counts(session: Session, actor: Principal, filters: Filters) -> list[dict]:
    policy.require(actor, "analysis.read")
    with _connection(session) as con:
        return analytics.monthly_counts(con, filters)


def choices(session: Session, actor: Principal) -> dict[str, list[str]]:
    policy.require(actor, "analysis.read")
    with _connection(session) as con:
        return analytics.choices(con)


def hotspots(session: Session, actor: Principal, filters: Filters, cell_m: float = 1000.0,
             alpha: float = 0.05) -> dict:
    """Gi* hot and cold cells and the kernel density peak cells, as GeoJSON for the map."""
    policy.require(actor, "analysis.read")
    try:
        with _connection(session) as con:
            binned = analytics.grid_counts(con, filters, cell_m)
    except ValueError as exc:
        raise Problem(409, f"{exc}", title="Area too large for this cell size") from None
    if binned is None:
        return {"type": "FeatureCollection", "features": [], "cells": 0, "located": 0, "cell_m": cell_m}
    grid, counts = binned
    density = spatial.kernel_density(counts)
    features = [_cell_feature(grid, h.ix, h.iy, {
        "kind": h.kind, "count": h.count, "z": round(h.z, 2), "p": float(f"{h.p:.3g}"),
        "density": float(f"{density[h.iy, h.ix]:.4g}"),
        "color": "#c0392b" if h.kind == "hot" else "#2e6fb7",
        "label": f"{h.kind} spot: {h.count} incidents, Gi* z={h.z:.1f}"}) for h in spatial.getis_ord(counts, alpha)]
    return {"type": "FeatureCollection", "features": features, "cells": grid.nx * grid.ny,
            "located": int(counts.sum()), "cell_m": cell_m}


def _cell_feature(grid: spatial.Grid, ix: int, iy: int, props: dict) -> dict:
    west, south, east, north = grid.cell_bounds(ix, iy)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": props}


def near_repeat(session: Session, actor: Principal, filters: Filters, distance_m: float = 200.0,
                days: float = 14.0, simulations: int = 99, max_events: int = 5_000, seed: int = 0) -> dict:
    """Knox test on the located incidents (the most recent `max_events` when there are more)."""
    policy.require(actor, "analysis.read")
    with _connection(session) as con:
        lat, lon, day = analytics.points(con, filters)
    if len(lat) < 3:  # nothing to test: an honest empty answer rather than an error
        return {"events": len(lat), "close_pairs_space": 0, "observed": 0, "expected": 0.0, "ratio": None,
                "p_value": None, "simulations": 0, "distance_m": distance_m, "days": days}
    if len(lat) > max_events:
        keep = day.argsort()[-max_events:]
        lat, lon, day = lat[keep], lon[keep], day[keep]
    result = spatial.knox_test(lat, lon, day, distance_m, days, simulations, seed)
    return {"events": result.events, "close_pairs_space": result.close_pairs_space, "observed": result.observed,
            "expected": round(result.expected, 2), "ratio": round(result.ratio, 3), "p_value": result.p_value,
            "simulations": result.simulations, "distance_m": distance_m, "days": days}
