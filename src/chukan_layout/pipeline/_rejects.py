"""Reject rows of a run: collected per partition, written sorted by record number (canonical bytes)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..adapt import codes as adapt_codes
from ..adapt.engine import RESERVED
from ..files import guard_cell
from ..findings import FindingSet
from ..write.rejects import COLUMNS as REJECT_COLUMNS


def reject_header() -> bytes:
    """The header row of ``rejects.csv``."""
    return (",".join(REJECT_COLUMNS) + "\r\n").encode("utf-8")


class RejectSink:
    """Collects the reject rows of a partition (sorted by record when written).

    With a ``path``, :meth:`flush_upto` appends the rows up to a record number to that part file
    as the partition goes (batches come in record order: nothing accumulates); a row that would
    precede rows already written (record types interleaved in one file) switches the sink to
    holding its rows, and :meth:`close` merges them with the written ones (stable sort by record).
    The merge copies the written rows as the bytes they were written as (an index of record,
    offset and length per row), never parsing the CSV back: the part is the same bytes as if
    every row had been held and written once, whatever a reason or value holds (line breaks,
    quotes, formula characters).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.rows: list[tuple[int, list[str]]] = []
        self.path = None if path is None else str(path)
        self.count = 0  # rows added
        self._last = -1  # highest record written
        self._held = False
        self._index: list[tuple[int, int, int]] = []  # rows in the part file: (record, offset, length)
        self._size = 0

    def add(self, *, source: str, record: int, stage: str, code: str, reason: str, offset: int | None = None,
            raw: bytes | None = None, values: Any = None) -> None:  # fmt: skip
        cells = [source, str(record), "" if offset is None else str(offset), stage, code, reason,
                 "" if raw is None else raw.hex(),
                 "" if values is None else json.dumps(dict(values), ensure_ascii=False)]  # fmt: skip
        self.rows.append((int(record), cells))
        self.count += 1

    def flush_upto(self, record: int) -> None:
        """Write the rows of records ≤ ``record`` to the part file (unless holding)."""
        if self.path is None or self._held or not self.rows:
            return
        ready = sorted((r for r in self.rows if r[0] <= record), key=lambda t: t[0])
        if not ready:
            return
        if ready[0][0] <= self._last:
            self._held = True  # out of order: keep everything from here on, merge at close
            return
        self.rows = [r for r in self.rows if r[0] > record]
        encoded = _row_bytes(row for _, row in ready)
        with open(self.path, "ab") as f:
            for (rec, _), b in zip(ready, encoded, strict=True):
                f.write(b)
                self._index.append((rec, self._size, len(b)))
                self._size += len(b)
        self._last = ready[-1][0]

    def close(self) -> str | None:
        """Complete the part file (with a path); its path, or None without rows."""
        assert self.path is not None
        if self.count == 0:
            return None
        if not self._held and self.rows and min(r for r, _ in self.rows) > self._last:
            self.flush_upto(max(r for r, _ in self.rows))  # the rest comes after: append
        if self._held or self.rows:
            fresh = sorted(self.rows, key=lambda t: t[0])
            encoded = _row_bytes(row for _, row in fresh)
            # written rows first among equal records, each group in its own order (a stable sort)
            order = sorted([*((rec, 0, i) for i, (rec, _, _) in enumerate(self._index)),
                            *((rec, 1, i) for i, (rec, _) in enumerate(fresh))])  # fmt: skip
            tmp = self.path + ".merge"
            with open(tmp, "wb") as out, open(self.path, "rb") if self._index else io.BytesIO() as written:
                for _, held, i in order:
                    if held:
                        out.write(encoded[i])
                    else:
                        _, off, n = self._index[i]
                        written.seek(off)
                        out.write(written.read(n))
            os.replace(tmp, self.path)
            self.rows, self._held, self._index, self._size = [], False, [], 0
        return self.path

    def to_bytes(self) -> bytes:
        return b"".join(_row_bytes(row for _, row in sorted(self.rows, key=lambda t: t[0])))


def _row_bytes(rows: Iterable[list[str]]) -> list[bytes]:
    """Each row as the CSV bytes it is written as (cells guarded against formula injection)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    out = []
    for row in rows:
        w.writerow([guard_cell(c) for c in row])
        out.append(buf.getvalue().encode("utf-8"))
        buf.seek(0)
        buf.truncate(0)
    return out


def reject_unrouted(batch: pa.RecordBatch, rows: np.ndarray, acc: Any, rejects: Any, fs: FindingSet) -> None:
    """Send rows that reached no target to the rejects (with their values) and count them on ``acc``."""
    sub = batch.take(pa.array(rows))
    names = [n for n in sub.schema.names if n not in RESERVED]
    recs = sub.column("_record").to_pylist()
    cols = {n: sub.column(n).to_pylist() for n in names}
    for i, rec in enumerate(recs):  # only the (few) unrouted rows
        rejects.add(source=acc.file, record=rec, stage="adapt", code=adapt_codes.UNROUTED.code,
                    reason="record matched no target of the adapter", values={n: cols[n][i] for n in names})  # fmt: skip
    fs.add(adapt_codes.UNROUTED.code, file=acc.file, records=np.asarray(recs, dtype=np.int64))
    acc.adapt_rejected += len(recs)
