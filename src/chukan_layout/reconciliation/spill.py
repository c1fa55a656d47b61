"""Read one side and hash-partition its records on the key into spill buckets (a Grace hash join's
first half).

Every record of a layout is filed, with its 128-bit key code (:mod:`chukan_layout.validation.hashing`:
exact for digit keys, a hash otherwise), its file and its record number, into bucket
``partition_of(code)`` (:func:`chukan_layout.validation.store.partition_of`, the bucket
function of the validator's spill stores). Both sides use the same bucket count per layout,
so a key's OLD and NEW records meet in the same bucket and buckets compare one at a time.

A record is spilled as **one** binary cell, ``_row``: its items in layout order joined by the
byte 0xFF, which never occurs in UTF-8 text, so the row splits back into exactly its items
(:func:`split_items`). Five columns instead of one per item keep the per-batch cost of the
bucket files small however many buckets a large input needs, and let the compare test whole
records for equality at once. Buckets are Arrow IPC stream files (buffered writes) in the
run's private folder: memory stays one reader batch per side, whatever the file size. The
照合表 totals are accumulated on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ReconcileError
from ..readers.api import Reject, read
from ..readers.definition import CsvDefinition
from ..spec.model import ItemType, Layout
from ..validation.context import BatchContext
from ..validation.hashing import key_codes
from ..validation.store import partition_of
from .equivalence import Equivalences
from .sources import Side
from .totals import TotalsAccumulator

SORT_ROWS = 16384
SEP = b"\xff"  # not a byte of any UTF-8 text: a row splits back into exactly its items
ROW_TYPE = pa.large_binary()
META = [("_hi", pa.uint64()), ("_lo", pa.uint64()), ("_file", pa.int32()), ("_record", pa.int64())]
BUFFER_BUDGET = 4 << 20  # write buffers of one spill job, shared by its buckets


@dataclass
class LayoutSpill:
    """One layout of one side, spilled: bucket files, counts, totals."""

    layout: str
    side: str
    files: list[str] = field(default_factory=list)  # file names; ``_file`` indexes this list
    buckets: list[str | None] = field(default_factory=list)  # bucket → IPC file (None: empty)
    records: int = 0  # data records filed
    read_rejected: int = 0  # rows the CSV reader could not take (counted, never dropped silently)
    reject_samples: list[str] = field(default_factory=list)
    missing_items: list[str] = field(default_factory=list)  # items no file of this side carries
    totals: dict[str, Any] = field(default_factory=dict)


def bucket_schema() -> pa.Schema:
    return pa.schema([pa.field("_row", ROW_TYPE)] + [pa.field(n, t) for n, t in META])


def join_items(columns: list[pa.Array]) -> pa.Array:
    """The items of each record as one ``_row`` cell (UTF-8 values joined by 0xFF)."""
    # ``view``: the same buffers read as binary (a ``cast`` per column costs a kernel call each)
    cols = [c.view(pa.binary()) for c in columns]
    row = cols[0] if len(cols) == 1 else pc.binary_join_element_wise(*cols, pa.scalar(SEP, pa.binary()))
    return row.cast(ROW_TYPE)  # 64-bit offsets in the buckets: a bucket may pass 2 GB


def split_items(rows: pa.Array | pa.ChunkedArray, positions: list[int]) -> list[pa.Array]:
    """The items at ``positions`` (layout order) of ``_row`` cells, as string arrays."""
    lists = pc.split_pattern(rows, pattern=SEP)
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    return [pc.list_element(lists, p).cast(pa.string()) for p in positions]


def _mapping(layout: Layout, names: list[str], file: str) -> dict[str, str]:
    by = {it.name: it.id for it in layout.items} | {it.id: it.id for it in layout.items}
    unknown = [n for n in names if n not in by]
    if unknown:
        raise ReconcileError(f"{file}: columns not in layout {layout.id}: {', '.join(unknown[:5])}")
    return {n: by[n] for n in names}


class _Buckets:
    def __init__(self, parts: int, base: Path) -> None:
        self.schema = bucket_schema()
        self.parts = parts
        self.bits = parts.bit_length() - 1
        self.base = base
        self.buffer = max(16 << 10, min(512 << 10, BUFFER_BUDGET // parts))
        self.writers: list[pa.ipc.RecordBatchStreamWriter | None] = [None] * parts
        self.sinks: list[pa.NativeFile | None] = [None] * parts

    def write(self, batch: pa.RecordBatch, codes: np.ndarray) -> None:
        if self.parts == 1:
            self._put(0, batch)
            return
        # bucket-sorted copies of 16,384 rows at a time: a 住民 row is ~1.6 kB, so a whole
        # reader batch copied at once would add its size again to the peak
        for start in range(0, batch.num_rows, SORT_ROWS):
            sub, sub_codes = batch.slice(start, SORT_ROWS), codes[start : start + SORT_ROWS]
            part = partition_of(sub_codes, self.bits)
            order = np.argsort(part, kind="stable")
            bounds = np.searchsorted(part[order], np.arange(self.parts + 1))
            sorted_ = sub.take(pa.array(order))
            for p in range(self.parts):
                lo, hi = int(bounds[p]), int(bounds[p + 1])
                if hi > lo:
                    self._put(p, sorted_.slice(lo, hi - lo))

    def _put(self, p: int, batch: pa.RecordBatch) -> None:
        w = self.writers[p]
        if w is None:
            self.base.mkdir(parents=True, exist_ok=True)
            # buffered: a bucket gets a few hundred rows per write, unbuffered that is a
            # system call per Arrow buffer
            sink = self.sinks[p] = pa.output_stream(
                str(self.base / f"{p:04d}.arrow"), buffer_size=self.buffer
            )
            w = self.writers[p] = pa.ipc.new_stream(sink, self.schema)
        w.write_batch(batch)

    def close(self) -> list[str | None]:
        out: list[str | None] = []
        for p, w in enumerate(self.writers):
            if w is None:
                out.append(None)
            else:
                w.close()
                sink = self.sinks[p]
                assert sink is not None
                sink.close()
                out.append(str(self.base / f"{p:04d}.arrow"))
        return out


def spill_layout(
    side: Side,
    layout: Layout,
    key: list[str],
    parts: int,
    work_dir: Path,
    equiv: Equivalences,
    batch_size: int = 65536,
) -> LayoutSpill:
    """Read every file of ``layout`` on ``side`` into ``parts`` buckets under ``work_dir``."""
    res = LayoutSpill(layout.id, side.name)
    buckets = _Buckets(parts, work_dir / side.name / layout.id)
    totals = TotalsAccumulator(layout, equiv, side.name)
    seen_items: set[str] = set()
    is_date = {it.id for it in layout.items if it.type is ItemType.DATE}
    try:
        for fi, path in enumerate(side.files.get(layout.id, [])):
            res.files.append(path.name)

            def on_reject(r: Reject, file: str = path.name) -> None:
                res.read_rejected += 1
                if len(res.reject_samples) < 20:
                    res.reject_samples.append(f"{file}: record {r.record - 1}: {r.code}: {r.reason}")

            reader = read(path, CsvDefinition(encoding=side.encoding, header=True), batch_size=batch_size,
                          source_id=path.name, on_reject=on_reject)  # fmt: skip
            mapping: dict[str, str] | None = None
            for raw in reader:
                if mapping is None:
                    mapping = _mapping(
                        layout, [n for n in raw.schema.names if not n.startswith("_")], path.name
                    )
                    seen_items |= set(mapping.values())
                b = _to_layout(raw, layout, mapping, fi)
                codes, _complete = key_codes(BatchContext(b), key)
                meta = [pa.array(codes["hi"]), pa.array(codes["lo"])]
                totals.add(b, is_date)
                row = join_items(b.columns[: len(layout.item_ids)])
                full = pa.RecordBatch.from_arrays(
                    [row, *meta, b.column("_file"), b.column("_record")], schema=buckets.schema
                )
                res.records += b.num_rows
                del b, raw  # the items now live in ``row``: let the reader's batch go first
                buckets.write(full, codes)
    finally:
        res.buckets = buckets.close()
    res.missing_items = [i for i in layout.item_ids if i not in seen_items] if res.files else []
    res.totals = totals.result()
    return res


def _to_layout(
    batch: pa.RecordBatch, layout: Layout, mapping: dict[str, str], file_index: int
) -> pa.RecordBatch:
    cols = {mapping[n]: batch.column(n) for n in batch.schema.names if n in mapping}
    n = batch.num_rows
    blank = pa.array([""] * n, pa.string())
    recs = pa.array(np.asarray(batch.column("_record").to_numpy(), dtype=np.int64) - 1)  # data rows, 1-based
    arrays = [cols.get(i, blank) for i in layout.item_ids]
    arrays = [a.cast(pa.string()) if a.type != pa.string() else a for a in arrays]
    fidx = pa.array(np.full(n, file_index, dtype=np.int32))
    return pa.RecordBatch.from_arrays([*arrays, fidx, recs], names=[*layout.item_ids, "_file", "_record"])
