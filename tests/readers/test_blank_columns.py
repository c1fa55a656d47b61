"""Columns read as null when a hint says they are blank (readers.blank_columns): the same batches."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.readers.api import read
from chukan_layout.readers.blank_columns import BlankColumns, as_text, blank_names
from chukan_layout.readers.definition import CsvDefinition

CELL = st.sampled_from([b'""', b"", b'"a"', b"1", '"髙"'.encode(), b'" "', b'"x,""y"""', b'"\r\n"'])
NAMES = ["c1", "c2", "c3", "c4"]


def _rows(cells: list[list[bytes]]) -> bytes:
    return b'"c1","c2","c3","c4"\r\n' + b"".join(b",".join(r) + b"\r\n" for r in cells)


def _read(data: bytes, hint: list[str]) -> tuple[Any, ...]:
    r = read(io.BytesIO(data), CsvDefinition(encoding="utf-8", header=True), batch_size=5, csv_guard=False,
             blank_hint=hint)  # fmt: skip
    batches = list(r)
    assert all(pa.types.is_string(t) for b in batches for t in b.schema.types[:4])  # never a null column
    rows = [(row["_record"], tuple(row[n] for n in NAMES)) for b in batches for row in b.to_pylist()]
    rejects = [(j.record, j.offset, j.raw, j.code) for j in r.rejects]
    return rows, rejects, r.stats.records_seen


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.lists(CELL, min_size=4, max_size=4), max_size=12),
    st.lists(st.sampled_from([*NAMES, "nope"]), max_size=5),
    st.booleans(),
)
def test_a_hint_never_changes_the_batches(cells: list[list[bytes]], hint: list[str], short_row: bool) -> None:
    """Hinted columns with a value (the read is done again as text), without one, a broken row (the
    careful path after both): the batches, rejects and counts of a read without a hint."""
    if short_row and cells:
        cells[len(cells) // 2] = cells[len(cells) // 2][:3]  # a record of three fields: Arrow refuses it
    data = _rows(cells)
    assert _read(data, hint) == _read(data, [])


def test_blank_names_and_the_hint_per_file() -> None:
    batch = pa.RecordBatch.from_pydict({"a": pa.array(["", ""]), "b": pa.array(["", "x"]), "c": pa.nulls(2)})
    assert blank_names(batch, ["a", "b", "c"]) == ["a", "c"]
    assert as_text(batch).column("c").to_pylist() == ["", ""]
    hints = BlankColumns()
    hints.learn("住民.csv", ["a"])
    assert hints.hint("住民.csv") == ["a"] and hints.hint("世帯.csv") == []
