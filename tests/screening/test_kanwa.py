"""pykakasi's kanji dictionary read table by table (``core/kanwa.py``) gives pykakasi's own readings; pickled files
written whole (``core/pickled.py``)."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from vigil.screening.core import kanwa

SRC = Path(__file__).resolve().parents[2] / "src"
NAMES = ["山田太郎", "佐藤花子", "鈴木一郎", "高橋 健", "長谷川大樹", "渡邊さくら", "小林 ゆうこ", "斎藤", "髙橋", "伊藤亮",
         "中村美咲", "大野裕子", "東海林", "服部半蔵", "五十嵐"]


def test_the_split_tables_are_pykakasis_own(tmp_path):
    target = tmp_path / "kanwa.split"
    assert kanwa.build(target)
    tables = kanwa.load(target)
    assert tables is not None
    with open(kanwa._source(), "rb") as fh:
        whole = pickle.load(fh)
    assert len(tables) == len(whole)
    assert all(tables.get(key) == table for key, table in whole.items())
    assert tables.get(0x41) is None and tables.get(0x41, "none") == "none"  # no table for "A"
    first = next(iter(whole))
    assert tables[first] == whole[first] and set(tables) == set(whole) and first in tables
    with pytest.raises(KeyError):
        tables[0x41]


def test_a_split_file_from_another_dictionary_is_not_used(tmp_path):
    target = tmp_path / "kanwa.split"
    target.write_bytes(pickle.dumps(("0:0", {0x5C71: pickle.dumps({"山": [("やま", None)]})})))
    assert kanwa.load(target) is None
    (tmp_path / "broken.split").write_bytes(b"not a pickle")
    assert kanwa.load(tmp_path / "broken.split") is None
    assert kanwa.load(tmp_path / "missing.split") is None


def _readings(split: Path | None) -> list:
    """pykakasi's readings of NAMES in a fresh process, from the split file when given (its dictionary is shared by
    all of a process's instances, so each way needs its own process)."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from vigil.screening.core import kanwa\n"
        "import pykakasi\n"
        f"used = kanwa.install(Path({str(split)!r})) if {split is not None} else False\n"
        "k = pykakasi.kakasi()\n"
        "from pykakasi.kanji import Kanwa\n"
        "print(json.dumps({'used': used, 'split': isinstance(Kanwa._shared_state['_jisyo_table'], kanwa.Tables),\n"
        f"                  'readings': [k.convert(n) for n in {NAMES!r}]}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout)


def test_pykakasi_reads_names_the_same_from_the_split_file(tmp_path):
    target = tmp_path / "kanwa.split"
    assert kanwa.build(target)
    split = _readings(target)
    whole = _readings(None)
    assert split["used"] and split["split"]
    assert not whole["used"] and not whole["split"]
    assert split["readings"] == whole["readings"]
    assert split["readings"][0][0]["hepburn"] == "yamada"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    from vigil.screening.core.pickled import dump_whole

    target = tmp_path / "index.pkl"
    dump_whole(target, 3, {"a": 1})
    with pytest.raises(Exception):
        dump_whole(target, 4, lambda: None)  # a lambda cannot be pickled: the write fails half way
    with target.open("rb") as fh:
        assert (pickle.load(fh), pickle.load(fh)) == (3, {"a": 1})
    assert [p.name for p in tmp_path.iterdir()] == ["index.pkl"]
    assert target.stat().st_mode & 0o777 == 0o644
