"""The CLI exactly as the contract writes it: `vigil simulate ... --json` on an empty upgraded data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, TestDatabase


def run_cli(env: dict, *args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vigil.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def empty_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    db = TestDatabase(tmp)
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp), "VIGIL_DATABASE_URL": db.url,
           "PYTHONPATH": str(REPO / "src")}
    upgraded = run_cli(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    yield env
    db.drop()


def test_simulate_contract_on_empty_database(empty_env):
    result = run_cli(empty_env, "simulate", "--units", "12", "--incidents", "150", "--seed", "5", "--json")
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    for key in ("dispatch_1min", "on_scene_3min_key", "on_scene_5min"):
        assert 0.0 <= last[key] <= 1.0
    assert last["incidents"] == 150 and last["network"] == "andorra-latest.osm.pbf"
    again = run_cli(empty_env, "simulate", "--units", "12", "--incidents", "150", "--seed", "5", "--json")
    assert json.loads(again.stdout.strip().splitlines()[-1])["on_scene_5min"] == last["on_scene_5min"]


def test_simulate_small_network_and_fleet_effect(empty_env):
    def share(units: str) -> dict:
        out = run_cli(empty_env, "simulate", "--units", units, "--incidents", "120", "--seed", "2", "--network",
                      "west-oakland", "--json")
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1])

    one, many = share("1"), share("6")
    assert many["network"] == "West-Oakland.osm.bz2"
    assert many["dispatch_1min"] >= one["dispatch_1min"] and many["queued"] <= one["queued"]


def test_cli_errors_are_one_line(empty_env, tmp_path):
    bad = run_cli(empty_env, "simulate", "--network", "/no/such/file.osm.pbf", "--json")
    assert bad.returncode == 1 and "not found" in bad.stderr and "Traceback" not in bad.stderr
    areas = tmp_path / "areas.csv"
    areas.write_text("name,lat,lon,radius_m\nStation,42.51,1.53,300\nBad,x,1.5,300\n")
    refused = run_cli(empty_env, "response", "import-key-areas", str(areas))
    assert refused.returncode == 1 and "line 3" in refused.stderr and "Traceback" not in refused.stderr
    areas.write_text("name,lat,lon,radius_m\nStation,42.51,1.53,300\n")
    ok = run_cli(empty_env, "response", "import-key-areas", str(areas))
    assert ok.returncode == 0 and "imported 1" in ok.stdout
    cov = run_cli(empty_env, "response", "coverage", "--json")
    assert cov.returncode == 0 and json.loads(cov.stdout.strip().splitlines()[-1])["posts"] == 0
    no_demand = run_cli(empty_env, "response", "place", "--units", "2", "--demand", "history")
    assert no_demand.returncode == 1 and "no demand points" in no_demand.stderr
    placed = run_cli(empty_env, "response", "place", "--units", "1", "--demand", "key_places", "--json")
    assert placed.returncode == 0, placed.stderr
    out = json.loads(placed.stdout.strip().splitlines()[-1])
    assert len(out["posts"]) == 1 and out["covered_share"] == 1.0 and out["gap"] == 0
    plan = run_cli(empty_env, "response", "patrol-plan", "--units", "2", "--json")
    assert plan.returncode == 0 and len(json.loads(plan.stdout.strip().splitlines()[-1])) == 5
