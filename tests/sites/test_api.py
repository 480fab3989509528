"""The JSON API of sites and risk: import with per-row errors, attachments, reports (the contract of every operation
is checked by tests/web/test_api_contract.py)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_client



@pytest.fixture(scope="module")
def token(vigil_db):
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity
    from vigil.platform.identity.principal import SYSTEM

    with session_scope() as db:
        _, secret = identity.create_token(db, SYSTEM, "supervisor", "schemathesis")
    return secret


@pytest.fixture(scope="module")
def api(token):
    with make_client(raise_server_exceptions=False) as client:
        client.headers.update({"Authorization": f"Bearer {token}", "X-Vigil-Purpose": "API contract testing"})
        yield client


def test_import_reports_rows_and_stores_nothing_on_error(api):
    before = len(api.get("/api/v1/sites", params={"limit": 10000}).json())
    bad = "name,type,lat,lon\nOk,bank,42.5,1.5\nNope,bank,42.5,\n"
    resp = api.post("/api/v1/sites/import", files={"file": ("s.csv", bad, "text/csv")})
    assert resp.status_code == 422 and resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["errors"] == ["line 3: lon '' is not a number"]
    assert len(api.get("/api/v1/sites", params={"limit": 10000}).json()) == before
    good = json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "name": "API bank", "type": "bank"}, "geometry": {"type": "Point", "coordinates": [1.52, 42.51]}}]})
    resp = api.post("/api/v1/sites/import", files={"file": ("s.geojson", good, "application/geo+json")})
    assert resp.status_code == 200 and resp.json() == {"imported": 1}
    geo = api.get("/api/v1/sites/geojson")
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = geo.json()["features"]
    assert len(features) == before + 1 and all({"id", "name", "color"} <= set(f["properties"]) for f in features)


def test_attachments_are_checked_by_content_and_size(api):
    site = api.get("/api/v1/sites", params={"q": "API bank"}).json()[0]
    insp = api.post("/api/v1/inspections", json={"site_id": site["id"]}).json()
    checklist = next(c for c in api.get("/api/v1/checklists").json() if c["id"] == insp["checklist_id"])
    answers = {i["key"]: "ok" for i in checklist["items"]}
    resp = api.post(f"/api/v1/inspections/{insp['id']}/submit", json={
        "checklist_version": insp["checklist_version"], "answers": answers,
        "findings": [{"severity": "low", "description": "Door sticks", "deadline": "2099-01-01T00:00:00Z"}]})
    assert resp.status_code == 200, resp.text
    finding = resp.json()[0]
    wrong = api.post(f"/api/v1/findings/{finding['id']}/files", files={"file": ("x.png", b"MZ\x90\x00binary",
                                                                                  "image/png")})
    assert wrong.status_code == 415
    big = api.post(f"/api/v1/findings/{finding['id']}/files",
                   files={"file": ("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024), "image/png")})
    assert big.status_code == 413
    ok = api.post(f"/api/v1/findings/{finding['id']}/files", files={"file": ("x.pdf", b"%PDF-1.4 test", "text/x")})
    assert ok.status_code == 201 and ok.json()["kind"] == "pdf"
    download = api.get(f"/api/v1/finding-files/{ok.json()['id']}")
    documented = api.get("/api/v1/openapi.json").json()["paths"]["/api/v1/finding-files/{file_id}"]["get"]
    assert download.headers["content-type"] in documented["responses"]["200"]["content"]
    assert download.content == b"%PDF-1.4 test" and "attachment" in download.headers["content-disposition"]


def test_event_report_over_the_api(api):
    event = api.get("/api/v1/events").json()[0]
    resp = api.get(f"/api/v1/events/{event['id']}/report.pdf")
    from vigil.web.reports import pdf_text

    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    assert "Risk" in pdf_text(resp.content)


# Bodies whose validity a schema cannot state: a geometry that shapely finds self-intersecting, a file's content.
# Refusing them (422 with the reason) is right, so "schema-valid request rejected" is not checked there; every
# other check still is.
