"""Parquet copies of standard files: zstd, typed where the layout says so, strings otherwise.

``integer`` items become ``int64``, ``decimal`` items ``decimal128(38, scale)``, ``date`` items
``date32`` — but only when every value of the file survives the round trip to that type and
back to the same text (``1935-00-00``, a 不詳 date, does not: such a column stays a string).
Blank is null in a typed column. The file streams batch by batch; a column that fails in a later
batch restarts that file with the column as a string (rare: bounded memory either way).
Readable by pandas, DuckDB and Spark (plain Parquet, no extension types).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..readers.standard_csv import read_standard_csv
from ..spec.model import ItemType, Layout


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


class _Lossy(Exception):
    def __init__(self, column: str) -> None:
        self.column = column


def _typed(col: pa.Array, t: pa.DataType, name: str) -> pa.Array:
    blank = pc.equal(col, "")
    src = pc.if_else(blank, pa.scalar(None, pa.string()), col)
    try:
        typed = src.cast(t)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise _Lossy(name) from None
    back = pc.fill_null(typed.cast(pa.string()), "")
    if not pc.all(pc.equal(back, col)).as_py() and len(col):
        raise _Lossy(name)
    return typed


def write_parquet(
    csv_path: Path, layout: Layout, out_path: Path, batch_size: int = 65536
) -> tuple[int, dict[str, str]]:
    """Write the Parquet copy of one standard file; (records, item id → Arrow type name)."""
    strings: set[str] = set()
    while True:
        wanted = {k: v for k, v in _wanted(layout).items() if k not in strings}
        schema = pa.schema(
            [(i, wanted.get(i, pa.string())) for i in layout.item_ids] + [("_record", pa.int64())]
        )
        records = 0
        try:
            with pq.ParquetWriter(out_path, schema, compression="zstd") as w:
                for b in read_standard_csv(csv_path, layout, batch_size=batch_size):
                    cols = [
                        _typed(b.column(i), wanted[i], i) if i in wanted else b.column(i)
                        for i in layout.item_ids
                    ]
                    w.write_batch(pa.RecordBatch.from_arrays([*cols, b.column("_record")], schema=schema))
                    records += b.num_rows
        except _Lossy as e:
            strings.add(e.column)
            out_path.unlink(missing_ok=True)
            continue
        return records, {f.name: str(f.type) for f in schema if f.name != "_record"}
