"""Site records from CSV and GeoJSON, with their geometry checked (shapely). Pure: no database, no web.

A parsed row is a ``SiteRow``; a bad row yields a ``RowError`` with its line (CSV) or feature number (GeoJSON), so
an import can refuse the whole file and say what to fix."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from shapely.geometry import shape
from shapely.validation import explain_validity

SITE_TYPES = ("school", "kindergarten", "hospital", "bank", "station", "bus_station", "airport", "port", "metro",
              "mall", "venue", "fuel", "water", "power", "gas", "telecom", "government", "police", "other")
CSV_COLUMNS = ("name", "type", "lat", "lon")  # required; optional: region, osm_id, contacts, protective_measures,
OPTIONAL_COLUMNS = ("region", "osm_id", "contacts", "protective_measures", "outline")  # outline: GeoJSON geometry
MAX_NAME = 200


@dataclass
class SiteRow:
    name: str
    type: str
    lat: float
    lon: float
    outline: dict | None = None
    region: str = ""
    osm_id: str = ""
    contacts: str = ""
    protective_measures: str = ""


@dataclass
class RowError:
    where: str  # "line 4" or "feature 2"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Parsed:
    rows: list[SiteRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class GeometryError(ValueError):
    pass


def check_point(lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        raise GeometryError(f"coordinates out of range (lat {lat}, lon {lon})")


def check_geometry(geom: dict) -> dict:
    """A valid GeoJSON geometry (Point, Polygon, MultiPolygon, LineString), or GeometryError saying what is wrong."""
    if not isinstance(geom, dict) or geom.get("type") not in ("Point", "Polygon", "MultiPolygon", "LineString",
                                                              "MultiLineString"):
        raise GeometryError("geometry must be a GeoJSON Point, LineString, Polygon or MultiPolygon")
    try:
        shp = shape(geom)
    except Exception as exc:  # shapely raises many kinds for malformed coordinates
        raise GeometryError(f"malformed geometry: {exc}") from None
    if shp.is_empty:
        raise GeometryError("geometry is empty")
    minx, miny, maxx, maxy = shp.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise GeometryError("coordinates out of range (lon -180..180, lat -90..90)")
    if not shp.is_valid:
        raise GeometryError(f"invalid geometry: {explain_validity(shp)}")
    return geom


def _centre(geom: dict) -> tuple[float, float]:
    if geom["type"] == "Point":
        lon, lat = geom["coordinates"][:2]
        return float(lat), float(lon)
    point = shape(geom).representative_point()
    return point.y, point.x


# Common names for the same kinds (OSM tags, plain English), accepted on import and stored as the canonical type.
TYPE_ALIASES = {
    "kindergarden": "kindergarten", "nursery": "kindergarten", "clinic": "hospital", "train_station": "station",
    "railway_station": "station", "rail_station": "station", "subway": "metro", "metro_station": "metro",
    "subway_station": "metro", "bus_terminal": "bus_station", "aerodrome": "airport", "heliport": "airport",
    "harbour": "port", "harbor": "port", "ferry_terminal": "port", "shopping_mall": "mall",
    "shopping_centre": "mall", "shopping_center": "mall", "stadium": "venue", "arena": "venue",
    "conference_centre": "venue", "events_venue": "venue", "fuel_station": "fuel", "petrol_station": "fuel",
    "gas_station": "fuel", "water_works": "water", "water_treatment": "water", "reservoir": "water",
    "substation": "power", "power_substation": "power", "power_plant": "power", "electricity": "power",
    "gas_plant": "gas", "gas_pipeline": "gas", "telecommunications": "telecom", "communications_tower": "telecom",
    "telephone_exchange": "telecom", "townhall": "government", "town_hall": "government",
    "courthouse": "government", "police_station": "police",
}


def canonical_type(value: str) -> str | None:
    kind = "_".join((value or "").strip().lower().replace("-", " ").split())
    kind = TYPE_ALIASES.get(kind, kind)
    return kind if kind in SITE_TYPES else None


def _site_type(value: str) -> str:
    kind = canonical_type(value)
    if kind is None:
        raise GeometryError(f"type {value!r} is not one of {', '.join(SITE_TYPES)}")
    return kind


def _name(value) -> str:
    name = str(value or "").strip()
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise GeometryError(f"name must be 1-{MAX_NAME} characters on one line")
    return name


def _number(value, label: str) -> float:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        raise GeometryError(f"{label} {value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise GeometryError(f"{label} is not a finite number")
    return number


def _text(props: dict, key: str, limit: int) -> str:
    value = str(props.get(key) or "").strip()
    if len(value) > limit:
        raise GeometryError(f"{key} is longer than {limit} characters")
    return value


def row_from(props: dict, geom: dict | None) -> SiteRow:
    """One site from properties and an optional geometry; raises GeometryError."""
    name, kind = _name(props.get("name")), _site_type(str(props.get("type") or ""))
    outline = None
    if geom is not None:
        check_geometry(geom)
        lat, lon = _centre(geom)
        outline = geom if geom["type"] != "Point" else None
    else:
        lat, lon = _number(props.get("lat"), "lat"), _number(props.get("lon"), "lon")
    check_point(lat, lon)
    return SiteRow(name=name, type=kind, lat=round(lat, 7), lon=round(lon, 7), outline=outline,
                   region=_text(props, "region", 100), osm_id=_text(props, "osm_id", 40),
                   contacts=_text(props, "contacts", 2000),
                   protective_measures=_text(props, "protective_measures", 5000))


def parse_csv(text: str) -> Parsed:
    out = Parsed()
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [(f or "").strip().lower() for f in (reader.fieldnames or [])]  # " Lat" is lat
    missing = [c for c in CSV_COLUMNS if c not in reader.fieldnames]
    if missing:
        out.errors.append(RowError("line 1", f"missing column(s): {', '.join(missing)}"))
        return out
    for row in reader:
        where = f"line {reader.line_num}"
        try:
            geom = json.loads(row["outline"]) if (row.get("outline") or "").strip() else None
        except json.JSONDecodeError:
            out.errors.append(RowError(where, "outline is not GeoJSON"))
            continue
        try:
            site = row_from(row, geom)
            if geom is not None:  # the outline draws the site; lat/lon of the row stay its position
                site.lat, site.lon = _number(row["lat"], "lat"), _number(row["lon"], "lon")
                check_point(site.lat, site.lon)
            out.rows.append(site)
        except GeometryError as exc:
            out.errors.append(RowError(where, str(exc)))
    return out


def parse_geojson(text: str) -> Parsed:
    out = Parsed()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        out.errors.append(RowError("file", f"not JSON: {exc.msg} at line {exc.lineno}"))
        return out
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list):
        out.errors.append(RowError("file", "not a GeoJSON FeatureCollection"))
        return out
    for n, feature in enumerate(features, start=1):
        where = f"feature {n}"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            out.errors.append(RowError(where, "not a GeoJSON Feature"))
            continue
        try:
            out.rows.append(row_from(feature.get("properties") or {}, feature.get("geometry")))
        except GeometryError as exc:
            out.errors.append(RowError(where, str(exc)))
    return out


def parse_file(name: str, text: str) -> Parsed:
    lowered = name.lower()
    if lowered.endswith((".geojson", ".json")):
        return parse_geojson(text)
    if lowered.endswith(".csv"):
        return parse_csv(text)
    return Parsed(errors=[RowError("file", "expected a .csv or .geojson file")])
