"""One standard batch of an export, field by field: the vendor values computed, 外字 put back to
the vendor's codes, each column checked against the target encoding and field width
(:mod:`.encodable`), and the rows that cannot be written rejected — with the accounting and the
sidecar rows (:mod:`._outcome`) of the output file they go to. :class:`~.engine.FileExporter`
adds the records, header, trailer and the writing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..adapt.transforms.base import Context, as_str
from ..findings import FindingSet
from ..readers.api import Reject
from ..readers.codecs import get_codec
from ..readers.definition import CsvDefinition, FieldType, FixedWidthDefinition
from ..readers.render import field_matrix
from . import codes
from ._compute import Cols, compute
from ._outcome import FileOutcome, Sidecar
from .derive import FilePlan, RecordPlan
from .encodable import Event, _encodes, check_column
from .format import Unencodable
from .gaiji_reverse import Evidence, ReverseGaiji

TEXT_KINDS = (FieldType.TEXT, FieldType.MIXED, FieldType.DBCS)


class BatchFields:
    """The vendor fields of one :class:`FilePlan`'s standard batches, checked; the file's outcome."""

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
        cols = Cols(batch)
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

    def _header(self, rp: RecordPlan, cols: Cols, file: str, records: pa.Array) -> None:
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
