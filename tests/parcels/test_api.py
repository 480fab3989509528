"""Parcels API: manifests (sender screening, classification), the queue, catalogue edits by admins only."""

from __future__ import annotations

from vigil.parcels.core.classifier import load_catalogue_file
from vigil.parcels.schemas import Catalogue


def parcel(number, contents, **extra):
    return {"tracking_number": number, "sender_name": "Wang Fang", "sender_document_type": "passport",
            "sender_document_number": "E1234567", "receiver_name": "Chen Jie", "contents": contents,
            "weight_kg": 1.5, "origin": "Shenzhen", "destination": "Harbour City", **extra}


def test_manifest_flags_contents_and_screens_senders_then_the_queue_decides(as_user):
    operator = as_user("operator")
    resp = operator.post("/api/v1/parcels/manifests", json={"carrier": "EXP-0001", "parcels": [
        parcel("T-1", "2x power bank 20000mAh, phone case"), parcel("T-2", "hot glue gun, bullet journal"),
        parcel("T-3", "socks", sender_name="Karim Haddad", sender_document_number="X1234567"),
        parcel("T-1", "again"), parcel("T-4", "shoes", sender_document_type="cn_ric", sender_document_number="123")]})
    assert resp.status_code == 200, resp.text
    got = {r["tracking_number"]: r for r in resp.json()[:3]}
    assert got["T-1"]["categories"] == ["dangerous_goods"] and "powerbank" in got["T-1"]["matched_terms"]
    assert not got["T-2"]["flagged"]
    assert got["T-3"]["alerts"] and got["T-3"]["alerts"][0]["kind"] == "watchlist"
    assert [r["status"] for r in resp.json()][3:] == ["duplicate", "rejected"]
    analyst = as_user("analyst")
    queue = {p["tracking_number"]: p for p in analyst.get("/api/v1/parcels/queue").json()["items"]}
    assert {"T-1", "T-3"} <= set(queue) and "T-2" not in queue
    assert queue["T-1"]["matched_terms"] == ["powerbank"]
    decided = analyst.post(f"/api/v1/parcels/{queue['T-1']['id']}/decision",
                           json={"decision": "held", "reason": "Loose lithium batteries, not allowed by air"})
    assert decided.status_code == 200 and decided.json()["status"] == "held"
    page = analyst.get("/parcels")
    assert page.status_code == 200 and "T-3" in page.text and "Karim Haddad" in page.text


def test_viewer_cannot_submit_for_a_carrier_and_non_carriers_are_refused(as_user):
    assert as_user("viewer").post("/api/v1/parcels/manifests", json={
        "carrier": "EXP-0001", "parcels": [parcel("V-1", "books")]}).status_code == 403
    assert as_user("operator").post("/api/v1/parcels/manifests", json={
        "carrier": "HOTEL-0001", "parcels": [parcel("V-2", "books")]}).status_code == 404


def test_catalogue_is_edited_by_admins_and_takes_effect(as_user):
    lines = {"lines": ["zorblade 20cm", "gasoline"]}
    analyst = as_user("analyst")
    assert [r["flagged"] for r in analyst.post("/api/v1/parcels/classify", json=lines).json()] == [False, True]
    catalogue = load_catalogue_file()
    catalogue["categories"]["knives"]["en"].append("zorblade")
    catalogue = Catalogue.from_stored(catalogue).model_dump()  # the API's form: UN numbers as a list
    assert analyst.put("/api/v1/parcels/catalogue", json={"catalogue": catalogue, "note": "new blade"}).status_code == 403
    admin = as_user("admin")
    broken = admin.put("/api/v1/parcels/catalogue", json={"catalogue": {"categories": {}}, "note": "oops"})
    assert broken.status_code == 422
    ok = admin.put("/api/v1/parcels/catalogue", json={"catalogue": catalogue, "note": "a new blade brand"})
    assert ok.status_code == 200
    assert [r["flagged"] for r in analyst.post("/api/v1/parcels/classify", json=lines).json()] == [True, True]
    assert "zorblade" in admin.get("/api/v1/parcels/catalogue").json()["categories"]["knives"]["en"]
