"""The acceptance command, exactly as written: `vigil analysis import --format gtd|csv --input FILE` on an empty,
upgraded data folder prints `imported N rejected M` last."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, TestDatabase
from vigil.analysis import samples


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    db = TestDatabase(tmp)
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp), "VIGIL_DATABASE_URL": db.url}
    env.pop("VIGIL_SECRET_KEY", None)
    subprocess.run([sys.executable, "-m", "vigil.cli", "db", "upgrade"], env=env, cwd=REPO, check=True,
                   capture_output=True)
    yield tmp, env
    db.drop()


def vigil(env, *args):
    return subprocess.run([sys.executable, "-m", "vigil.cli", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def test_gtd_import_prints_counts_last(data_dir):
    tmp, env = data_dir
    path = tmp / "gtd.csv"
    path.write_text(samples.gtd_csv(120))
    done = vigil(env, "analysis", "import", "--format", "gtd", "--input", str(path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "imported 120 rejected 2"
    assert lines[0].startswith("line 122: absurd coordinates")
    again = vigil(env, "analysis", "import", "--format", "gtd", "--input", str(path))
    assert again.stdout.strip().splitlines()[-1] == "imported 0 rejected 122"


def test_generic_csv_import_with_a_mapping(data_dir):
    tmp, env = data_dir
    path = tmp / "generic.csv"
    path.write_text(samples.generic_csv(80).replace("casualties", "Injured", 1))
    done = vigil(env, "analysis", "import", "--format", "csv", "--input", str(path), "--map", "casualties=Injured")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "imported 80 rejected 3"
    stats = vigil(env, "analysis", "stats", "--type", "Theft")
    assert '"total":' in stats.stdout


@pytest.mark.parametrize("args,message", [
    (["--format", "xml", "--input", "x.csv"], "--format must be one of"),
    (["--format", "gtd", "--input", "/nonexistent/file.csv"], "No such file"),
    (["--format", "csv", "--input", "FILE", "--map", "colour=Red"], "field=Column"),
])
def test_bad_invocations_fail_with_one_clear_line(data_dir, args, message):
    tmp, env = data_dir
    (tmp / "FILE").write_text("date,type\n2025-01-01,Theft\n")
    args = [str(tmp / "FILE") if a == "FILE" else a for a in args]
    done = vigil(env, "analysis", "import", *args)
    assert done.returncode != 0
    assert message in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_a_file_without_the_layout_columns_is_refused(data_dir):
    tmp, env = data_dir
    path = tmp / "wrong.csv"
    path.write_text("foo,bar\n1,2\n")
    done = vigil(env, "analysis", "import", "--format", "gtd", "--input", str(path))
    assert done.returncode == 1 and "lacks the column(s) eventid" in done.stderr
