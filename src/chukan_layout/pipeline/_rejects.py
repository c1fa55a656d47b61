"""Reject rows of a run: collected per partition, written sorted by record number (canonical bytes)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..adapt import codes as adapt_codes
from ..adapt.engine import RESERVED
from ..files import guard_cell
from ..findings import FindingSet
from ..write.rejects import COLUMNS as REJECT_COLUMNS
from ..write.rejects import csv_cell, csv_cells, csv_lines, csv_row, json_cells


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
        self.rows: list[tuple[int, bytes]] = []  # (record, the row's CSV bytes)
        self.path = None if path is None else str(path)
        self.count = 0  # rows added
        self._last = -1  # highest record written
        self._held = False
        self._index: list[tuple[int, int, int]] = []  # rows in the part file: (record, offset, length)
        self._size = 0

    def add(self, *, source: str, record: int, stage: str, code: str, reason: str, offset: int | None = None,
            raw: bytes | None = None, values: Any = None) -> None:  # fmt: skip
        """One reject row (a read reject as the reader reports it); the row's bytes are made now."""
        cells = [source, str(record), "" if offset is None else str(offset), stage, code, reason,
                 "" if raw is None else raw.hex(),
                 "" if values is None else json.dumps(dict(values), ensure_ascii=False)]  # fmt: skip
        self.rows.append((int(record), csv_row(cells)))
        self.count += 1

    def add_batch(self, *, source: str, records: np.ndarray, stage: str, code: Sequence[str] | str,
                  reasons: Sequence[str] | str,
                  values: pa.Array | tuple[pa.RecordBatch, Sequence[str]] | None = None) -> None:  # fmt: skip
        """The reject rows of many records at once, built column-wise: the same bytes as :meth:`add`
        row by row. ``values``: each row's JSON object as a CSV cell (:func:`json_cells`), or the
        batch and names to make them of (with the lines, one ``take``)."""
        n = len(records)
        if not n:
            return
        recs = pa.array(np.asarray(records, dtype=np.int64))
        cells: list[pa.Array | str] = [
            csv_cell(source), csv_cells(recs.cast(pa.large_string())), "", csv_cell(stage),
            csv_cell(code) if isinstance(code, str) else csv_cells(pa.array(code, pa.large_string())),
            csv_cell(reasons) if isinstance(reasons, str) else csv_cells(pa.array(reasons, pa.large_string())),
            "",
        ]  # fmt: skip
        if isinstance(values, tuple):
            lines = csv_lines(cells, objects=values)
        else:
            lines = csv_lines([*cells, "" if values is None else values])
        self.rows.extend(zip(recs.to_pylist(), lines, strict=True))
        self.count += n

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
        for rec, b in ready:
            self._index.append((rec, self._size, len(b)))
            self._size += len(b)
        with open(self.path, "ab") as f:
            f.write(b"".join([b for _, b in ready]))
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
            # written rows first among equal records, each group in its own order (a stable sort)
            order = sorted([*((rec, 0, i) for i, (rec, _, _) in enumerate(self._index)),
                            *((rec, 1, i) for i, (rec, _) in enumerate(fresh))])  # fmt: skip
            tmp = self.path + ".merge"
            with open(tmp, "wb") as out, open(self.path, "rb") if self._index else io.BytesIO() as written:
                for _, held, i in order:
                    if held:
                        out.write(fresh[i][1])
                    else:
                        _, off, n = self._index[i]
                        written.seek(off)
                        out.write(written.read(n))
            os.replace(tmp, self.path)
            self.rows, self._held, self._index, self._size = [], False, [], 0
        return self.path

    def to_bytes(self) -> bytes:
        return b"".join(b for _, b in sorted(self.rows, key=lambda t: t[0]))


def reference_row_bytes(rows: Iterable[list[str]]) -> list[bytes]:
    """Each row as the :mod:`csv` module writes it (cells guarded against formula injection): the
    reference the sink's rows (:func:`csv_row`, :func:`csv_lines`) are tested against."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    out = []
    for row in rows:
        w.writerow([guard_cell(c) for c in row])
        out.append(buf.getvalue().encode("utf-8"))
        buf.seek(0)
        buf.truncate(0)
    return out


def _names(batch: pa.RecordBatch) -> list[str]:
    """The value columns of a batch (its reserved ``_record``, ``_source`` … left out)."""
    return [n for n in batch.schema.names if n not in RESERVED]


def reject_unrouted(batch: pa.RecordBatch, rows: np.ndarray, acc: Any, rejects: Any, fs: FindingSet) -> None:
    """Send rows that reached no target to the rejects (with their values) and count them on ``acc``."""
    sub = batch.take(pa.array(rows))
    recs = sub.column("_record").to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    rejects.add_batch(source=acc.file, records=recs, stage="adapt", code=adapt_codes.UNROUTED.code,
                      reasons="record matched no target of the adapter",
                      values=(sub, _names(sub)))  # fmt: skip
    fs.add(adapt_codes.UNROUTED.code, file=acc.file, records=recs)
    acc.adapt_rejected += len(recs)


def reject_invalid(sink: RejectSink, source: str, hits: list[tuple[str, pa.RecordBatch, np.ndarray]],
                   bad: dict[int, set[str]], by_reason: dict[str, int]) -> int:  # fmt: skip
    """Send the records with error findings to the rejects; returns how many.

    ``hits``: per layout (in output order), the rows of its batch whose record is in ``bad``
    (record → ``code(item)`` reasons) and their record numbers. ``values`` is the record's JSON
    object of converted items — of each layout it reached, by layout id, when there are several.
    ``by_reason`` counts each code once per record. The rows are built column-wise
    (:meth:`RejectSink.add_batch`): the bytes of adding them one by one.
    """
    recs = np.concatenate([r for _, _, r in hits]).astype(np.int64, copy=False)
    if np.unique(recs).size == recs.size:  # each record in one layout: its values object as is
        parts: list[tuple[np.ndarray, Any]] = [(r, (sub, _names(sub))) for _, sub, r in hits]
    else:  # a record in several layouts: {"layout": {…}, …} (rare: composed from the objects' text)
        by_rec: dict[int, dict[str, str]] = {}  # a record's row in a layout: its last one
        for lid, sub, r in hits:
            for rec, text in zip(
                r.tolist(), json_cells(sub, _names(sub), csv=False).to_pylist(), strict=True
            ):
                by_rec.setdefault(rec, {})[lid] = text
        recs = np.fromiter(by_rec, np.int64, len(by_rec))
        parts = [(recs, pa.array([csv_cell(next(iter(objs.values())) if len(objs) == 1 else
                                           "{" + ", ".join(f"{json.dumps(lid, ensure_ascii=False)}: {t}" for lid, t in objs.items()) + "}")
                                  for objs in by_rec.values()], pa.large_string()))]  # fmt: skip
    for r, values in parts:  # records differ: the rows' order among them is the sink's (by record)
        codes, reasons = [], []
        for rec in r.tolist():
            why = sorted(bad[rec])
            cs = sorted({w.split("(", 1)[0] for w in why})
            codes.append(";".join(cs))
            reasons.append("error findings: " + "; ".join(why))
            for c in cs:
                by_reason[c] = by_reason.get(c, 0) + 1
        sink.add_batch(source=source, records=r, stage="validate", code=codes, reasons=reasons, values=values)
    return int(recs.size)
