"""Two processes dispatch the same serial at the same time: exactly one wins, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.ledger.test_core import gun, holder, move


def test_two_concurrent_dispatches_of_one_serial(cli):
    cli("ledger", "import", "--input", str(cli.write("setup.jsonl", [
        holder("H1"), holder("H2"), holder("H3"), move("M1", "receipt", "H1", item=gun("SN-9"))])),
        "--output", "setup.out")
    files = [cli.write(f"d{n}.jsonl", [move(f"D{n}", "dispatch", "H1", at="2026-03-02T08:00:00Z", to=to,
                                            item=gun("SN-9"))]) for n, to in ((1, "H2"), (2, "H3"))]
    procs = [cli.popen("ledger", "import", "--input", str(f), "--output", f"d{n}.out")
             for n, f in enumerate(files, 1)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    results = [cli.results(f"d{n}.out")[0] for n in (1, 2)]
    assert sorted(r["status"] for r in results) == ["accepted", "rejected"]
    loser = next(r for r in results if r["status"] == "rejected")
    assert "insufficient stock" in loser["reasons"][0]
    assert "intact: 2 entries" in cli("ledger", "verify").stdout
    assert "reconciled" in cli("ledger", "reconcile").stdout
