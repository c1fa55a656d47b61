"""Parquet copies of standard files: zstd, typed where the layout says so, strings otherwise.

``integer`` items become ``int64``, ``decimal`` items ``decimal128(38, scale)``, ``date`` items
``date32`` — but only when every value of the file survives the round trip to that type and
back to the same text (``1935-00-00``, a 不詳 date, does not: such a column stays a string).
Blank is null in a typed column. Plain Parquet (no extension types): readable by pandas, DuckDB
and Spark. zstd at level 1 (the fast end of zstd), row groups of up to ~128k rows.

:class:`ParquetSink` is fed the batches of the one pass that also copies and hashes the file
(:mod:`.filecopy`), so the CSV is never parsed twice. A typed column that turns out lossy in a
later batch is *demoted*: the rows written so far are read back from the Parquet file itself
and written again with that column as a string — exact, because every value written typed has
already passed the round trip back to its text — and the pass goes on. At most once per typed
column of the layout; bounded memory (one row group at a time).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..spec.model import ItemType, Layout

ZSTD_LEVEL = 1
ROW_GROUP_ROWS = 1 << 17
ROW_GROUP_BYTES = 64 << 20


def _wanted(layout: Layout) -> dict[str, pa.DataType]:
    out: dict[str, pa.DataType] = {}
    for it in layout.items:
        if it.type is ItemType.INTEGER:
            out[it.id] = pa.int64()
        elif it.type is ItemType.DECIMAL:
            out[it.id] = pa.decimal128(38, int(getattr(it, "scale", None) or 0))
        elif it.type is ItemType.DATE:
            out[it.id] = pa.date32()
    return out


class Lossy(Exception):
    """A column whose values do not survive the typed round trip (it is written as a string)."""

    def __init__(self, column: str) -> None:
        super().__init__(column)
        self.column = column


def _blank_as_null(col: pa.Array) -> pa.Array | None:
    """The string column with its blank values as nulls, sharing its buffers (validity from the
    offsets); None when every value is blank."""
    n = len(col)
    off = np.frombuffer(col.buffers()[1], np.int32, n + 1, col.offset * 4)
    if off[0] == off[-1]:
        return None
    valid = np.packbits(off[1:] != off[:-1], bitorder="little")
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(off - off[0]), col.buffers()[2].slice(int(off[0])), pa.py_buffer(valid)
    )


def _typed(col: pa.Array, t: pa.DataType, name: str) -> pa.Array:
    if col.type != pa.string() or col.null_count:
        src = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
    else:
        blanked = _blank_as_null(col)
        if blanked is None:  # all blank (most typed items of most files): nulls, nothing to check
            return pa.nulls(len(col), t)
        src = blanked
    try:
        typed = src.cast(t)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise Lossy(name) from None
    if not pc.all(pc.equal(typed.cast(pa.string()), src)).as_py():  # nulls (blanks) skipped
        raise Lossy(name)
    return typed


class ParquetSink:
    """Writes item batches of one standard file to ``out_path`` (see the module docstring)."""

    def __init__(self, layout: Layout, out_path: Path, level: int = ZSTD_LEVEL) -> None:
        self.layout, self.path, self.level = layout, out_path, level
        self.wanted = _wanted(layout)
        self.demoted: list[str] = []  # typed columns written as strings after all (in the order found)
        self._pending: list[pa.RecordBatch] = []
        self._rows = self._bytes = 0
        self.records = 0
        self._open()

    def _open(self) -> None:
        self.schema = pa.schema(
            [(i, self.wanted.get(i, pa.string())) for i in self.layout.item_ids] + [("_record", pa.int64())]
        )
        self._w = pq.ParquetWriter(self.path, self.schema, compression="zstd", compression_level=self.level)

    @property
    def columns(self) -> dict[str, str]:
        """Item id → Arrow type name, as written."""
        return {f.name: str(f.type) for f in self.schema if f.name != "_record"}

    def write(self, b: pa.RecordBatch) -> None:
        """Add one batch of :func:`~chukan_layout.readers.standard_csv.read_standard_csv`."""
        while True:
            try:
                cols = [_typed(b.column(i), self.wanted[i], i) if i in self.wanted else b.column(i)
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
            self._w.write_table(pa.Table.from_batches(self._pending, self.schema))
        self._pending, self._rows, self._bytes = [], 0, 0

    def _demote(self, column: str) -> None:
        """Write ``column`` as a string from now on, and rewrite what was written (see the module docstring)."""
        self._flush()
        self._w.close()
        del self.wanted[column]
        self.demoted.append(column)
        old = self.path.with_name(self.path.name + ".demoted")
        self.path.replace(old)
        self._open()
        try:
            src = pq.ParquetFile(old)
            for g in range(src.num_row_groups):
                t = src.read_row_group(g)
                i = t.schema.get_field_index(column)
                text = pc.fill_null(t.column(i).cast(pa.string()), "")
                self._w.write_table(t.set_column(i, pa.field(column, pa.string()), text))
        finally:
            old.unlink(missing_ok=True)

    def close(self) -> None:
        """Flush and finish the file (its footer)."""
        try:
            self._flush()
        finally:
            self._w.close()

    def abort(self) -> None:
        """Close and remove the file (the pass failed)."""
        self._pending = []
        self._w.close()
        self.path.unlink(missing_ok=True)
