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
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.rows: list[tuple[int, list[str]]] = []
        self.path = None if path is None else str(path)
        self.count = 0  # rows added
        self._last = -1  # highest record written
        self._held = False

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
        with open(self.path, "ab") as f:
            f.write(_csv_bytes(row for _, row in ready))
        self._last = ready[-1][0]

    def close(self) -> str | None:
        """Complete the part file (with a path); its path, or None without rows."""
        assert self.path is not None
        if self.count == 0:
            return None
        if not self._held and self.rows and min(r for r, _ in self.rows) > self._last:
            self.flush_upto(max(r for r, _ in self.rows))  # the rest comes after: append
        if self._held or self.rows:
            written: list[tuple[int, list[str]]] = []
            if os.path.exists(self.path):  # already guarded cells: written back as they are
                with open(self.path, encoding="utf-8", newline="") as f:
                    written = [(int(r[1]), r) for r in csv.reader(f)]
            fresh = sorted(self.rows, key=lambda t: t[0])
            merged = sorted(
                [*written, *((r, [guard_cell(c) for c in row]) for r, row in fresh)], key=lambda t: t[0]
            )
            with open(self.path, "wb") as f:
                f.write(_csv_bytes((row for _, row in merged), guard=False))
            self.rows, self._held = [], False
        return self.path

    def to_bytes(self) -> bytes:
        return _csv_bytes(row for _, row in sorted(self.rows, key=lambda t: t[0]))


def _csv_bytes(rows: Iterable[list[str]], *, guard: bool = True) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        w.writerow([guard_cell(c) for c in row] if guard else row)
    return buf.getvalue().encode("utf-8")


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
