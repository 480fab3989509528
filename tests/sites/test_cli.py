"""The acceptance contract's site and campaign commands, run as a user would (subprocess, VIGIL_DATA_DIR)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.conftest import TestDatabase as ThrowawayDatabase


@pytest.fixture(scope="module")
def empty_dir(tmp_path_factory):
    """An empty, upgraded database: no demo, no agency."""
    tmp = tmp_path_factory.mktemp("cli")
    db = ThrowawayDatabase(tmp)
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp), "VIGIL_DATABASE_URL": db.url,
           "PYTHONPATH": str(REPO / "src")}
    assert _run(env, "db", "upgrade").returncode == 0
    yield tmp, env
    db.drop()


def _run(env, *args):
    return subprocess.run([sys.executable, "-m", "vigil.cli", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def _list(env):
    out = _run(env, "sites", "list", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_import_geojson_and_csv_then_list(empty_dir):
    tmp, env = empty_dir
    geojson = tmp / "sites.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.5218, 42.5063]},
         "properties": {"name": "Escola Andorrana", "type": "school"}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[1.53, 42.51], [1.531, 42.51],
                                                                             [1.531, 42.511], [1.53, 42.511],
                                                                             [1.53, 42.51]]]},
         "properties": {"name": "Substation", "type": "power"}}]}))
    out = _run(env, "sites", "import", "--input", str(geojson))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "imported 2"
    csv_file = tmp / "sites.csv"
    csv_file.write_text("name,type,lat,lon\nHospital N.S. de Meritxell,hospital,42.5089,1.5301\n")
    out = _run(env, "sites", "import", "--input", str(csv_file))
    assert out.stdout.strip().splitlines()[-1] == "imported 1"
    listed = _list(env)
    assert [s["name"] for s in listed] == ["Escola Andorrana", "Substation", "Hospital N.S. de Meritxell"]
    assert all(set(s) == {"id", "name", "type", "lat", "lon"} for s in listed)
    assert listed[0]["lat"] == 42.5063 and listed[0]["lon"] == 1.5218 and listed[2]["type"] == "hospital"


def test_bad_rows_refuse_the_whole_file(empty_dir):
    tmp, env = empty_dir
    before = len(_list(env))
    bad = tmp / "bad.csv"
    bad.write_text("name,type,lat,lon\nFine,bank,42.5,1.5\nWrong,bank,142.5,1.5\n")
    out = _run(env, "sites", "import", "--input", str(bad))
    assert out.returncode == 1
    assert "line 3: coordinates out of range" in out.stderr and "nothing imported" in out.stderr
    assert "Traceback" not in out.stderr
    bowtie = tmp / "bowtie.geojson"
    bowtie.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "name": "Bow", "type": "bank"}, "geometry": {"type": "Polygon", "coordinates": [[[1.5, 42.5], [1.51, 42.51],
                                                                                         [1.51, 42.5], [1.5, 42.51],
                                                                                         [1.5, 42.5]]]}}]}))
    out = _run(env, "sites", "import", "--input", str(bowtie))
    assert out.returncode == 1 and "Self-intersection" in out.stderr
    assert _run(env, "sites", "import", "--input", str(tmp / "missing.csv")).returncode == 1
    assert len(_list(env)) == before


def test_escalate_prints_escalated_n_last(empty_dir):
    _, env = empty_dir
    out = _run(env, "campaigns", "escalate", "--as-of", "2030-01-01T00:00:00Z")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "escalated 0"
    out = _run(env, "campaigns", "escalate")
    assert out.stdout.strip().splitlines()[-1] == "escalated 0"
    out = _run(env, "campaigns", "escalate", "--as-of", "yesterday")
    assert out.returncode == 1 and "not an ISO time" in out.stderr


def test_escalate_on_the_demo_escalates_its_overdue_items(tmp_path):
    db = ThrowawayDatabase(tmp_path)
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp_path), "VIGIL_DATABASE_URL": db.url, "VIGIL_DEMO_LISTS": "un",
           "PYTHONPATH": str(REPO / "src")}
    try:
        assert _run(env, "demo", "--no-serve").returncode == 0
        first = _run(env, "campaigns", "escalate").stdout.strip().splitlines()[-1]
        assert first == "escalated 2"  # the demo's overdue officer task and rectification order
        assert _run(env, "campaigns", "escalate").stdout.strip().splitlines()[-1] == "escalated 0"
        far = _run(env, "campaigns", "escalate", "--as-of", "2099-01-01").stdout.strip().splitlines()[-1]
        assert int(far.split()[1]) > 2  # every open task and order is overdue by then
    finally:
        db.drop()
