"""API and console: batches, the establishment portal, the alert queue, purpose-bound search, re-screening."""

from __future__ import annotations

import pytest

from tests.conftest import login, make_client

PURPOSE = {"X-Vigil-Purpose": "investigating a confirmed registration hit"}


def record(record_id, **extra):
    return {"establishment": "HOTEL-0001", "record_id": record_id, "name": "Ana Lima", "dob": "1985-05-05",
            "nationality": "BR", "document_type": "passport", "document_number": "FT123456",
            "arrival": "2026-12-01", **extra}


@pytest.fixture
def desk(vigil_db):
    with make_client() as c:
        yield login(c, "hotel-desk")


def test_desk_submits_a_batch_and_sees_only_its_own_records_with_reasons(desk, as_user):
    resp = desk.post("/api/v1/registrations/batches", json={"records": [
        record("API-1"), record("API-2", dob="1985-13-40"), record("API-1"),
        {**record("API-3"), "establishment": "SH-0001"}]})
    assert resp.status_code == 200, resp.text
    got = resp.json()["results"]
    assert [r["status"] for r in got] == ["accepted", "rejected", "duplicate", "rejected"]
    assert got[1]["reasons"][0].startswith("record 2: dob")
    assert "own establishment" in got[3]["reasons"][0]
    mine = desk.get("/api/v1/registrations/mine?limit=100").json()["items"]
    ids = {r["record_id"] for r in mine}
    assert {"API-1", "API-2"} <= ids and "API-3" not in ids
    rejected = [r for r in mine if r["record_id"] == "API-2"][0]
    assert rejected["status"] == "rejected" and "dob" in rejected["reasons"]
    assert desk.get("/api/v1/registrations/alerts").status_code == 403  # officers only
    page = desk.get("/registrations")
    assert page.status_code == 200 and "API-2" in page.text
    assert as_user("analyst").get("/api/v1/registrations/mine").status_code == 404  # not linked


def test_bad_batches_are_clear_4xx_and_store_nothing(desk):
    assert desk.post("/api/v1/registrations/batches", json={"records": []}).status_code == 422
    bad = desk.post("/api/v1/registrations/batches", json={"records": [{**record("X"), "document_type": "visa"}]})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    too_many = desk.post("/api/v1/registrations/batches", json={"records": [record(f"M{i}") for i in range(10_001)]})
    assert too_many.status_code in (413, 422)
    assert "X" not in {r["record_id"] for r in desk.get("/api/v1/registrations/mine?limit=500").json()["items"]}


def test_watchlist_hit_goes_to_the_queue_and_is_decided_with_a_reason(as_user):
    resp = as_user("operator").post("/api/v1/registrations/batches", json={"records": [  # (a desk is not told)
        record("HIT-1", name="Karim Haddad", dob="1988-04-02", nationality="XX", document_number="X1234567")]})
    alerts = resp.json()["results"][0]["alerts"]
    assert alerts and alerts[0]["kind"] == "watchlist" and "Karim Haddad" in alerts[0]["detail"]
    analyst = as_user("analyst")
    queue = analyst.get("/api/v1/registrations/alerts").json()["items"]
    mine = [a for a in queue if a["record_id"] == "HIT-1"]
    assert mine
    no_reason = analyst.post(f"/api/v1/registrations/alerts/{mine[0]['id']}/decision",
                             json={"decision": "confirmed", "reason": ""})
    assert no_reason.status_code == 422
    done = analyst.post(f"/api/v1/registrations/alerts/{mine[0]['id']}/decision",
                        json={"decision": "dismissed", "reason": "Different person: date of birth differs"})
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    again = analyst.post(f"/api/v1/registrations/alerts/{mine[0]['id']}/decision",
                         json={"decision": "confirmed", "reason": "changed my mind"})
    assert again.status_code == 409
    audit = as_user("admin").get("/api/v1/audit?action=registrations.alert.decide")
    assert audit.status_code == 200


def test_confirmed_hit_opens_a_case_and_search_needs_purpose_and_case(desk, as_user):
    desk.post("/api/v1/registrations/batches", json={"records": [
        record("HIT-2", name="Karim Haddad", dob="1988-04-02", nationality="XX", document_number="X1234567")]})
    supervisor = as_user("supervisor")
    alert = [a for a in supervisor.get("/api/v1/registrations/alerts").json()["items"] if a["record_id"] == "HIT-2"][0]
    done = supervisor.post(f"/api/v1/registrations/alerts/{alert['id']}/decision",
                           json={"decision": "confirmed", "reason": "Same person, same passport",
                                 "open_case": True, "legal_basis": "Counter-Terrorism Act s.12"})
    assert done.status_code == 200 and done.json()["case_id"]
    case = supervisor.get(f"/api/v1/cases/{done.json()['case_id']}").json()
    no_purpose = supervisor.get("/api/v1/registrations/search",
                                params={"case_reference": case["reference"], "name": "haddad"})
    assert no_purpose.status_code == 428
    no_case = supervisor.get("/api/v1/registrations/search", params={"case_reference": "NOPE-1", "name": "haddad"},
                             headers=PURPOSE)
    assert no_case.status_code == 404
    found = supervisor.get("/api/v1/registrations/search", params={"case_reference": case["reference"],
                                                                   "name": "haddad"}, headers=PURPOSE)
    assert found.status_code == 200 and any(h["registration"]["record_id"] == "HIT-2" for h in found.json())


def test_new_watchlist_entry_rescreens_records_in_retention(desk, as_user):
    desk.post("/api/v1/registrations/batches", json={"records": [
        record("LATER-1", name="Quentin Vasquez-Oduya", dob="1979-09-09", document_number="QV998877")]})
    admin = as_user("admin")
    created = admin.post("/api/v1/watchlists", json={"name": "City wanted persons", "kind": "manual",
                                                     "legal_basis": "Criminal Procedure Code art. 110"})
    assert created.status_code == 201, created.text
    resp = admin.post(f"/api/v1/watchlists/{created.json()['id']}/entries", json={
        "name": "Quentin Vasquez-Oduya", "legal_basis": "Criminal Procedure Code art. 110",
        "grounds": "Arrest warrant for armed robbery", "review_date": "2099-01-01"})
    assert resp.status_code == 201, resp.text
    queue = as_user("analyst").get("/api/v1/registrations/alerts").json()["items"]
    assert any(a["record_id"] == "LATER-1" and a["kind"] == "watchlist" for a in queue)


def test_console_queue_and_upload(as_user, desk):
    analyst = as_user("analyst")
    page = analyst.get("/registrations")
    assert page.status_code == 200 and "Alert queue" in page.text
    csv_text = ("establishment,record_id,name,dob,nationality,document_type,document_number\n"
                "HOTEL-0001,UP-1,Rui Costa,1970-01-01,PT,passport,PT123456\n"
                "HOTEL-0001,UP-2,Bad,1970-01-01,PT,cn_ric,123\n")
    resp = desk.post("/registrations/upload", files={"file": ("r.csv", csv_text.encode(), "text/csv")})
    assert resp.status_code == 200 and "UP-1" in resp.text and "resident ID" in resp.text
    broken = desk.post("/registrations/upload", files={"file": ("r.csv", b"name\nx\n", "text/csv")})
    assert broken.status_code == 400


def test_stolen_property_import_rescreens_held_records_and_checks_by_number(desk, as_user):
    operator = as_user("operator")
    sold = operator.post("/api/v1/registrations/batches", json={"records": [
        {**record("SP-2"), "establishment": "SH-0001", "imei": "356938035643809", "item": "phone"}]})
    assert sold.json()["results"][0]["status"] == "accepted" and not sold.json()["results"][0]["alerts"]
    supervisor = as_user("supervisor")
    csv_text = b"kind,number,description\nimei,35-693803-564380-9,stolen in a burglary\nbogus,1,x\n"
    imported = supervisor.post("/api/v1/stolen-property/import", files={"file": ("s.csv", csv_text, "text/csv")})
    assert imported.status_code == 200 and imported.json()["imported"] == 1 and len(imported.json()["row_errors"]) == 1
    queue = as_user("analyst").get("/api/v1/registrations/alerts").json()["items"]
    assert any(a["record_id"] == "SP-2" and a["kind"] == "stolen_property" for a in queue)
    check = as_user("analyst").post("/api/v1/stolen-property/check", json={"number": "356938035643809"})
    assert check.status_code == 200 and check.json()["stolen"][0]["kind"] == "imei"
    assert as_user("analyst").post("/api/v1/stolen-property/import",
                                   files={"file": ("s.csv", csv_text, "text/csv")}).status_code == 403
