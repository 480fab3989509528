"""Partner sync between two live Vigil instances (separate databases) with taxii2-client; resumable, deduped."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from taxii2client.common import TokenAuth
from taxii2client.v21 import Collection, as_pages

from tests.conftest import REPO
from tests.intel.conftest import LiveServer
from vigil.intel.core import stix as core
from vigil.intel.service import DEFAULT_COLLECTION_ID


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    a = LiveServer(tmp_path_factory.mktemp("partner-a"))
    b = LiveServer(tmp_path_factory.mktemp("partner-b"))
    yield a, b
    a.stop()
    b.stop()


def coll(server, token):
    return Collection(f"{server.base}/taxii2/vigil/collections/{DEFAULT_COLLECTION_ID}/", auth=TokenAuth(token))


def run_sync(b, a, token_a) -> dict:
    env = {**os.environ, "VIGIL_DATABASE_URL": b.db.url, "VIGIL_DATA_DIR": str(b.db.tmp),
           "VIGIL_SECRET_KEY": "live-test-secret", "VIGIL_SYNC_TOKEN": token_a}
    out = subprocess.run([sys.executable, "-m", "vigil.intel.cli", "sync", f"{a.base}/taxii2/",
                          "--collection", DEFAULT_COLLECTION_ID, "--as-user", "analyst"],
                         env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def all_objects(c) -> dict:
    got = {}
    for env in as_pages(c.get_objects, per_request=500, version="all"):
        for o in env.get("objects", []):
            got[(o["id"], o.get("modified", o.get("created")))] = o
    return got


def test_sync_is_complete_resumable_and_deduplicated(servers, ics_bundle):
    a, b = servers
    token_a, token_b = a.token("analyst"), b.token("analyst")
    ca, cb = coll(a, token_a), coll(b, token_b)
    objs = core.upgrade_bundle(ics_bundle)["objects"]
    assert ca.add_objects(json.dumps({"objects": objs})).success_count == 1825
    first = run_sync(b, a, token_a)
    assert first["fetched"] >= 1825 and first["last_added"]
    remote, local = all_objects(ca), all_objects(cb)
    assert set(remote) <= set(local)
    assert all(local[k] == v for k, v in remote.items())
    again = run_sync(b, a, token_a)
    assert again["fetched"] == 0 and again["stored"] == 0
    campaign = next(o for o in objs if o["type"] == "campaign")
    v2 = dict(campaign, modified="2031-01-01T00:00:00.000Z", description="changed at the partner")
    assert ca.add_objects(json.dumps({"objects": [v2]})).success_count == 1
    third = run_sync(b, a, token_a)
    assert third["fetched"] == 1 and third["stored"] == 1
    assert cb.get_object(campaign["id"])["objects"][0]["description"] == "changed at the partner"
    assert cb.object_versions(campaign["id"])["versions"] == [campaign["modified"], v2["modified"]]
