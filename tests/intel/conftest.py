from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, _copy_template

ICS = REPO / "data" / "stix" / "ics-attack.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, tmp: Path):
        self.db = _copy_template(True, tmp)
        self.port = free_port()
        env = {**os.environ, "VIGIL_DATA_DIR": str(tmp), "VIGIL_DATABASE_URL": self.db.url,
               "VIGIL_SECRET_KEY": "live-test-secret"}
        self.proc = subprocess.Popen([sys.executable, "-m", "vigil.cli", "demo", "--port", str(self.port)], env=env,
                                     cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.base}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"vigil demo exited: {self.proc.stdout.read()}")
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("vigil demo did not become ready")

    def token(self, username: str) -> str:
        with httpx.Client(base_url=self.base) as c:
            r = c.post("/api/v1/auth/login", json={"username": "admin", "password": "admin-demo-pass"})
            assert r.status_code == 200, r.text
            r = c.post("/api/v1/admin/tokens", json={"username": username, "name": "taxii-test"},
                       headers={"X-CSRF-Token": r.json()["csrf_token"]})
            assert r.status_code == 201, r.text
            return r.json()["token"]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.db.drop()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("intel-live"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ics_bundle() -> dict:
    return json.loads(ICS.read_text())
