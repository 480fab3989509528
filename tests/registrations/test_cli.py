"""The acceptance contract, run as written: the real CLI in a subprocess on an upgraded, empty data dir."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TestDatabase

REPO = Path(__file__).resolve().parents[2]
HEADER = "establishment,record_id,name,dob,nationality,document_type,document_number,imei,vin,serial,item,arrival,departure\n"


@pytest.fixture
def env(tmp_path):
    db = TestDatabase(tmp_path)
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp_path), "VIGIL_DATABASE_URL": db.url,
           "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    vigil(env, "db", "upgrade")
    yield env
    db.drop()


def vigil(env, *args, check=True):
    proc = subprocess.run([sys.executable, "-m", "vigil.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def results(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_establishments_ingest_duplicates_and_purge(env, tmp_path):
    vigil(env, "registrations", "establishments", "add", "--licence", "H-1", "--sector", "hotel", "--name", "Hotel")
    vigil(env, "registrations", "establishments", "add", "--licence", "S-1", "--sector", "secondhand", "--name", "Shop")
    data = tmp_path / "in.csv"
    data.write_text(HEADER +
                    "H-1,r1,Zhang Wei,1990-03-07,CN,cn_ric,110105199003070017,,,,,2026-12-01,2026-12-03\n"
                    "H-1,r2,Bad Id,1990-03-07,CN,cn_ric,110105199003070010,,,,,,\n"
                    "NOPE,r3,Who,1990-03-07,CN,passport,E1234567,,,,,,\n"
                    "S-1,s1,Seller,1980-01-01,GB,passport,123456789,490154203237518,,,phone,,\n"
                    "S-1,s2,Seller,1980-01-01,GB,passport,123456789,490154203237519,,,phone,,\n"
                    "H-1,r1,Zhang Wei,1990-03-07,CN,cn_ric,110105199003070017,,,,,2026-12-01,2026-12-03\n"
                    "H-1,r4,broken\n")
    out = tmp_path / "results.jsonl"
    proc = vigil(env, "registrations", "ingest", "--input", str(data), "--output", str(out))
    got = results(out)
    assert [(r["record_id"], r["status"]) for r in got] == [
        ("r1", "accepted"), ("r2", "rejected"), ("r3", "rejected"), ("s1", "accepted"), ("s2", "rejected"),
        ("r1", "duplicate"), ("", "rejected")]
    assert all(set(r) == {"record_id", "status", "reasons", "alerts"} for r in got)
    assert "unknown establishment" in got[2]["reasons"][0] and "Luhn" in got[4]["reasons"][0]
    assert "line 8" in got[6]["reasons"][0]
    assert "7 rows" in proc.stderr
    again = vigil(env, "registrations", "ingest", "--input", str(data), "--output", str(out))
    assert again.returncode == 0
    statuses = [r["status"] for r in results(out)]
    assert statuses[0] == statuses[1] == statuses[3] == statuses[4] == "duplicate"  # rejected ones are kept too
    not_yet = vigil(env, "registrations", "purge", "--as-of", "2026-01-01")
    assert not_yet.stdout.strip().splitlines()[-1] == "purged 0"
    purged = vigil(env, "registrations", "purge", "--as-of", "2099-01-01")
    assert purged.stdout.strip().splitlines()[-1] == "purged 4"


def test_stolen_imei_raises_an_alert_on_arrival(env, tmp_path):
    vigil(env, "registrations", "establishments", "add", "--licence", "S-1", "--sector", "secondhand", "--name", "Shop")
    stolen = tmp_path / "stolen.csv"
    stolen.write_text("kind,number,description\nimei,49-015420-323751-8,iPhone reported stolen\n")
    vigil(env, "lists", "stolen-property", "--input", str(stolen))
    data = tmp_path / "in.csv"
    data.write_text(HEADER + "S-1,s1,Seller,1980-01-01,GB,passport,123456789,490154203237518,,,phone,,\n")
    out = tmp_path / "r.jsonl"
    vigil(env, "registrations", "ingest", "--input", str(data), "--output", str(out))
    alerts = results(out)[0]["alerts"]
    assert [a["kind"] for a in alerts] == ["stolen_property"] and "490154203237518" in alerts[0]["detail"]


def test_bad_files_fail_with_one_clear_line(env, tmp_path):
    missing = tmp_path / "m.csv"
    missing.write_text("establishment,record_id,name\nH,1,A\n")
    proc = vigil(env, "registrations", "ingest", "--input", str(missing), "--output", str(tmp_path / "o"), check=False)
    assert proc.returncode != 0 and "missing column" in proc.stderr and "Traceback" not in proc.stderr
    vigil(env, "registrations", "establishments", "add", "--licence", "H-1", "--sector", "hotel", "--name", "Hotel")
    latin1 = tmp_path / "l.csv"
    latin1.write_bytes(HEADER.encode() + "H-1,r1,Jos\xe9,1990-01-01,ES,passport,AB123456,,,,,,\n".encode("latin-1")
                       + b"H-1,r2,Ana,1990-01-01,ES,passport,AB123457,,,,,,\n")
    out = tmp_path / "o.jsonl"
    vigil(env, "registrations", "ingest", "--input", str(latin1), "--output", str(out))
    got = results(out)
    assert got[0]["status"] == "rejected" and "UTF-8" in got[0]["reasons"][0]
    assert got[1]["status"] == "accepted"
    bad_date = vigil(env, "registrations", "purge", "--as-of", "yesterday", check=False)
    assert bad_date.returncode != 0 and "Traceback" not in bad_date.stderr


def test_a_process_killed_mid_batch_loses_and_duplicates_nothing(env, tmp_path):
    vigil(env, "registrations", "establishments", "add", "--licence", "H-1", "--sector", "hotel", "--name", "Hotel")
    n = 12_000
    data = tmp_path / "big.csv"
    with data.open("w") as fh:
        fh.write(HEADER)
        for i in range(n):
            fh.write(f"H-1,k{i},Guest Number {i % 997},1980-01-01,GB,passport,P{i:08d},,,,,2026-12-01,\n")
    out = tmp_path / "first.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "vigil.cli", "registrations", "ingest", "--input", str(data),
                             "--output", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.stat().st_size == 0):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = len(out.read_text().splitlines()) if out.exists() else 0
    assert 0 < written < n, "the kill must land in the middle of the file"
    second = tmp_path / "second.jsonl"
    vigil(env, "registrations", "ingest", "--input", str(data), "--output", str(second))
    statuses = [r["status"] for r in results(second)]
    assert len(statuses) == n
    assert statuses.count("duplicate") >= written  # every chunk reported before the kill was stored
    assert set(statuses) <= {"accepted", "duplicate"}
    third = tmp_path / "third.jsonl"
    vigil(env, "registrations", "ingest", "--input", str(data), "--output", str(third))
    assert {r["status"] for r in results(third)} == {"duplicate"}  # all n stored exactly once


def test_lists_imported_from_the_cli_screen_the_next_file(env, tmp_path):
    vigil(env, "registrations", "establishments", "add", "--licence", "H-1", "--sector", "hotel", "--name", "Hotel")
    listed = tmp_path / "list.csv"
    listed.write_text("id,name,dob\nW-1,Ilse Marta Vandecasteele,1961-07-19\n")
    vigil(env, "lists", "import", "csv", str(listed), "--name", "City wanted persons")
    docs = tmp_path / "docs.csv"
    docs.write_text("document_number,issuing_country\nPQ7788990,GB\n")
    vigil(env, "lists", "lost-documents", "--input", str(docs))
    data = tmp_path / "in.csv"
    data.write_text(HEADER + "H-1,w1,Ilse Marta Vandecasteele,1961-07-19,BE,passport,BE1234567,,,,,,\n"
                             "H-1,w2,Tom Baker,1970-01-01,GB,passport,PQ7788990,,,,,,\n"
                             "H-1,w3,Tom Baker,1970-01-01,GB,passport,PQ7788991,,,,,,\n")
    out = tmp_path / "r.jsonl"
    vigil(env, "registrations", "ingest", "--input", str(data), "--output", str(out))
    got = results(out)
    assert [a["kind"] for a in got[0]["alerts"]] == ["watchlist"] and "City wanted persons" in got[0]["alerts"][0]["detail"]
    assert [a["kind"] for a in got[1]["alerts"]] == ["document"]
    assert got[2]["alerts"] == []
