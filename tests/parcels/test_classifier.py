"""The classifier on the labelled set (precision and recall for "flagged"), UN numbers, look-alikes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vigil.parcels.core.classifier import Classifier, default_catalogue, load_catalogue_file

DATA = Path(__file__).parent / "data" / "labelled.jsonl"
REPO = Path(__file__).resolve().parents[2]


def test_labelled_set_precision_and_recall_for_flagged():
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 500 and any(r["flagged"] for r in rows) and any(not r["flagged"] for r in rows)
    classifier = default_catalogue()
    tp = fp = fn = 0
    for row in rows:
        got = classifier.classify(row["text"]).flagged
        tp += got and row["flagged"]
        fp += got and not row["flagged"]
        fn += row["flagged"] and not got
    assert tp / (tp + fp) >= 0.95 and tp / (tp + fn) >= 0.95


@pytest.mark.parametrize("text", ["UN1203", "UN 1203", "UN-1203", "un no. 1203", "UN No 1203", "联合国编号1203",
                                  "ＵＮ１２０３", "petrol (UN1203)"])
def test_un_numbers_in_any_usual_form(text):
    result = default_catalogue().classify(text)
    assert result.un_numbers == ["1203"] and "flammable" in result.categories


def test_class_1_numbers_are_explosives_unless_cartridges():
    classifier = default_catalogue()
    assert classifier.classify("UN0336").categories == ["explosives"]
    assert classifier.classify("UN0012").categories == ["ammunition"]
    assert classifier.classify("fun1203 puzzle").un_numbers == []


@pytest.mark.parametrize("text", ["glue gun", "hot glue gun", "massage gun", "phone case", "bullet journal",
                                  "胶枪", "按摩枪", "手机壳", "bath bombs", "ink cartridges", "剃须刀"])
def test_harmless_look_alikes_are_not_flagged(text):
    assert not default_catalogue().classify(text).flagged


@pytest.mark.parametrize("text,category", [("pistl", "firearms"), ("amunition", "ammunition"),
                                           ("fire works", "explosives"), ("shou qiang", "firearms"),
                                           ("手槍", "firearms"), ("锂电池", "dangerous_goods"),
                                           ("roman candles", "explosives")])
def test_misspellings_pinyin_and_traditional_characters(text, category):
    assert category in default_catalogue().classify(text).categories


def test_an_edited_catalogue_changes_the_result():
    catalogue = load_catalogue_file()
    catalogue["categories"]["knives"]["en"].append("zorblade")
    assert "knives" in Classifier(catalogue).classify("zorblade 20cm").categories
    assert not default_catalogue().classify("zorblade 20cm").flagged


def test_classify_cli_as_written(tmp_path):
    lines = tmp_path / "lines.txt"
    lines.write_text("gasoline 5L\nhot glue gun\n联合国编号1203 油漆\n\nT恤 3件\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "VIGIL_DATA_DIR": str(tmp_path), "VIGIL_DATABASE_URL": f"sqlite:///{tmp_path}/v.db",
           "PYTHONPATH": str(REPO / "src")}
    subprocess.run([sys.executable, "-m", "vigil.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    proc = subprocess.run([sys.executable, "-m", "vigil.cli", "parcels", "classify", "--input", str(lines),
                           "--output", str(out)], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in got] == ["gasoline 5L", "hot glue gun", "联合国编号1203 油漆", "", "T恤 3件"]
    assert [r["flagged"] for r in got] == [True, False, True, False, False]
    assert got[2]["un_numbers"] == ["1203"] and got[0]["categories"] == ["flammable"]
    assert set(got[0]) == {"text", "flagged", "categories", "un_numbers"}
