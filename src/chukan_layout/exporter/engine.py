"""One output file of an export: standard batches → vendor fields → checked → rendered bytes.

Per batch of a standard file, :class:`~._batch.BatchFields` computes every vendor field over
whole columns by its steps (the adapter engine's transforms), puts 外字 back to the vendor's
codes, checks each column against the target encoding and field width (:mod:`.encodable`) and
drops the rejected rows; :class:`FileExporter` renders the rest with the reader's renderer
(:mod:`chukan_layout.readers.render`) and writes the file.
A fixed-width file gets its header record (values from the first record; all must agree) and a
trailer whose count and control totals are computed from the records written. Records of
several layouts in one file (``interleave``) are grouped by their key in the order the first
layout's keys appear (held in memory for that file only).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..adapt.transforms.base import as_str, const_array
from ..files import HashingWriter
from ..readers.codecs import get_codec
from ..readers.definition import CsvDefinition, FixedWidthDefinition
from ..readers.render import frame, record_matrix, render_csv
from ._batch import BatchFields
from ._outcome import FileOutcome
from .derive import RecordPlan
from .interleave import interleave_order


class FileExporter(BatchFields):
    """Renders one :class:`FilePlan` from its standard batches (their fields: :class:`BatchFields`)."""

    # -- records ------------------------------------------------------------------------------
    def matrix(self, rp: RecordPlan, values: dict[str, pa.Array]) -> np.ndarray:
        d = self.fp.definition
        assert isinstance(d, FixedWidthDefinition)
        rt = d.record_type(rp.record_type) if rp.record_type else d.data_types[0]
        self._totals(rt, values)
        n = len(next(iter(values.values()))) if values else 0
        return record_matrix(d, rt.name, values, count=n if not values else None)

    def _totals(self, rt: Any, values: dict[str, pa.Array]) -> None:
        """Add this batch's sums of the fields the trailer's control totals name (exact decimals)."""
        d = self.fp.definition
        assert isinstance(d, FixedWidthDefinition)
        if self.fp.trailer is None:
            return
        trailer = d.record_type(self.fp.trailer)
        for tfield, dfield in trailer.control.totals.items() if trailer.control else []:
            if dfield in values:
                s = pc.if_else(pc.equal(values[dfield], ""), "0", values[dfield])
                total = Decimal(str(pc.sum(s.cast(pa.decimal128(38, 6))).as_py() or 0))
                self.totals[tfield] = self.totals.get(tfield, Decimal(0)) + total

    def header_bytes(self) -> bytes:
        d = self.fp.definition
        if self.fp.header is None or not isinstance(d, FixedWidthDefinition):
            return b""
        rt_name, mappings = self.fp.header
        vals = dict(self.header_values or {})
        for fname, ci in mappings.items():  # constants (and items no record carried)
            if fname not in vals and ci.branches[0].const is not None:
                vals[fname] = ci.branches[0].const
        self.out.records += 1
        return frame(record_matrix(d, rt_name, {k: [v] for k, v in vals.items()}), d.framing)

    def trailer_bytes(self) -> bytes:
        d = self.fp.definition
        if self.fp.trailer is None or not isinstance(d, FixedWidthDefinition):
            return b""
        rt = d.record_type(self.fp.trailer)
        cols: dict[str, list[str]] = {}
        if rt.control and rt.control.count:
            cols[rt.control.count] = [str(self.data_records)]
        for tfield in rt.control.totals if rt.control else {}:
            t = self.totals.get(tfield, Decimal(0))
            cols[tfield] = [str(t.quantize(Decimal(1)) if t == t.to_integral_value() else t.normalize())]
        self.out.trailer = {k: v[0] for k, v in cols.items()}
        self.out.records += 1
        return frame(record_matrix(d, rt.name, cols, count=1 if not cols else None), d.framing)

    # -- the whole file -----------------------------------------------------------------------
    def write(
        self, sink: HashingWriter, batches: dict[str, Iterator[tuple[str, pa.RecordBatch]]]
    ) -> FileOutcome:
        """Write the file to ``sink``; ``batches``: per layout id, (standard file, item batch) pairs."""
        d = self.fp.definition
        if isinstance(d, CsvDefinition):
            self._write_csv(sink, batches)
        elif self.fp.interleave and len(self.fp.records) > 1:
            self._write_interleaved(sink, batches)
        else:
            self._write_fixed(sink, batches)
        return self.out

    def _write_fixed(
        self, sink: HashingWriter, batches: dict[str, Iterator[tuple[str, pa.RecordBatch]]]
    ) -> None:
        d = self.fp.definition
        assert isinstance(d, FixedWidthDefinition)
        header_done = self.fp.header is None
        for rp in self.fp.records:
            for file, batch in batches.get(rp.layout.id, iter(())):
                values, _keep = self.columns(rp, batch, file)
                m = self.matrix(rp, values)
                self.out.records += m.shape[0]
                data = frame(m, d.framing)
                if not header_done:
                    sink.write(self.header_bytes())
                    header_done = True
                sink.write(data)
        if not header_done:
            sink.write(self.header_bytes())
        sink.write(self.trailer_bytes())

    def _write_interleaved(
        self, sink: HashingWriter, batches: dict[str, Iterator[tuple[str, pa.RecordBatch]]]
    ) -> None:
        """Records of several layouts grouped by their key, in the order the keys first appear.

        The order is computed twice: once over every standard record, before any is rejected —
        that is where each record stood in the vendor file convert read, so the 外字 evidence
        (convert's ``gaiji.csv``, by physical record) is looked up per record type there — and
        once over the records kept, to write them."""
        d = self.fp.definition
        assert isinstance(d, FixedWidthDefinition)
        held = {rp.layout.id: list(batches.get(rp.layout.id, iter(()))) for rp in self.fp.records}
        keys_in = [self._keys(rp, [b for _, b in held[rp.layout.id]]) for rp in self.fp.records]
        phys_all = interleave_order(keys_in, inverse=True) + (int(self.fp.header is not None) + 1)
        mats: list[np.ndarray] = []
        keys: list[pa.Array] = []
        start = 0
        for rp in self.fp.records:
            parts, kparts = [], []
            for file, batch in held[rp.layout.id]:
                phys = phys_all[start : start + batch.num_rows]
                start += batch.num_rows
                values, keep = self.columns(rp, batch, file, phys)
                parts.append(self.matrix(rp, values))
                kparts.append(self._keys(rp, [batch]).filter(pa.array(keep)))
            width = max((p.shape[1] for p in parts), default=0)
            mats.append(np.concatenate(parts) if parts else np.zeros((0, width), np.uint8))
            keys.append(pa.concat_arrays(kparts) if kparts else pa.array([], pa.string()))
        width = max(m.shape[1] for m in mats)
        pad = get_codec(d.encoding).blank
        mats = [m if m.shape[1] == width else np.pad(m, ((0, 0), (0, width - m.shape[1])), constant_values=pad)
                for m in mats]  # fmt: skip
        allm = np.concatenate(mats)[interleave_order(keys)]
        sink.write(self.header_bytes())
        self.out.records += allm.shape[0]
        sink.write(frame(allm, d.framing))
        sink.write(self.trailer_bytes())

    def _keys(self, rp: RecordPlan, batches: list[pa.RecordBatch]) -> pa.Array:
        key_item = self.fp.interleave.get(rp.layout.id)
        parts = [as_str(b.column(key_item)) if key_item else const_array("", b.num_rows) for b in batches]
        return pa.concat_arrays(parts) if parts else pa.array([], pa.string())

    def _write_csv(
        self, sink: HashingWriter, batches: dict[str, Iterator[tuple[str, pa.RecordBatch]]]
    ) -> None:
        d = self.fp.definition
        assert isinstance(d, CsvDefinition)
        first = True
        names = list(d.columns or [])
        for rp in self.fp.records:
            for file, batch in batches.get(rp.layout.id, iter(())):
                values, keep = self.columns(rp, batch, file)
                n = int(keep.sum())
                cols = {c: values.get(c, const_array("", n)) for c in names}
                dd = d.model_copy(update={"header": d.header and first})
                sink.write(render_csv(dd, cols))
                self.out.records += n + (1 if d.header and first else 0)
                first = False
        if first and d.header:
            sink.write(render_csv(d, {c: const_array("", 0) for c in names}))
            self.out.records += 1
