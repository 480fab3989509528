"""The analysis dashboard: filters, Plotly charts, the Gi* hotspot map, exports."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request

from vigil.analysis import exports, service
from vigil.analysis.analytics import Filters
from vigil.analysis.api import export_bytes
from vigil.analysis.schemas import ExportFormat, form_filters
from vigil.platform.database import session_scope
from vigil.platform.errors import Problem
from vigil.platform.identity.principal import Principal
from vigil.web.downloads import attachment
from vigil.web.security import current_principal
from vigil.web.templating import register_templates, render

register_templates(Path(__file__).parent / "templates")
router = APIRouter(prefix="/analysis", include_in_schema=False)


def _bar(rows: list[dict], title: str, color: str = "#1f5fa8") -> dict:
    return {"data": [{"type": "bar", "x": [str(r["key"]) for r in rows], "y": [r["incidents"] for r in rows],
                      "marker": {"color": color}}], "layout": {"title": {"text": title}}}


def charts(stats: dict) -> dict[str, dict]:
    trend = stats["by"]["trend"]
    return {
        "trend": {"data": [{"type": "scatter", "mode": "lines+markers", "x": [r["key"] for r in trend],
                            "y": [r["incidents"] for r in trend], "name": "incidents"}],
                  "layout": {"title": {"text": "Incidents per month"}}},
        "by-type": _bar(stats["by"]["type"][:15], "By type", "#8e44ad"),
        "by-hour": _bar(stats["by"]["hour"], "By hour of day (UTC)", "#16a085"),
        "by-weekday": _bar(stats["by"]["weekday"], "By weekday", "#d35400"),
        "years": _bar([{"key": r["year"], "incidents": r["incidents"]} for r in stats["years"]], "By year"),
    }


@router.get("")
def dashboard(request: Request, f: Filters = Depends(form_filters), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        stats = service.statistics(db, who, f)
        try:
            spots = service.hotspots(db, who, f)
        except Problem as exc:  # e.g. a world-wide history on 1 km cells: the rest of the dashboard still shows
            spots = {"type": "FeatureCollection", "features": [], "cells": 0, "located": stats["located"],
                     "note": exc.detail}
        options = service.choices(db, who)
        imports = service.list_imports(db, who, 10)
    query = "&".join(f"{k}={v}" for k, v in f.as_dict().items() if v)
    return render(request, "analysis/dashboard.html", {
        "section": "analysis", "stats": stats, "charts": charts(stats), "hotspots": spots, "options": options,
        "filters": f, "query": query, "imports": imports})


@router.get("/export.{format}")
def export(format: ExportFormat, f: Filters = Depends(form_filters), who: Principal = Depends(current_principal)):
    with session_scope() as db:
        data = export_bytes(db, who, format, f)
    return attachment(data, exports.MEDIA[format], f"incident-statistics.{format}")
