"""item.charset rows (column-first: lookup table, IVS context in numpy) against the scalar oracle."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec.charsets import invalid_chars
from chukan_layout.spec.model import Charset
from chukan_layout.validation.checks_charset import bad_rows
from chukan_layout.validation.context import BatchContext

# the compiled kernels on, then off (conftest.both_routes): the numpy route stays tested
pytestmark = pytest.mark.usefixtures("both_routes")
# characters around the class edges: ASCII, 半角/全角 kana, 髙 (cp932 only), 﨑, 𠮷 (astral), 外字 PUA,
# IVS selectors (valid only right after an ideograph), a combining mark, 〜/～
ALPHABET = [
    *"aZ9 -\tｱﾞ　アァヴ・ー山葛髙﨑〜～",
    "\U00020bb7",
    "\ue000",
    "\U000e0100",
    "\U000e01ef",
    "\u309a",
    "\U000e0000",
    "\U0001f600",
]
values = st.lists(st.text(alphabet=st.sampled_from(ALPHABET), max_size=6), min_size=1, max_size=12)


def _rows(vals: list[str], cs: Charset) -> list[bool]:
    b = pa.RecordBatch.from_pydict({"v": pa.array(vals, pa.string())})
    return bad_rows(BatchContext(b), "v", cs).tolist()


@given(values, st.sampled_from([c for c in Charset if c is not Charset.ANY]))
def test_bad_rows_equal_the_oracle(vals: list[str], cs: Charset) -> None:
    assert _rows(vals, cs) == [bool(invalid_chars(v, cs)) for v in vals]


def test_ivs_needs_an_ideograph_just_before_it_in_the_same_value() -> None:
    vals = ["葛\U000e0100", "\U000e0100葛", "あ\U000e0100", "", "葛", "\U000e0100", "葛\U000e0100\U000e0100"]
    assert _rows(vals, Charset.MJ) == [False, True, True, False, False, True, True]


def test_ascii_columns_are_checked_on_their_bytes() -> None:
    assert _rows(["AB12", "AB-1", "", "x y"], Charset.ALNUM) == [False, True, False, True]
    assert _rows(["12", "1a", "", "１"], Charset.DIGITS) == [False, True, False, True]
    assert np.array(_rows(["ok"] * 3, Charset.ASCII)).sum() == 0
