"""The one reader of standard-layout CSV files (what ``convert`` writes and ``validate`` checks).

    for batch in read_standard_csv("juki_jumin.csv", layout):   # item-id columns, layout order
        ...

A standard CSV has a header row of 項目名称 (or item ids), RFC 4180 quoting, UTF-8 or cp932.
It is streamed through the guarded CSV path of :func:`~.api.read` (quoted newlines, bad
bytes → rejects, never a silent misread); each batch is re-shaped to the layout: one string
column per item in layout order (a column the file lacks is blank), ``_record`` (1-based
*data row*: the header row is not counted) and ``_source``. Unknown columns are an error
naming the file and the columns.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa

from ..errors import ReadError
from ..spec.model import Layout
from .api import Reader, Reject, read
from .codecs import whole_file_name
from .definition import CsvDefinition
from .fixed_width import constant_strings, int64_array

# Bytes per batch of a standard CSV (vs 4 MiB for vendor CSV): a 住民 row is ~800 bytes and ~130 items are
# checked per batch, each with a fixed cost; 8 MiB batches cut validate's CPU by a fifth at 1M rows
# (peak RSS +16 MiB per process).
STANDARD_BATCH_BYTES = 8 << 20


# A partition of up to this many input bytes is checked as one batch (issue 15): every batch pays a fixed
# ≈ 7 ms in the checks (≈ 370 checks' Python and numpy calls, the rules' Acero plan) whatever its rows, and
# a 16 MiB partition read in 8 MiB batches made three of them (8,700 + 8,700 + 3,200 rows of the 住民
# layout). One batch per partition: −12% worker CPU per 16 MiB range, alternated (RESULTS.md, valfast).
ONE_BATCH_PART_BYTES = 20 << 20


def partition_batch_bytes(size: int) -> int:
    """Batch bytes for a partition of ``size`` input bytes: the whole partition in one batch (Arrow
    bytes are ~1.2× the CSV bytes of a quoted 住民 file; 3× leaves room), else
    :data:`STANDARD_BATCH_BYTES` (a big unsplit file keeps its bounded batches)."""
    return max(STANDARD_BATCH_BYTES, 3 * size) if 0 < size <= ONE_BATCH_PART_BYTES else STANDARD_BATCH_BYTES


def header_names(path: str | Path, encoding: str = "utf-8") -> list[str]:
    """The header row of a CSV file (BOM removed); ``[]`` for an empty file."""
    with open(path, encoding=whole_file_name(encoding), errors="replace", newline="") as f:
        row = next(csv.reader(io.StringIO(f.readline())), [])
    return [row[0].lstrip("\ufeff"), *row[1:]] if row else []


def column_ids(layout: Layout, names: list[str], file: str) -> dict[str, str]:
    """Header names (項目名称 or item ids) → item ids; :class:`ReadError` for columns not in the layout."""
    by = {it.name: it.id for it in layout.items} | {it.id: it.id for it in layout.items}
    unknown = [n for n in names if n not in by]
    if unknown:
        raise ReadError(f"columns not in layout {layout.id}: {', '.join(unknown[:5])}", file)
    return {n: by[n] for n in names}


class StandardCsvReader:
    """Batches of a standard-layout CSV file (see the module docstring); ``reader`` has the counts."""

    def __init__(self, source: str | Path | BinaryIO, layout: Layout, *, encoding: str = "utf-8",
                 batch_size: int = 65536, on_reject: Callable[[Reject], Any] | None = None,
                 source_id: str | None = None, columns: Sequence[str] | None = None,
                 first_record: int = 1, proven_clean: bool = False,
                 batch_bytes: int = STANDARD_BATCH_BYTES, blank_hint: Sequence[str] = ()) -> None:  # fmt: skip
        """``columns`` (the file's header names) and ``first_record`` (its physical record number,
        the header row being 1) read a byte range after the header: a partition of the file.
        ``proven_clean``: the file's scan proved the CSV byte guard cannot trip (it is left out).
        ``batch_bytes``: Arrow bytes per batch (:func:`partition_batch_bytes` for a partition).
        ``blank_hint``: header names expected blank (``readers.blank_columns``); ``mapping`` (header
        name → item id) is known once the first batch is read."""
        self.layout = layout
        self.file = source_id or Path(source).name  # type: ignore[arg-type]
        self._shift = first_record - 1
        # record numbers of data rows, as the batches have them: physical - 1 (the header row)
        back = self._shift - 1

        def reject(r: Reject) -> None:
            if on_reject is not None:
                on_reject(dataclasses.replace(r, record=r.record + back))

        d = CsvDefinition(
            encoding=encoding, header=columns is None, columns=None if columns is None else list(columns)
        )
        self.reader: Reader = read(source, d, batch_size=batch_size, source_id=self.file, on_reject=reject,
                                   batch_bytes=batch_bytes, csv_guard=not proven_clean,
                                   blank_hint=blank_hint)  # fmt: skip
        self.mapping: dict[str, str] = {}

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        mapping: dict[str, str] | None = None
        for batch in self.reader:
            if mapping is None:
                mapping = self.mapping = column_ids(
                    self.layout, [n for n in batch.schema.names if not n.startswith("_")], self.file
                )
            yield to_layout(batch, self.layout, mapping, self._shift)


def read_standard_csv(path: str | Path, layout: Layout, *, encoding: str = "utf-8", batch_size: int = 65536,
                      on_reject: Callable[[Reject], Any] | None = None) -> StandardCsvReader:  # fmt: skip
    """A standard-layout CSV file as item-id batches (see the module docstring)."""
    return StandardCsvReader(path, layout, encoding=encoding, batch_size=batch_size, on_reject=on_reject)


def to_layout(
    batch: pa.RecordBatch, layout: Layout, mapping: dict[str, str], shift: int = 0
) -> pa.RecordBatch:
    """A reader batch (columns named by the header) → item-id columns in layout order, data-row numbers
    (``shift``: records of the file before the batch's source, for a partition after the header)."""
    cols = {mapping[n]: batch.column(n) for n in batch.schema.names if n in mapping}
    # from buffers: pa.array(list or ndarray) imports pandas on its first call (≈ 0.3 s of start-up)
    blank = constant_strings("", batch.num_rows)
    rec = batch.column("_record")  # int64 without nulls; to_numpy() would import pandas too
    recs = int64_array(np.frombuffer(rec.buffers()[1], np.int64, len(rec), rec.offset * 8) + (shift - 1))
    arrays = [cols.get(i, blank) for i in layout.item_ids] + [recs, batch.column("_source")]
    return pa.RecordBatch.from_arrays(arrays, names=[*layout.item_ids, "_record", "_source"])
