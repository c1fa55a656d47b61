"""The reader's fast paths agree with the plain per-cell definitions (hot-path optimizations)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers import numeric
from chukan_layout.readers._cells import copy_cells, put_cells
from chukan_layout.readers.codecs import get_codec
from chukan_layout.readers.definition import FieldType

ROWS = st.lists(
    st.sampled_from([b"0123", b"    ", b"9 99", b"12a4", b"0000", b"\x0012 "]), min_size=1, max_size=30
)


def _reference_unsigned(rows: list[bytes], blank: int, digit) -> tuple[list[str], list[bool]]:  # type: ignore[no-untyped-def]
    out, bad = [], []
    for r in rows:
        if all(b == blank for b in r):
            out.append(""), bad.append(False)
        elif all(digit(b) for b in r):
            out.append("".join(str(b & 0x0F) for b in r)), bad.append(False)
        else:
            out.append("0" * len(r)), bad.append(True)
    return out, bad


@settings(max_examples=100, deadline=None)
@given(ROWS, st.integers(0, 3))
def test_unsigned_zoned_fast_path(rows: list[bytes], pad: int) -> None:
    # the field sits inside a wider record: a strided column slice, like the reader's
    mat = np.frombuffer(b"".join(b"#" * pad + r + b"#" for r in rows), np.uint8).reshape(len(rows), pad + 5)
    strings, bad = numeric.decode_zoned(mat[:, pad : pad + 4], 0, False, False)
    ref, ref_bad = _reference_unsigned(rows, 0x20, lambda b: 0x30 <= b <= 0x39)
    assert strings.to_pylist() == ref and bad.tolist() == ref_bad


def test_unsigned_ebcdic_zoned_fast_path() -> None:
    rows = [b"\xf0\xf1\xf2", b"\xf9\xf9\xc5", b"\x40\x40\x40", b"\xf1\xc1\xf1", b"\xf1\xf2\xd3"]
    mat = np.frombuffer(b"".join(rows), np.uint8).reshape(5, 3)
    strings, bad = numeric.decode_zoned(mat, 0, False, True)
    assert strings.to_pylist() == ["012", "995", "", "000", "000"]  # C zone allowed on the last byte only
    assert bad.tolist() == [False, False, False, True, True]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(0, 5), st.integers(0, 30))
def test_copy_and_put_cells(width: int, start: int, n: int) -> None:
    rng = np.random.default_rng(width * 100 + n)
    rec = rng.integers(0, 256, (n, start + width + 3), dtype=np.uint8)
    cells = rec[:, start : start + width]
    assert np.array_equal(copy_cells(cells), cells) and copy_cells(cells).flags.c_contiguous
    dest = np.zeros((n, width + 1), np.uint8)
    put_cells(dest[:, :width], cells)
    assert np.array_equal(dest[:, :width], cells) and not dest[:, width].any()


def test_decode_columns_flags_bad_cells_like_cell_by_cell() -> None:
    codec = get_codec("cp932")
    cells = [
        "髙橋　".encode("cp932").ljust(8),
        b"ab\x00def  ",
        b"\x85\x40ok    ",
        "ｶﾅ".encode("cp932").ljust(8),
    ]
    mat = np.frombuffer(b"".join(cells), np.uint8).reshape(4, 8)
    other = np.frombuffer(b"x1y2z3w4", np.uint8).reshape(4, 2)
    (s1, bad1, _), (s2, bad2, _) = codec.decode_columns([(mat, FieldType.TEXT), (other, FieldType.TEXT)])
    assert bad1.tolist() == [False, True, True, False] and not bad2.any()
    assert (
        s1[0].as_py() == "髙橋　  "
        and s1[3].as_py() == "ｶﾅ      "
        and s2.to_pylist() == ["x1", "y2", "z3", "w4"]
    )
    one = codec._decode_one(mat)
    assert one[1].tolist() == bad1.tolist()
    # a newline byte inside a cell takes the careful path, with the same verdicts
    nl = np.frombuffer(b"a\nb " + b"cd  ", np.uint8).reshape(2, 4)
    ((s3, bad3, _),) = codec.decode_columns([(nl, FieldType.TEXT)])
    assert s3.to_pylist() == ["a\nb ", "cd  "] and not bad3.any()
