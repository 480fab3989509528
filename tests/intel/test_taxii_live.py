"""The real taxii2-client against a live Vigil on loopback: discovery, collections, add the ATT&CK ICS bundle,
page through it, versions, manifest, filters, delete, and read back exactly what was written."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
import requests
from taxii2client.common import TokenAuth
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from vigil.intel.core import stix as core
from vigil.intel.demo import DEMO_IDS
from vigil.intel.service import DEFAULT_COLLECTION_ID


@pytest.fixture(scope="module")
def token(live_server):
    return live_server.token("analyst")


@pytest.fixture(scope="module")
def collection(live_server, token) -> Collection:
    server = Server(f"{live_server.base}/taxii2/", auth=TokenAuth(token))
    root = server.default
    return [c for c in root.collections if c.id == DEFAULT_COLLECTION_ID][0]


@pytest.fixture(scope="module")
def written(collection, ics_bundle):
    upgraded = core.upgrade_bundle(ics_bundle)
    status = collection.add_objects(json.dumps({"objects": upgraded["objects"]}))
    assert status.status == "complete"
    assert (status.total_count, status.success_count, status.failure_count) == (1825, 1825, 0)
    return upgraded["objects"]


def test_discovery_and_collections(live_server, token):
    server = Server(f"{live_server.base}/taxii2/", auth=TokenAuth(token))
    assert server.title == "Vigil TAXII 2.1"
    assert [r.url for r in server.api_roots] == [f"{live_server.base}/taxii2/vigil/"]
    root = ApiRoot(f"{live_server.base}/taxii2/vigil/", auth=TokenAuth(token))
    assert "application/taxii+json;version=2.1" in root.versions
    coll = [c for c in root.collections if c.id == DEFAULT_COLLECTION_ID][0]
    assert coll.can_read and coll.can_write
    assert coll.media_types == ["application/stix+json;version=2.1"]


def test_page_through_and_read_back_exactly(collection, written, live_server):
    by_id = {o["id"]: o for o in written}
    got, pages = {}, 0
    for envelope in as_pages(collection.get_objects, per_request=100):
        pages += 1
        assert len(envelope.get("objects", [])) <= 100
        for o in envelope.get("objects", []):
            got[o["id"]] = o
    assert pages >= 19
    assert set(by_id) <= set(got)
    assert {(i, got[i]["modified"] if "modified" in got[i] else got[i]["created"]) for i in by_id} == \
        {(i, o.get("modified", o.get("created"))) for i, o in by_id.items()}
    agency = core.agency_identity_id("ctb")
    for oid, original in by_id.items():
        stored = copy.deepcopy(got[oid])
        if "created_by_ref" not in original:
            assert stored.pop("created_by_ref") == agency
        if not core.has_tlp_marking(original):
            # ATT&CK objects carry no TLP marking: the level they were stored at (the collection default, AMBER)
            # is added as the TLP 2.0 marking ref, after the markings they had
            refs = stored.pop("object_marking_refs")
            assert refs[-1] == core.TLP_MARKING_ID["AMBER"], oid
            if refs[:-1] or "object_marking_refs" in original:
                stored["object_marking_refs"] = refs[:-1]
        assert stored == original, oid


def test_filters_versions_manifest(collection, written):
    malware = collection.get_objects(type="malware", limit=1000)["objects"]
    assert len(malware) == 30 and all(o["is_family"] for o in malware)
    one = written[5]
    env = collection.get_object(one["id"])
    assert env["objects"][0]["id"] == one["id"]
    assert collection.object_versions(one["id"])["versions"] == [one.get("modified", one.get("created"))]
    both = collection.get_objects(id=f"{written[1]['id']},{written[2]['id']}")["objects"]
    assert {o["id"] for o in both} == {written[1]["id"], written[2]["id"]}
    manifest = []
    for envelope in as_pages(collection.get_manifest, per_request=100):
        manifest.extend(envelope.get("objects", []))
    assert {o["id"] for o in written} <= {m["id"] for m in manifest}
    assert all(m["media_type"] == "application/stix+json;version=2.1" for m in manifest)
    dates = [m["date_added"] for m in manifest]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)  # monotonic date_added


def test_new_version_added_after_and_delete(collection, written):
    last = collection.get_manifest(limit=1000)
    while last.get("more"):
        last = collection.get_manifest(limit=1000, next=last["next"])
    last_added = last["objects"][-1]["date_added"]
    base = dict(next(o for o in written if o["type"] == "campaign"))
    v2 = dict(base, modified="2030-01-01T00:00:00.000Z", description="revised")
    status = collection.add_objects(json.dumps({"objects": [v2]}))
    assert status.success_count == 1
    new = collection.get_objects(added_after=last_added)["objects"]
    assert [(o["id"], o["modified"]) for o in new] == [(v2["id"], v2["modified"])]
    versions = collection.object_versions(base["id"])["versions"]
    assert versions == [base["modified"], v2["modified"]]
    assert collection.get_object(base["id"], version="first")["objects"][0]["modified"] == base["modified"]
    assert collection.get_object(base["id"])["objects"][0]["modified"] == v2["modified"]
    assert len(collection.get_object(base["id"], version="all")["objects"]) == 2
    fresh = {"type": "campaign", "spec_version": "2.1", "id": f"campaign--{uuid.uuid4()}", "name": "to delete",
             "created": "2025-01-01T00:00:00.000Z", "modified": "2025-01-01T00:00:00.000Z"}
    collection.add_objects(json.dumps({"objects": [fresh]}))
    collection.delete_object(fresh["id"])
    with pytest.raises((TAXIIServiceException, requests.HTTPError)):
        collection.get_object(fresh["id"])


def test_tlp_marking_travels_with_every_copy(collection):
    """A marked object reads back exactly; an unmarked one reads back with the TLP it was stored at."""
    ts = "2025-02-01T00:00:00.000Z"
    marked = {"type": "campaign", "spec_version": "2.1", "id": f"campaign--{uuid.uuid4()}", "name": "marked green",
              "created": ts, "modified": ts, "object_marking_refs": [core.TLP_MARKING_ID["GREEN"]],
              "created_by_ref": core.agency_identity_id("ctb")}
    unmarked = {"type": "campaign", "spec_version": "2.1", "id": f"campaign--{uuid.uuid4()}", "name": "unmarked",
                "created": ts, "modified": ts, "created_by_ref": core.agency_identity_id("ctb")}
    status = collection.add_objects(json.dumps({"objects": [marked, unmarked]}))
    assert status.success_count == 2
    assert collection.get_object(marked["id"])["objects"][0] == marked
    got = collection.get_object(unmarked["id"])["objects"][0]
    assert got["object_marking_refs"] == ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]  # TLP:AMBER
    assert {k: v for k, v in got.items() if k != "object_marking_refs"} == unmarked


def test_invalid_envelope_reports_failures_and_stores_nothing(collection):
    good = {"type": "campaign", "spec_version": "2.1", "id": f"campaign--{uuid.uuid4()}", "name": "good",
            "created": "2025-01-01T00:00:00.000Z", "modified": "2025-01-01T00:00:00.000Z"}
    bad = {"type": "malware", "spec_version": "2.1", "id": f"malware--{uuid.uuid4()}", "name": "no family",
           "created": "2025-01-01T00:00:00.000Z", "modified": "2025-01-01T00:00:00.000Z"}
    status = collection.add_objects(json.dumps({"objects": [good, bad]}))
    assert (status.total_count, status.success_count, status.failure_count) == (2, 0, 2)
    messages = {f["id"]: f["message"] for f in status.failures}
    assert "is_family" in messages[bad["id"]] and "not stored" in messages[good["id"]]
    with pytest.raises((TAXIIServiceException, requests.HTTPError)):
        collection.get_object(good["id"])
    assert status.id and f"/taxii2/vigil/status/{status.id}" in status.url
    status.refresh()
    assert status.failure_count == 2


def test_basic_auth_partner_never_gets_red(live_server, written):
    coll = Collection(f"{live_server.base}/taxii2/vigil/collections/{DEFAULT_COLLECTION_ID}/", user="liaison",
                      password="liaison-demo-pass")
    ids = set()
    for envelope in as_pages(coll.get_objects, per_request=500, version="all"):
        ids.update(o["id"] for o in envelope.get("objects", []))
    assert DEMO_IDS["clear"] in ids and DEMO_IDS["green"] in ids
    # unmarked objects take the collection default (AMBER, no sharing group): owner agency only
    assert written[0]["id"] not in ids
    assert not ids & {DEMO_IDS["red"], DEMO_IDS["strict"], DEMO_IDS["amber"]}
