from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, TestDatabase


class Cli:
    """The real `vigil` command in a subprocess, on its own empty VIGIL_DATA_DIR (and database)."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.db = TestDatabase(tmp)
        self.env = {**os.environ, "VIGIL_DATA_DIR": str(tmp / "data"), "VIGIL_DATABASE_URL": self.db.url,
                    "PYTHONPATH": str(REPO / "src")}

    def __call__(self, *args, check=True):
        proc = subprocess.run([sys.executable, "-m", "vigil.cli", *args], env=self.env, cwd=self.tmp,
                              capture_output=True, text=True, timeout=120)
        if check:
            assert proc.returncode == 0, proc.stderr + proc.stdout
        return proc

    def popen(self, *args):
        return subprocess.Popen([sys.executable, "-m", "vigil.cli", *args], env=self.env, cwd=self.tmp,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def write(self, name, records):
        path = self.tmp / name
        path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
        return path

    def results(self, name):
        return [json.loads(line) for line in (self.tmp / name).read_text().splitlines()]


@pytest.fixture
def cli(tmp_path):
    c = Cli(tmp_path)
    c("db", "upgrade")
    yield c
    c.db.drop()
