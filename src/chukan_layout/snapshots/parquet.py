"""Parquet copies of standard files: zstd, typed where the layout says so, strings otherwise.

Types and the round-trip proof are :mod:`.typed` (blank is null in a typed column). Plain
Parquet (no extension types): readable by pandas, DuckDB and Spark. The writer settings are the
cheap ones that keep the file useful (measured in benchmarks/RESULTS.md, issue 13):

- zstd level 1 (the fast end of zstd), row groups of up to ~128k rows;
- string columns are ``required`` (never null: a standard CSV has no null, blank is ``""``), so
  no definition levels are encoded for them;
- a dictionary only where it pays: for the columns whose first batch has at most one distinct
  value in ten (codes, flags, blank columns), decided once per file; a high-cardinality column
  (names, addresses, keys) would fill a dictionary page, fall back to plain and have paid for both;
- statistics (min / max) only on the typed columns and ``_record``, the ones a reader prunes row
  groups with; min / max of free text costs a comparison per value and prunes nothing.

:class:`ParquetSink` is fed the batches of the one pass that also copies and hashes the file
(:mod:`.filecopy`), so the CSV is never parsed twice. A typed column that turns out lossy in a
later batch is *demoted*: the rows written so far are read back from the Parquet file itself
and written again with that column as a string — exact, because every value written typed has
already passed the round trip back to its text — and the pass goes on. At most once per typed
column of the layout; bounded memory (one row group at a time). The output is a function of the
CSV's bytes (and the tool version): the same file gives the same Parquet bytes.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..spec.model import Layout
from .typed import Lossy, parquet_types, typed

ZSTD_LEVEL = 1
ROW_GROUP_ROWS = 1 << 17
ROW_GROUP_BYTES = 64 << 20
DICTIONARY_SAMPLE = 4096  # rows of the first batch whose distinct values decide the dictionaries
DICTIONARY_SHARE = 0.1  # a dictionary for a column with at most this share of distinct values


def dictionary_columns(b: pa.RecordBatch, names: list[str]) -> list[str]:
    """The columns of ``names`` worth a dictionary, judged on the first rows of ``b``."""
    head = b.slice(0, DICTIONARY_SAMPLE)
    most = max(1, int(DICTIONARY_SHARE * head.num_rows))
    return [n for n in names if pc.count_distinct(head.column(n)).as_py() <= most]


class ParquetSink:
    """Writes item batches of one standard file to ``out_path`` (see the module docstring)."""

    def __init__(self, layout: Layout, out_path: Path, level: int = ZSTD_LEVEL) -> None:
        self.layout, self.path, self.level = layout, out_path, level
        self.wanted = parquet_types(layout)
        self.demoted: list[str] = []  # typed columns written as strings after all (in the order found)
        self._pending: list[pa.RecordBatch] = []
        self._rows = self._bytes = 0
        self.records = 0
        self._dictionary: list[str] | None = None  # decided on the first batch
        self._w: pq.ParquetWriter | None = None
        self.schema = self._schema()

    def _schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(i, self.wanted[i]) if i in self.wanted else pa.field(i, pa.string(), nullable=False)
             for i in self.layout.item_ids] + [pa.field("_record", pa.int64(), nullable=False)]
        )  # fmt: skip

    def _open(self) -> pq.ParquetWriter:
        self.schema = self._schema()
        self._w = pq.ParquetWriter(self.path, self.schema, compression="zstd", compression_level=self.level,
                                   use_dictionary=self._dictionary or False,
                                   write_statistics=[*self.wanted, "_record"])  # fmt: skip
        return self._w

    @property
    def columns(self) -> dict[str, str]:
        """Item id → Arrow type name, as written."""
        return {f.name: str(f.type) for f in self.schema if f.name != "_record"}

    def write(self, b: pa.RecordBatch) -> None:
        """Add one batch of :func:`~chukan_layout.readers.standard_csv.read_standard_csv`."""
        if self._dictionary is None:
            self._dictionary = dictionary_columns(b, list(self.layout.item_ids))
            self._open()
        while True:
            try:
                cols = [typed(b.column(i), self.wanted[i], i) if i in self.wanted else _text(b.column(i))
                        for i in self.layout.item_ids]  # fmt: skip
                break
            except Lossy as e:
                self._demote(e.column)
        self._pending.append(pa.RecordBatch.from_arrays([*cols, b.column("_record")], schema=self.schema))
        self._rows += b.num_rows
        self._bytes += b.nbytes
        self.records += b.num_rows
        if self._rows >= ROW_GROUP_ROWS or self._bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._writer().write_table(pa.Table.from_batches(self._pending, self.schema))
        self._pending, self._rows, self._bytes = [], 0, 0

    def _writer(self) -> pq.ParquetWriter:
        return self._w if self._w is not None else self._open()

    def _demote(self, column: str) -> None:
        """Write ``column`` as a string from now on, and rewrite what was written (see the module docstring)."""
        self._flush()
        self._writer().close()
        del self.wanted[column]
        self.demoted.append(column)
        old = self.path.with_name(self.path.name + ".demoted")
        self.path.replace(old)
        w = self._open()
        try:
            src = pq.ParquetFile(old)
            for g in range(src.num_row_groups):
                t = src.read_row_group(g)
                i = t.schema.get_field_index(column)
                text = pc.fill_null(t.column(i).cast(pa.string()), "")
                w.write_table(
                    t.set_column(i, pa.field(column, pa.string(), nullable=False), text).cast(self.schema)
                )
        finally:
            old.unlink(missing_ok=True)

    def close(self) -> None:
        """Flush and finish the file (its footer; an empty file when no batch came)."""
        try:
            self._flush()
        finally:
            self._writer().close()

    def abort(self) -> None:
        """Close and remove the file (the pass failed)."""
        self._pending = []
        if self._w is not None:
            self._w.close()
        self.path.unlink(missing_ok=True)


def _text(col: pa.Array) -> pa.Array:
    """A string column for a ``required`` field: a null (no standard CSV has one) is the blank it reads as."""
    return pc.fill_null(col, "") if col.null_count else col
