"""One output file of an export: standard batches → vendor fields → checked → rendered bytes.

Per batch of a standard file: every vendor field is computed over whole columns by its steps
(the adapter engine's transforms), 外字 are put back to the vendor's codes, each column is
checked against the target encoding and field width (:mod:`.encodable`), rejected rows leave the
batch, and the rest is rendered by the reader's renderer (:mod:`chukan_layout.readers.render`).
A fixed-width file gets its header record (values from the first record; all must agree) and a
trailer whose count and control totals are computed from the records written. Records of
several layouts in one file (``interleave``) are grouped by their key in the order the first
layout's keys appear (held in memory for that file only).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..adapt.engine import evaluate
from ..adapt.loader import CompiledItem, CompiledMapping
from ..adapt.transforms.base import Context, as_str, const_array
from ..files import HashingWriter
from ..findings import FindingSet
from ..readers.api import Reject
from ..readers.codecs import get_codec
from ..readers.definition import CsvDefinition, FieldType, FixedWidthDefinition
from ..readers.render import field_matrix, frame, record_matrix, render_csv
from . import codes
from .derive import FilePlan, RecordPlan
from .encodable import Event, _encodes, check_column
from .format import Unencodable
from .gaiji_reverse import Evidence, ReverseGaiji
from .interleave import interleave_order

TEXT_KINDS = (FieldType.TEXT, FieldType.MIXED, FieldType.DBCS)


@dataclass
class Sidecar:
    """One row of ``unencodable.csv`` / ``rejects.csv``."""

    output: str
    file: str
    record: int
    layout: str
    field: str
    item: str
    code: str
    position: int = 0
    code_point: str = ""
    action: str = ""
    detail: str = ""


@dataclass
class FileOutcome:
    """What one output file got: per standard input file read / written / rejected, and the rest."""

    name: str
    read: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    layout_of: dict[str, str] = field(default_factory=dict)
    records: int = 0  # physical records in the output (header/trailer included)
    unencodable: list[Sidecar] = field(default_factory=list)
    rejects: list[Sidecar] = field(default_factory=list)
    gaiji_restored: int = 0
    trailer: dict[str, str] = field(default_factory=dict)


class _Cols:
    """Standard item columns of a batch (the ``cols`` the adapter's ``evaluate`` expects)."""

    def __init__(self, batch: pa.RecordBatch) -> None:
        self.batch, self.n = batch, batch.num_rows

    def get(self, name: str) -> pa.Array:
        return as_str(self.batch.column(name))


def _run(m: CompiledMapping, cols: _Cols, ctx: Context) -> pa.Array:
    if m.const is not None:
        return const_array(m.const, cols.n)
    inputs = [cols.get(i) for i in m.inputs]
    if not m.steps:
        return inputs[0]
    out = m.steps[0].apply(inputs, ctx)
    for st in m.steps[1:]:
        out = st.apply([out], ctx)
    return as_str(out)


def compute(ci: CompiledItem, cols: _Cols, ctx: Context) -> pa.Array:
    """A vendor field over a batch: the first branch whose ``when`` holds, else ``otherwise``."""
    if len(ci.branches) == 1 and ci.branches[0].when is None:
        return _run(ci.branches[0], cols, ctx)
    out = const_array(ci.otherwise, cols.n)
    remaining = np.ones(cols.n, bool)
    for br in ci.branches:
        sel = remaining & (evaluate(br.when, cols) if br.when is not None else True)  # type: ignore[arg-type]
        if sel.any():
            out = pc.if_else(pa.array(sel), _run(br, cols, ctx), out)
            remaining &= ~sel
    return as_str(out)


class FileExporter:
    """Renders one :class:`FilePlan` from its standard batches."""

    def __init__(
        self, fp: FilePlan, policy: Unencodable, gaiji: ReverseGaiji | None, findings: FindingSet,
        raw_values: bool = False,
        evidence: Evidence | None = None,
    ) -> None:  # fmt: skip
        self.fp, self.policy, self.gaiji, self.fs = fp, policy, gaiji, findings
        self.raw = raw_values
        self.evidence: dict[str, dict[int, list[tuple[int, str, str]]]] = {}  # item → physical record → marks
        for (vfile, rec, item), marks in evidence.rows.items() if evidence else []:
            if vfile == fp.name:
                self.evidence.setdefault(item, {})[rec] = marks
        self.use_evidence = evidence is not None
        self._native: dict[tuple[str, FieldType], ReverseGaiji] = {}
        self._phys = np.zeros(0, np.int64)  # physical record number (in the vendor file) of each batch row
        self.out = FileOutcome(fp.name)
        self.header_values: dict[str, str] | None = None
        self.totals: dict[str, Decimal] = {}
        self.data_records = 0

    # -- one batch ---------------------------------------------------------------------------
    def columns(
        self, rp: RecordPlan, batch: pa.RecordBatch, file: str, phys: np.ndarray | None = None
    ) -> tuple[dict[str, pa.Array], np.ndarray]:
        """(vendor field → values of the kept rows, kept-row mask) for one standard batch.

        ``phys``: the physical record number each row gets in the vendor file (where 外字 evidence
        is looked up); default: the rows follow the records written so far (and the header)."""
        cols = _Cols(batch)
        records = batch.column("_record")
        n = batch.num_rows
        lid = rp.layout.id
        self.out.layout_of[file] = lid
        self.out.read[file] = self.out.read.get(file, 0) + n
        values: dict[str, pa.Array] = {}
        for fname, ci in rp.fields.items():
            item = ci.branches[0].inputs[0] if ci.branches[0].inputs else fname
            sens = None if self.raw or item not in rp.layout.item_ids else rp.layout.item(item).sensitivity
            ctx = Context(file, lid, item, records, self.fs, sens)
            values[fname] = compute(ci, cols, ctx)
        for fname in rp.no_source:
            if not fname.startswith("("):
                self.fs.add(codes.NO_SOURCE.code, file=file, item=fname, records=[], count=n)
        self._header(rp, cols, file, records)
        d = self.fp.definition
        has_head = self.fp.header is not None if isinstance(d, FixedWidthDefinition) else d.header
        self._phys = (
            phys
            if phys is not None
            else np.arange(n, dtype=np.int64) + (int(has_head) + self.data_records + 1)
        )
        reject = np.zeros(n, bool)
        for fname in list(values):
            values[fname], bad = self._check(rp, fname, values[fname], file, records)
            reject |= bad
        keep = ~reject
        if reject.any():
            idx = pa.array(np.flatnonzero(keep))
            values = {k: v.take(idx) for k, v in values.items()}
        self.out.rejected[file] = self.out.rejected.get(file, 0) + int(reject.sum())
        self.out.written[file] = self.out.written.get(file, 0) + int(keep.sum())
        self.data_records += int(keep.sum())
        return values, keep

    def read_reject(self, file: str, r: Reject) -> None:
        """A standard record the CSV reader could not read: read and rejected (nothing is lost)."""
        self.out.read[file] = self.out.read.get(file, 0) + 1
        self.out.rejected[file] = self.out.rejected.get(file, 0) + 1
        self.out.rejects.append(Sidecar(self.fp.name, file, r.record, "", "", "", r.code, detail=r.reason))
        self.fs.add(r.code, file=file, records=[r.record], details=[r.reason])

    def _item_of(self, rp: RecordPlan, fname: str) -> str:
        ci = rp.fields.get(fname)
        return ci.branches[0].inputs[0] if ci is not None and ci.branches[0].inputs else ""

    def _check(
        self, rp: RecordPlan, fname: str, v: pa.Array, file: str, records: pa.Array
    ) -> tuple[pa.Array, np.ndarray]:
        d = self.fp.definition
        if isinstance(d, CsvDefinition):
            kind, width, codec = FieldType.TEXT, None, get_codec(d.encoding)
        else:
            rt = d.record_type(rp.record_type) if rp.record_type else d.data_types[0]
            f = next(x for x in rt.fields if x.name == fname)
            codec = get_codec(f.codec or d.encoding)
            kind, width = f.type, f.length
            if kind not in TEXT_KINDS:
                return v, self._numeric(f, v, d.encoding, rp, file, records)
        v = self._gaiji(rp, fname, v, codec, kind)
        v, bad, events = check_column(codec, v, kind, width, self.policy)
        if events:
            self._events(events, rp, fname, file, records)
        return v, bad

    def _gaiji(self, rp: RecordPlan, fname: str, v: pa.Array, codec: Any, kind: FieldType) -> pa.Array:
        """Vendor 外字 codes back: exactly where convert's gaiji.csv saw them (with evidence), and
        from the table for characters the target cannot carry otherwise."""
        if not self.use_evidence:
            if self.gaiji is not None:
                v, k = self.gaiji.apply(v)
                self.out.gaiji_restored += k
            return v
        if self.gaiji is not None:
            key = (codec.name, kind)
            if key not in self._native:
                self._native[key] = self.gaiji.only_unencodable(lambda t: _encodes(codec, t, kind))
            v, k = self._native[key].apply(v)
            self.out.gaiji_restored += k
        marks = self.evidence.get(self._item_of(rp, fname))
        if not marks:
            return v
        phys = self._phys.tolist()
        rows = [r for r in range(len(v)) if phys[r] in marks]
        if not rows:
            return v
        vals = as_str(v).to_pylist()
        for r in rows:
            vals[r] = Evidence().restore(vals[r], marks[phys[r]])
            self.out.gaiji_restored += len(marks[phys[r]])
        return pa.array(vals, pa.string())

    def _numeric(
        self, f: Any, v: pa.Array, encoding: str, rp: RecordPlan, file: str, records: pa.Array
    ) -> np.ndarray:
        bad = np.zeros(len(v), bool)
        try:
            field_matrix(f, v, len(v), encoding)
            return bad
        except ValueError:
            pass
        for i, x in enumerate(as_str(v).to_pylist()):
            try:
                field_matrix(f, [x], 1, encoding)
            except ValueError as e:
                bad[i] = True
                self._reject(rp, f.name, file, int(records[i].as_py()), codes.BAD_NUMBER.code, str(e), x)
        return bad

    def _events(self, events: list[Event], rp: RecordPlan, fname: str, file: str, records: pa.Array) -> None:
        item = self._item_of(rp, fname)
        for ev in events:
            rec = int(records[ev.row].as_py())
            if ev.kind == "overflow":
                self._reject(rp, fname, file, rec, codes.OVERFLOW.code, ev.detail)
                continue
            code = codes.REPLACED.code if ev.action == "replaced" else codes.UNENCODABLE.code
            self.out.unencodable.append(Sidecar(self.fp.name, file, rec, rp.layout.id, fname, item, code,
                                                ev.position, ev.code_point, ev.action, self.policy.substitute or ""))  # fmt: skip
            self.fs.add(code, file=file, item=item or fname, records=[rec], values=[ev.code_point],
                        details=[f"{fname} position {ev.position}"])  # fmt: skip
            if ev.action == "rejected":
                self.out.rejects.append(Sidecar(self.fp.name, file, rec, rp.layout.id, fname, item, code,
                                                ev.position, ev.code_point, "rejected"))  # fmt: skip

    def _reject(
        self,
        rp: RecordPlan,
        fname: str,
        file: str,
        rec: int,
        code: str,
        detail: str,
        value: str | None = None,
    ) -> None:
        item = self._item_of(rp, fname)
        self.out.rejects.append(
            Sidecar(self.fp.name, file, rec, rp.layout.id, fname, item, code, detail=detail)
        )
        self.fs.add(code, file=file, item=item or fname, records=[rec], details=[f"{fname}: {detail}"],
                    values=None if value is None else [value])  # fmt: skip

    def _header(self, rp: RecordPlan, cols: _Cols, file: str, records: pa.Array) -> None:
        if self.fp.header is None or cols.n == 0:
            return
        _rt, values = self.fp.header
        ctx = Context(file, rp.layout.id, "", records, self.fs)
        for fname, ci in values.items():
            if any(i not in rp.layout.item_ids for br in ci.branches for i in br.inputs):
                continue
            col = compute(ci, cols, ctx)
            first = (
                col[0].as_py()
                if self.header_values is None or fname not in self.header_values
                else self.header_values[fname]
            )
            if self.header_values is None:
                self.header_values = {}
            self.header_values.setdefault(fname, first or "")
            differ = np.asarray(pc.not_equal(col, first or "").to_numpy(zero_copy_only=False), bool)
            if differ.any():
                ctx.finding(codes.HEADER_VALUE.code, differ, col, item=fname)
        if self.header_values is None:
            self.header_values = {}

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
