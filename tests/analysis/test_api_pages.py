"""The analysis API, dashboard page and exports (CSV, XLSX, PDF) for the demo history."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from vigil.web.reports import pdf_text


def test_statistics_api_needs_login_and_applies_filters(client, as_user):
    assert client.get("/api/v1/analysis/statistics").status_code == 401
    viewer = as_user("viewer")
    everything = viewer.get("/api/v1/analysis/statistics").json()
    theft = viewer.get("/api/v1/analysis/statistics", params={"type": "Theft"}).json()
    assert everything["total"] >= 2500 and 0 < theft["total"] < everything["total"]
    assert {r["key"] for r in everything["by"]["area"]} >= {"Andorra la Vella", "Encamp"}
    assert len(everything["by"]["hour"]) == 24 and len(everything["by"]["weekday"]) == 7
    empty = viewer.get("/api/v1/analysis/statistics", params={"start": "2025-02-01", "end": "2025-01-01"})
    assert empty.status_code == 200 and empty.json()["total"] == 0  # an empty range, not an error
    bad = viewer.get("/api/v1/analysis/statistics", params={"start": "February"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_monthly_counts_and_hotspots_api(as_user):
    viewer = as_user("viewer")
    monthly = viewer.get("/api/v1/analysis/monthly-counts", params={"area": "Encamp"}).json()
    assert monthly and {r["area"] for r in monthly} == {"Encamp"}
    spots = viewer.get("/api/v1/analysis/hotspots").json()
    assert spots["type"] == "FeatureCollection" and spots["located"] >= 2500
    assert any(f["properties"]["kind"] == "hot" for f in spots["features"])
    near = viewer.get("/api/v1/analysis/near-repeat", params={"simulations": 19}).json()
    assert near["simulations"] == 19 and 0 < near["p_value"] <= 1


def test_exports_carry_the_filtered_figures(as_user):
    viewer = as_user("viewer")
    text = viewer.get("/api/v1/analysis/export", params={"format": "csv", "type": "Drugs"})
    assert text.headers["content-disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(text.text)))
    total = viewer.get("/api/v1/analysis/statistics", params={"type": "Drugs"}).json()["total"]
    assert {r["type"] for r in rows} == {"Drugs"} and sum(int(r["incidents"]) for r in rows) == total
    book = load_workbook(io.BytesIO(viewer.get("/analysis/export.xlsx").content))
    assert book.sheetnames == ["Monthly", "By type", "By area", "Years"]
    assert book["By area"]["A1"].value == "area"
    pdf = viewer.get("/analysis/export.pdf", params={"area": "Encamp"})
    assert pdf.headers["content-type"] == "application/pdf"
    words = pdf_text(pdf.content)
    assert "Incident statistics" in words and "Encamp" in words and "Hotspots" in words


def test_dashboard_shows_charts_map_and_filters(as_user):
    viewer = as_user("viewer")
    page = viewer.get("/analysis", params={"type": "Theft"})
    assert page.status_code == 200
    html = page.text
    for marker in ('id="trend"', 'id="hotspot-map"', "/static/vendor/plotly/plotly.min.js",
                   "/static/vendor/leaflet/leaflet.js", '<option value="Theft" selected>',
                   "/analysis/export.xlsx?type=Theft"):
        assert marker in html
    assert "cdn" not in html.lower()


def test_dashboard_treats_blank_filter_fields_as_all(as_user):
    viewer = as_user("viewer")
    assert viewer.get("/analysis?start=&end=&type=Theft&area=").status_code == 200
    assert viewer.get("/analysis/export.csv?start=&end=&type=&area=").status_code == 200
    assert viewer.get("/analysis?start=yesterday").status_code == 422


def test_a_world_wide_history_still_shows_the_dashboard(as_user):
    from datetime import datetime, timezone

    from vigil.analysis import service
    from vigil.platform.database import session_scope
    from vigil.platform.identity.principal import SYSTEM

    rows = [{"source_ref": f"w{i}", "occurred_at": datetime(2015, 1, 1 + i, tzinfo=timezone.utc),
             "precision": "day", "type": "World type", "area": "", "lat": lat, "lon": lon}
            for i, (lat, lon) in enumerate([(40.0, -3.7), (-33.9, 151.2), (35.7, 139.7)])]
    with session_scope() as db:
        service.store_rows(db, SYSTEM, "gtd", rows)
    viewer = as_user("viewer")
    page = viewer.get("/analysis", params={"type": "World type"})
    assert page.status_code == 200 and "Narrow the filters" in page.text
    assert viewer.get("/api/v1/analysis/hotspots", params={"type": "World type"}).status_code == 409
