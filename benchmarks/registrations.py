"""Registrations end to end: parse -> validate -> screen against OFAC + UN -> store, then purge.

Usage:  PYTHONPATH=src python benchmarks/registrations.py [--n 1000000] [--database-url URL]
        [--baseline-sample 3000] [--distinct-names 200000]

A synthetic CSV of N records over 40 establishments of the four sectors (hotel stays, second-hand purchases with
IMEIs, vehicle refits with VINs, venue entries; resident IDs and passports; 2% invalid on purpose) is ingested
through the real CLI code path (`registrations.intake.ingest_file`: chunks of 5,000 per transaction, INSERT ... ON
CONFLICT DO NOTHING, the screening service's batched screen_records, its searches run ahead on the second CPU).
Names come from a pool of ``--distinct-names`` people (a guest comes back; a regular sells twice), so some names
repeat.

Baseline, same run: the plain way, one record at a time (validate, `screen_name` per record, ORM add + commit per
record) on ``--baseline-sample`` records; its rate and the ratio are printed. Then every non-hit record is made
expired and `purge` deletes them; the time is printed. The last line is one JSON object with the figures. Beside
the wall times: the CPU time of the ingest (this process and its helper; a PostgreSQL server's own is not
counted) and the load average, since a shared machine's wall times say little on their own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SECTORS = ("hotel", "secondhand", "vehicle_refit", "venue")
HEADER = ("establishment,record_id,name,dob,nationality,document_type,document_number,imei,vin,serial,item,"
          "arrival,departure\n")


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return str((10 - total % 10) % 10)


def ric(rng: random.Random, born: date) -> str:
    from stdnum.cn import ric as stdnum_ric

    body = f"110105{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + stdnum_ric.calc_check_digit(body + "0")


def vin(rng: random.Random) -> str:
    from vigil.registrations.core.validate import vin_check_digit

    chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    raw = "1" + "".join(rng.choice(chars) for _ in range(16))
    return raw[:8] + vin_check_digit(raw[:8] + "0" + raw[9:]) + raw[9:]


def people(rng: random.Random, count: int) -> list[tuple[str, str, str, str, str]]:
    from faker import Faker

    fakes = [Faker(loc) for loc in ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "zh_CN", "ru_RU")]
    for f in fakes:
        f.seed_instance(rng.randint(0, 1 << 30))
    firsts = [f.first_name() for f in fakes for _ in range(300)]
    lasts = [f.last_name() for f in fakes for _ in range(300)]
    out = []
    for i in range(count):
        born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 25_000))
        if i % 2:
            out.append((f"{rng.choice(firsts)} {rng.choice(lasts)}", born.isoformat(), "CN", "cn_ric", ric(rng, born)))
        else:
            out.append((f"{rng.choice(firsts)} {rng.choice(lasts)}", born.isoformat(), rng.choice(["GB", "FR", "US", "DE"]),
                        "passport", f"{rng.choice('EGPX')}{rng.randint(10_000_000, 99_999_999)}"))
    return out


def write_csv(path: Path, n: int, pool: list, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for i in range(n):
            name, dob, nat, kind, number = rng.choice(pool)
            sector = SECTORS[i % 4]
            licence = f"{sector[:3].upper()}-{i % 10}"
            imei = vin_ = serial = item = arrival = ""
            if sector == "hotel":
                arrival = "2026-12-01"
            elif sector == "secondhand":
                body = f"35{rng.randint(0, 10**12 - 1):012d}"
                imei, item = body + luhn_digit(body), "mobile phone"
            elif sector == "vehicle_refit":
                vin_ = vin(rng)
            else:
                arrival = "2026-12-01T22:30:00"
            if i % 50 == 7:
                dob = "1700-01-01"  # rejected on purpose
            fh.write(f"{licence},R{i},{name},{dob},{nat},{kind},{number},{imei},{vin_},{serial},{item},{arrival},\n")


def setup(url: str | None, data_dir: Path) -> None:
    os.environ["VIGIL_DATA_DIR"] = str(data_dir)
    if url:
        os.environ["VIGIL_DATABASE_URL"] = url
    from vigil.platform.config import reset_settings
    from vigil.platform.migrations import upgrade

    reset_settings()
    upgrade()
    from vigil.platform.database import session_scope
    from vigil.platform.identity.principal import SYSTEM
    from vigil.registrations import service
    from vigil.screening import service as screening

    from dataclasses import replace

    from vigil.platform.identity import service as identity

    with session_scope() as db:
        agency = identity.create_agency(db, SYSTEM, "bench", "Benchmark agency", "police", "XX")
        SYSTEM = replace(SYSTEM, agency_id=agency.id)  # noqa: N806 - the list owner
        sanctions = ROOT / "data" / "sanctions"
        un = screening.create_watchlist(db, SYSTEM, "UN", "un", "UN Security Council resolutions")
        screening.import_list(db, SYSTEM, un.id, sanctions / "un" / "consolidated.xml")
        ofac = screening.create_watchlist(db, SYSTEM, "OFAC SDN", "ofac", "Sanctions Act")
        screening.import_list(db, SYSTEM, ofac.id, sanctions / "ofac")
        for sector in SECTORS:
            for k in range(10):
                service.add_establishment(db, SYSTEM, f"{sector[:3].upper()}-{k}", sector, f"{sector} {k}")


def baseline(csv_path: Path, sample: int) -> float:
    """One record at a time: the way a first version would do it."""
    import csv

    from vigil.platform import clock
    from vigil.platform.database import session_scope
    from vigil.platform.identity.principal import SYSTEM
    from vigil.registrations.core.validate import check_record
    from vigil.registrations.models import Establishment, Registration
    from vigil.screening import service as screening

    with csv_path.open(encoding="utf-8") as fh:
        rows = [r for _, r in zip(range(sample), csv.DictReader(fh))]
    start = time.perf_counter()
    for n, row in enumerate(rows):
        with session_scope() as db:
            est = db.query(Establishment).filter_by(licence=row["establishment"]).one()
            checked = check_record(row, est.sector, clock.today())
            if checked.ok:
                screening.screen_name(db, SYSTEM, row["name"], row["dob"], row["nationality"], row["document_number"])
            db.add(Registration(establishment_id=est.id, record_id=f"B{n}", status="accepted" if checked.ok else "rejected",
                                name=row["name"], dob=row["dob"][:10], nationality=row["nationality"],
                                document_type=row["document_type"], document_number=row["document_number"],
                                retain_until=clock.now() + timedelta(days=30)))
    return len(rows) / (time.perf_counter() - start)


def cpu_seconds() -> tuple[float, float]:
    """User + system time of this process, and of its children that have ended (the screening helper)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    parser.add_argument("--baseline-sample", type=int, default=3_000)
    parser.add_argument("--distinct-names", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(21)
    with tempfile.TemporaryDirectory(prefix="vigil-bench-reg-") as tmp:
        tmp_path = Path(tmp)
        t0 = time.perf_counter()
        setup(args.database_url, tmp_path)
        csv_path = tmp_path / "registrations.csv"
        write_csv(csv_path, args.n, people(rng, min(args.distinct_names, args.n)), rng)
        print(f"setup (OFAC + UN imported, 40 establishments, {args.n:,} rows written): "
              f"{time.perf_counter() - t0:.1f} s", flush=True)

        from vigil.platform.database import get_engine, session_scope
        from vigil.platform.identity.principal import SYSTEM
        from vigil.registrations import service
        from vigil.registrations.intake import ingest_file
        from vigil.registrations.models import Registration
        from vigil.screening import service as screening

        with session_scope() as db:
            screening.current_index(db)  # the index is built once per process; not part of the per-record cost
        start, cpu_start = time.perf_counter(), cpu_seconds()
        stats = ingest_file(SYSTEM, csv_path, tmp_path / "results.jsonl")
        elapsed, cpu_end = time.perf_counter() - start, cpu_seconds()
        own_cpu, helper_cpu = cpu_end[0] - cpu_start[0], cpu_end[1] - cpu_start[1]
        cpu = own_cpu + helper_cpu
        rate = stats["rows"] / elapsed
        load = os.getloadavg()[0]
        print(f"ingest: {stats['rows']:,} rows in {elapsed:.1f} s = {rate:,.0f} records/s "
              f"({stats['accepted']:,} accepted, {stats['rejected']:,} rejected, {stats['duplicate']:,} duplicate, "
              f"{stats['alerts']:,} with alerts) on {get_engine().dialect.name}; CPU {cpu:.1f} s (this process "
              f"{own_cpu:.1f} s, the screening helper {helper_cpu:.1f} s), "
              f"load average {load:.1f}", flush=True)
        base = baseline(csv_path, args.baseline_sample)
        print(f"baseline (one record per transaction, screen_name each): {base:,.0f} records/s; "
              f"ratio {rate / base:.1f}x", flush=True)

        with session_scope() as db:
            held = db.query(Registration).count()
        start = time.perf_counter()
        from vigil.platform import clock

        with session_scope() as db:
            purged = service.purge(db, SYSTEM, clock.now() + timedelta(days=400))
        purge_s = time.perf_counter() - start
        print(f"purge: {purged:,} of {held:,} records in {purge_s:.1f} s (load average {os.getloadavg()[0]:.1f})",
              flush=True)
        print(json.dumps({"n": stats["rows"], "dialect": get_engine().dialect.name, "records_per_s": round(rate),
                          "ingest_s": round(elapsed, 1), "ingest_cpu_s": round(cpu, 1),
                          "ingest_cpu_own_s": round(own_cpu, 1), "ingest_cpu_helper_s": round(helper_cpu, 1),
                          "load_average": round(load, 1),
                          "baseline_records_per_s": round(base), "ratio": round(rate / base, 1),
                          "purged": purged, "purge_s": round(purge_s, 2), "goal_records_per_s": 10_000,
                          "goal_purge_s": 30}))


if __name__ == "__main__":
    main()
