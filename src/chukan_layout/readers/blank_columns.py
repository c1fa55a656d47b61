"""Columns a CSV read expects to be blank, parsed as Arrow ``null`` columns (no value buffers).

Most items of a standard-layout file are blank in every record (the 1M 住民 CSV: 48 of its 132
columns), and Arrow converts every one of their values into a string column all the same: ~20%
of the parse's CPU for a 16 MiB range. A reader told which columns were blank before (the
previous range of the same file, read by the same worker: :class:`BlankColumns`) converts them as
``null`` columns instead; a value in one of them fails the conversion, and the range is read
again with every column as text. The batches are the same either way: a ``null`` column comes
back as a column of ``""``. A hint only changes how fast a read is, never what it yields.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.csv as pacsv

from .buffers import string_buffers
from .fixed_width import constant_strings


def convert_options(names: Sequence[str], blank: Iterable[str], check_utf8: bool) -> pacsv.ConvertOptions:
    """Every column a ``string`` (never null) except the ``blank`` ones, read as ``null`` (a value: an error)."""
    hinted = set(blank)
    return pacsv.ConvertOptions(
        column_types={n: pa.null() if n in hinted else pa.string() for n in names},
        strings_can_be_null=False,
        # "" and an unquoted empty field are the null columns' only values (string columns: never null)
        null_values=[""],
        quoted_strings_can_be_null=bool(hinted),
        check_utf8=check_utf8,
    )


def as_text(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch with its ``null`` columns as columns of ``""`` (as a read without a hint gives them)."""
    nulls = [i for i, t in enumerate(batch.schema.types) if pa.types.is_null(t)]
    if not nulls:
        return batch
    blank = constant_strings("", batch.num_rows)
    cols = list(batch.columns)
    for i in nulls:
        cols[i] = blank
    return pa.RecordBatch.from_arrays(cols, names=batch.schema.names)


def blank_names(batch: pa.RecordBatch | None, names: Sequence[str]) -> list[str]:
    """The columns of ``names`` without a value byte in ``batch`` (a hint for the next read)."""
    if batch is None:
        return []
    out = []
    for n in names:
        col = batch.column(n)
        if pa.types.is_null(col.type) or (len(col) and _value_bytes(col) == 0):
            out.append(n)
    return out


def _value_bytes(col: pa.Array) -> int:
    offsets, _ = string_buffers(col)
    return int(offsets[-1] - offsets[0])


class BlankColumns:
    """Per file: the columns the last read of one of its ranges found blank (a process's hint)."""

    def __init__(self) -> None:
        self._by_file: dict[str, list[str]] = {}

    def hint(self, file: str) -> list[str]:
        return self._by_file.get(file, [])

    def learn(self, file: str, names: list[str]) -> None:
        self._by_file[file] = names
