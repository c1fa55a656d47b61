"""Parquet copies of standard files: zstd, typed where the layout says so, strings otherwise.

``integer`` items become ``int64``, ``decimal`` items ``decimal128(38, scale)``, ``date`` items
``date32`` — but only when every value of the file survives the round trip to that type and
back to the same text (``1935-00-00``, a 不詳 date, does not: such a column stays a string).
Blank is null in a typed column. Plain Parquet (no extension types): readable by pandas, DuckDB
and Spark. zstd at level 1 (the fast end: ~2× smaller files cost ~the same CPU as level 3 here,
see benchmarks/RESULTS.md), row groups of up to ~128k rows.

:class:`ParquetSink` is fed the batches of the one pass that also copies and hashes the file
(:mod:`.filecopy`). A column that turns out lossy in a later batch stops the sink; the file is
then written again from the copy with that column as a string (:func:`write_parquet`) — rare,
and bounded memory either way.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..readers.standard_csv import read_standard_csv
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


def _typed(col: pa.Array, t: pa.DataType, name: str) -> pa.Array:
    blank = pc.equal(col, "")
    src = pc.if_else(blank, pa.scalar(None, pa.string()), col)
    try:
        typed = src.cast(t)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise Lossy(name) from None
    back = pc.fill_null(typed.cast(pa.string()), "")
    if len(col) and not pc.all(pc.equal(back, col)).as_py():
        raise Lossy(name)
    return typed


class ParquetSink:
    """Writes item batches of one standard file to ``out_path`` (see the module docstring).

    ``strings``: items kept as strings from the start. After :meth:`close`, ``lossy`` names
    the column that stopped the sink (the file at ``out_path`` is then removed), else None."""

    def __init__(self, layout: Layout, out_path: Path, strings: frozenset[str] = frozenset(),
                 level: int = ZSTD_LEVEL) -> None:  # fmt: skip
        self.layout, self.path = layout, out_path
        self.wanted = {k: v for k, v in _wanted(layout).items() if k not in strings}
        self.schema = pa.schema(
            [(i, self.wanted.get(i, pa.string())) for i in layout.item_ids] + [("_record", pa.int64())]
        )
        self._w: pq.ParquetWriter | None = pq.ParquetWriter(
            out_path, self.schema, compression="zstd", compression_level=level
        )
        self._pending: list[pa.RecordBatch] = []
        self._rows = self._bytes = 0
        self.records = 0
        self.lossy: str | None = None

    @property
    def columns(self) -> dict[str, str]:
        """Item id → Arrow type name, as written."""
        return {f.name: str(f.type) for f in self.schema if f.name != "_record"}

    def write(self, b: pa.RecordBatch) -> None:
        """Add one batch of :func:`~chukan_layout.readers.standard_csv.read_standard_csv`."""
        if self._w is None:
            return
        try:
            cols = [_typed(b.column(i), self.wanted[i], i) if i in self.wanted else b.column(i)
                    for i in self.layout.item_ids]  # fmt: skip
        except Lossy as e:
            self.lossy = e.column
            self._abort()
            return
        self._pending.append(pa.RecordBatch.from_arrays([*cols, b.column("_record")], schema=self.schema))
        self._rows += b.num_rows
        self._bytes += b.nbytes
        self.records += b.num_rows
        if self._rows >= ROW_GROUP_ROWS or self._bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._pending and self._w is not None:
            self._w.write_table(pa.Table.from_batches(self._pending, self.schema))
        self._pending, self._rows, self._bytes = [], 0, 0

    def _abort(self) -> None:
        self._pending = []
        if self._w is not None:
            self._w.close()
            self._w = None
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._w is None:
            return
        try:
            self._flush()
        finally:
            self._w.close()
            self._w = None

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            self._abort()
        else:
            self.close()


def write_parquet(csv_path: Path, layout: Layout, out_path: Path, strings: frozenset[str] = frozenset(),
                  batch_size: int = 65536) -> tuple[int, dict[str, str]]:  # fmt: skip
    """Write the Parquet copy of one standard file by reading it; (records, item id → Arrow type name).

    Used when a pass's sink stopped on a lossy column: starts again with the lossy columns as strings."""
    while True:
        with ParquetSink(layout, out_path, strings) as sink:
            for b in read_standard_csv(csv_path, layout, batch_size=batch_size):
                sink.write(b)
                if sink.lossy:
                    break
        if sink.lossy is None:
            return sink.records, sink.columns
        strings = strings | {sink.lossy}
