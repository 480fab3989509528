"""Analysis API: statistics, monthly counts, hotspots, near-repeat, exports, imports listing, response sync."""
from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Query

from vigil.analysis import exports, service
from vigil.analysis.analytics import Filters
from vigil.analysis.schemas import ExportFormat, ImportOut, MonthlyCount, NearRepeatOut, SyncOut, filters
from vigil.platform import policy
from vigil.platform.database import session_scope
from vigil.platform.identity.principal import Principal
from vigil.web.downloads import attachment
from vigil.web.security import current_principal

router = APIRouter(prefix="/api/v1/analysis", tags=["analysis"])


@router.get("/statistics", description="Counts by type, area, hour, weekday, month; trend, years with "
                                       "year-over-year change, casualties (DuckDB over the history).")
def statistics(f: Filters = Depends(filters), who: Principal = Depends(current_principal)) -> dict:
    with session_scope() as db:
        return service.statistics(db, who, f)


@router.get("/monthly-counts", response_model=list[MonthlyCount])
def monthly_counts(f: Filters = Depends(filters), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return service.monthly_counts(db, who, f)


@router.get("/hotspots", description="Getis-Ord Gi* hot and cold cells (GeoJSON polygons, p < alpha).")
def hotspots(f: Filters = Depends(filters), cell_m: float = Query(1000.0, ge=250, le=5000),
             alpha: float = Query(0.05, gt=0, le=0.2), who: Principal = Depends(current_principal)) -> dict:
    with session_scope() as db:
        return service.hotspots(db, who, f, cell_m, alpha)


@router.get("/near-repeat", response_model=NearRepeatOut)
def near_repeat(f: Filters = Depends(filters), distance_m: float = Query(200.0, ge=10, le=5000),
                days: float = Query(14.0, ge=1, le=365), simulations: int = Query(99, ge=9, le=999),
                who: Principal = Depends(current_principal)):
    with session_scope() as db:
        result = service.near_repeat(db, who, f, distance_m, days, simulations)
    if result["ratio"] is not None and not math.isfinite(result["ratio"]):
        result["ratio"] = None
    return result


@router.get("/export", responses={200: {"content": {m: {} for m in exports.MEDIA.values()}}})
def export(format: ExportFormat = Query("csv"), f: Filters = Depends(filters),
           who: Principal = Depends(current_principal)):
    with session_scope() as db:
        data = export_bytes(db, who, format, f)
    return attachment(data, exports.MEDIA[format], f"incident-statistics.{format}")


def export_bytes(db, who: Principal, format: str, f: Filters) -> bytes:
    if format == "csv":
        return exports.to_csv(service.monthly_counts(db, who, f))
    stats = service.statistics(db, who, f)
    if format == "xlsx":
        return exports.to_xlsx(stats, service.monthly_counts(db, who, f))
    return exports.to_pdf(stats, service.hotspots(db, who, f))


@router.get("/imports", response_model=list[ImportOut])
def imports(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        return [ImportOut.model_validate(b) for b in service.list_imports(db, who)]


@router.post("/sync", response_model=SyncOut, description="Copy the rapid-response incidents into the history.")
def sync(who: Principal = Depends(current_principal)):
    with session_scope() as db:
        policy.require(who, "analysis.import")
        copied = service.sync_from_response(db)
    return SyncOut(installed=copied is not None, copied=copied or 0)
