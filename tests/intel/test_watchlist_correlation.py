"""Clue correlation really calls the screening engine: a name on a watchlist becomes a watchlist suggestion with the
engine's explanation, for the submitting agency only; a name on no list produces none."""

from __future__ import annotations

import json
import uuid

TS = "2024-08-01T00:00:00.000Z"
API = "/api/v1/intel"


def obj(t, **props):
    return {"type": t, "spec_version": "2.1", "id": f"{t}--{uuid.uuid4()}", "created": TS, "modified": TS, **props}


def post(c, objects, **params):
    r = c.post(f"{API}/bundles", params=params, headers={"Content-Type": "application/json"},
               content=json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}))
    assert r.status_code == 201, r.text
    return r


def watchlist_suggestions(c, stix_id):
    return [s for s in c.get(f"{API}/suggestions").json() if s["source_ref"] == stix_id and s["kind"] == "watchlist"]


def test_listed_name_gives_a_watchlist_suggestion_with_explanation(as_user):
    analyst = as_user("analyst")
    person = obj("identity", name="Kareem Hadad", identity_class="individual")  # CTB list: Karim Haddad (alias)
    actor = obj("threat-actor", name="Karim HADDAD", threat_actor_types=["terrorist"])
    post(analyst, [person, actor], tlp="GREEN")
    for stix_id in (person["id"], actor["id"]):
        found = watchlist_suggestions(analyst, stix_id)
        assert found, stix_id
        best = max(found, key=lambda s: s["score"])
        assert "CTB persons of interest" in best["reason"] and "Karim Haddad" in best["reason"]
        assert best["explanation"] and best["score"] >= 0.8
        assert best["target_ref"].startswith("watchlist:")
        assert best["tlp"] == "AMBER+STRICT"  # the submitting agency only, though the object is GREEN
    admin = as_user("admin")
    hits = admin.get("/api/v1/audit", params={"action": "intel.watchlist_hit"}).json()["items"]
    assert {h["record_id"] for h in hits} >= {person["id"], actor["id"]}
    assert admin.get("/api/v1/audit", params={"action": "screening.run"}).json()["items"]
    # other agencies, and a viewer of the same agency (who may not screen), do not learn of the match
    assert not watchlist_suggestions(as_user("liaison"), person["id"])
    assert not watchlist_suggestions(as_user("supervisor"), person["id"])
    r = admin.post("/api/v1/admin/users", json={"username": "ctbviewer", "password": "ctbviewer-demo-pass",
                                                "agency": "ctb", "role": "viewer", "clearance": 1})
    assert r.status_code == 201, r.text
    viewer = as_user("ctbviewer")
    assert viewer.get(f"{API}/objects/{person['id']}").status_code == 200  # the object itself is GREEN
    assert not watchlist_suggestions(viewer, person["id"])
    assert viewer.post(f"{API}/suggestions/{watchlist_suggestions(analyst, person['id'])[0]['id']}/accept") \
        .status_code in (403, 404)
    # confirming records the decision and creates no STIX object
    sid = watchlist_suggestions(analyst, person["id"])[0]["id"]
    r = analyst.post(f"{API}/suggestions/{sid}/accept")
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["relationship_ref"] == ""
    page = analyst.get("/intel/suggestions").text
    assert "watchlist match" in page  # the actor's suggestion is still open and shown with its explanation


def test_unlisted_name_gives_none(as_user):
    analyst = as_user("analyst")
    person = obj("identity", name="Philippa Wexley-Thornbury", identity_class="individual")
    post(analyst, [person], tlp="GREEN")
    assert watchlist_suggestions(analyst, person["id"]) == []
    hits = as_user("admin").get("/api/v1/audit", params={"action": "intel.watchlist_hit"}).json()["items"]
    assert person["id"] not in {h["record_id"] for h in hits}
