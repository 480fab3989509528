"""Managing sharing groups and collection access: API (supervisor/admin only), effect on what agencies see, audit,
4xx problem+json on bad input, and the console page."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from vigil.intel.service import DEFAULT_COLLECTION_ID

TS = "2024-06-01T00:00:00.000Z"
API = "/api/v1/intel"


def obj(t, **props):
    return {"type": t, "spec_version": "2.1", "id": f"{t}--{uuid.uuid4()}", "created": TS, "modified": TS, **props}


def post(c, objects, **params):
    return c.post(f"{API}/bundles", params=params, headers={"Content-Type": "application/json"},
                  content=json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}))


def problem(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    return resp.json()


def sees(c, stix_id) -> bool:
    return c.get(f"{API}/objects/{stix_id}").status_code == 200


def audit_actions(admin, prefix):
    return [e["action"] for e in admin.get("/api/v1/audit", params={"action": prefix, "limit": 200}).json()["items"]]


def test_only_supervisors_and_admins_manage(as_user):
    for username in ("viewer", "analyst", "operator"):
        c = as_user(username)
        problem(c.post(f"{API}/sharing-groups", json={"name": f"by {username}"}), 403)
        problem(c.put(f"{API}/collections/{DEFAULT_COLLECTION_ID}/grants/city", json={"can_read": True}), 403)
        problem(c.patch(f"{API}/collections/{DEFAULT_COLLECTION_ID}/access", json={"open_read": False}), 403)
        problem(c.get(f"{API}/collections/{DEFAULT_COLLECTION_ID}/access"), 403)
        assert c.get("/intel/sharing").status_code == 403
    # reading the groups is fine for anyone who reads intelligence (they pick a group when sharing AMBER)
    groups = as_user("analyst").get(f"{API}/sharing-groups").json()
    assert [g["agencies"] for g in groups if g["name"] == "ct-partners"] == [["city", "ctb"]]
    r = as_user("supervisor").post(f"{API}/sharing-groups", json={"name": "Supervisor made"})
    assert r.status_code == 201 and r.json()["agencies"] == []


def test_group_membership_decides_amber_audience(as_user):
    sup, analyst, transport, admin = as_user("supervisor"), as_user("analyst"), as_user("operator"), as_user("admin")
    r = sup.post(f"{API}/sharing-groups", json={"name": "Rail security", "description": "rail", "agencies": ["ctb"]})
    assert r.status_code == 201, r.text
    group = r.json()
    assert group["agencies"] == ["ctb"]
    amber = obj("campaign", name="Track side surveillance")
    assert post(analyst, [amber], tlp="AMBER", sharing_group=group["id"]).status_code == 201
    assert sees(analyst, amber["id"]) and not sees(transport, amber["id"])

    r = sup.put(f"{API}/sharing-groups/{group['id']}/members/transport")
    assert r.status_code == 200 and r.json()["agencies"] == ["ctb", "transport"]
    assert sup.put(f"{API}/sharing-groups/{group['id']}/members/transport").json()["agencies"] == \
        ["ctb", "transport"]  # idempotent
    assert sees(transport, amber["id"])
    assert any(o["stix_id"] == amber["id"] for o in transport.get(f"{API}/objects", params={"q": "track"})
               .json()["items"])

    r = sup.delete(f"{API}/sharing-groups/{group['id']}/members/transport")
    assert r.status_code == 200 and r.json()["agencies"] == ["ctb"]
    assert not sees(transport, amber["id"])
    problem(sup.delete(f"{API}/sharing-groups/{group['id']}/members/transport"), 404)  # not a member any more

    # rename, then delete: the AMBER object narrows to its owner, never wider
    r = sup.patch(f"{API}/sharing-groups/{group['id']}", json={"name": "Rail & metro security"})
    assert r.status_code == 200 and r.json()["name"] == "Rail & metro security" and r.json()["description"] == "rail"
    sup.put(f"{API}/sharing-groups/{group['id']}/members/transport")
    assert sees(transport, amber["id"])
    r = sup.delete(f"{API}/sharing-groups/{group['id']}")
    assert r.status_code == 200 and r.json()["objects_unbound"] == 1
    assert not sees(transport, amber["id"]) and sees(analyst, amber["id"])
    problem(sup.get(f"{API}/sharing-groups/{group['id']}"), 404)

    actions = audit_actions(admin, "intel.group")
    for action in ("intel.group.create", "intel.group.member.add", "intel.group.member.remove",
                   "intel.group.update", "intel.group.delete"):
        assert action in actions, action
    assert actions.count("intel.group.member.add") >= 2  # the idempotent repeat wrote no event, the re-add did


def test_bad_group_input_is_4xx_problem(as_user):
    sup = as_user("admin")
    assert sup.post(f"{API}/sharing-groups", json={"name": "Harbour watch", "agencies": ["city"]}).status_code == 201
    body = problem(sup.post(f"{API}/sharing-groups", json={"name": "  harbour   WATCH "}), 409)
    assert "already exists" in body["detail"]
    assert "unknown-agency" in problem(sup.post(f"{API}/sharing-groups",
                                                json={"name": "X", "agencies": ["unknown-agency"]}), 422)["detail"]
    problem(sup.post(f"{API}/sharing-groups", json={"name": ""}), 422)
    problem(sup.post(f"{API}/sharing-groups", json={"name": "   "}), 422)
    problem(sup.post(f"{API}/sharing-groups", json={"name": "Y", "colour": "red"}), 422)
    problem(sup.post(f"{API}/sharing-groups", content=b"{nope", headers={"Content-Type": "application/json"}), 400)
    gid = sup.post(f"{API}/sharing-groups", json={"name": "Second"}).json()["id"]
    problem(sup.patch(f"{API}/sharing-groups/{gid}", json={"name": "Harbour Watch"}), 409)
    problem(sup.put(f"{API}/sharing-groups/{gid}/members/atlantis"), 404)
    problem(sup.put(f"{API}/sharing-groups/999999/members/city"), 404)
    problem(sup.delete(f"{API}/sharing-groups/999999"), 404)
    # ids are digits: a path with anything else names no group (404), as for any unknown id
    problem(sup.patch(f"{API}/sharing-groups/not-a-number", json={"name": "z"}), 404)
    # a failed change leaves nothing behind
    assert [g["name"] for g in sup.get(f"{API}/sharing-groups").json()].count("Harbour watch") == 1
    assert "X" not in [g["name"] for g in sup.get(f"{API}/sharing-groups").json()]


def test_closed_collection_grants(as_user):
    sup, liaison, admin = as_user("supervisor"), as_user("liaison"), as_user("admin")
    coll = f"{API}/collections/{DEFAULT_COLLECTION_ID}"
    green = obj("campaign", name="Closed collection check", object_marking_refs=[
        "marking-definition--bab4a63c-beff-4e6b-a4f3-2b5a0da87b8f"])
    assert post(as_user("analyst"), [green]).status_code == 201
    assert sees(liaison, green["id"])
    try:
        r = sup.patch(f"{coll}/access", json={"open_read": False, "open_write": False})
        assert r.status_code == 200 and (r.json()["open_read"], r.json()["open_write"]) == (False, False)
        assert DEFAULT_COLLECTION_ID not in [c["id"] for c in liaison.get(f"{API}/collections").json()]
        assert not sees(liaison, green["id"])
        problem(post(liaison, [obj("campaign", name="from liaison")]), 404)

        r = sup.put(f"{coll}/grants/liaison-fr", json={"can_read": True})
        assert r.status_code == 200
        assert r.json()["grants"] == [{"agency": "liaison-fr", "can_read": True, "can_write": False}]
        mine = [c for c in liaison.get(f"{API}/collections").json() if c["id"] == DEFAULT_COLLECTION_ID]
        assert mine and mine[0]["can_read"] and not mine[0]["can_write"]
        assert sees(liaison, green["id"])
        problem(post(liaison, [obj("campaign", name="from liaison")]), 403)

        sup.put(f"{coll}/grants/liaison-fr", json={"can_read": True, "can_write": True})
        assert post(liaison, [obj("campaign", name="from liaison")]).status_code == 201

        r = sup.delete(f"{coll}/grants/liaison-fr")
        assert r.status_code == 200 and r.json()["grants"] == []
        assert not sees(liaison, green["id"])
        problem(sup.delete(f"{coll}/grants/liaison-fr"), 404)

        # bad input
        problem(sup.patch(f"{coll}/access", json={}), 400)
        problem(sup.patch(f"{coll}/access", json={"open_read": "perhaps"}), 422)
        problem(sup.put(f"{coll}/grants/atlantis", json={"can_read": True}), 404)
        problem(sup.put(f"{API}/collections/no-such/grants/city", json={"can_read": True}), 404)
        problem(sup.put(f"{coll}/grants/city", json={"can_read": True, "admin": True}), 422)
    finally:
        sup.patch(f"{coll}/access", json={"open_read": True, "open_write": True})
    assert sees(liaison, green["id"])
    actions = audit_actions(admin, "intel.collection")
    for action in ("intel.collection.access", "intel.collection.grant", "intel.collection.revoke"):
        assert action in actions, action


def test_console_page(as_user):
    admin = as_user("admin")
    assert "/intel/sharing" in admin.get("/intel").text  # linked from the intel pages for managers
    assert "/intel/sharing" not in as_user("analyst").get("/intel").text
    page = admin.get("/intel/sharing")
    assert page.status_code == 200 and "ct-partners" in page.text and DEFAULT_COLLECTION_ID in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    admin.headers.pop("X-CSRF-Token")
    r = admin.post("/intel/sharing/groups", data={"name": "Console group", "description": "made in the console",
                                                  "agencies": ["city", "transport"], "csrf_token": token},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/intel/sharing"
    groups = {g["name"]: g for g in admin.get(f"{API}/sharing-groups").json()}
    assert groups["Console group"]["agencies"] == ["city", "transport"]
    gid = groups["Console group"]["id"]
    r = admin.post(f"/intel/sharing/groups/{gid}/members/transport/remove", data={"csrf_token": token},
                   follow_redirects=False)
    assert r.status_code == 303
    r = admin.post(f"/intel/sharing/collections/{DEFAULT_COLLECTION_ID}/grants",
                   data={"agency": "liaison-fr", "can_read": "1", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    page = admin.get("/intel/sharing").text
    assert "Console group" in page and "liaison-fr" in page
    # duplicate name from the console: an error page, not a 500
    r = admin.post("/intel/sharing/groups", data={"name": "console GROUP", "csrf_token": token})
    assert r.status_code == 409 and "already exists" in r.text
    r = admin.post(f"/intel/sharing/groups/{gid}/delete", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    r = admin.post(f"/intel/sharing/collections/{DEFAULT_COLLECTION_ID}/grants/liaison-fr/revoke",
                   data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert "Console group" not in admin.get("/intel/sharing").text
    # without the CSRF token nothing changes
    r = admin.post("/intel/sharing/groups", data={"name": "No token"})
    assert r.status_code == 403
    assert "No token" not in [g["name"] for g in admin.get(f"{API}/sharing-groups").json()]


@pytest.mark.parametrize("username", ["supervisor", "admin"])
def test_managers_see_the_page(as_user, username):
    assert as_user(username).get("/intel/sharing").status_code == 200
