"""Single-record screening latency through the HTTP API (goal: p99 <= 5 ms) with OFAC + UN loaded.

Starts `vigil serve` on loopback in a subprocess (embedded SQLite, or VIGIL_DATABASE_URL if set), loads the
shared OFAC and UN lists through the service, and sends sequential single-record POST /api/v1/screen requests
over one keep-alive connection. Baseline in the same run: GET /healthz on the same server, the floor that HTTP,
uvicorn and FastAPI cost before any screening or audit work. Each screening request also writes its audit row.
Latency is printed twice: as the client sees it (httpx, whose own per-request cost is part of the figure), and as
the server's access log records it (from the request reaching the app to its response being sent), then split
between names the server meets for the first time and repeated ones, with the slowest requests named.

    .venv/bin/python benchmarks/screening_api.py [--requests 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SANCTIONS = REPO / "data" / "sanctions"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(data_dir: str) -> str:
    os.environ["VIGIL_DATA_DIR"] = data_dir
    from vigil import demo
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity
    from vigil.platform.identity.principal import SYSTEM
    from vigil.platform.migrations import upgrade
    from vigil.screening import service

    upgrade()
    demo.seed()  # includes the UN list
    with session_scope() as db:
        boss = identity.principal_of(identity.user_by_name(db, "supervisor"))
        ofac = service.create_watchlist(db, boss, "OFAC SDN", "ofac", "US OFAC designations (MLA)")
        service.import_list(db, boss, ofac.id, SANCTIONS / "ofac")
        _, token = identity.create_token(db, SYSTEM, "analyst", "benchmark")
    return token


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(client: httpx.Client, n: int, call) -> list[float]:
    out = []
    for i in range(n):
        t = time.perf_counter()
        resp = call(i)
        out.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200, resp.text
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    args = ap.parse_args()
    data_dir = tempfile.mkdtemp(prefix="vigil-bench-")
    token = prepare(data_dir)
    port = free_port()
    env = {**os.environ, "VIGIL_DATA_DIR": data_dir, "VIGIL_LOG_LEVEL": "INFO"}
    log_path = Path(data_dir) / "server.log"
    log_file = log_path.open("w")
    server = subprocess.Popen([sys.executable, "-m", "vigil.cli", "serve", "--port", str(port)], env=env,
                              stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        from faker import Faker

        fake = Faker(["en_US", "fr_FR", "de_DE", "ar_AA", "ru_RU", "zh_CN", "es_ES", "tr_TR"])
        Faker.seed(7)
        rnd = random.Random(7)
        names = [fake.name() for _ in range(500)] + ["Usama bin Laden", "Kim Jong Un", "Karim Haddad"]
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers) as client:
            # the first call loads the lists and builds the index (a few seconds; benchmarks/screening.py times it)
            client.post("/api/v1/screen", json={"name": "warm up the index"}, timeout=120)
            sent = [rnd.choice(names) for _ in range(args.requests)]
            screen = timed(client, args.requests, lambda i: client.post("/api/v1/screen", json={"name": sent[i]}))
            health = timed(client, args.requests, lambda i: client.get("/healthz"))
        db = "PostgreSQL" if os.environ.get("VIGIL_DATABASE_URL") else "SQLite"
        print(f"single-record POST /api/v1/screen, {args.requests} sequential requests, OFAC+UN loaded, {db}")
        print(f"{'':28}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'mean ms':>9}")
        for label, vals in (("screen (vigil)", screen), ("GET /healthz (HTTP floor)", health)):
            print(f"{label:28}{percentile(vals, 50):9.2f}{percentile(vals, 90):9.2f}{percentile(vals, 99):9.2f}"
                  f"{statistics.mean(vals):9.2f}")
        print(f"p99 ratio screen / floor: {percentile(screen, 99) / percentile(health, 99):.1f}x   (goal: screen p99 <= 5 ms)")
        server_side = access_log_ms(log_path, args.requests)
        print("as the server's access log records them (no client cost):")
        for label, vals in (("screen (vigil)", server_side["POST /api/v1/screen"]),
                            ("GET /healthz (HTTP floor)", server_side["GET /healthz"])):
            print(f"{label:28}{percentile(vals, 50):9.2f}{percentile(vals, 90):9.2f}{percentile(vals, 99):9.2f}"
                  f"{statistics.mean(vals):9.2f}")
        print_first_seen_split(sent, screen, server_side["POST /api/v1/screen"])
    finally:
        server.terminate()
        server.wait(10)
        log_file.close()
        shutil.rmtree(data_dir, ignore_errors=True)  # the database, the server log and the uploads


def print_first_seen_split(sent: list[str], client_ms: list[float], server_ms: list[float]) -> None:
    """Where the tail comes from: requests whose name the server meets for the first time (nothing cached for it)
    against repeated names, and the slowest requests as the server saw them."""
    seen: set[str] = set()
    first = []
    for name in sent:
        first.append(name not in seen)
        seen.add(name)
    print("by name, client / server ms:")
    for label, flag in (("first time", True), ("repeated", False)):
        c = [ms for ms, f in zip(client_ms, first) if f is flag]
        s = [ms for ms, f in zip(server_ms, first) if f is flag]
        if c and len(s) == len(c):
            print(f"  {label:10} n={len(c):<5} p50 {percentile(c, 50):.2f} / {percentile(s, 50):.2f}"
                  f"   p99 {percentile(c, 99):.2f} / {percentile(s, 99):.2f}")
    if len(server_ms) == len(sent):
        slowest = sorted(zip(server_ms, range(len(sent))), reverse=True)[:5]
        print("  slowest (server ms, request #, first time?):",
              "; ".join(f"{ms:.1f} #{i} {'first' if first[i] else 'again'} {sent[i]!r}" for ms, i in slowest))


def access_log_ms(path: Path, n: int) -> dict[str, list[float]]:
    """The last ``n`` durations (ms, 0.1 ms resolution) per request line in the server's JSON access log."""
    out: dict[str, list[float]] = {"POST /api/v1/screen": [], "GET /healthz": []}
    for line in path.read_text().splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("logger") == "vigil.http" and rec.get("msg") in out:
            out[rec["msg"]].append(float(rec["ms"]))
    return {k: v[-n:] for k, v in out.items()}


if __name__ == "__main__":
    main()
