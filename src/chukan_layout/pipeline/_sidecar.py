"""A partition's ``gaiji.csv`` rows written batch by batch, canonical order kept.

Rows are sorted by (record, layout order, arrival) — the bytes must not depend on batch or
partition boundaries. Each input batch's rows are sorted and appended to the part file as
soon as the batch is done, which is already the canonical order when batches come in record
order (one record type per file: the common case), so nothing accumulates. A batch whose
records precede rows already written (several record types interleaved in one file) switches
the partition to holding its rows; :meth:`SidecarPart.close` then merges the written rows with
the held ones (a stable sort by record: a record lives in one batch) and rewrites the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..gaiji.stage import SIDECAR_SCHEMA

_WRITE = pacsv.WriteOptions(include_header=False, quoting_style="needed", eol="\r\n")  # type: ignore[call-arg]


class SidecarPart:
    """The ``gaiji.csv`` rows of one partition (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.rows = 0
        self._last = -1  # highest record written so far
        self._held: list[pa.Table] = []

    def add_batch(self, sides: list[pa.Table]) -> None:
        """The side tables of one input batch (each with an ``_layout`` order column)."""
        if not sides:
            return
        t = pa.concat_tables(sides)
        t = t.append_column("_seq", pa.array(np.arange(t.num_rows, dtype=np.int64)))
        t = t.sort_by([("record", "ascending"), ("_layout", "ascending"), ("_seq", "ascending")])
        t = t.drop_columns(["_layout", "_seq"])
        self.rows += t.num_rows
        lo = pc.min(t.column("record")).as_py()
        if self._held or lo <= self._last:
            self._held.append(t)
            return
        self._last = pc.max(t.column("record")).as_py()
        with open(self.path, "ab") as f:
            pacsv.write_csv(t, f, _WRITE)

    def close(self) -> str | None:
        """Complete the part file; its path, or None without rows."""
        if self.rows == 0:
            return None
        if self._held:
            parts = []
            if os.path.exists(self.path):
                ro = pacsv.ReadOptions(column_names=SIDECAR_SCHEMA.names)
                co = pacsv.ConvertOptions(column_types=SIDECAR_SCHEMA, strings_can_be_null=False,
                                          quoted_strings_can_be_null=False)  # fmt: skip
                parts.append(pacsv.read_csv(self.path, read_options=ro, convert_options=co))
            t = pa.concat_tables([*parts, *self._held]).sort_by([("record", "ascending")])  # stable
            self._held = []
            pacsv.write_csv(t, self.path, _WRITE)
        return self.path
