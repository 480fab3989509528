"""Acceptance contract: `vigil events list --json` shows the demo's event, `vigil events report` writes its PDF."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.conftest import TestDatabase as ThrowawayDatabase
from vigil.web.reports import pdf_text


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("events")
    db = ThrowawayDatabase(tmp)
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp), "VIGIL_DATABASE_URL": db.url, "VIGIL_DEMO_LISTS": "un",
           "PYTHONPATH": str(REPO / "src")}
    assert _run(env, "demo", "--no-serve").returncode == 0
    yield tmp, env
    db.drop()


def _run(env, *args):
    return subprocess.run([sys.executable, "-m", "vigil.cli", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=180)


def test_events_list_and_report(demo_env):
    tmp, env = demo_env
    out = _run(env, "events", "list", "--json")
    assert out.returncode == 0, out.stderr
    events = json.loads(out.stdout)
    assert events and all(set(e) == {"id", "name"} for e in events)
    summit = next(e for e in events if "Summit" in e["name"])
    pdf = tmp / "plan.pdf"
    out = _run(env, "events", "report", str(summit["id"]), "--output", str(pdf))
    assert out.returncode == 0, out.stderr
    text = pdf_text(pdf.read_bytes())
    assert summit["name"] in " ".join(text.split())
    assert "Risk" in text and "Accreditation summary" in text and "CARVER + Shock" in text
    assert "Kareem" not in text  # the accreditation summary is counts, no names


def test_report_of_a_missing_event_is_one_clear_line(demo_env):
    tmp, env = demo_env
    out = _run(env, "events", "report", "9999", "--output", str(tmp / "none.pdf"))
    assert out.returncode == 1 and "No event 9999" in out.stderr and "Traceback" not in out.stderr


def test_accredit_from_the_cli_screens_the_list(demo_env):
    tmp, env = demo_env
    csv_file = tmp / "crew.csv"
    csv_file.write_text("category,full_name,dob,nationality\npress,Karim Haddad,1988-04-02,XX\n"
                        "staff,Anna Pujol,1991-02-03,AD\n")
    out = _run(env, "events", "accredit", "1", "--input", str(csv_file))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1].startswith("imported 2, hits ")
    assert "for review 1" in out.stdout
    bad = tmp / "bad.csv"
    bad.write_text("category,full_name\ndelegate,Someone\n")
    out = _run(env, "events", "accredit", "1", "--input", str(bad))
    assert out.returncode == 1 and "line 2: category must be one of" in out.stderr
