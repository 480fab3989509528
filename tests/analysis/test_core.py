"""Pure analysis algorithms: importers (per-row errors, GTD unknown days), hotspots, Knox near-repeat."""
from __future__ import annotations

import io

import numpy as np
import pytest

from vigil.analysis.core import importers, spatial

GTD_HEADER = ",".join(importers.GTD_COLUMNS) + ",region_txt\n"


def gtd(*rows: str) -> io.StringIO:
    return io.StringIO(GTD_HEADER + "".join(r + "\n" for r in rows))


def test_gtd_unknown_day_and_month_set_the_precision():
    result = importers.parse_gtd(gtd(
        '1,2001,5,17,Andorra,,Encamp,42.53,1.58,Armed Assault,Business,Firearms,1,2,Unknown,"x",Western Europe',
        "2,2001,5,0,Andorra,Canillo,,42.56,1.59,Bombing/Explosion,,,,,,,",
        "3,2001,0,0,Andorra,,,,,Bombing/Explosion,,,,,,,"))
    assert result.errors == []
    day, month, year = result.rows
    assert (day["precision"], day["occurred_at"].day, day["killed"], day["wounded"]) == ("day", 17, 1, 2)
    assert day["detail"] == {"target": "Business", "weapon": "Firearms", "group": "Unknown"}
    assert (month["precision"], month["occurred_at"].day, month["area"]) == ("month", 1, "Canillo")
    assert (year["precision"], year["occurred_at"].month, year["lat"]) == ("year", 1, None)


def test_gtd_rejects_bad_rows_with_their_line_numbers():
    result = importers.parse_gtd(gtd(
        '1,2001,5,17,Andorra,,Encamp,42.53,1.58,Armed Assault,,,0,0,,"a summary\nover two lines",',
        "2,2001,5,3,Andorra,,Encamp,95,1.5,Armed Assault,,,0,0,,,",
        "3,,5,3,Andorra,,Encamp,42.5,1.5,Armed Assault,,,0,0,,,",
        "4,2001,2,30,Andorra,,Encamp,42.5,1.5,Armed Assault,,,0,0,,,",
        "5,2001,2,3,Andorra,,Encamp,0,0,Armed Assault,,,0,0,,,",
        "6,2001,2,3,Andorra,,Encamp,42.5,,Armed Assault,,,0,0,,,",
        "7,2001,2,3,Andorra,,Encamp,42.5,1.5,Armed Assault,,,-3,0,,,"))
    assert len(result.rows) == 1
    lines = [line for line, _ in result.errors]
    assert lines == [4, 5, 6, 7, 8, 9]  # the first record spans lines 2-3
    messages = " | ".join(m for _, m in result.errors)
    for expected in ("absurd coordinates", "iyear", "not a date", "(0, 0)", "both", "plausible count"):
        assert expected in messages


def test_gtd_without_its_key_columns_is_refused():
    with pytest.raises(ValueError, match="eventid"):
        importers.parse_gtd(io.StringIO("a,b\n1,2\n"))


def test_generic_csv_with_a_column_mapping():
    text = io.StringIO("Ref;When;What;Y;X;Zone;Hurt\n".replace(";", ",") +
                       "a1,2025-03-04T21:15:00Z,Theft,42.5,1.52,Centre,2\n"
                       "a2,04/03/2025,Assault,,,North,\n"
                       "a3,2025-13-01,Theft,42.5,1.52,Centre,0\n"
                       "a4,2025-03-04,Theft,42.5,200,Centre,0\n")
    mapping = importers.parse_mapping(["id=Ref", "date=When", "type=What", "lat=Y", "lon=X", "area=Zone",
                                       "casualties=Hurt"])
    result = importers.parse_generic(text, mapping)
    first, second = result.rows
    assert (first["source_ref"], first["precision"], first["occurred_at"].hour, first["wounded"]) == \
        ("a1", "time", 21, 2)
    assert (second["precision"], second["occurred_at"].day, second["lat"]) == ("day", 4, None)
    assert [line for line, _ in result.errors] == [4, 5]


def test_mapping_refuses_unknown_fields():
    with pytest.raises(ValueError, match="field=Column"):
        importers.parse_mapping(["colour=Red"])


def _clustered(n_background=3000, n_cluster=600, seed=1):
    rng = np.random.default_rng(seed)
    lat = np.r_[rng.uniform(42.45, 42.60, n_background), rng.normal(42.507, 0.002, n_cluster)]
    lon = np.r_[rng.uniform(1.45, 1.65, n_background), rng.normal(1.522, 0.002, n_cluster)]
    return lat, lon


def test_getis_ord_finds_the_planted_hotspot_and_kde_peaks_there():
    lat, lon = _clustered()
    grid = spatial.grid_for(lat, lon, 1000)
    counts = spatial.counts_on_grid(grid, lat, lon)
    assert counts.sum() == len(lat)
    spots = spatial.getis_ord(counts)
    hottest = max(spots, key=lambda h: h.z)
    west, south, east, north = grid.cell_bounds(hottest.ix, hottest.iy)
    assert west - 0.015 <= 1.522 <= east + 0.015 and south - 0.01 <= 42.507 <= north + 0.01
    assert hottest.kind == "hot" and hottest.p < 0.001
    density = spatial.kernel_density(counts)
    peak = np.unravel_index(np.argmax(density), density.shape)
    assert abs(peak[0] - hottest.iy) <= 1 and abs(peak[1] - hottest.ix) <= 1
    assert density.sum() == pytest.approx(1.0)


def test_uniform_points_have_no_strong_hotspot():
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(42.45, 42.60, 5000), rng.uniform(1.45, 1.65, 5000)
    grid = spatial.grid_for(lat, lon, 1000)
    assert all(abs(h.z) < 4 for h in spatial.getis_ord(spatial.counts_on_grid(grid, lat, lon)))


def test_grid_refuses_a_country_sized_area_at_1km():
    with pytest.raises(ValueError, match="cells"):
        spatial.grid_for(np.array([30.0, 60.0]), np.array([-10.0, 40.0]), 1000)


def test_knox_detects_near_repeats_and_not_random_timing():
    rng = np.random.default_rng(5)
    n = 800
    lat, lon = rng.uniform(42.45, 42.60, n), rng.uniform(1.45, 1.65, n)
    days = rng.uniform(0, 730, n)
    random = spatial.knox_test(lat, lon, days, 300, 14, simulations=99, seed=1)
    assert random.p_value > 0.05
    # repeats: 200 follow-ups within 100 m and 5 days of an earlier event
    src = rng.integers(0, n, 200)
    lat2 = np.r_[lat, lat[src] + rng.normal(0, 0.0004, 200)]
    lon2 = np.r_[lon, lon[src] + rng.normal(0, 0.0004, 200)]
    days2 = np.r_[days, days[src] + rng.uniform(0, 5, 200)]
    clustered = spatial.knox_test(lat2, lon2, days2, 300, 14, simulations=99, seed=1)
    assert clustered.p_value == pytest.approx(0.01) and clustered.observed > 2 * clustered.expected
    again = spatial.knox_test(lat2, lon2, days2, 300, 14, simulations=99, seed=1)
    assert again == clustered  # seeded: the same answer every time
