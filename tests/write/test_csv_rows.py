"""The compiled row writer (write/_csv_rows.c through write/csv_rows.py) gives Arrow's CSV bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.write import csv_rows, write_standard_csv
from chukan_layout.write.standard_csv import OutputEncodingError
from tests.kernels import require_kernel

from .test_standard_csv import LAYOUT
from .test_standard_csv import _batch as _std_batch


@pytest.fixture(scope="module")
def kernel() -> object:
    """The kernel must be built on CI (its machine has a compiler); elsewhere a machine without a
    C compiler installs the pure route only (Arrow's writer), which test_standard_csv.py runs."""
    return require_kernel("chukan_layout.write._csv_rows")


def _arrow(cols: list[pa.Array], eol: str) -> bytes:
    t = pa.Table.from_arrays(cols, names=[f"c{i}" for i in range(len(cols))])
    buf = io.BytesIO()
    pacsv.write_csv(t, buf, pacsv.WriteOptions(include_header=False, quoting_style="all_valid", eol=eol))
    return buf.getvalue()


def _kernel(cols: list[pa.Array], eol: str) -> bytes:
    blocks = csv_rows.render(cols, eol.encode())
    assert blocks is not None
    return b"".join(blocks)


# 髙/﨑, ﾊﾝｶｸ with ﾞﾟ, 〜 vs ～, 外字 in the PUA, an IVS, and what CSV structure is made of
_CHARS = [
    "髙",
    "﨑",
    "ﾊ",
    "ﾟ",
    "ﾞ",
    "〜",
    "～",
    "\ue000",
    "\U000e0100",
    "葛",
    "山",
    "a",
    "0",
    " ",
    '"',
    ",",
    "\r",
    "\n",
]
_VALUES = st.text(st.sampled_from(_CHARS), max_size=14) | st.text(
    st.sampled_from(["a", "髙", '"']), max_size=50
)


@st.composite
def _column(draw: st.DrawFn, rows: int) -> pa.Array:
    """A column of ``rows`` values: random (with nulls or not), of one width, blank, one constant, all null;
    perhaps a slice of a longer array (offsets and validity bits that do not start at 0)."""
    kind = draw(st.sampled_from(["values", "values", "nulls", "blank", "constant", "null", "width"]))
    if kind == "width":  # every value the same number of bytes (dates, codes): not read by offsets
        alphabet, size = draw(st.sampled_from([("0123456789-", 1), ("髙﨑山葛〜～", 3)]))
        length = draw(st.integers(0, 40 // size))
        values = draw(
            st.lists(
                st.text(st.sampled_from(alphabet), min_size=length, max_size=length),
                min_size=rows,
                max_size=rows,
            )
        )
    elif kind == "blank":
        values: list[str | None] = [""] * rows
    elif kind == "constant":
        values = [draw(_VALUES)] * rows
    elif kind == "null":
        values = [None] * rows
    else:
        item = _VALUES | st.none() if kind == "nulls" else _VALUES
        values = draw(st.lists(item, min_size=rows, max_size=rows))
    before = draw(st.lists(_VALUES | st.none(), max_size=3))
    after = draw(st.lists(_VALUES | st.none(), max_size=3))
    arr = pa.array(before + values + after, pa.string())
    return arr.slice(len(before), rows)


@st.composite
def _batch(draw: st.DrawFn) -> list[pa.Array]:
    rows = draw(st.integers(0, 40))
    return [draw(_column(rows)) for _ in range(draw(st.integers(1, 8)))]


@settings(max_examples=300, deadline=None)
@given(cols=_batch(), eol=st.sampled_from(["\r\n", "\n"]), block=st.sampled_from([1, 3, 7, 1024]))
def test_the_bytes_of_arrows_writer(kernel: None, cols: list[pa.Array], eol: str, block: int) -> None:
    kept = csv_rows.BLOCK_ROWS
    csv_rows.BLOCK_ROWS = block
    try:
        assert _kernel(cols, eol) == _arrow(cols, eol)
    finally:
        csv_rows.BLOCK_ROWS = kept


def test_blank_constant_and_null_columns_between_values(kernel: None) -> None:
    """The fixed text of a row (runs of blank / constant / null columns, commas, quotes, eol)
    around the values, at a value's either end and alone."""
    n = 5
    vals = pa.array(["髙橋", '"', "", "ﾊﾟﾝ", "x" * 40])
    blank = pa.array([""] * n)
    const = pa.array(['a"b'] * n)
    null = pa.array([None] * n, pa.string())
    some_null = pa.array(["1", None, "3", None, ""])
    for cols in (
        [blank],
        [null],
        [blank, null, const],
        [vals, blank, blank, const, null, vals],
        [null, some_null, null],
        [const, vals, null],
        [vals],
    ):
        for eol in ("\r\n", "\n"):
            assert _kernel(cols, eol) == _arrow(cols, eol)


def test_values_at_the_end_of_their_buffers(kernel: None) -> None:
    """Values of every length 0–70 last in their data buffer and in a block of rows (the whole-word
    copies must not read past either)."""
    kept = csv_rows.BLOCK_ROWS
    try:
        for block in (1, 2, 1024):
            csv_rows.BLOCK_ROWS = block
            for length in range(71):
                v = "".join("ab髙"[i % 3] for i in range(length))
                for cols in ([pa.array(["q", v])], [pa.array([v])], [pa.array([v, "q"]), pa.array(["", v])]):
                    assert _kernel(cols, "\n") == _arrow(cols, "\n")
    finally:
        csv_rows.BLOCK_ROWS = kept


def test_a_chunked_column_and_zero_rows(kernel: None) -> None:
    chunked = pa.chunked_array([["a", "b"], ["c"]])
    assert _kernel([chunked], "\n") == b'"a"\n"b"\n"c"\n'
    assert _kernel([pa.array([], pa.string())], "\r\n") == b""


def test_what_it_will_not_render() -> None:
    """No column, or a column that is not ``string``: None (the caller uses Arrow's writer)."""
    assert csv_rows.render([], b"\n") is None
    assert csv_rows.render([pa.array([1, 2])], b"\n") is None
    assert csv_rows.render([pa.array(["a"], pa.large_string())], b"\n") is None


def test_bad_buffers_raise(kernel: None) -> None:
    k = csv_rows._kernel
    assert k is not None
    arr = pa.array(["ab", "c"])
    _v, off, data = arr.buffers()
    with pytest.raises(ValueError, match="offsets buffer too small"):
        k.render([(None, off, data, 0)], 0, 3, b"\n")
    with pytest.raises(ValueError, match="validity bitmap too small"):
        k.render([(b"", off, data, 0)], 0, 2, b"\n")
    with pytest.raises(ValueError, match="offsets outside the data"):
        k.render([(None, off, b"a", 0)], 0, 2, b"\n")
    backwards = pa.py_buffer(bytes([0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0]))
    with pytest.raises(ValueError, match="offsets outside the data"):
        k.render([(None, backwards, b"abc", 0)], 0, 3, b"\n")
    with pytest.raises(ValueError, match="rows out of order"):
        k.render([(None, off, data, 0)], 2, 1, b"\n")
    assert k.render([], 0, 0, b"\n") is None


def _written(
    tmp: Path, name: str, batches: list[pa.RecordBatch | pa.Table], encoding: str, on: bool
) -> tuple:
    kept = csv_rows._kernel
    if not on:
        csv_rows._kernel = None
    try:
        w = write_standard_csv(tmp / name, LAYOUT, batches, encoding=encoding)
    finally:
        csv_rows._kernel = kept
    return (tmp / name).read_bytes(), w.records, w.sha256


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(st.tuples(_VALUES, _VALUES, _VALUES), max_size=12),
    split=st.integers(0, 12),
    encoding=st.sampled_from(["utf-8", "cp932"]),
)
def test_the_writer_with_and_without_the_kernel(
    kernel: None,
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, str, str]],
    split: int,
    encoding: str,
) -> None:
    """StandardCsvWriter's file, records and SHA-256 are the same by either route: record batches
    and a Table of two chunks, UTF-8 and cp932 (its values the ones cp932 holds)."""
    if encoding == "cp932":
        rows = [tuple(v.encode("cp932", "ignore").decode("cp932") for v in r) for r in rows]  # type: ignore[misc]
    table = pa.Table.from_batches([_std_batch(rows[:split]), _std_batch(rows[split:], first=split + 1)])
    batches = [_std_batch(rows[:split]), table, _std_batch(rows)]
    tmp = tmp_path_factory.mktemp("w")
    assert _written(tmp, "k.csv", batches, encoding, True) == _written(tmp, "a.csv", batches, encoding, False)


def test_the_cp932_error_names_the_same_record(kernel: None, tmp_path: Path) -> None:
    rows = [("1", "髙橋", ""), ("2", "ﾊﾟﾝ", ""), ("3", "山\ue000", "方書"), ("4", "葛\U000e0100", "")]
    errors = []
    for on in (True, False):
        with pytest.raises(OutputEncodingError) as e:
            _written(tmp_path, f"{on}.csv", [_std_batch(rows)], "cp932", on)
        errors.append(str(e.value).replace(f"{on}.csv", "x.csv"))
    assert errors[0] == errors[1]
    assert "record 4: 氏名 (shimei): character U+845B U+E0100" in errors[0]
