"""The pure core: road graph, routing, isochrones, MCLP, 1-3-5 targets, signatures, simulation."""

from __future__ import annotations

import itertools
import time
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from tests.response.conftest import osm_path
from vigil.response.core import coverage, graph as graph_mod, mclp, patrol, routing, signing, simulate, targets


def test_speeds_from_maxspeed_or_class():
    assert graph_mod.parse_speed("50", "residential") == 50
    assert graph_mod.parse_speed("30 mph", "primary") == pytest.approx(48.27)
    assert graph_mod.parse_speed("AD:urban", "primary") == 50
    assert graph_mod.parse_speed(None, "motorway") == 100
    assert graph_mod.parse_speed("none", "residential") == 30
    assert graph_mod.parse_speed("signals", "tertiary") == 40


def test_one_way_streets_are_respected():
    raw = graph_mod.read_osm_xml(osm_path("West-Oakland.osm.bz2"))
    assert len(raw.seg_u) > 50 and set(np.unique(raw.seg_oneway)) <= {-1, 0, 1}
    # a hand-made square: A->B one-way, the rest two-way; B->A must go round the block
    square = graph_mod.RawNetwork(
        node_ids=np.array([1, 2, 3, 4]), lat=np.array([0.0, 0.0, 0.001, 0.001]),
        lon=np.array([0.0, 0.001, 0.001, 0.0]), seg_u=np.array([1, 2, 3, 4]), seg_v=np.array([2, 3, 4, 1]),
        seg_speed=np.array([36.0] * 4), seg_oneway=np.array([1, 0, 0, 0], dtype=np.int8), seg_name=["a", "b", "c", "d"])
    g = graph_mod.build_graph(square)
    to_a = routing.travel_times_to(g, 0)
    side = g.length_m[0] / 10.0  # 36 km/h = 10 m/s
    assert to_a[1] == pytest.approx(3 * side, rel=0.01)  # B -> C -> D -> A
    assert routing.travel_times_to(g, 1)[0] == pytest.approx(side, rel=0.01)  # A -> B directly
    reverse = graph_mod.RawNetwork(**{**square.__dict__, "seg_oneway": np.array([-1, 0, 0, 0], dtype=np.int8)})
    assert routing.travel_times_to(graph_mod.build_graph(reverse), 0)[1] == pytest.approx(side, rel=0.01)


def test_graph_keeps_largest_strong_component_and_caches(oakland, tmp_path):
    fwd = oakland.forward()
    from scipy.sparse.csgraph import connected_components

    n, _ = connected_components(fwd, directed=True, connection="strong")
    assert n == 1 and oakland.n > 50
    graph_mod.save_graph(oakland, tmp_path / "g.npz")
    again = graph_mod.load_cached(tmp_path / "g.npz")
    assert np.array_equal(again.src, oakland.src) and again.names == oakland.names
    assert "7th Street" in oakland.street_points()


def test_pbf_graph_loads_from_cache_fast(andorra, tmp_path):
    start = time.perf_counter()
    graph_mod.save_graph(andorra, tmp_path / "a.npz")
    loaded = graph_mod.load_cached(tmp_path / "a.npz")
    assert time.perf_counter() - start < 1.0
    assert loaded.n == andorra.n > 10_000
    assert np.all(loaded.time_s > 0)


def test_snap_refuses_far_points(andorra):
    node = andorra.snap_one(42.5068, 1.5226)
    assert 0 <= node < andorra.n
    with pytest.raises(graph_mod.OffNetwork):
        andorra.snap_one(42.0, 1.0)  # Spain, far from the extract's roads


def test_ranking_matches_networkx(andorra):
    rng = np.random.default_rng(3)
    nxg = routing.to_networkx(andorra)
    for _ in range(3):
        target = int(rng.integers(0, andorra.n))
        units = rng.integers(0, andorra.n, size=15)
        ids = [f"U{k:02d}" for k in range(15)]
        ranked = routing.rank_units(andorra, target, ids, units)
        naive = routing.path_length_baseline(nxg, units, target)
        expected = [i for t, i in sorted(zip(naive, ids))]
        assert [r.unit_id for r in ranked] == expected  # the whole network is one strong component: all reach
        assert [r.travel_time_s for r in ranked] == sorted(r.travel_time_s for r in ranked)
        for r in ranked:
            assert r.travel_time_s == pytest.approx(naive[ids.index(r.unit_id)], abs=0.06)


def test_isochrones_bands_nest(andorra):
    rng = np.random.default_rng(1)
    posts = rng.integers(0, andorra.n, size=10)
    iso = coverage.isochrones(andorra, posts, [{"name": "p", "node": int(posts[0])}])
    shares = iso.covered_share
    assert 0 < shares[60] <= shares[180] <= shares[300] <= 1
    assert iso.places[0]["time_s"] == 0 and iso.places[0]["band_s"] == 60
    more = coverage.isochrones(andorra, rng.integers(0, andorra.n, size=40))
    assert more.covered_share[300] >= 0  # runs with many posts
    feats = coverage.band_geojson(andorra, iso)
    assert {f["properties"]["label"] for f in feats} <= {"within 1 min", "within 3 min", "within 5 min"}


def test_mclp_finds_the_optimum_of_a_small_instance():
    rng = np.random.default_rng(5)
    covers = [np.nonzero(rng.random(25) < 0.25)[0] for _ in range(9)]
    weights = rng.integers(1, 10, size=25).astype(float)
    best = 0.0
    for combo in itertools.combinations(range(9), 3):
        covered = np.zeros(25, dtype=bool)
        for j in combo:
            covered[covers[j]] = True
        best = max(best, float(weights[covered].sum()))
    result = mclp.solve_mclp(covers, weights, 3)
    assert result.covered_weight == pytest.approx(best)
    assert result.gap <= 1e-3 and len(result.chosen) == 3
    greedy = mclp.greedy_mclp(covers, weights, 3)
    covered = np.zeros(25, dtype=bool)
    for j in greedy:
        covered[covers[j]] = True
    assert weights[covered].sum() <= best


def test_targets_and_attainment():
    t0 = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)
    s = targets.status_of(t0, None, None, False, t0 + timedelta(seconds=30))
    assert (s.step, s.state) == ("dispatch", "on track")
    assert targets.status_of(t0, None, None, False, t0 + timedelta(seconds=50)).state == "at risk"
    assert targets.status_of(t0, None, None, False, t0 + timedelta(seconds=70)).state == "missed"
    d = t0 + timedelta(seconds=40)
    assert targets.status_of(t0, d, None, True, t0 + timedelta(seconds=150)).state == "at risk"
    assert targets.status_of(t0, d, t0 + timedelta(seconds=170), True, t0).state == "met"
    assert targets.status_of(t0, d, t0 + timedelta(seconds=200), True, t0).state == "missed"
    assert targets.status_of(t0, d, t0 + timedelta(seconds=200), False, t0).state == "met"
    rows = [{"received_at": t0, "dispatched_at": d, "on_scene_at": t0 + timedelta(seconds=170), "key": True},
            {"received_at": t0, "dispatched_at": t0 + timedelta(seconds=90), "on_scene_at": None, "key": False},
            {"received_at": t0, "dispatched_at": d, "on_scene_at": t0 + timedelta(seconds=290), "key": False}]
    out = targets.attainment(rows)
    assert out["dispatch_1min"] == pytest.approx(2 / 3, abs=1e-3)
    assert out["on_scene_3min_key"] == 1.0 and out["on_scene_5min"] == 0.5


def test_key_area_shapes():
    areas = [{"name": "square", "polygon": [[1.0, 42.0], [1.1, 42.0], [1.1, 42.1], [1.0, 42.1]]},
             {"name": "circle", "lat": 42.5, "lon": 1.5, "radius_m": 300}]
    assert targets.in_key_area(42.05, 1.05, areas) == "square"
    assert targets.in_key_area(42.5015, 1.5, areas) == "circle"  # ~167 m north
    assert targets.in_key_area(42.505, 1.5, areas) is None  # ~556 m


def test_signatures():
    body = b'{"event_id": "e1"}'
    sig = signing.sign("s3cret", "1700000000", body)
    signing.verify("s3cret", "1700000000", body, sig, 1700000100)
    with pytest.raises(signing.SignatureError):
        signing.verify("s3cret", "1700000000", body + b" ", sig, 1700000100)
    with pytest.raises(signing.SignatureError):
        signing.verify("other", "1700000000", body, sig, 1700000100)
    with pytest.raises(signing.StaleTimestamp):
        signing.verify("s3cret", "1700000000", body, sig, 1700000000 + 301)
    with pytest.raises(signing.SignatureError):
        signing.verify("s3cret", None, body, sig, 0)


def test_simulation_is_deterministic_and_reacts_to_fleet_size(oakland, andorra):
    a = simulate.simulate(oakland, simulate.SimConfig(units=3, incidents=60, seed=4))
    b = simulate.simulate(oakland, simulate.SimConfig(units=3, incidents=60, seed=4))
    assert a.attainment == b.attainment
    small = simulate.simulate(andorra, simulate.SimConfig(units=2, incidents=80, seed=2)).attainment
    large = simulate.simulate(andorra, simulate.SimConfig(units=25, incidents=80, seed=2)).attainment
    assert 0 <= small["on_scene_5min"] <= 1 and 0 <= large["dispatch_1min"] <= 1
    assert large["on_scene_5min"] > small["on_scene_5min"]
    assert large["dispatch_1min"] >= small["dispatch_1min"]


def test_patrol_plan_marks_rush_hours(andorra):
    rng = np.random.default_rng(0)
    history = [(8, int(n)) for n in rng.integers(0, andorra.n, 60)] + \
              [(h, int(n)) for h, n in zip(rng.integers(10, 16, 20), rng.integers(0, andorra.n, 20))]
    bands = patrol.plan(andorra, history, [0, 1], units=4)
    by_label = {b.label: b for b in bands}
    assert by_label["morning rush"].rush and not by_label["night"].rush
    assert len(by_label["morning rush"].posts) == 4
    assert by_label["night"].incidents == 0 and by_label["night"].posts  # key places still patrolled


@pytest.mark.parametrize("which", ["oakland", "andorra"])
def test_contracted_router_gives_exact_times(which, request):
    g = request.getfixturevalue(which)
    router = g.router()
    assert router.k < g.n / 3 if which == "andorra" else router.k <= g.n
    rng = np.random.default_rng(11)
    everyone = np.arange(g.n)
    for target in rng.integers(0, g.n, size=40):
        full = routing.travel_times_to(g, int(target))
        assert np.allclose(router.times_to(int(target), everyone), full, atol=1e-6)


def test_router_survives_the_cache(andorra, tmp_path):
    import pickle

    again = pickle.loads(pickle.dumps(andorra.router()))
    assert np.allclose(again.times_to(5, np.arange(100)), andorra.router().times_to(5, np.arange(100)))
