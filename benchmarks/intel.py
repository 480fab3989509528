"""Intelligence hub benchmark: ingest throughput and TAXII paging under concurrency, vs medallion.

    .venv/bin/python benchmarks/intel.py                       # SQLite
    VIGIL_BENCH_PG_URL=postgresql+psycopg://vigil@127.0.0.1:54330/postgres .venv/bin/python benchmarks/intel.py
    VIGIL_BENCH_SECONDS=60 (time bound per TAXII run), VIGIL_BENCH_SYNTH=25000 (synthetic bundle size),
    VIGIL_BENCH_WORKERS=2 (vigil serve --workers), VIGIL_BENCH_MEDALLION=0 (skip the medallion reference)

Prints ingest objects/s (ATT&CK ICS 1,825 objects and a synthetic bundle), TAXII GET objects (limit=100,
20 concurrent clients each paging with `next` through the synthetic 25,000-object collection and through the
ICS collection; load from wrk, needs `apt-get install wrk`): requests/s and p99 latency, on SQLite and (if given)
PostgreSQL, and the same ICS paging against medallion (memory backend) loaded with the ICS objects.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
ICS = Path(os.environ.get("VIGIL_BENCH_ICS", str(Path(__file__).resolve().parents[1] / "data" / "stix" / "ics-attack.json")))
SECONDS = float(os.environ.get("VIGIL_BENCH_SECONDS", "60"))
SYNTH = int(os.environ.get("VIGIL_BENCH_SYNTH", "25000"))
CLIENTS = 20
PAGE = 100
ICS_COLLECTION = "0b1e6c55-1c5d-4b8e-9d3a-5e4c00000001"
TAXII = "application/taxii+json;version=2.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def synthetic(n: int) -> list[dict]:
    ts = "2025-06-01T00:00:00.000Z"
    objs, ids = [], []
    third = n // 3
    for i in range(n - third):
        t = "identity" if i % 2 else "campaign"
        o = {"type": t, "spec_version": "2.1", "id": f"{t}--{uuid.uuid4()}", "created": ts, "modified": ts,
             "name": f"synthetic {t} {i}"}
        if t == "identity":
            o["identity_class"] = "individual"
        objs.append(o)
        ids.append(o["id"])
    for i in range(third):
        objs.append({"type": "relationship", "spec_version": "2.1", "id": f"relationship--{uuid.uuid4()}",
                     "created": ts, "modified": ts, "relationship_type": "related-to",
                     "source_ref": ids[i % len(ids)], "target_ref": ids[(i * 7 + 1) % len(ids)]})
    return objs


def setup_db(url: str, data_dir: Path) -> None:
    os.environ["VIGIL_DATABASE_URL"] = url
    os.environ["VIGIL_DATA_DIR"] = str(data_dir)
    os.environ["VIGIL_SECRET_KEY"] = "bench-secret"
    from vigil.platform.config import reset_settings
    from vigil.platform.database import reset_engine

    reset_settings()
    reset_engine()
    from vigil import demo
    from vigil.platform.migrations import upgrade

    upgrade()
    demo.seed()


def bench_ingest(label: str) -> dict:
    from vigil.intel import service
    from vigil.intel.core import stix as core
    from vigil.platform.database import session_scope
    from vigil.platform.identity import service as identity
    from vigil.platform.identity.principal import SYSTEM

    ics = core.upgrade_bundle(json.loads(ICS.read_text()))["objects"]
    out = {}
    with session_scope() as db:
        if db.get(service.Collection, ICS_COLLECTION) is None:
            service.create_collection(db, SYSTEM, "bench ICS", default_tlp="GREEN", collection_id=ICS_COLLECTION)
    for name, objs, coll in (("ics", ics, ICS_COLLECTION), (f"synthetic{len(synth := synthetic(SYNTH))}", synth,
                                                             service.DEFAULT_COLLECTION_ID)):
        t0 = time.perf_counter()
        with session_scope() as db:
            who = identity.principal_of(identity.user_by_name(db, "analyst"), "token")
            report = service.ingest_or_raise(db, who, objs, coll, default_tlp="GREEN", source="bench")
        dt = time.perf_counter() - t0
        out[name] = {"objects": report.total, "stored": report.stored, "seconds": round(dt, 2),
                     "objects_per_s": round(report.total / dt, 1)}
        print(f"[{label}] ingest {name}: {report.total} objects in {dt:.2f}s = {report.total / dt:,.0f} objects/s",
              flush=True)
    return out


WRK_SCRIPT = REPO / "benchmarks" / "taxii_paging.lua"
WORKERS = int(os.environ.get("VIGIL_BENCH_WORKERS", "2"))


def page_clients(first_url: str, auth_header: str, bound: float | None = None, clients: int = CLIENTS) -> dict:
    """CLIENTS concurrent TAXII clients (wrk threads, one keep-alive connection each) paging with `next`.

    wrk (Debian package `wrk`, C) is the load generator so that the client's own CPU cost stays small on
    this 2-core machine; benchmarks/taxii_paging.lua follows `next` per connection and counts objects."""
    if shutil.which("wrk") is None:
        raise SystemExit("benchmarks/intel.py needs wrk: apt-get install wrk")
    bound = bound or SECONDS
    # the request timeout is the whole bound: a slow server's pages count as late, not as lost
    cmd = ["wrk", f"-t{clients}", f"-c{clients}", f"-d{int(bound)}s", "--latency", "--timeout", f"{int(bound)}s",
           "-s", str(WRK_SCRIPT), first_url, "--", auth_header, str(PAGE)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=bound + 60).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT ")), "")
    res: dict = {}
    for part in line.split()[1:]:
        key, _, value = part.partition("=")
        res[key] = float(value) if "." in value else int(value)
    if not res:
        res = {"error": out[-500:]}
    return res


def start_vigil(url: str, data_dir: Path, workers: int = WORKERS) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "VIGIL_DATABASE_URL": url, "VIGIL_DATA_DIR": str(data_dir), "VIGIL_SECRET_KEY": "bench",
           "VIGIL_LOG_LEVEL": "WARNING", "VIGIL_COOKIE_SECURE": "false"}  # plain HTTP on loopback
    proc = subprocess.Popen([sys.executable, "-m", "vigil.cli", "serve", "--port", str(port), "--workers",
                             str(workers)], env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    return proc, base


def bench_vigil_taxii(label: str, url: str, data_dir: Path) -> dict:
    proc, base = start_vigil(url, data_dir)
    out = {}
    try:
        with httpx.Client(base_url=base) as c:
            csrf = c.post("/api/v1/auth/login", json={"username": "admin", "password": "admin-demo-pass"}).json()
            token = c.post("/api/v1/admin/tokens", json={"username": "analyst"},
                           headers={"X-CSRF-Token": csrf["csrf_token"]}).json()["token"]
        from vigil.intel.service import DEFAULT_COLLECTION_ID

        for name, coll in ((f"synthetic{SYNTH}", DEFAULT_COLLECTION_ID), ("ics", ICS_COLLECTION)):
            res = page_clients(f"{base}/taxii2/vigil/collections/{coll}/objects/", f"Authorization: Bearer {token}")
            out[name] = res
            print(f"[{label}] vigil TAXII paging {name} ({WORKERS} workers): {res}", flush=True)
        return out
    finally:
        proc.terminate()
        proc.wait(20)


def bench_medallion(tmp: Path) -> dict:
    from taxii2client.v21 import Collection

    port = free_port()
    coll_id = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
    data = {"/discovery": {"title": "medallion", "default": f"http://127.0.0.1:{port}/api1/",
                           "api_roots": [f"http://127.0.0.1:{port}/api1/"]},
            "api1": {"information": {"title": "api1", "versions": [TAXII], "max_content_length": 200 * 1024 * 1024},
                     "status": [],
                     "collections": [{"id": coll_id, "title": "ics", "can_read": True, "can_write": True,
                                      "media_types": ["application/stix+json;version=2.1"], "objects": [],
                                      "manifest": []}]}}
    (tmp / "data.json").write_text(json.dumps(data))
    (tmp / "config.json").write_text(json.dumps({
        "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                    "filename": str(tmp / "data.json")},
        "users": {"bench": "bench-pass"}, "taxii": {"max_page_size": PAGE}}))
    proc = subprocess.Popen([sys.executable, "-m", "medallion.scripts.run", "--port", str(port),
                             str(tmp / "config.json")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out: dict = {}
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/taxii2/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        from vigil.intel.core import stix as core

        ics = core.upgrade_bundle(json.loads(ICS.read_text()))["objects"]
        coll = Collection(f"http://127.0.0.1:{port}/api1/collections/{coll_id}/", user="bench", password="bench-pass")
        t0 = time.perf_counter()
        try:
            status = coll.add_objects(json.dumps({"objects": ics}), wait_for_completion=False)
            dt = time.perf_counter() - t0
            out["ingest"] = {"objects": len(ics), "seconds": round(dt, 2), "objects_per_s": round(len(ics) / dt, 1),
                             "status": status.status, "success_count": status.success_count}
        except Exception as exc:  # medallion limits are part of what is measured
            out["ingest"] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        print(f"[medallion] ingest: {out['ingest']}", flush=True)
        basic = base64.b64encode(b"bench:bench-pass").decode()
        url = f"http://127.0.0.1:{port}/api1/collections/{coll_id}/objects/"
        # first what one client alone completes in the bound (medallion's first pages cost the most), then the
        # 20 clients of the comparison (in that order: requests a client gives up on keep medallion busy)
        out["taxii_one_client"] = page_clients(url, f"Authorization: Basic {basic}", clients=1)
        print(f"[medallion] TAXII paging, 1 client: {out['taxii_one_client']}", flush=True)
        out["taxii"] = page_clients(url, f"Authorization: Basic {basic}")
        print(f"[medallion] TAXII paging, {CLIENTS} clients: {out['taxii']}", flush=True)
    finally:
        proc.terminate()
        proc.wait(10)
    return out


def run_backend(label: str, url: str, data_dir: Path) -> dict:
    setup_db(url, data_dir)
    ingest = bench_ingest(label)
    from vigil.platform.database import reset_engine

    reset_engine()
    return {"ingest": ingest, "taxii": bench_vigil_taxii(label, url, data_dir)}


def main() -> None:
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "sqlite").mkdir()
        results["sqlite"] = run_backend("sqlite", f"sqlite:///{tmp / 'sqlite' / 'vigil.db'}", tmp / "sqlite")
        pg = os.environ.get("VIGIL_BENCH_PG_URL")
        if pg:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            name = f"vigil_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                (tmp / "pg").mkdir()
                url = make_url(pg).set(database=name).render_as_string(hide_password=False)
                results["postgresql"] = run_backend("postgresql", url, tmp / "pg")
            finally:
                from vigil.platform.database import reset_engine

                reset_engine()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
        (tmp / "medallion").mkdir()
        if os.environ.get("VIGIL_BENCH_MEDALLION", "1") != "0":
            results["medallion"] = bench_medallion(tmp / "medallion")
        else:
            results["medallion"] = {"skipped": "VIGIL_BENCH_MEDALLION=0"}
    print(json.dumps(results, indent=2))
    med = results["medallion"].get("taxii", {})
    for label in ("sqlite", "postgresql"):
        if label in results and med.get("requests_per_s"):
            v = results[label]["taxii"]["ics"]
            print(f"ratio {label}/medallion (ICS collection): requests/s x{v['requests_per_s'] / med['requests_per_s']:.2f}, "
                  f"p99 {v['p99_ms']}ms vs {med['p99_ms']}ms")
        if label in results and results["medallion"].get("ingest", {}).get("objects_per_s"):
            print(f"ratio {label}/medallion ICS ingest: x"
                  f"{results[label]['ingest']['ics']['objects_per_s'] / results['medallion']['ingest']['objects_per_s']:.2f}")


if __name__ == "__main__":
    main()
