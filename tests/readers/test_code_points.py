"""Code points of a string column, shared between the 外字 stage and validation within a batch."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.readers import code_points as cp_mod
from chukan_layout.readers.code_points import code_points, shared_code_points

values = st.lists(
    st.one_of(st.none(), st.text(alphabet="山田髙﨑ｱﾞ　 a1\ue000\U000e0100", max_size=6)), max_size=12
)


def _expected(arr: pa.Array) -> list[int]:
    """Every character of the values, the bytes under null slots included (none are, here)."""
    return [ord(c) for v in arr.to_pylist() for c in (v or "")]


@given(values, st.integers(0, 3), st.booleans())
def test_code_points_of_every_value(vals: list[str | None], cut: int, large: bool) -> None:
    arr = pa.array(["前置き", *vals], pa.large_string() if large else pa.string()).slice(
        min(cut, len(vals) + 1)
    )
    got = code_points(arr)
    assert got.dtype == np.uint32
    assert got.tolist() == _expected(arr)


def test_shared_within_the_block_only() -> None:
    a = pa.array(["髙橋", "﨑"])
    b = pa.array(["髙橋", "﨑"])  # equal values, another array: its own answer
    with shared_code_points():
        first = code_points(a)
        assert code_points(a) is first
        assert code_points(b) is not first and code_points(b).tolist() == first.tolist()
        assert code_points(a.slice(1)).tolist() == [ord("﨑")]  # a slice is another key
        with shared_code_points():  # nested: the outer block's answers
            assert code_points(a) is first
        assert cp_mod._cache is not None
    assert cp_mod._cache is None  # dropped with the block
    assert code_points(a) is not first
