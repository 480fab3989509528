"""Real places of Andorra for the demo, from the OpenStreetMap extract the repository carries (pyrosm).

Reading the PBF takes about a second, so the extracted sites are kept as a small GeoJSON file inside the package
(``data/andorra_sites.geojson``), written by ``scripts/extract_andorra_sites.py`` (or ``vigil sites extract-osm``).
The demo and the tests load that file; a test checks it against the PBF for known OSM ids.
Data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)."""

from __future__ import annotations

import json
from pathlib import Path

from vigil.platform.config import bundled_data

PBF = "osm/andorra-latest.osm.pbf"
CACHED = Path(__file__).parent / "data" / "andorra_sites.geojson"
ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"

# OSM tag -> (value -> site type)
TAGS = {
    "amenity": {"school": "school", "kindergarten": "kindergarten", "hospital": "hospital", "clinic": "hospital",
                "bank": "bank", "fuel": "fuel", "bus_station": "bus_station", "police": "police",
                "townhall": "government", "courthouse": "government", "conference_centre": "venue",
                "events_venue": "venue", "exhibition_centre": "venue"},
    "power": {"substation": "power", "plant": "power"},
    "aeroway": {"aerodrome": "airport", "heliport": "airport"},
    "shop": {"mall": "mall"},
    "man_made": {"water_works": "water", "reservoir_covered": "water", "water_tower": "water",
                 "wastewater_plant": "water", "communications_tower": "telecom", "telephone_exchange": "telecom"},
    "leisure": {"stadium": "venue"},
}


def _site_type(row) -> str | None:
    for tag, values in TAGS.items():
        value = row.get(tag)
        if isinstance(value, str) and value in values:
            return values[value]
    return None


def extract(path: Path | None = None) -> dict:
    """Key sites inside Andorra from the PBF: a FeatureCollection of points (nodes) and outlines (ways), with the
    parish as region and the OSM id ("node/123", "way/456")."""
    from pyrosm import OSM
    from shapely.geometry import mapping

    osm = OSM(str(path or bundled_data() / PBF))
    pois = osm.get_pois(custom_filter={tag: list(values) for tag, values in TAGS.items()})
    bounds = osm.get_boundaries(boundary_type="administrative")
    country = bounds[bounds["admin_level"] == "2"].geometry.union_all()
    parishes = [(r["name"], r.geometry) for _, r in bounds[bounds["admin_level"] == "7"].iterrows()]
    features = []
    for _, row in pois.sort_values(["osm_type", "id"]).iterrows():
        kind, geom = _site_type(row), row.geometry
        if kind is None or geom is None or geom.is_empty or not geom.is_valid:
            continue
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        if not country.contains(point):
            continue
        region = next((name for name, shape in parishes if shape.contains(point)), "")
        name = row.get("name") if isinstance(row.get("name"), str) else f"{kind.replace('_', ' ').title()} "\
                                                                        f"({row['osm_type']}/{row['id']})"
        outline = mapping(geom) if geom.geom_type in ("Polygon", "MultiPolygon") else None
        features.append({"type": "Feature",
                         "geometry": outline or {"type": "Point",
                                                 "coordinates": [round(point.x, 7), round(point.y, 7)]},
                         "properties": {"name": name[:200], "type": kind, "region": region,
                                        "osm_id": f"{row['osm_type']}/{row['id']}"}})
    return {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}


def write_cache(target: Path = CACHED, path: Path | None = None) -> int:
    data = extract(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(_rounded(data), ensure_ascii=False, separators=(",", ":")) + "\n")
    return len(data["features"])


def _rounded(value):
    """Coordinates to 7 decimals (1 cm): a smaller file, the same places."""
    if isinstance(value, float):
        return round(value, 7)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def cached() -> str:
    return CACHED.read_text()
