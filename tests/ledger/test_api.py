"""The JSON API and the console pages (server-side), on the demo data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vigil.platform import clock
from tests.conftest import login, make_client


@pytest.fixture(scope="module")
def api(vigil_db):
    with make_client() as c:
        yield login(c, "operator")


def test_demo_holders_balances_and_alerts(api):
    holders = {h["id"]: h for h in api.get("/api/v1/ledger/holders").json()}
    assert {"DLR-01", "MIN-01", "CHM-01"} <= set(holders)
    mine = api.get("/api/v1/ledger/holders/MIN-01").json()
    assert [s["id"] for s in mine["sites"]] == ["MIN-01-MAG-A", "MIN-01-MAG-B"]
    assert mine["in_transit"][0]["from"] == "DLR-01"
    bal = api.get("/api/v1/ledger/holders/MIN-01/balance").json()
    assert {(i["lot"], i["quantity"], i["site"]) for i in bal["items"]} == {("EMU-2611-A", 37.5, "MIN-01-MAG-A"),
                                                                             ("DET-2611-07", 355, "MIN-01-MAG-B")}
    kinds = {a["kind"] for a in api.get("/api/v1/ledger/alerts").json()}
    assert {"count_mismatch", "unusual_purchase", "licence_expiring", "transport_overdue",
            "dispatch_unconfirmed"} <= kinds
    assert api.get("/api/v1/ledger/verify").json()["ok"] is True


def stamp(hours: float) -> str:
    return (clock.now() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_record_through_api_and_refusal_reasons(api):
    body = {"type": "movement", "id": "API-1", "at": stamp(1), "kind": "consume", "holder": "MIN-01",
            "site": "MIN-01-MAG-A", "item": {"class": "explosive", "lot": "EMU-2611-A", "quantity": 500, "unit": "g"}}
    assert api.post("/api/v1/ledger/records", json=body).json() == {"id": "API-1", "status": "accepted",
                                                                    "reasons": [], "alerts": []}
    body.update(id="API-2", item=dict(body["item"], quantity=1, unit="t"))
    out = api.post("/api/v1/ledger/records", json=body).json()
    assert out["status"] == "rejected" and "insufficient stock" in out["reasons"][0]
    bal = api.get("/api/v1/ledger/holders/MIN-01/balance").json()
    assert ("EMU-2611-A", 37) in {(i["lot"], i["quantity"]) for i in bal["items"]}
    past = api.get("/api/v1/ledger/holders/MIN-01/balance", params={"at": stamp(0)}).json()
    assert ("EMU-2611-A", 37.5) in {(i["lot"], i["quantity"]) for i in past["items"]}
    trace = api.get("/api/v1/ledger/trace/EMU-2611-A", params={"at": stamp(0)}).json()
    assert [m["kind"] for m in trace["movements"]][:3] == ["receipt", "dispatch", "confirm"]
    assert {(h["holder"], h["quantity"]) for h in trace["held_at"]["held"]} == {("DLR-01", 10), ("MIN-01", 37.5)}
    assert api.post("/api/v1/ledger/records", json={"type": "movement"}).status_code == 422
    missing = api.get("/api/v1/ledger/holders/NOPE")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")


def test_viewer_cannot_read_the_ledger(vigil_db):
    with make_client() as c:
        login(c, "viewer")
        assert c.get("/api/v1/ledger/holders").status_code == 403


def test_console_pages_render_and_form_records(api):
    assert "Red Valley Quarry" in api.get("/ledger").text
    page = api.get("/ledger/holders/DLR-01")
    assert page.status_code == 200 and "movement-form" in page.text
    assert "EMU-2611-A" in api.get("/ledger/sites/MIN-01-MAG-A").text
    assert "unusual precursor purchase" in api.get("/ledger/alerts").text
    trace = api.get("/ledger/trace", params={"key": "NGA-0001923", "at": stamp(0)})
    assert "Beretta" not in trace.text and "DLR-01" in trace.text
    resp = api.post("/ledger/movements", data={"holder": "DLR-01", "kind": "destroy", "at": stamp(2)[:16],
                                               "site": "DLR-01-STORE", "item_class": "explosive",
                                               "key": "EMU-2611-A", "quantity": "1", "unit": "kg",
                                               "csrf_token": api.headers["X-CSRF-Token"]}, follow_redirects=False)
    assert resp.status_code == 303 and "accepted" in resp.headers["location"]


def test_a_search_term_with_a_control_character_is_a_clear_422(api):
    """PostgreSQL stores no NUL: the schema says so (QUERY_TEXT) and the answer names the field, on both databases."""
    resp = api.get("/api/v1/ledger/holders", params={"q": "Hol\x00der"})
    assert resp.status_code == 422 and "q" in resp.text
    assert api.get("/api/v1/ledger/holders", params={"q": "Holder"}).status_code == 200
