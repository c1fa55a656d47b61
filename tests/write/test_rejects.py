"""The rejects file's cells built column-wise (``json_cells``, ``csv_cells``, ``csv_lines``) and row
by row (``csv_row``) are the bytes of the reference: ``json.dumps(..., ensure_ascii=False)`` and
the :mod:`csv` module (``lineterminator="\\r\\n"``) after ``guard_cell``, whatever the values hold."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.files import guard_cell
from chukan_layout.write.rejects import csv_cell, csv_cells, csv_lines, csv_row, json_cells

# what a value of a municipal export can hold, and what breaks JSON, CSV or a spreadsheet:
# quotes, commas, CR/LF, TAB, control characters, backslashes, formula starts, 異体字, 〜/～,
# half-width kana, PUA 外字, IVS selectors, U+2028 and NEL (neither escaped nor quoted)
PIECES = ['"', ",", "\r", "\n", "\r\n", "\t", "\x00", "\x01", "\x08", "\x0c", "\x1f", "\x7f", "\\", "\\u",
          "=", "+", "-", "@", "'", "髙", "﨑", "〜", "～", "ﾊﾟ", "ｶﾞ", "\ue000", "\uf8ff", "葛\U000e0100",
          "\u2028", "\x85", "𠮷", " ", "a", "1", "null", "{}", ""]  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES), max_size=5).map("".join) | st.text(max_size=8)
VALUE = st.none() | TEXT


def reference_line(cells: list[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([guard_cell(c) for c in cells])
    return buf.getvalue().encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(TEXT, min_size=1, max_size=8))
def test_a_row_is_the_csv_modules_bytes(cells: list[str]) -> None:
    assert csv_row(cells) == reference_line(cells)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(VALUE, max_size=12))
def test_cells_column_wise_are_the_cells_row_by_row(values: list[str | None]) -> None:
    got = csv_cells(pa.array(values, pa.string())).to_pylist()
    assert got == [csv_cell(v or "") for v in values]


@st.composite
def batches(draw: Any) -> tuple[pa.RecordBatch, list[str]]:
    """A batch of string columns (some dictionary-encoded, one maybe of numbers), sliced at times."""
    k = draw(st.integers(1, 5))
    n = draw(st.integers(0, 8))
    names = draw(st.lists(st.sampled_from(["氏名", "shi", "mei_kana", 'a"b', "c\\d", "x\ny", "ﾊﾟ"]),
                          min_size=k, max_size=k, unique=True))  # fmt: skip
    arrays = []
    for _ in names:
        vals = draw(st.lists(VALUE, min_size=n + 2, max_size=n + 2))
        kind = draw(st.sampled_from(["string", "large", "dict", "int"]))
        if kind == "int":
            arrays.append(pa.array(draw(st.lists(st.none() | st.integers(-(10**6), 10**6), min_size=n + 2,
                                                 max_size=n + 2)), pa.int64()))  # fmt: skip
        elif kind == "dict":
            arrays.append(pa.array(vals, pa.string()).dictionary_encode())
        else:
            arrays.append(pa.array(vals, pa.large_string() if kind == "large" else pa.string()))
    batch = pa.RecordBatch.from_arrays(arrays, names=names)
    return batch.slice(draw(st.integers(0, 2)), n), names


def reference_objects(batch: pa.RecordBatch, names: list[str]) -> list[str]:
    cols = [batch.column(n).to_pylist() for n in names]
    return [
        json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) for row in zip(*cols, strict=True)
    ]


@settings(max_examples=200, deadline=None)
@given(bn=batches())
def test_json_objects_column_wise_are_json_dumps_row_by_row(bn: tuple[pa.RecordBatch, list[str]]) -> None:
    batch, names = bn
    want = reference_objects(batch, names)
    assert json_cells(batch, names, csv=False).to_pylist() == want
    assert json_cells(batch, names).to_pylist() == [csv_cell(t) for t in want]
    some = names[::2]  # a part of the columns, in another order
    assert json_cells(batch, some[::-1], csv=False).to_pylist() == reference_objects(batch, some[::-1])


def test_no_names_is_an_empty_object() -> None:
    batch = pa.RecordBatch.from_arrays([pa.array(["髙", "﨑"])], names=["a"])
    assert json_cells(batch, []).to_pylist() == json_cells(batch, [], csv=False).to_pylist() == ["{}", "{}"]


@settings(max_examples=150, deadline=None)
@given(bn=batches(), reason=TEXT, source=TEXT)
def test_lines_are_the_reference_rows(bn: tuple[pa.RecordBatch, list[str]], reason: str, source: str) -> None:
    batch, names = bn
    if not batch.num_rows:
        return
    recs = list(range(-1, batch.num_rows - 1))  # a negative number gets the formula guard too
    reasons = pa.array([reason + str(i) for i in range(batch.num_rows)], pa.large_string())
    got = csv_lines([csv_cell(source), csv_cells(pa.array([str(r) for r in recs])), "",
                     csv_cells(reasons), json_cells(batch, names)])  # fmt: skip
    want = [reference_line([source, str(r), "", reason + str(i), obj])
            for i, (r, obj) in enumerate(zip(recs, reference_objects(batch, names), strict=True))]  # fmt: skip
    assert got == want
    # the values cell made with the lines (one take, the other cells its lead)
    lead = [csv_cell(source), csv_cells(pa.array([str(r) for r in recs])), "", csv_cells(reasons)]
    assert csv_lines(lead, objects=(batch, names)) == want
    assert csv_lines(lead, objects=(batch, [])) == [
        reference_line([source, str(r), "", reason + str(i), "{}"]) for i, r in enumerate(recs)
    ]
