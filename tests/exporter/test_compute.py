"""A vendor field over a batch: the first branch whose ``when`` holds, else ``otherwise``."""

from __future__ import annotations

import pyarrow as pa

from chukan_layout.adapt.format import Condition
from chukan_layout.adapt.loader import CompiledItem, CompiledMapping
from chukan_layout.adapt.transforms.base import Context
from chukan_layout.adapt.transforms.dates import Seireki
from chukan_layout.exporter._compute import Cols, compute
from chukan_layout.findings import FindingSet

BATCH = pa.RecordBatch.from_pydict(
    {
        "kubun": ["1", "2", "9", "1", "3"],
        "shimei": ["髙橋", "﨑山", "ﾊﾟﾝ", "〜", "～"],
        "seinengappi": ["19850214", "19350000", "", "20190501", "19890108"],
        "_record": pa.array([1, 2, 3, 4, 5], pa.int64()),
    }
)


def _ctx() -> Context:
    return Context("juki_jumin.csv", "juki.jumin", "shimei", BATCH.column("_record"), FindingSet())


def test_one_branch_without_when_is_its_input_or_its_steps() -> None:
    cols = Cols(BATCH)
    same = CompiledItem("SHIMEI", [CompiledMapping(["shimei"], None, [], None)])
    assert compute(same, cols, _ctx()).to_pylist() == ["髙橋", "﨑山", "ﾊﾟﾝ", "〜", "～"]  # never normalized
    dated = CompiledItem("BIRTH", [CompiledMapping(["seinengappi"], None, [Seireki(Seireki.Args())], None)])
    assert compute(dated, cols, _ctx()).to_pylist() == [
        "1985-02-14",
        "1935-00-00",
        "",
        "2019-05-01",
        "1989-01-08",
    ]
    const = CompiledItem("KUBUN", [CompiledMapping([], "〓", [], None)])
    assert compute(const, cols, _ctx()).to_pylist() == ["〓"] * 5


def test_first_branch_that_holds_wins_and_the_rest_get_otherwise() -> None:
    item = CompiledItem(
        "SHIMEI",
        [
            CompiledMapping(["shimei"], None, [], Condition(field="kubun", eq="1")),
            CompiledMapping(
                [], "〓", [], Condition(field="kubun", ne="9")
            ),  # also true for "1": taken already
        ],
        otherwise="０",
    )
    assert compute(item, Cols(BATCH), _ctx()).to_pylist() == ["髙橋", "〓", "０", "〜", "〓"]


def test_no_row_matches_any_branch() -> None:
    item = CompiledItem("X", [CompiledMapping(["shimei"], None, [], Condition(field="kubun", eq="7"))], "-")
    assert compute(item, Cols(BATCH), _ctx()).to_pylist() == ["-"] * 5
