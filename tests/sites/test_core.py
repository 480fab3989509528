"""Pure parsing and geometry checks of site imports."""

from __future__ import annotations

import json

from vigil.sites.core import geo
from vigil.sites.map import colour_level

SQUARE = {"type": "Polygon", "coordinates": [[[1.5, 42.5], [1.51, 42.5], [1.51, 42.51], [1.5, 42.51], [1.5, 42.5]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[1.5, 42.5], [1.51, 42.51], [1.51, 42.5], [1.5, 42.51], [1.5, 42.5]]]}


def _fc(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _feature(geometry, **props):
    return {"type": "Feature", "geometry": geometry, "properties": props}


def test_valid_geojson_point_and_outline():
    parsed = geo.parse_geojson(_fc(_feature({"type": "Point", "coordinates": [1.52, 42.51]}, name="School A",
                                            type="school"),
                                   _feature(SQUARE, name="Substation", type="power", region="Encamp")))
    assert parsed.errors == []
    school, power = parsed.rows
    assert (school.lat, school.lon, school.outline) == (42.51, 1.52, None)
    assert power.outline == SQUARE and 42.5 < power.lat < 42.51 and 1.5 < power.lon < 1.51
    assert power.region == "Encamp"


def test_self_intersecting_outline_is_refused_with_the_reason():
    parsed = geo.parse_geojson(_fc(_feature(BOWTIE, name="Bad", type="bank")))
    assert parsed.rows == []
    assert parsed.errors[0].where == "feature 1"
    assert "Self-intersection" in parsed.errors[0].message


def test_coordinates_out_of_range_and_unknown_type():
    parsed = geo.parse_geojson(_fc(_feature({"type": "Point", "coordinates": [200, 42]}, name="X", type="bank"),
                                   _feature({"type": "Point", "coordinates": [1, 42]}, name="Y", type="castle"),
                                   _feature({"type": "Point", "coordinates": [1, 42]}, name="", type="bank")))
    messages = [str(e) for e in parsed.errors]
    assert "feature 1: coordinates out of range" in messages[0]
    assert "feature 2: type 'castle'" in messages[1]
    assert "feature 3: name" in messages[2]


def test_csv_rows_report_their_line_numbers():
    text = ("name,type,lat,lon,region\n"
            "Escola 1,school,42.50,1.52,Andorra la Vella\n"
            "Broken,school,95,1.5,\n"
            "Nan,bank,abc,1.5,\n"
            "Fine,hospital,42.51,1.53,\n")
    parsed = geo.parse_csv(text)
    assert [r.name for r in parsed.rows] == ["Escola 1", "Fine"]
    assert [e.where for e in parsed.errors] == ["line 3", "line 4"]
    assert "out of range" in parsed.errors[0].message and "not a number" in parsed.errors[1].message


def test_csv_missing_columns_and_bad_files():
    assert "missing column(s): lat, lon" in str(geo.parse_csv("name,type\nA,school\n").errors[0])
    assert geo.parse_file("sites.txt", "x").errors[0].message.startswith("expected a .csv")
    assert "not JSON" in geo.parse_geojson("{").errors[0].message
    assert "FeatureCollection" in geo.parse_geojson('{"type": "Feature"}').errors[0].message


def test_map_colour_is_the_worse_of_risk_and_findings():
    assert colour_level("none", {}) == "none"
    assert colour_level("low", {"critical": 1}) == "extreme"
    assert colour_level("high", {"low": 2}) == "high"


def test_camera_coverage_wedge_points_where_the_camera_looks():
    from shapely.geometry import Point, shape

    from vigil.sites.models import Camera
    from vigil.sites.service import camera_wedge

    north = shape(camera_wedge(Camera(lat=42.5, lon=1.5, bearing=0, fov=60, range_m=50)))
    assert north.is_valid
    assert north.contains(Point(1.5, 42.5 + 30 / 111_320)) and not north.contains(Point(1.5, 42.5 - 30 / 111_320))
    dome = shape(camera_wedge(Camera(lat=42.5, lon=1.5, bearing=0, fov=360, range_m=50)))
    assert dome.contains(Point(1.5, 42.5 - 30 / 111_320))


def test_common_type_names_are_accepted_as_their_canonical_type():
    parsed = geo.parse_csv("name,type,lat,lon\nA,Fuel Station,42.5,1.5\nB,metro-station,42.5,1.5\nC,SCHOOL,42.5,1.5\n")
    assert [r.type for r in parsed.rows] == ["fuel", "metro", "school"] and parsed.errors == []
