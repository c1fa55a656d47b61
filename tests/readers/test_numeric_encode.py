"""The numeric encoders (``readers._numeric_encode``): the plain-digit fast path agrees with the general
parser, and what the encoders write the decoders of :mod:`chukan_layout.readers.numeric` read back."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import _numeric_encode, numeric


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.just(""), st.from_regex(r"[0-9]{1,12}", fullmatch=True)), min_size=1, max_size=20),
    st.integers(1, 13),
    st.integers(0, 3),
)
def test_plain_digit_fast_path_matches_general_parser(values: list[str], ndigits: int, scale: int) -> None:
    scale = min(scale, ndigits)
    arr = pa.array(values, pa.string())

    def run(f):  # type: ignore[no-untyped-def]
        try:
            return f()
        except ValueError as e:
            return str(e)

    general = run(
        lambda: _numeric_encode.parse_decimals(pa.array([*values, "-0"], pa.string()), ndigits, scale, "f")
    )
    fast = run(lambda: _numeric_encode._plain_digits(arr, ndigits, scale, "f"))
    if isinstance(general, str):
        assert fast == general
        return
    assert fast is not None and not isinstance(fast, str)
    for a, b in zip(fast, general, strict=True):
        assert np.array_equal(a, b[: len(values)])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(-(10**7) + 1, 10**7 - 1), min_size=1, max_size=30),
    st.integers(0, 3),
    st.booleans(),
)
def test_what_is_written_reads_back(values: list[int], scale: int, ebcdic: bool) -> None:
    texts = [f"{'-' if v < 0 else ''}{abs(v) // 10**scale}" + (f".{abs(v) % 10**scale:0{scale}d}" if scale else "")
             for v in values]  # fmt: skip
    zoned, _ = numeric.decode_zoned(
        _numeric_encode.encode_zoned(texts, 8, scale, True, ebcdic, "f"), scale, True, ebcdic
    )
    packed, _ = numeric.decode_packed(
        _numeric_encode.encode_packed(texts, 5, scale, ebcdic, "f"), scale, ebcdic
    )
    binary, _ = numeric.decode_binary(_numeric_encode.encode_binary(texts, 4, scale, True, "f"), scale, True)
    assert packed.to_pylist() == binary.to_pylist() == texts  # quantities: no leading zeros
    assert [Decimal(z) for z in zoned.to_pylist()] == [Decimal(t) for t in texts]  # zoned keeps all 8 digits
    assert {len(z.lstrip("-")) for z in zoned.to_pylist()} == {8 + (1 if scale else 0)}


def test_a_value_that_does_not_fit_names_its_field_and_row() -> None:
    with pytest.raises(ValueError, match=r"field 金額: row 1: '123456' does not fit 5 digits"):
        _numeric_encode.encode_zoned(["1", "123456"], 5, 0, False, False, "金額")
    with pytest.raises(ValueError, match=r"field 金額: row 0: '1\.234' has more than 2 decimals"):
        _numeric_encode.encode_packed(["1.234"], 3, 2, True, "金額")
    with pytest.raises(ValueError, match="negative value in unsigned field"):
        _numeric_encode.encode_zoned(["-1"], 3, 0, False, True, "f")
