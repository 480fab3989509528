"""TAXII protocol errors: auth, media types, bad parameters, malformed envelopes -> TAXII error resources."""

from __future__ import annotations

import base64

import pytest

from vigil.intel.service import DEFAULT_COLLECTION_ID

TAXII = "application/taxii+json;version=2.1"
COLL = f"/taxii2/vigil/collections/{DEFAULT_COLLECTION_ID}"
BASIC = {"Authorization": "Basic " + base64.b64encode(b"analyst:analyst-demo-pass").decode(), "Accept": TAXII}


@pytest.fixture
def c(client):
    return client


def is_taxii_error(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == TAXII
    body = resp.json()
    assert body["http_status"] == str(status) and body["title"]
    return body


def test_auth_required(c):
    is_taxii_error(c.get("/taxii2/", headers={"Accept": TAXII}), 401)
    bad = {"Authorization": "Basic " + base64.b64encode(b"analyst:wrong-password").decode(), "Accept": TAXII}
    is_taxii_error(c.get("/taxii2/", headers=bad), 401)
    is_taxii_error(c.get("/taxii2/", headers={"Authorization": "Bearer vgl_nope", "Accept": TAXII}), 401)


def test_discovery_headers_and_406(c):
    r = c.get("/taxii2/", headers=BASIC)
    assert r.status_code == 200 and r.headers["content-type"] == TAXII
    is_taxii_error(c.get("/taxii2/", headers={**BASIC, "Accept": "text/html"}), 406)
    is_taxii_error(c.get("/taxii2/", headers={**BASIC, "Accept": "application/taxii+json;version=2.0"}), 406)


def test_post_media_type_and_malformed(c):
    is_taxii_error(c.post(f"{COLL}/objects/", content=b"{}", headers={**BASIC, "Content-Type": "application/json"}),
                   415)
    body = is_taxii_error(c.post(f"{COLL}/objects/", content=b"{oops",
                                 headers={**BASIC, "Content-Type": TAXII}), 400)
    assert "Malformed JSON" in body["description"]
    is_taxii_error(c.post(f"{COLL}/objects/", content=b'{"objects": 5}', headers={**BASIC, "Content-Type": TAXII}),
                   400)


def test_bad_parameters_and_unknown(c):
    is_taxii_error(c.get(f"{COLL}/objects/?added_after=yesterday", headers=BASIC), 400)
    is_taxii_error(c.get(f"{COLL}/objects/?limit=-3", headers=BASIC), 400)
    is_taxii_error(c.get(f"{COLL}/objects/?next=%%%", headers=BASIC), 400)
    is_taxii_error(c.get(f"{COLL}/objects/?match[version]=soon", headers=BASIC), 400)
    is_taxii_error(c.get("/taxii2/vigil/collections/no-such/objects/", headers=BASIC), 404)
    is_taxii_error(c.get(f"{COLL}/objects/campaign--00000000-0000-4000-8000-000000000000/", headers=BASIC), 404)
    is_taxii_error(c.get("/taxii2/vigil/status/nope/", headers=BASIC), 404)


def test_viewer_cannot_post(c):
    viewer = {"Authorization": "Basic " + base64.b64encode(b"viewer:viewer-demo-pass").decode(), "Accept": TAXII}
    r = c.get("/taxii2/vigil/collections/", headers=viewer)
    assert r.json()["collections"][0]["can_write"] is False
    is_taxii_error(c.post(f"{COLL}/objects/", content=b'{"objects": []}', headers={**viewer, "Content-Type": TAXII}),
                   403)


def test_pagination_headers(c):
    r = c.get(f"{COLL}/objects/?limit=2", headers=BASIC)
    assert r.status_code == 200
    body = r.json()
    assert body["more"] is True and body["next"] and len(body["objects"]) == 2
    assert r.headers["X-TAXII-Date-Added-First"] <= r.headers["X-TAXII-Date-Added-Last"]
    r2 = c.get(f"{COLL}/objects/?limit=2&next={body['next']}", headers=BASIC)
    assert not {o["id"] for o in r2.json()["objects"]} & {o["id"] for o in body["objects"]}
