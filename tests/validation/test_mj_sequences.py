"""Every MJ character and sequence of the MJ list is legitimate for the validator and the 外字 stage.

The list (MJ文字情報一覧表, CC BY-SA, never committed) is read from ../shared/gaiji-data or
CHUKAN_GAIJI_DATA; the test skips only where it is absent. Sequences: the IVS column (11,384,
``3404_E0101``) and the SVS column (89, ``6717_FE00`` = 朗 MJ030185), plus every 実装したUCS.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from chukan_layout.gaiji.table import check_sequence
from chukan_layout.gaiji.targets import target_set
from chukan_layout.spec.charsets import invalid_chars
from chukan_layout.spec.model import Charset
from chukan_layout.spec.sequences import sequence_problems
from chukan_layout.validation.checks_charset import bad_rows
from chukan_layout.validation.context import BatchContext

# the compiled kernels on, then off (conftest.both_routes): the numpy route stays tested
pytestmark = pytest.mark.usefixtures("both_routes")


def _chars(cell: str) -> str:
    return "".join(chr(int(h, 16)) for h in cell.replace("U+", "").split("_"))


def mj_values(path: Path) -> tuple[list[str], list[str]]:
    """(single characters, variation sequences) of the MJ list."""
    singles, seqs = [], []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        ucs, ivs, svs = (
            header.index(c) for c in ("実装したUCS", "実装したMoji_JohoコレクションIVS", "実装したSVS")
        )
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[ucs]:
                singles.append(_chars(cols[ucs]))
            for cell in (cols[ivs], cols[svs]):
                seqs.extend(_chars(s) for s in cell.split(";") if s)
    return singles, seqs


def test_every_mj_sequence_passes_the_validator_and_the_gaiji_stage(mj_list_path: Path) -> None:
    singles, seqs = mj_values(mj_list_path)
    assert len(seqs) >= 11_384 + 89 and len(singles) > 50_000
    assert sum(1 for s in seqs if 0xFE00 <= ord(s[-1]) <= 0xFE0F) >= 89  # the SVS are in
    values = singles + seqs + ["".join(seqs[i : i + 5]) for i in range(0, len(seqs), 5)]  # and in a row
    batch = pa.RecordBatch.from_pydict({"氏名": pa.array(values, pa.string())})
    rows = bad_rows(BatchContext(batch), "氏名", Charset.MJ)
    assert not rows.any(), [values[i] for i in rows.nonzero()[0][:10]]
    assert [v for v in values if invalid_chars(v, Charset.MJ)] == []
    assert [v for v in values if sequence_problems(v)] == []
    mj = target_set("mj")
    assert [s for s in seqs if not mj.storable(s)] == []
    assert [s for s in seqs if check_sequence(s) is not None] == []


def test_selector_after_a_non_ideograph_is_named_with_its_base() -> None:
    from chukan_layout.spec.charsets import charset_problems

    assert charset_problems("あ\U000e0100", "mj") == ["U+E0100 after あ"]
    assert charset_problems("\ufe00朗", "mj") == ["U+FE00 at the start"]
    assert charset_problems("山田\x07", "mj") == ["U+0007"]
    assert charset_problems("朗\ufe00辻\U000e0100", "mj") == []


def test_charset_findings_name_code_points_and_show_selectors() -> None:
    from chukan_layout.findings import FindingSet
    from chukan_layout.spec.model import Item, Layout
    from chukan_layout.validation.compile import compile_layout

    m = {"status": "modelled"}
    items = [
        Item.model_validate(
            {"id": "shimei", "name": "氏名", "type": "text", "charset": "mj", "provenance": m}
        ),
        Item.model_validate({"id": "biko", "name": "備考", "type": "text", "provenance": m}),
        Item.model_validate(
            {"id": "memo", "name": "メモ", "type": "text", "allow_controls": True, "provenance": m}
        ),
    ]
    layout = Layout.model_validate(
        {
            "id": "test.seq",
            "gyomu": "住民基本台帳",
            "gyomu_id": "test",
            "file_name": "SEQ.csv",
            "title": {"ja": "文字", "en": "Characters"},
            "spec_version": "test",
            "record_key": ["shimei"],
            "items": [i.model_dump(by_alias=True, exclude_none=True) for i in items],
            "provenance": m,
        }
    )
    checker = compile_layout(layout, {})
    batch = pa.RecordBatch.from_pydict(
        {
            "shimei": ["辻\U000e0100", "あ\U000e0100", "山田\x07太郎", "朗\ufe00"],
            "biko": ["ok", "a\tb", "\x1b]8;;x\x1b\\", "c\u0085"],
            "memo": ["a\tb"] * 4,
            "_record": pa.array([1, 2, 3, 4], pa.int64()),
        }
    )
    fs = FindingSet()
    checker.check(batch, fs, file="f.csv", raw_values=True)
    shimei = fs.samples[("item.charset", "f.csv", "shimei")]
    assert [(s.record, s.value, s.detail) for s in shimei] == [
        (2, "あ<U+E0100>", "U+E0100 after あ"),
        (3, "山田<U+0007>太郎", "U+0007"),
    ]
    biko = fs.samples[("item.charset", "f.csv", "biko")]
    assert [(s.record, s.detail) for s in biko] == [(2, "U+0009"), (3, "U+001B"), (4, "U+0085")]
    assert ("item.charset", "f.csv", "memo") not in fs.counts
