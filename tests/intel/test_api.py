"""Ingest through /api/v1/intel: validation, all-or-nothing, search, versions, bad input as problem+json."""

from __future__ import annotations

import json
import uuid

import pytest

TS = "2024-03-01T10:00:00.000Z"
TS2 = "2024-03-02T10:00:00.000Z"


def sid(t: str) -> str:
    return f"{t}--{uuid.uuid4()}"


def obj(t: str, **props) -> dict:
    base = {"type": t, "spec_version": "2.1", "id": sid(t), "created": TS, "modified": TS}
    base.update(props)
    return base


def post(client, objects, **params):
    return client.post("/api/v1/intel/bundles", params=params,
                       content=json.dumps({"type": "bundle", "id": sid("bundle"), "objects": objects}),
                       headers={"Content-Type": "application/json"})


def count(client, **params) -> int:
    return client.get("/api/v1/intel/stats", params=params).json()["total"]


def test_import_search_and_versions(as_user):
    c = as_user("analyst")
    actor = obj("threat-actor", name="Blue Heron Group", labels=["smuggling"], tlp="x") if False else \
        obj("threat-actor", name="Blue Heron Group", labels=["smuggling"])
    phone = obj("x-vigil-phone-number", value="+33 6 12 34 56 78")
    rel = obj("relationship", relationship_type="related-to", source_ref=actor["id"], target_ref=phone["id"])
    r = post(c, [actor, phone, rel], tlp="GREEN")
    assert r.status_code == 201, r.text
    assert r.json()["stored"] >= 3
    items = c.get("/api/v1/intel/objects", params={"q": "heron"}).json()["items"]
    assert [i["stix_id"] for i in items] == [actor["id"]] and items[0]["tlp"] == "GREEN"
    detail = c.get(f"/api/v1/intel/objects/{actor['id']}").json()
    assert detail["object"]["created_by_ref"].startswith("identity--")  # the agency's identity was added
    assert {x["stix_id"] for x in detail["related"]} == {rel["id"]}
    # a new version; both kept, the latest is returned
    v2 = dict(actor, modified=TS2, description="Updated")
    assert post(c, [v2], tlp="GREEN").status_code == 201
    detail = c.get(f"/api/v1/intel/objects/{actor['id']}").json()
    assert detail["versions"] == [TS, TS2] and detail["object"]["description"] == "Updated"
    # re-posting the same versions is idempotent
    r = post(c, [v2], tlp="GREEN")
    assert r.json()["stored"] == 0 and r.json()["duplicates"] == 1
    assert [i["stix_id"] for i in c.get("/api/v1/intel/objects", params={"type": "x-vigil-phone-number"})
            .json()["items"]] == [phone["id"]]
    assert c.get("/api/v1/intel/objects", params={"related_to": phone["id"]}).json()["items"][0]["stix_id"] == rel["id"]
    assert c.get("/api/v1/intel/objects", params={"label": "smuggling"}).json()["items"][0]["stix_id"] == actor["id"]
    assert c.get("/api/v1/intel/objects", params={"modified_from": "2024-03-02T00:00:00Z",
                                                  "q": "heron"}).json()["items"]


def test_ics_bundle_imports_as_21(as_user, ics_bundle):
    c = as_user("analyst")
    r = c.post("/api/v1/intel/bundles", content=json.dumps(ics_bundle), headers={"Content-Type": "application/json"},
               params={"tlp": "CLEAR"})
    assert r.status_code == 201, r.text
    assert r.json()["total"] == 1825
    stats = c.get("/api/v1/intel/stats", params={"type": "attack-pattern"}).json()
    assert stats["total"] == 95
    exported = c.get("/api/v1/intel/export", params={"type": "malware"}).json()
    assert len(exported["objects"]) == 30
    assert all(o["spec_version"] == "2.1" and o["is_family"] is True for o in exported["objects"])


BAD_CASES = {
    "unknown type": [{"type": "spaceship", "id": f"spaceship--{uuid.uuid4()}", "spec_version": "2.1",
                      "created": TS, "modified": TS}],
    "bad identifier": [{"type": "malware", "id": "malware--123", "spec_version": "2.1", "created": TS,
                        "modified": TS, "name": "x", "is_family": True}],
    "missing property": [{"type": "indicator", "id": f"indicator--{uuid.uuid4()}", "spec_version": "2.1",
                          "created": TS, "modified": TS, "pattern_type": "stix", "valid_from": TS}],
    "dangling reference": [{"type": "relationship", "id": f"relationship--{uuid.uuid4()}", "spec_version": "2.1",
                            "created": TS, "modified": TS, "relationship_type": "uses",
                            "source_ref": f"malware--{uuid.uuid4()}", "target_ref": f"tool--{uuid.uuid4()}"}],
    "not an object": ["hello"],
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_objects_rejected_and_nothing_stored(as_user, case):
    c = as_user("analyst")
    good = obj("campaign", name=f"Good campaign {case}")
    before = count(c)
    r = post(c, [good] + BAD_CASES[case])
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    errors = r.json()["errors"]
    assert any(e["id"] == good["id"] and "not stored" in e["message"] for e in errors)
    assert any("not stored" not in e["message"] for e in errors)
    assert count(c) == before
    assert c.get(f"/api/v1/intel/objects/{good['id']}").status_code == 404


def test_malformed_json_media_type_and_size(as_user, monkeypatch):
    c = as_user("analyst")
    r = c.post("/api/v1/intel/bundles", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "Malformed JSON" in r.json()["detail"]
    r = c.post("/api/v1/intel/bundles", content=b"{}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = c.post("/api/v1/intel/bundles", content=json.dumps({"type": "report"}),
               headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    from vigil.intel import service

    monkeypatch.setattr(service, "MAX_BUNDLE_OBJECTS", 2)
    r = post(c, [obj("campaign", name=f"c{i}") for i in range(3)])
    assert r.status_code == 413
    r = c.get("/api/v1/intel/objects", params={"tlp": "purple"})
    assert r.status_code == 400


def test_viewer_cannot_write(as_user):
    c = as_user("viewer")
    assert post(c, [obj("campaign", name="nope")]).status_code == 403


def test_cli_import(as_user, tmp_path):
    from typer.testing import CliRunner

    from vigil.intel.cli import intel_app

    c = as_user("analyst")
    camp = obj("campaign", name="Imported from the command line")
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps({"type": "bundle", "id": sid("bundle"), "objects": [camp]}))
    result = CliRunner().invoke(intel_app, ["import", str(path), "--tlp", "GREEN"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["stored"] == 1
    assert c.get(f"/api/v1/intel/objects/{camp['id']}").json()["tlp"] == "GREEN"
    path.write_text(json.dumps({"type": "bundle", "objects": [{"type": "nonsense"}]}))
    result = CliRunner().invoke(intel_app, ["import", str(path)])
    assert result.exit_code == 1


def test_several_versions_in_one_bundle_keep_one_latest(as_user):
    """A bundle carrying an object's newer version before its older one: both versions are kept and the newer
    is the one latest (ids with one version are written as latest at once, others recomputed at the end)."""
    c = as_user("analyst")
    older = obj("campaign", name="Grey Lantern")
    newer = dict(older, modified=TS2, name="Grey Lantern (renamed)")
    single = obj("campaign", name="Grey Lantern single")
    assert post(c, [newer, older, single], tlp="GREEN").status_code == 201
    detail = c.get(f"/api/v1/intel/objects/{older['id']}").json()
    assert detail["versions"] == [TS, TS2] and detail["object"]["name"] == "Grey Lantern (renamed)"
    listed = [i["stix_id"] for i in c.get("/api/v1/intel/objects", params={"q": "grey lantern"}).json()["items"]]
    assert sorted(listed) == sorted([older["id"], single["id"]])  # one row per object: one latest version each
