"""Precision / recall of the small-kana check (``small_kana_flag``), issue 10.

Ground truth: a name's full-width kana reading holds a small kana (ァィゥェォッャュョヮヵヶ). The vendor
habit under test writes half-width kana with every small kana enlarged (synth ``hankaku``: キョウコ →
ｷﾖｳｺ); the check sees only that half-width text and says "a small kana may have been written large".

- precision = flagged names that really had a small kana / flagged names
- recall    = flagged names that had a small kana / names that had one

Two populations: every distinct reading of the name dataset the synth extra ships
(japanese-personal-name-dataset: family names, male and female given names) and the 氏名_フリガナ of
a synthetic town (``generate --vendor standard``, frequency-weighted by construction).

    .venv/bin/python benchmarks/small_kana.py [--residents 20000]
"""

from __future__ import annotations

import argparse
import csv
import re
import tempfile
from pathlib import Path

import pyarrow as pa

from chukan_layout.adapt.transforms.people import SMALL_KANA_PATTERNS
from chukan_layout.synth import reference as ref
from chukan_layout.synth.encode import hankaku, has_small_kana


def measure(kana: list[str]) -> dict[str, dict[str, float]]:
    arr = pa.array(kana, pa.string())
    truth = has_small_kana(arr)
    half = hankaku(arr).to_pylist()
    out = {}
    for level, pattern in SMALL_KANA_PATTERNS.items():
        rx = re.compile(pattern)
        pred = [bool(rx.search(h)) for h in half]
        tp = sum(p and t for p, t in zip(pred, truth, strict=True))
        fp = sum(p and not t for p, t in zip(pred, truth, strict=True))
        fn = sum(t and not p for p, t in zip(pred, truth, strict=True))
        out[level] = {
            "names": len(kana),
            "with_small_kana": int(truth.sum()),
            "flagged": tp + fp,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
            "flagged_share": (tp + fp) / len(kana),
        }
    return out


def dataset_readings() -> list[str]:
    names = set(ref.family_names().kana.tolist())
    for g in ("m", "f"):
        names.update(ref.given_names(g).kana.tolist())
    return sorted(names)


def town_readings(residents: int) -> list[str]:
    from chukan_layout.synth.generate import generate

    with tempfile.TemporaryDirectory() as d:
        res = generate(
            Path(d), vendors="standard", residents=residents, faults=0.0, seed=1, layouts=["juki.jumin"]
        )
        with open(res.golden["juki.jumin"], encoding="utf-8", newline="") as f:
            rows = csv.DictReader(f)
            return [r["氏名_フリガナ"] for r in rows if r["氏名_フリガナ"]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=20000)
    args = ap.parse_args()
    for label, kana in (("name dataset (distinct readings)", dataset_readings()),
                        (f"synthetic town ({args.residents} residents, 氏名_フリガナ)", town_readings(args.residents))):  # fmt: skip
        print(label)
        for level, m in measure(kana).items():
            print(f"  level {level:6s}: names {m['names']:6d}  with small kana {m['with_small_kana']:6d}  "
                  f"flagged {m['flagged']:6d} ({m['flagged_share']:.1%})  precision {m['precision']:.1%}  "
                  f"recall {m['recall']:.1%}")  # fmt: skip


if __name__ == "__main__":
    main()
