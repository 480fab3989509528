"""Controlled-items ledger benchmark: import + full reconciliation, trace of a serial, balance at a past moment.

    .venv/bin/python benchmarks/ledger.py                                   # SQLite in a temp folder
    .venv/bin/python benchmarks/ledger.py --database-url postgresql+psycopg://vigil@127.0.0.1:54329/ledger_bench
    --movements 1000000 --holders 10000 (defaults; develop with --movements 20000 --holders 200)

Generates a JSONL file of holders (each with a magazine site) and movements that a careful operator would
record: receipts of explosive lots, precursor purchases and serialised firearms, dispatches confirmed later by
their receivers, consumption and stock counts. Then times `import` (every record applied, the chain written, the
balance table kept) plus `reconcile` (every balance recomputed from all movements and compared); the trace of
one serial and the balance of one holder at a past moment (medians of repeated queries) beside the naive
baseline that recomputes that balance from all movements. Goals: import + reconciliation <= 60 s; trace and
past balance <= 50 ms. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

START = datetime(2026, 1, 5, tzinfo=timezone.utc)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(path: Path, movements: int, holders: int, seed: int = 7) -> tuple[str, str, datetime]:
    """Write the records; returns (a traced serial, a holder, a past moment)."""
    rnd = random.Random(seed)
    stock: dict[tuple[int, str], int] = {}  # (holder, lot) -> kg
    lots_of: list[list[str]] = [[] for _ in range(holders)]
    guns_of: list[list[str]] = [[] for _ in range(holders)]
    pending: list[tuple[int, str, int, str, int, int]] = []  # (due index, dispatch, receiver, key, kg, serial?)
    licence = {"number": "", "classes": ["firearm", "ammunition", "explosive", "detonator", "precursor", "chemical"],
               "valid_from": "2025-01-01", "valid_to": "2030-12-31"}
    t, n, serial_traced = START, 0, ""
    with path.open("w") as out:
        def emit(record: dict) -> None:
            out.write(json.dumps(record, separators=(",", ":")) + "\n")

        for h in range(holders):
            emit({"type": "holder", "id": f"H{h}", "name": f"Holder {h}", "kind": "dealer" if h % 3 else "mine",
                  "licence": dict(licence, number=f"L-{h}")})
            emit({"type": "site", "id": f"S{h}", "holder": f"H{h}", "capacity_kg": 1_000_000,
                  "groups": ["D", "S"]})
        while n < movements:
            t += timedelta(seconds=7)
            if pending and pending[0][0] <= n:
                _, dispatch, receiver, key, kg, is_gun = pending.pop(0)
                item = {"class": "firearm", "serial": key} if is_gun else \
                    {"class": "explosive", "lot": key, "quantity": kg, "unit": "kg"}
                emit({"type": "movement", "id": f"M{n}", "at": iso(t), "kind": "confirm", "holder": f"H{receiver}",
                      "site": f"S{receiver}", "dispatch": dispatch, "item": item})
                if is_gun:
                    guns_of[receiver].append(key)
                else:
                    stock[(receiver, key)] = stock.get((receiver, key), 0) + kg
                    lots_of[receiver].append(key)
                n += 1
                continue
            h = rnd.randrange(holders)
            roll = rnd.random()
            base = {"type": "movement", "id": f"M{n}", "at": iso(t), "holder": f"H{h}", "site": f"S{h}"}
            held = lots_of[h] = [lot for lot in lots_of[h] if stock.get((h, lot), 0) > 0]  # prune empty lots
            if roll < 0.25 or (roll < 0.6 and not held):
                lot = f"LOT-{n}"
                kg = rnd.randint(50, 500)
                stock[(h, lot)] = kg
                lots_of[h].append(lot)
                emit(dict(base, kind="receipt", item={"class": "explosive", "un_number": "0081", "group": "D",
                                                      "lot": lot, "quantity": kg, "unit": "kg"}))
            elif roll < 0.32:
                serial = f"SN-{n}"
                guns_of[h].append(serial)
                serial_traced = serial_traced or serial
                emit(dict(base, kind="receipt", item={"class": "firearm", "serial": serial, "make": "Make",
                                                      "model": "M1", "calibre": "9mm"}))
            elif roll < 0.38:
                emit(dict(base, kind="receipt", item={"class": "precursor", "un_number": "1942", "lot": f"AN-{h}",
                                                      "quantity": rnd.randint(20, 40) * 25, "unit": "kg"}))
            elif roll < 0.55 and (held or guns_of[h]):
                receiver = (h + rnd.randrange(1, holders)) % holders
                if guns_of[h] and (rnd.random() < 0.3 or not held):
                    key, kg, is_gun = guns_of[h].pop(), 1, 1
                    item = {"class": "firearm", "serial": key}
                else:
                    key = rnd.choice(held)
                    kg, is_gun = rnd.randint(1, stock[(h, key)]), 0
                    stock[(h, key)] -= kg
                    item = {"class": "explosive", "lot": key, "quantity": kg, "unit": "kg"}
                emit(dict(base, kind="dispatch", to=f"H{receiver}", item=item))
                pending.append((n + rnd.randint(5, 50), f"M{n}", receiver, key, kg, is_gun))
            elif roll < 0.85 and held:
                lot = rnd.choice(held)
                kg = rnd.randint(1, stock[(h, lot)])
                stock[(h, lot)] -= kg
                emit(dict(base, kind="consume", item={"class": "explosive", "lot": lot, "quantity": kg * 1000,
                                                      "unit": "g"}))
            elif held:
                lot = rnd.choice(held)
                emit(dict(base, kind="count", item={"class": "explosive", "lot": lot, "quantity": stock[(h, lot)],
                                                    "unit": "kg"}))
            else:
                continue
            n += 1
    return serial_traced, "H1", START + (t - START) / 2


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--holders", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vigil-ledger-bench-"))
    os.environ["VIGIL_DATA_DIR"] = str(tmp)
    if args.database_url:
        os.environ["VIGIL_DATABASE_URL"] = args.database_url
    from vigil.cli import cli_actor
    from vigil.ledger import service
    from vigil.platform.config import get_settings, reset_settings
    from vigil.platform.database import session_scope
    from vigil.platform.migrations import upgrade

    reset_settings()
    upgrade()
    db_kind = "sqlite" if get_settings().is_sqlite else "postgresql"
    data = tmp / "movements.jsonl"
    t0 = time.perf_counter()
    serial, holder, past = generate(data, args.movements, args.holders)
    print(f"generated {args.movements:,} movements across {args.holders:,} holders in "
          f"{time.perf_counter() - t0:.1f} s ({data.stat().st_size / 1e6:.0f} MB)", flush=True)

    actor = cli_actor()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    accepted = rejected = 0
    with session_scope() as db, data.open("rb") as lines:
        for outcome in service.apply_records(db, actor, (service.parse_line(x) for x in lines), source="bench"):
            accepted += outcome.accepted
            rejected += not outcome.accepted
    t_import = time.perf_counter() - t0
    with session_scope() as db:
        problems = service.reconcile(db)
    t_total = time.perf_counter() - t0
    cpu = time.process_time() - cpu0  # this process's CPU: on a shared machine, what a calm run would take at least
    print(f"import {t_import:.1f} s ({accepted:,} accepted, {rejected:,} rejected) + reconciliation "
          f"{t_total - t_import:.1f} s ({len(problems)} differences) = {t_total:.1f} s  [goal <= 60 s]; CPU time of this process "
          f"{cpu:.1f} s (SQLite works in-process; PostgreSQL's server time is not in it)", flush=True)

    with session_scope() as db:
        t_trace, tr = timed(lambda: service.trace(db, actor, serial), 21)
        t_bal, bal = timed(lambda: service.balance(db, actor, holder, past), 21)
        t_naive, naive = timed(lambda: service.naive_balance(db, holder, past), 1)
    same = len(naive) == len(bal["items"])
    print(f"trace of serial {serial} ({len(tr['movements'])} movements): {t_trace * 1000:.1f} ms  [goal <= 50 ms]")
    print(f"balance of {holder} at {past:%Y-%m-%dT%H:%M:%SZ} ({len(bal['items'])} lines): {t_bal * 1000:.1f} ms  "
          f"[goal <= 50 ms]; naive baseline (recompute from all movements): {t_naive * 1000:.0f} ms, "
          f"{t_naive / t_bal:.0f}x slower; same lines: {same}")
    print(json.dumps({"database": db_kind, "movements": args.movements, "holders": args.holders,
                      "accepted": accepted, "rejected": rejected, "import_s": round(t_import, 2),
                      "import_and_reconcile_s": round(t_total, 2), "import_and_reconcile_cpu_s": round(cpu, 2),
                      "reconcile_differences": len(problems),
                      "trace_ms": round(t_trace * 1000, 2), "balance_at_ms": round(t_bal * 1000, 2),
                      "naive_balance_at_ms": round(t_naive * 1000, 1), "naive_ratio": round(t_naive / t_bal, 1),
                      "naive_agrees": same}))


if __name__ == "__main__":
    main()
