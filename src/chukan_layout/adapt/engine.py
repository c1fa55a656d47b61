"""Apply a loaded adapter to raw record batches: vendor fields → standard-layout batches.

For each target of the batch's (source, record type) the engine selects the rows (``where``),
joins lookup sources (``pc.index_in`` against the side file's key array: the side file is
held as Arrow arrays, the main file streams), computes every mapped item by running its
steps over whole columns, and lays the columns out in layout order with ``_record`` and
``_source``.  Unmapped optional items are blank.  Rows that reach no target are returned
as *unrouted* so the pipeline rejects them: nothing is dropped silently.

Speed (benchmarks/bench_adapt.py): the source trim takes cheap routes per column (see
``transforms/_trim.py``), dates and kana work on the UTF-8 bytes, and an item whose steps are all
value-wise runs once per distinct value when the column repeats values (``distinct.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..findings import FindingSet
from . import codes, distinct
from .format import Condition
from .loader import Adapter, CompiledItem, CompiledMapping, CompiledTarget, SourceSpec
from .transforms.base import Context, as_str, blank_array, const_array
from .transforms.text import trim_column

RESERVED = ("_record", "_source", "_type", "_offset")


@dataclass
class LookupTable:
    """A lookup (side) file in memory: its key column and the other columns, as Arrow arrays."""

    source: str
    keys: pa.Array
    columns: dict[str, pa.Array]

    @classmethod
    def from_batches(cls, source: SourceSpec, batches: Iterable[pa.RecordBatch]) -> LookupTable:
        tbl = pa.Table.from_batches(list(batches)) if batches else None
        assert source.key is not None
        if tbl is None or tbl.num_rows == 0:
            return cls(source.id, pa.array([], pa.string()), {})
        cols = {n: as_str(tbl.column(n)) for n in tbl.column_names if n not in RESERVED}
        if source.trim:
            cols = {n: pc.utf8_trim(c, characters=" \u3000") for n, c in cols.items()}
        return cls(source.id, cols[source.key], cols)


@dataclass
class AdaptResult:
    """Outputs of one raw batch: a standard-layout batch per layout id, and the unrouted rows."""

    outputs: dict[str, pa.RecordBatch] = field(default_factory=dict)
    routed: np.ndarray | None = None  # bool per input row: fed at least one target

    @property
    def unrouted(self) -> np.ndarray:
        assert self.routed is not None
        return np.flatnonzero(~self.routed)


def _mask(b: pa.Array | np.ndarray) -> np.ndarray:
    if isinstance(b, np.ndarray):
        return b.astype(bool)
    return np.asarray(pc.fill_null(b, False).to_numpy(zero_copy_only=False), dtype=bool)


def evaluate(cond: Condition, cols: _Columns) -> np.ndarray:
    """Rows where ``cond`` holds."""
    if cond.all is not None:
        out = np.ones(cols.n, bool)
        for c in cond.all:
            out &= evaluate(c, cols)
        return out
    if cond.any is not None:
        out = np.zeros(cols.n, bool)
        for c in cond.any:
            out |= evaluate(c, cols)
        return out
    assert cond.field is not None
    v = cols.get(cond.field)
    if cond.eq is not None:
        return _mask(pc.equal(v, cond.eq))
    if cond.ne is not None:
        return _mask(pc.not_equal(v, cond.ne))
    if cond.in_ is not None:
        return _mask(pc.is_in(v, value_set=pa.array(cond.in_, pa.string())))
    if cond.not_in is not None:
        return ~_mask(pc.is_in(v, value_set=pa.array(cond.not_in, pa.string())))
    return _mask(pc.equal(v, "")) == bool(cond.blank)


class _Columns:
    """Source fields of (a row subset of) a batch, with lookup fields joined on demand."""

    def __init__(self, batch: pa.RecordBatch, target: CompiledTarget, engine: AdaptEngine, ctx_file: str,
                 findings: FindingSet, trim: bool = False) -> None:  # fmt: skip
        self.batch, self.target, self.engine = batch, target, engine
        self.n = batch.num_rows
        self.file, self.findings = ctx_file, findings
        self.trim = trim  # the source's ``trim: true``, done here on the fields a target reads
        self._cache: dict[str, pa.Array] = {}
        self._joined: dict[str, pa.Array] = {}

    def get(self, name: str) -> pa.Array:
        if name in self._cache:
            return self._cache[name]
        if name.startswith("header."):
            v = self.engine.header_values.get(name.removeprefix("header."), "")
            col = const_array(
                v.strip(" \u3000") if self.engine.adapter.sources[self.target.source].trim else v, self.n
            )
        elif "." in name:
            lk, f = name.split(".", 1)
            idx = self._join(lk)
            col = self.engine.lookups[lk].columns[f].take(idx).fill_null("")
        else:
            col = as_str(self.batch.column(name))
            if self.trim and name not in RESERVED:
                col = self.engine.trim_source(col)
        self._cache[name] = col
        return col

    def _join(self, lk: str) -> pa.Array:
        if lk not in self._joined:
            table = self.engine.lookups.get(lk)
            if table is None:
                raise KeyError(f"lookup source {lk!r} was not loaded")
            keys = self.get(self.target.lookups[lk])
            idx = pc.index_in(keys, value_set=table.keys)
            missing = _mask(pc.is_null(idx)) & _mask(pc.not_equal(keys, ""))
            if missing.any():
                recs = self.batch.column("_record").to_numpy()[missing]
                self.findings.add(codes.LOOKUP_MISSING.code, file=self.file, item=f"lookup:{lk}", records=recs,
                                  values=np.asarray(keys.to_pylist(), dtype=object)[missing].tolist())  # fmt: skip
            self._joined[lk] = idx
        return self._joined[lk]

    def subset(self, rows: np.ndarray) -> _Columns:
        return _Columns(self.batch.take(pa.array(rows)), self.target, self.engine, self.file, self.findings,
                        self.trim)  # fmt: skip


class AdaptEngine:
    """Runs an :class:`Adapter` over raw batches. Lookup tables must be loaded first."""

    def __init__(self, adapter: Adapter, lookups: dict[str, LookupTable] | None = None) -> None:
        self.adapter = adapter
        self.lookups = lookups or {}
        self.header_values: dict[str, str] = {}  # the current file's header record (``header.FIELD``)
        self._by_source: dict[tuple[str, str | None], list[CompiledTarget]] = {}
        for t in adapter.targets:
            self._by_source.setdefault((t.source, t.record_type), []).append(t)

    def targets_for(self, source: str, record_type: str | None) -> list[CompiledTarget]:
        return self._by_source.get((source, record_type), [])

    def prepare(self, source: SourceSpec, batch: pa.RecordBatch) -> pa.RecordBatch:
        """Source-level cleaning of a whole batch (``trim: true``). :meth:`adapt` does the same on
        the fields its targets read, when they read them (a field no target reads — a vendor's
        メモ or 更新日時 — is not trimmed for nothing)."""
        if not source.trim:
            return batch
        arrays = [
            trim_column(c) if n not in RESERVED and pa.types.is_string(c.type) else c
            for n, c in zip(batch.schema.names, batch.columns, strict=True)
        ]
        return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)

    def trim_source(self, col: pa.Array) -> pa.Array:
        """One source field trimmed (``trim: true``): " " and U+3000 at both ends."""
        return trim_column(col)

    def adapt(
        self, source_id: str, batch: pa.RecordBatch, findings: FindingSet, *, record_type: str | None = None,
        file: str | None = None,
    ) -> AdaptResult:  # fmt: skip
        """Standard-layout batches from one raw batch of one record type."""
        src = self.adapter.sources[source_id]
        rts = src.data_record_types()
        if rts == [None]:  # CSV: one kind of record whatever the reader calls it
            record_type = None
        elif record_type is None and len(rts) == 1:
            record_type = rts[0]
        fname = file or (str(batch.column("_source")[0]) if batch.num_rows and "_source" in batch.schema.names
                         else source_id)  # fmt: skip
        result = AdaptResult(routed=np.zeros(batch.num_rows, bool))
        for t in self.targets_for(source_id, record_type):
            cols = _Columns(batch, t, self, fname, findings, src.trim)
            if t.where is not None:
                rows = np.flatnonzero(evaluate(t.where, cols))
                assert result.routed is not None
                result.routed[rows] = True
                cols = cols.subset(rows) if rows.size != batch.num_rows else cols
            else:
                assert result.routed is not None
                result.routed[:] = True
            result.outputs[t.layout.id] = self.apply_target(t, cols, findings, fname)
        return result

    def apply_target(
        self, t: CompiledTarget, cols: _Columns, findings: FindingSet, file: str
    ) -> pa.RecordBatch:
        n = cols.n
        records = cols.batch.column("_record")
        values: dict[str, pa.Array] = {}
        sens = {it.id: it.sensitivity for it in t.layout.items}
        for ci in t.items:
            ctx = Context(file, t.layout.id, ci.item, records, findings, sens.get(ci.item))
            values[ci.item] = self._item(ci, cols, ctx)
            for side_item, arr in ctx.side.items():
                values[side_item] = arr
        blank = None
        arrays = []
        for item_id in t.layout.item_ids:
            a = values.get(item_id)
            if a is None:
                blank = blank if blank is not None else blank_array(n)
                a = blank
            arrays.append(a)
        src_col = (
            cols.batch.column("_source") if "_source" in cols.batch.schema.names else const_array(file, n)
        )
        return pa.RecordBatch.from_arrays(
            [*arrays, records, as_str(src_col)], names=[*t.layout.item_ids, "_record", "_source"]
        )

    def _item(self, ci: CompiledItem, cols: _Columns, ctx: Context) -> pa.Array:
        if len(ci.branches) == 1 and ci.branches[0].when is None:
            return _run(ci.branches[0], cols, ctx)
        n = cols.n
        remaining = np.ones(n, bool)
        pieces: list[tuple[np.ndarray, pa.Array]] = []
        sides: dict[str, list[tuple[np.ndarray, pa.Array]]] = {}
        for br in ci.branches:
            sel = remaining & (evaluate(br.when, cols) if br.when is not None else True)
            rows = np.flatnonzero(sel)
            if rows.size == 0:
                continue
            remaining &= ~sel
            sub = cols.subset(rows) if rows.size != n else cols
            sctx = Context(
                ctx.file, ctx.layout, ctx.item, sub.batch.column("_record"), ctx.findings, ctx.sensitivity
            )
            pieces.append((rows, _run(br, sub, sctx)))
            for k, v in sctx.side.items():
                sides.setdefault(k, []).append((rows, v))
        rest = np.flatnonzero(remaining)
        if rest.size:
            pieces.append((rest, const_array(ci.otherwise, rest.size)))
        for k, parts in sides.items():
            ctx.set_side(k, _scatter(parts, n))
        return _scatter(pieces, n)


def _scatter(pieces: list[tuple[np.ndarray, pa.Array]], n: int) -> pa.Array:
    """One array of length n from (row indices, values) pieces; rows in no piece are blank."""
    covered = sum(int(r.size) for r, _ in pieces)
    if covered < n:
        mask = np.ones(n, bool)
        for r, _ in pieces:
            mask[r] = False
        rest = np.flatnonzero(mask)
        pieces = [*pieces, (rest, const_array("", rest.size))]
    if len(pieces) == 1:
        return pieces[0][1]
    rows = np.concatenate([r for r, _ in pieces])
    vals = pa.concat_arrays([as_str(v) for _, v in pieces])
    return vals.take(pa.array(np.argsort(rows, kind="stable")))


def _run(m: CompiledMapping, cols: _Columns, ctx: Context) -> pa.Array:
    if m.const is not None:
        return const_array(m.const, cols.n)
    inputs = [cols.get(f) for f in m.inputs]
    if not m.steps:
        return inputs[0]
    if len(inputs) == 1 and distinct.worth_it(m.steps):
        out = distinct.run_distinct(inputs[0], ctx, lambda col, c: _chain(m, [col], c))
        if out is not None:
            return out
    return _chain(m, inputs, ctx)


def _chain(m: CompiledMapping, inputs: list[pa.Array], ctx: Context) -> pa.Array:
    out = m.steps[0].apply(inputs, ctx)
    for st in m.steps[1:]:
        out = st.apply([out], ctx)
    return as_str(out)
