"""Bundles are parsed incrementally (ijson) and stored all-or-nothing; unmarked objects carry their TLP marking."""

from __future__ import annotations

import base64
import io
import json
import tracemalloc
import uuid
from pathlib import Path

import pytest

from vigil.intel import service
from vigil.intel.core import stix as core

TS = "2024-07-01T00:00:00.000Z"
API = "/api/v1/intel"
TAXII = "application/taxii+json;version=2.1"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
GREEN = "marking-definition--bab4a63c-beff-4e6b-a4f3-2b5a0da87b8f"
WHITE_V1 = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
STATEMENT = "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"


def obj(t="campaign", **props):
    base = {"type": t, "spec_version": "2.1", "id": f"{t}--{uuid.uuid4()}", "created": TS, "modified": TS}
    if t == "campaign":
        base["name"] = props.pop("name", "streamed campaign")
    base.update(props)
    return base


def bundle_bytes(objects) -> bytes:
    return json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}).encode()


def post_raw(c, raw, **params):
    return c.post(f"{API}/bundles", params=params, content=raw, headers={"Content-Type": "application/json"})


def total(c) -> int:
    return c.get(f"{API}/stats").json()["total"]


@pytest.fixture
def batches(monkeypatch):
    """Small batches, and a count of the batches actually written, so the tests cross batch boundaries."""
    monkeypatch.setattr(service, "INGEST_BATCH", 3)
    written = []
    original = service._IngestRun._store

    def counting(self, prepared, agency_identity=False):
        written.append(len(prepared))
        return original(self, prepared, agency_identity)

    monkeypatch.setattr(service._IngestRun, "_store", counting)
    return written


# --- TLP markings ------------------------------------------------------------------------------------------------
def test_unmarked_object_carries_the_collection_default(as_user):
    c = as_user("analyst")
    unmarked = obj(name="No marking given")
    statement_only = obj(name="Only a statement marking", object_marking_refs=[STATEMENT])
    green = obj(name="Marked green", object_marking_refs=[GREEN])
    white = obj(name="Marked TLP 1.0 white", object_marking_refs=[WHITE_V1])
    granular = obj(name="Granular amber", granular_markings=[{"marking_ref": AMBER, "selectors": ["name"]}])
    r = post_raw(c, bundle_bytes([unmarked, statement_only, green, white, granular]))  # default collection: AMBER
    assert r.status_code == 201, r.text
    got = {o["id"]: o for o in c.get(f"{API}/export", params={"q": "no marking given"}).json()["objects"]}
    detail = c.get(f"{API}/objects/{unmarked['id']}").json()
    assert detail["tlp"] == "AMBER" and detail["object"]["object_marking_refs"] == [AMBER]
    assert c.get(f"{API}/objects/{statement_only['id']}").json()["object"]["object_marking_refs"] == \
        [STATEMENT, AMBER]
    # objects that carry a TLP marking are stored exactly as sent (apart from the agency's created_by_ref)
    for original in (green, white, granular):
        stored = dict(c.get(f"{API}/objects/{original['id']}").json()["object"])
        assert stored.pop("created_by_ref") == core.agency_identity_id("ctb")
        assert stored == original
    assert got[unmarked["id"]]["object_marking_refs"] == [AMBER]  # exports carry it
    # the TAXII copy carries it too
    basic = "Basic " + base64.b64encode(b"analyst:analyst-demo-pass").decode()
    r = c.get(f"/taxii2/vigil/collections/{service.DEFAULT_COLLECTION_ID}/objects/{unmarked['id']}/",
              headers={"Accept": TAXII, "Authorization": basic})
    assert r.json()["objects"][0]["object_marking_refs"] == [AMBER]


def test_explicit_default_and_upload_level(as_user):
    c = as_user("analyst")
    o = obj(name="Green by upload parameter")
    assert post_raw(c, bundle_bytes([o]), tlp="GREEN").status_code == 201
    assert c.get(f"{API}/objects/{o['id']}").json()["object"]["object_marking_refs"] == [GREEN]
    assert core.add_tlp_marking({"type": "marking-definition", "id": AMBER}, "RED") is False


# --- streaming, all-or-nothing, bounds ---------------------------------------------------------------------------
def test_malformed_mid_stream_stores_nothing(as_user, batches):
    c = as_user("analyst")
    before = total(c)
    objects = [obj(name=f"mid-stream {i}") for i in range(10)]
    raw = bundle_bytes(objects)
    cut = raw.index(objects[8]["id"].encode())  # break the JSON inside the ninth object
    r = post_raw(c, raw[:cut] + b'"oops": }]}')
    body = r.json()
    assert r.status_code == 400 and "Malformed JSON" in body["detail"], r.text
    assert len(batches) >= 2  # earlier batches had been written before the parser hit the error
    assert total(c) == before
    assert all(c.get(f"{API}/objects/{o['id']}").status_code == 404 for o in objects[:8])
    # truncated (premature end) and trailing garbage: the same
    assert post_raw(c, raw[:-10]).status_code == 400
    assert post_raw(c, raw + b" {}").status_code == 400
    assert total(c) == before


def test_invalid_object_late_in_the_stream_stores_nothing(as_user, batches):
    c = as_user("analyst")
    before = total(c)
    objects = [obj(name=f"late failure {i}") for i in range(10)] + [{"type": "campaign", "id": "campaign--bad"}]
    r = post_raw(c, bundle_bytes(objects))
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert any(e["id"] == "campaign--bad" and "not stored" not in e["message"] for e in errors)
    assert sum("not stored" in e["message"] for e in errors) == 10
    assert total(c) == before and len(batches) >= 3


def test_too_many_objects_and_too_many_bytes_413(as_user, batches, monkeypatch):
    c = as_user("analyst")
    before = total(c)
    monkeypatch.setattr(service, "MAX_BUNDLE_OBJECTS", 7)
    objects = [obj(name=f"over count {i}") for i in range(9)]
    r = post_raw(c, bundle_bytes(objects))
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem+json")
    assert len(batches) >= 2 and total(c) == before
    monkeypatch.setattr(service, "MAX_BUNDLE_OBJECTS", 100_000)
    raw = bundle_bytes([obj(name=f"over size {i}") for i in range(20)])
    monkeypatch.setattr(service, "MAX_BUNDLE_BYTES", len(raw) - 1)
    r = post_raw(c, raw)  # declared Content-Length
    assert r.status_code == 413 and "limit" in r.json()["detail"]

    def chunks():  # no Content-Length: counted while streaming
        for i in range(0, len(raw), 500):
            yield raw[i:i + 500]

    r = c.post(f"{API}/bundles", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert total(c) == before
    monkeypatch.setattr(service, "MAX_BUNDLE_BYTES", len(raw))
    assert post_raw(c, raw).status_code == 201


def test_envelope_shapes(as_user):
    c = as_user("analyst")
    assert post_raw(c, b"[]").status_code == 400
    assert post_raw(c, b"").status_code == 400
    assert post_raw(c, b'{"type": "bundle", "objects": {"a": 1}}').status_code == 400
    assert post_raw(c, b'{"type": "report", "objects": []}').status_code == 400
    assert post_raw(c, b'{"objects": [], "objects": []}').status_code == 400
    o = obj(name="after other keys")
    raw = json.dumps({"id": "bundle--x", "extra": {"nested": [1, {"a": [2]}]}, "objects": [o],
                      "type": "bundle"}).encode()
    r = post_raw(c, raw)
    assert r.status_code == 201 and r.json()["total"] == 1
    assert post_raw(c, b'{"objects": null}').json()["total"] == 0


def test_taxii_post_malformed_mid_stream_stores_nothing(as_user, batches):
    c = as_user("analyst")
    before = total(c)
    objects = [obj(name=f"taxii stream {i}") for i in range(8)]
    raw = json.dumps({"objects": objects}).encode()
    basic = "Basic " + base64.b64encode(b"analyst:analyst-demo-pass").decode()
    r = c.post(f"/taxii2/vigil/collections/{service.DEFAULT_COLLECTION_ID}/objects/", content=raw[:-5] + b",,]}",
               headers={"Content-Type": TAXII, "Accept": TAXII, "Authorization": basic})
    assert r.status_code == 400 and "Malformed JSON" in r.json()["description"]
    assert len(batches) >= 2 and total(c) == before


def test_ingest_discards_its_own_rows_when_an_object_fails(as_user, batches):
    """Without relying on the caller's rollback: the rows written by earlier batches are gone when ingest
    reports failure (a dangling reference is only known at the end)."""
    from sqlalchemy import func, select

    from vigil.intel.models import StixObject
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity

    objects = [obj(name=f"discard {i}") for i in range(7)]
    objects.append(obj("relationship", relationship_type="uses", source_ref=objects[0]["id"],
                       target_ref=f"tool--{uuid.uuid4()}"))
    ids = [o["id"] for o in objects]
    with session_scope() as db:
        who = identity.principal_of(identity.user_by_name(db, "analyst"), "token")
        report = service.ingest(db, who, iter(objects), service.DEFAULT_COLLECTION_ID)
        assert not report.ok and report.stored == 0 and len(batches) >= 2
        assert any("dangling reference" in f["message"] for f in report.failures)
        assert db.scalar(select(func.count()).select_from(StixObject).where(StixObject.stix_id.in_(ids))) == 0


class GeneratedBundle(io.RawIOBase):
    """A bundle of ``n`` objects produced on the fly: it never exists whole, in memory or on disk."""

    def __init__(self, n: int):
        self.parts = self._parts(n)
        self.buffer = b""

    @staticmethod
    def _parts(n):
        yield b'{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": ['
        for i in range(n):
            o = obj(name=f"generated {i}", description="x" * 400)
            yield (b"," if i else b"") + json.dumps(o).encode()
        yield b"]}"

    def readable(self):
        return True

    def readinto(self, b):
        while len(self.buffer) < len(b):
            part = next(self.parts, None)
            if part is None:
                break
            self.buffer += part
        size = min(len(b), len(self.buffer))
        b[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def test_parser_memory_is_bounded_by_one_object():
    n = 20_000  # about 11 MB of JSON
    tracemalloc.start()
    try:
        count = 0
        for o in service.iter_bundle(GeneratedBundle(n)):
            assert o["type"] == "campaign"
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert peak < 2_000_000, peak  # a json.loads of the same bundle would hold all ~11 MB at once


def test_cli_import_streams_the_file(as_user, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from vigil.intel.cli import intel_app

    c = as_user("analyst")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the CLI must not read the file whole"))
    monkeypatch.setattr(service, "INGEST_BATCH", 2)
    objects = [obj(name=f"cli stream {i}") for i in range(5)]
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle_bytes(objects))
    result = CliRunner().invoke(intel_app, ["import", str(path), "--tlp", "GREEN"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["stored"] >= 5
    assert c.get(f"{API}/objects/{objects[4]['id']}").json()["object"]["object_marking_refs"] == [GREEN]
    before = total(c)
    broken = [obj(name=f"cli broken {i}") for i in range(5)]
    path.write_bytes(bundle_bytes(broken)[:-3])
    result = CliRunner().invoke(intel_app, ["import", str(path)])
    assert result.exit_code == 1 and "Malformed JSON" in result.output
    assert total(c) == before
    monkeypatch.setattr(service, "MAX_BUNDLE_BYTES", 10)
    result = CliRunner().invoke(intel_app, ["import", str(path)])
    assert result.exit_code == 1 and "at most 10" in result.output
