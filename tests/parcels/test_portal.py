"""The reporter role (establishment and carrier staff): their portal and nothing else, and no tipping-off; a
carrier's manifest as a CSV file through the portal and `vigil parcels submit`."""

from __future__ import annotations

import pytest

from tests.conftest import login, make_client
from tests.registrations.test_cli import env, results, vigil  # noqa: F401 - the CLI fixture

HEADER = ("tracking_number,sender_name,sender_document_type,sender_document_number,receiver_name,contents,weight_kg,"
          "origin,destination\n")
# The demo's agency watchlist holds Karim Haddad (dob 1988-04-02, passport X1234567).
MANIFEST = HEADER + ("C-1,Wang Fang,passport,E1234567,Chen Jie,\"power bank 20000mAh, phone case\",1.5,Shenzhen,Harbour\n"
                     "C-2,Karim Haddad,passport,X1234567,Chen Jie,socks,0.4,Shenzhen,Harbour\n"
                     "C-3,Wang Fang,passport,E1234567,Chen Jie,books,heavy,Shenzhen,Harbour\n"
                     "C-4,Wang Fang,visa,E1234567,,books,1,Shenzhen,Harbour\n"
                     "C-5,broken\n")
# Reachable by a reporter: its portal, its own submissions, the classifier, signing in and out.
REPORTER_GETS = {"/registrations", "/parcels", "/api/v1/registrations/mine", "/api/v1/parcels/mine", "/api/v1/me"}


@pytest.fixture
def carrier(vigil_db):
    with make_client() as c:
        yield login(c, "carrier-desk")


@pytest.fixture
def desk(vigil_db):
    with make_client() as c:
        yield login(c, "hotel-desk")


def gettable(app) -> list[str]:
    """Every GET route of the app without path parameters (API and console)."""
    from vigil.web.routing import served_routes

    return sorted({path for path, methods in served_routes(app) if "GET" in methods and "{" not in path})


def test_a_reporter_reaches_its_portal_and_nothing_else(desk, carrier):
    from vigil.web.app import create_app

    paths = [p for p in gettable(create_app()) if not p.startswith(("/static", "/login", "/logout", "/api/v1/auth",
                                                                    "/healthz", "/readyz", "/api/v1/openapi",
                                                                    "/api/v1/docs", "/docs/oauth2-redirect",
                                                                    "/report"))]  # public
    assert len(paths) > 40
    leaked = []
    for path in paths:
        for who, client in (("hotel-desk", desk), ("carrier-desk", carrier)):
            resp = client.get(path, params={"max_events": 1} if path.endswith("/feed") else None,
                              follow_redirects=False)
            if resp.status_code < 300 and path not in REPORTER_GETS:
                leaked.append((who, path, resp.status_code))
    assert not leaked, leaked
    assert desk.get("/", follow_redirects=False).headers["location"] == "/registrations"
    assert carrier.get("/registrations", follow_redirects=False).headers["location"] == "/parcels"
    nav = desk.get("/registrations").text
    assert 'href="/cases"' not in nav and 'href="/intel"' not in nav
    assert carrier.get("/api/v1/parcels/catalogue").status_code == 403  # the term list helps evasion


def test_an_establishment_is_not_told_that_its_guest_matched_a_list(desk, as_user):
    record = {"establishment": "HOTEL-0001", "record_id": "TIP-1", "name": "Karim Haddad", "dob": "1988-04-02",
              "nationality": "XX", "document_type": "passport", "document_number": "X1234567",
              "arrival": "2026-12-01"}
    answer = desk.post("/api/v1/registrations/batches", json={"records": [record]}).json()["results"][0]
    assert answer["status"] == "accepted" and answer["alerts"] == []
    mine = [r for r in desk.get("/api/v1/registrations/mine").json()["items"] if r["record_id"] == "TIP-1"][0]
    assert "hit" not in mine
    queue = as_user("analyst").get("/api/v1/registrations/alerts").json()["items"]
    assert any(a["record_id"] == "TIP-1" and a["kind"] == "watchlist" for a in queue)
    operator = as_user("operator").post("/api/v1/registrations/batches", json={"records": [{**record,
                                                                                            "record_id": "TIP-2"}]})
    assert operator.json()["results"][0]["alerts"]  # agency staff see what their own intake found


def test_a_carrier_uploads_its_manifest_and_sees_its_parcels_without_screening_results(carrier, as_user):
    page = carrier.post("/parcels/upload", files={"file": ("m.csv", MANIFEST.encode(), "text/csv")},
                        headers={"HX-Request": "true"})
    assert page.status_code == 200, page.text
    assert "C-1" in page.text and "dangerous_goods" in page.text and "Sender alerts" not in page.text
    assert "line 4: weight_kg must be a number" in page.text
    assert "line 5: sender_document_type must be one of" in page.text and "receiver_name is required" in page.text
    assert "line 6: expected 9 fields, got 2" in page.text
    mine = {p["tracking_number"]: p for p in carrier.get("/api/v1/parcels/mine").json()["items"]}
    assert {"C-1", "C-2"} <= set(mine) and not {"C-3", "C-4"} & set(mine)
    assert mine["C-1"]["categories"] == ["dangerous_goods"] and not mine["C-2"]["held"]
    assert "sender_hits" not in mine["C-2"] and "status" not in mine["C-2"]
    analyst = as_user("analyst")
    queue = {p["tracking_number"]: p for p in analyst.get("/api/v1/parcels/queue").json()["items"]}
    assert queue["C-2"]["sender_hits"][0]["kind"] == "watchlist"
    analyst.post(f"/api/v1/parcels/{queue['C-2']['id']}/decision",
                 json={"decision": "held", "reason": "Sender under review; hold for inspection"})
    held = {p["tracking_number"]: p for p in carrier.get("/api/v1/parcels/mine").json()["items"]}
    assert held["C-2"]["held"] is True
    again = carrier.post("/parcels/upload", files={"file": ("m.csv", MANIFEST.encode(), "text/csv")},
                         headers={"HX-Request": "true"})
    assert again.text.count(">duplicate<") == 2


def test_a_manifest_without_its_columns_is_refused_whole(carrier):
    resp = carrier.post("/parcels/upload", files={"file": ("m.csv", b"tracking_number,contents\nX,books\n",
                                                            "text/csv")})
    assert resp.status_code == 400 and "missing column(s): sender_name" in resp.text
    assert "X" not in {p["tracking_number"] for p in carrier.get("/api/v1/parcels/mine").json()["items"]}


def test_cli_submits_a_manifest_file_row_by_row(env, tmp_path):  # noqa: F811 - the CLI fixture
    vigil(env, "registrations", "establishments", "add", "--licence", "X-1", "--sector", "logistics", "--name", "X")
    data = tmp_path / "manifest.csv"
    data.write_bytes(MANIFEST.encode() + b"C-6,Wang Fang,passport,E1234567,Chen,\xff\xfe,1,A,B\n")
    out = tmp_path / "out.jsonl"
    proc = vigil(env, "parcels", "submit", "--carrier", "X-1", "--input", str(data), "--output", str(out))
    got = results(out)
    assert [(r["tracking_number"], r["status"]) for r in got] == [
        ("C-1", "accepted"), ("C-2", "accepted"), ("C-3", "rejected"), ("C-4", "rejected"), ("", "rejected"),
        ("C-6", "rejected")]
    assert got[0]["flagged"] and got[0]["categories"] == ["dangerous_goods"]
    assert got[5]["reasons"] == ["line 7: contents holds control characters or bytes that are not UTF-8"]
    assert "6 parcels: 2 accepted" in proc.stderr
    vigil(env, "parcels", "submit", "--carrier", "X-1", "--input", str(data), "--output", str(out))
    assert [r["status"] for r in results(out)][:2] == ["duplicate", "duplicate"]
    missing = vigil(env, "parcels", "submit", "--carrier", "NOPE", "--input", str(data), "--output", str(out),
                    check=False)
    assert missing.returncode == 1 and "No establishment with licence 'NOPE'" in missing.stderr
    header_only = tmp_path / "bad.csv"
    header_only.write_text("tracking_number\nX\n")
    bad = vigil(env, "parcels", "submit", "--carrier", "X-1", "--input", str(header_only), "--output", str(out),
                check=False)
    assert bad.returncode == 2 and "missing column(s)" in bad.stderr
