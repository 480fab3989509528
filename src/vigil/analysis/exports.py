"""Exports of the dashboard's figures for the current filters: CSV (monthly counts), XLSX (one sheet per table),
PDF (WeasyPrint, with an SVG map of the Gi* cells)."""
from __future__ import annotations

import csv
import io

from vigil.platform import clock

MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf"}


def to_csv(monthly: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "type", "area", "incidents"])
    for row in monthly:
        writer.writerow([row["month"], _safe(row["type"]), _safe(row["area"]), row["incidents"]])
    return out.getvalue().encode()


def _safe(value: str) -> str:
    """Cells a spreadsheet would run as a formula are quoted (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def to_xlsx(stats: dict, monthly: list[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Monthly"
    sheet.append(["month", "type", "area", "incidents"])
    for row in monthly:
        sheet.append([row["month"], _safe(row["type"]), _safe(row["area"]), row["incidents"]])
    for name, key, columns in (("By type", "type", ["key", "incidents", "killed", "wounded"]),
                               ("By area", "area", ["key", "incidents", "per_month", "share_pct"])):
        table = book.create_sheet(name)
        table.append([key if c == "key" else c for c in columns])
        for row in stats["by"][key]:
            table.append([_safe(row[c]) if isinstance(row[c], str) else row[c] for c in columns])
    years = book.create_sheet("Years")
    years.append(["year", "incidents", "change_pct"])
    for row in stats["years"]:
        years.append([row["year"], row["incidents"], row.get("change_pct")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(stats: dict, hotspots: dict) -> bytes:
    from vigil.web.reports import render_pdf, svg_map

    return render_pdf("analysis/report.html", {"stats": stats, "generated": clock.now(),
                                               "map_svg": svg_map(hotspots["features"]),
                                               "hotspots": hotspots["features"]})
