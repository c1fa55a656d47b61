"""Shortcuts of the vectorized checks (ASCII columns, flags, cached views) give the plain results."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.validate.base import CompileEnv
from chukan_layout.validate.checks_length import build_length
from chukan_layout.validate.checks_type import build_type
from chukan_layout.validate.context import BatchContext

from .fixtures.layouts import _item, jumin_layout

values = st.lists(st.sampled_from(["0", "1", "01", "10", "", "Y", "１", "0 ", "ｱ", "髙橋", "a\U000e0100", "ﾊﾟ"]),
                  min_size=1, max_size=15)


def _ctx(vals: list[str]) -> BatchContext:
    return BatchContext(pa.RecordBatch.from_pydict({"v": pa.array(vals, pa.string())}))


@given(values)
def test_flag_type_is_exactly_0_or_1(vals: list[str]) -> None:
    (check,) = build_type(_item("v", "フラグ", "flag"), CompileEnv(jumin_layout()))
    assert check.fn(_ctx(vals)).tolist() == [v != "" and re.fullmatch("[01]", v) is None for v in vals]


@given(values, st.integers(0, 3), st.integers(1, 3), st.sampled_from(["chars", "bytes"]))
def test_lengths_on_ascii_and_other_columns(vals: list[str], lo: int, span: int, unit: str) -> None:
    length = {"min": lo, "max": lo + span, "unit": unit, **({"encoding": "cp932"} if unit == "bytes" else {})}
    (check,) = build_length(_item("v", "項目", "text", length=length), CompileEnv(jumin_layout()))

    def width(v: str) -> int:
        if unit == "chars":
            return len(v)
        return sum(1 if ord(c) <= 0x7F or 0xFF61 <= ord(c) <= 0xFF9F else 2 for c in v)

    assert check.fn(_ctx(vals)).tolist() == [v != "" and not lo <= width(v) <= lo + span for v in vals]


@given(values)
def test_char_lengths_equal_arrow(vals: list[str]) -> None:
    ctx = _ctx(vals)
    assert ctx.char_lengths("v").tolist() == pc.utf8_length(pa.array(vals)).to_pylist()
    assert ctx.is_ascii("v") == all(v.isascii() for v in vals)
    assert ctx.nonblank("v").tolist() == [v != "" for v in vals]
