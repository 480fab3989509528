"""Parcels classifier: precision and recall per category and for "flagged" on the labelled set, and lines/s,
beside a plain keyword-list baseline, in the same run.

Usage:  PYTHONPATH=src python benchmarks/parcels.py [--set tests/parcels/data/labelled.jsonl] [--lines 200000]

Baseline: the same catalogue's English and Chinese terms as a plain keyword list, matched as lower-case
substrings (no look-alikes, no misspellings, no pinyin, no UN numbers). Throughput: the set's lines repeated to
``--lines`` lines, with a fresh classifier (its spelling cache starts empty) so repeats are not free. The last line
is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from vigil.parcels.core.classifier import CATEGORIES, Classifier, load_catalogue_file  # noqa: E402


class KeywordBaseline:
    def __init__(self, catalogue: dict):
        self.terms = [(t.lower(), name) for name, spec in catalogue["categories"].items()
                      for t in spec.get("en", []) + spec.get("zh", [])]

    def categories(self, text: str) -> list[str]:
        low = text.lower()
        return sorted({name for term, name in self.terms if term in low})


def scores(gold: list[set], got: list[set]) -> dict:
    out = {}
    for name in (*CATEGORIES, "flagged"):
        tp = fp = fn = 0
        for g, p in zip(gold, got):
            want = bool(g) if name == "flagged" else name in g
            have = bool(p) if name == "flagged" else name in p
            tp += want and have
            fp += have and not want
            fn += want and not have
        out[name] = {"precision": round(tp / (tp + fp), 3) if tp + fp else None,
                     "recall": round(tp / (tp + fn), 3) if tp + fn else None, "support": tp + fn}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=str(ROOT / "tests" / "parcels" / "data" / "labelled.jsonl"))
    parser.add_argument("--heldout", default=str(ROOT / "tests" / "parcels" / "data" / "heldout.jsonl"),
                        help="lines written after the classifier was frozen (see data/README.md)")
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    rows = [json.loads(line) for line in Path(args.set).read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = [set(r["categories"]) for r in rows]
    catalogue = load_catalogue_file()
    classifier, baseline = Classifier(catalogue), KeywordBaseline(catalogue)
    ours = scores(gold, [set(classifier.classify(r["text"]).categories) for r in rows])
    theirs = scores(gold, [set(baseline.categories(r["text"])) for r in rows])
    print(f"labelled set: {len(rows)} lines, {sum(bool(g) for g in gold)} flagged")
    print(f"{'category':18} {'P':>6} {'R':>6}   {'baseline P':>10} {'R':>6}  support")
    for name in (*CATEGORIES, "flagged"):
        a, b = ours[name], theirs[name]
        print(f"{name:18} {a['precision']!s:>6} {a['recall']!s:>6}   {b['precision']!s:>10} {b['recall']!s:>6}  "
              f"{a['support']}")
    held = [json.loads(line) for line in Path(args.heldout).read_text(encoding="utf-8").splitlines() if line.strip()]
    held_gold = [set(r["categories"]) for r in held]
    held_ours = scores(held_gold, [set(classifier.classify(r["text"]).categories) for r in held])["flagged"]
    held_base = scores(held_gold, [set(baseline.categories(r["text"])) for r in held])["flagged"]
    print(f"held-out set ({len(held)} lines): flagged P {held_ours['precision']} R {held_ours['recall']}; "
          f"baseline P {held_base['precision']} R {held_base['recall']}")
    lines = [r["text"] for r in rows] * (args.lines // len(rows) + 1)
    lines = lines[:args.lines]
    fresh = Classifier(catalogue)
    start = time.perf_counter()
    for line in lines:
        fresh.classify(line)
    rate = len(lines) / (time.perf_counter() - start)
    sample = lines[:20_000]
    start = time.perf_counter()
    for line in sample:
        baseline.categories(line)
    base_rate = len(sample) / (time.perf_counter() - start)
    print(f"throughput: {rate:,.0f} lines/s (baseline keyword list {base_rate:,.0f} lines/s; ratio "
          f"{rate / base_rate:.1f}x)")
    print(json.dumps({"lines": len(rows), "flagged_precision": ours["flagged"]["precision"],
                      "flagged_recall": ours["flagged"]["recall"],
                      "baseline_flagged_precision": theirs["flagged"]["precision"],
                      "baseline_flagged_recall": theirs["flagged"]["recall"],
                      "heldout_flagged_precision": held_ours["precision"], "heldout_flagged_recall": held_ours["recall"],
                      "lines_per_s": round(rate),
                      "baseline_lines_per_s": round(base_rate), "goal_lines_per_s": 20_000,
                      "per_category": {k: v for k, v in ours.items() if k != "flagged"}}))


if __name__ == "__main__":
    main()
