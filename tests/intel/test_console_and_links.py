"""Console pages, link analysis and clue correlation (suggestions accepted/rejected, audited)."""

from __future__ import annotations

import json
import re
import uuid

from vigil.intel.demo import DEMO_IDS

TS = "2024-05-01T00:00:00.000Z"


def obj(t, **props):
    return {"type": t, "spec_version": "2.1", "id": f"{t}--{uuid.uuid4()}", "created": TS, "modified": TS, **props}


def post(c, objects, **params):
    r = c.post("/api/v1/intel/bundles", params=params, headers={"Content-Type": "application/json"},
               content=json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}))
    assert r.status_code == 201, r.text
    return r


def test_console_pages(as_user):
    c = as_user("analyst")
    r = c.get("/intel")
    assert r.status_code == 200 and "Pickpocketing series" in r.text
    r = c.get(f"/intel/objects/{DEMO_IDS['red']}")
    assert r.status_code == 200 and "TLP:RED" in r.text and "North District Cell" in r.text
    r = c.get("/intel/graph")
    assert r.status_code == 200 and "/static/vendor/cytoscape/cytoscape.min.js" in r.text
    assert c.get("/static/vendor/cytoscape/cytoscape.min.js").status_code == 200
    assert c.get("/intel/suggestions").status_code == 200


def test_graph_neighbourhood_path_and_centrality(as_user):
    c = as_user("analyst")
    a, b, d = obj("threat-actor", name="Graph A"), obj("identity", name="Graph B", identity_class="individual"), \
        obj("x-vigil-vehicle", name="Grey van", registration="AB-123-CD")
    r1 = obj("relationship", relationship_type="uses", source_ref=a["id"], target_ref=d["id"])
    r2 = obj("relationship", relationship_type="related-to", source_ref=d["id"], target_ref=b["id"])
    post(c, [a, b, d, r1, r2], tlp="GREEN")
    g = c.get("/api/v1/intel/graph", params={"center": a["id"], "depth": 1}).json()
    assert {n["id"] for n in g["nodes"]} == {a["id"], d["id"]}
    g = c.get("/api/v1/intel/graph", params={"center": a["id"], "depth": 2}).json()
    assert {n["id"] for n in g["nodes"]} == {a["id"], d["id"], b["id"]} and len(g["edges"]) == 2
    assert c.get("/api/v1/intel/graph/path", params={"source": a["id"], "target": b["id"]}).json()["path"] == \
        [a["id"], d["id"], b["id"]]
    analysis = c.get("/api/v1/intel/graph/analysis").json()
    assert analysis["components"] >= 1 and analysis["betweenness"]


def test_clue_correlation_suggestions_accept_and_reject(as_user):
    c = as_user("analyst")
    doc1 = obj("x-vigil-travel-document", document_number="P 998877", name="passport 1")
    phone1 = obj("x-vigil-phone-number", value="+33 6 11 22 33 44")
    person1 = obj("identity", name="Yusuf Al-Rahman", identity_class="individual")
    post(c, [doc1, phone1, person1], tlp="GREEN")
    doc2 = obj("x-vigil-travel-document", document_number="p998877")
    phone2 = obj("x-vigil-phone-number", value="0033 611 22 33 44")
    person2 = obj("identity", name="Yusuf Al Rahman", identity_class="individual")
    post(c, [doc2, phone2, person2], tlp="GREEN")
    sugg = {(s["source_ref"], s["target_ref"]): s for s in c.get("/api/v1/intel/suggestions").json()}
    assert (doc2["id"], doc1["id"]) in sugg and (phone2["id"], phone1["id"]) in sugg
    assert (person2["id"], person1["id"]) in sugg
    assert sugg[(doc2["id"], doc1["id"])]["reason"] == "same document number"
    accept = sugg[(doc2["id"], doc1["id"])]["id"]
    r = c.post(f"/api/v1/intel/suggestions/{accept}/accept")
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["relationship_ref"]
    rel = c.get(f"/api/v1/intel/objects/{r.json()['relationship_ref']}").json()["object"]
    assert (rel["source_ref"], rel["target_ref"]) == (doc2["id"], doc1["id"])
    assert c.post(f"/api/v1/intel/suggestions/{accept}/accept").status_code == 409
    # console form with csrf_token rejects the phone suggestion
    page = c.get("/intel/suggestions").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    reject = sugg[(phone2["id"], phone1["id"])]["id"]
    c.headers.pop("X-CSRF-Token")
    r = c.post(f"/intel/suggestions/{reject}", data={"decision": "reject", "csrf_token": token},
               follow_redirects=False)
    assert r.status_code == 303
    admin = as_user("admin")
    events = admin.get("/api/v1/audit", params={"action": "intel.suggestion"}).json()["items"]
    assert {e["action"] for e in events} >= {"intel.suggestion.accept", "intel.suggestion.reject"}
    # other agencies without access to the objects never see RED suggestions
    liaison = as_user("liaison")
    assert all(s["tlp"] in ("CLEAR", "GREEN") for s in liaison.get("/api/v1/intel/suggestions").json())
