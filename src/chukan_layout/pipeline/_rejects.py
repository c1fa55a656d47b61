"""Reject rows of a run: collected per partition, written sorted by record number (canonical bytes)."""

from __future__ import annotations

import csv
import io
import json
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
    """Collects the reject rows of a partition (sorted by record when written)."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, list[str]]] = []

    def add(self, *, source: str, record: int, stage: str, code: str, reason: str, offset: int | None = None,
            raw: bytes | None = None, values: Any = None) -> None:  # fmt: skip
        cells = [source, str(record), "" if offset is None else str(offset), stage, code, reason,
                 "" if raw is None else raw.hex(),
                 "" if values is None else json.dumps(dict(values), ensure_ascii=False)]  # fmt: skip
        self.rows.append((int(record), cells))

    def to_bytes(self) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        for _, row in sorted(self.rows, key=lambda t: t[0]):
            w.writerow([guard_cell(c) for c in row])
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
