"""The acceptance contract, exactly as written: import, balance (now and --at), trace, verify; and tampering."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from tests.ledger.test_core import gun, holder, lot, move, site


def contract_records():
    return [
        holder("H1"), holder("H2", classes=["firearm", "explosive"]),
        site("S1", "H1"), site("S2", "H2"),
        move("M1", "receipt", "H1", site="S1", item=lot("LOT-A", 25.0, group="D")),
        move("M2", "receipt", "H1", at="2026-03-01T09:00:00Z", item=gun("SN-1")),
        move("M3", "dispatch", "H1", at="2026-03-02T08:00:00Z", site="S1", to="H2", item=lot("LOT-A", 10000, "g")),
        "{not json",
        move("M4", "confirm", "H2", at="2026-03-03T08:00:00Z", site="S2", dispatch="M3",
             item=lot("LOT-A", 10, group="D")),
        move("M5", "confirm", "H2", at="2026-03-03T09:00:00Z", site="S2", dispatch="M3", item=lot("LOT-A", 10)),
        move("M6", "consume", "H1", at="2026-03-04T08:00:00Z", site="S1", item=lot("LOT-A", 2, "pcs")),
        move("M7", "receipt", "H1", at="2026-03-04T08:00:00Z", site="S1", item=lot("LOT-B", 1, un_number="0999")),
        move("M8", "consume", "H1", at="2026-03-01T07:00:00Z", site="S1", item=lot("LOT-A", 1)),
        move("M9", "count", "H2", at="2026-03-05T08:00:00Z", site="S2", item=lot("LOT-A", 9)),
        move("M10", "dispatch", "H1", at="2026-03-06T08:00:00Z", to="H2", item=gun("SN-1")),
    ]


def test_import_output_balance_trace_verify(cli):
    path = cli.write("in.jsonl", contract_records())
    proc = cli("ledger", "import", "--input", str(path), "--output", "results.jsonl")
    assert "10 accepted, 5 rejected, 1 alerts" in (proc.stderr + proc.stdout).strip().splitlines()[-1]
    out = cli.results("results.jsonl")
    assert [o["status"] for o in out] == ["accepted"] * 7 + ["rejected", "accepted", "rejected", "rejected",
                                                             "rejected", "rejected", "accepted", "accepted"]
    assert out[7]["id"] is None and "malformed JSON" in out[7]["reasons"][0]
    assert "double confirmation" in out[9]["reasons"][0]
    assert "pieces" in out[10]["reasons"][0]
    assert "unknown UN number 0999" in out[11]["reasons"][0]
    assert "out of order" in out[12]["reasons"][0]
    assert "count differs from ledger" in out[13]["alerts"][0]
    assert all(set(o) == {"id", "status", "reasons", "alerts"} for o in out)

    bal = json.loads(cli("ledger", "balance", "H1", "--json").stdout)
    assert bal["holder"] == "H1"
    assert bal["items"] == [{"class": "explosive", "lot": "LOT-A", "quantity": 15, "unit": "kg", "site": "S1"}]
    # the firearm is in transit: nobody's
    past = json.loads(cli("ledger", "balance", "H1", "--at", "2026-03-01T10:00:00Z", "--json").stdout)
    assert sorted((i["class"], i.get("serial") or i.get("lot"), i["quantity"], i["unit"]) for i in past["items"]) \
        == [("explosive", "LOT-A", 25, "kg"), ("firearm", "SN-1", 1, "pcs")]
    assert {"class": "firearm", "serial": "SN-1", "quantity": 1, "unit": "pcs", "site": None} in past["items"]
    h2 = json.loads(cli("ledger", "balance", "H2", "--json").stdout)
    assert [(i["lot"], i["quantity"], i["site"]) for i in h2["items"]] == [("LOT-A", 10, "S2")]
    h2_before = json.loads(cli("ledger", "balance", "H2", "--at", "2026-03-02T12:00:00Z", "--json").stdout)
    assert h2_before["items"] == []  # dispatched but not yet confirmed

    trace = json.loads(cli("ledger", "trace", "LOT-A", "--json").stdout)
    assert [(m["id"], m["kind"], m["holder"]) for m in trace] == [("M1", "receipt", "H1"), ("M3", "dispatch", "H1"),
                                                                   ("M4", "confirm", "H2"), ("M9", "count", "H2")]
    assert trace[0] == {"id": "M1", "at": "2026-03-01T08:00:00Z", "kind": "receipt", "holder": "H1"}
    assert [m["kind"] for m in json.loads(cli("ledger", "trace", "SN-1", "--json").stdout)] == ["receipt",
                                                                                                 "dispatch"]
    assert "intact: 6 entries" in cli("ledger", "verify").stdout
    assert "reconciled" in cli("ledger", "reconcile").stdout
    missing = cli("ledger", "trace", "NOPE", "--json", check=False)
    assert missing.returncode == 1 and "NOPE" in missing.stderr and "Traceback" not in missing.stderr


def _tamper(cli, sql):
    engine = create_engine(cli.db.url)
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


@pytest.mark.parametrize("sql, entry", [
    ("UPDATE ledger_movements SET delta = delta * 2 WHERE id = 'M3'", 3),
    ("DELETE FROM ledger_movements WHERE id = 'M4'", 4),
    ("DELETE FROM ledger_movements WHERE id = 'M10'", 6),
    ("UPDATE ledger_movements SET seq = 1000 WHERE seq = 2; UPDATE ledger_movements SET seq = 2 WHERE seq = 3; "
     "UPDATE ledger_movements SET seq = 3 WHERE seq = 1000", 2),
])
def test_verify_names_the_first_broken_entry(cli, sql, entry):
    cli("ledger", "import", "--input", str(cli.write("in.jsonl", contract_records())), "--output", "r.jsonl")
    for statement in sql.split("; "):  # a reorder swaps two rows' places in three steps
        _tamper(cli, statement)
    proc = cli("ledger", "verify", check=False)
    assert proc.returncode != 0
    assert f"at entry {entry}" in proc.stderr, proc.stderr


def test_bad_file_and_time_are_one_clear_line(cli):
    proc = cli("ledger", "import", "--input", "missing.jsonl", "--output", "r.jsonl", check=False)
    assert proc.returncode == 1 and "no such file" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli("ledger", "balance", "H1", "--at", "yesterday", check=False)
    assert proc.returncode == 1 and "--at" in proc.stderr


def test_a_count_keeps_time_order_across_imports(cli):
    """A count changes no amount but is the newest movement of its lot: a later import still refuses what is older."""
    first = [holder("H1"), site("S1", "H1"), move("M1", "receipt", "H1", site="S1", item=lot("LOT-A", 25))]
    counted = [move("M2", "count", "H1", at="2026-03-05T08:00:00Z", site="S1", item=lot("LOT-A", 25))]
    older = [move("M3", "consume", "H1", at="2026-03-03T08:00:00Z", site="S1", item=lot("LOT-A", 1))]
    for n, records in enumerate((first, counted, older)):
        cli("ledger", "import", "--input", str(cli.write(f"in{n}.jsonl", records)), "--output", f"r{n}.jsonl")
    (last,) = cli.results("r2.jsonl")
    assert last["status"] == "rejected" and "out of order" in last["reasons"][0]
