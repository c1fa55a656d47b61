"""One validation run over the files of several layouts: the one run object of the validator.

    run = ValidationRun(["juki.jumin", "juki.setai"])
    for layout_id, file, batch in batches:           # any order, any batch size
        reject = run.check(layout_id, batch, file=file)   # item checks and row rules: per batch
    findings = run.finish(reread=reader_for)          # unique keys and references: at the end

Item checks and row rules decide per batch (the returned mask: rows with an error-severity
finding, to route to the rejects file). Duplicate keys and orphans can only be known at the
end of the run; they are reported (with record numbers) but do not move already written
records.

The pipeline drives the same object across processes: each worker holds a run without
indexes (``index=False``), checks its batches there and ships only the key / reference codes
(:meth:`ValidationRun.codes`, 24 bytes per record) to the parent's run, which folds them in
partition order (:meth:`ValidationRun.add_codes`) and finishes once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from ..findings import FindingSet
from ..spec.model import Layout
from .compile import CompiledLayout, compile_layout
from .context import BatchContext
from .hashing import CODE, key_codes
from .keys import KeyIndex, Reread
from .refs import ReferenceIndex
from .store import share_budget

# (kind, key) → (codes, record numbers); kind: key (a layout id) | target | edge | blank
Codes = dict[tuple[str, Any], tuple[np.ndarray, np.ndarray]]

ADD_ROWS = 1 << 16  # codes fed to the stores per slice (bounded sort temporaries)


def _complete(codes: np.ndarray, recs: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The codes and record numbers of the complete keys (no copy when every key is complete)."""
    return (codes, recs) if ok.all() else (codes[ok], recs[ok])


def _registered(layout_id: str) -> Any:  # the registry caches loaded layouts itself
    from ..errors import UnknownLayoutError
    from ..spec.registry import load_layout

    try:
        return load_layout(layout_id)
    except UnknownLayoutError:
        return None


def loaded_for(layout: Layout) -> Any:
    """The registry's LoadedLayout (with code tables) when ``layout`` is the registered one, else the Layout."""
    reg = _registered(layout.id)
    return reg if reg is not None and (reg.spec is layout or reg.spec == layout) else layout


def compile_for(layout: Layout) -> CompiledLayout:
    """Compile a target layout with its code tables (registered layouts) or as given (custom ones)."""
    return compile_layout(loaded_for(layout))


def _spec(x: Any) -> tuple[Layout, CompiledLayout | None, Any]:
    """(Layout, CompiledLayout if given, what to compile) of a layout id / LoadedLayout / Layout / CompiledLayout."""
    if isinstance(x, CompiledLayout):
        return x.layout, x, None
    if isinstance(x, str):
        from ..spec.registry import load_layout

        x = load_layout(x)
    if isinstance(x, Layout):
        return x, None, loaded_for(x)
    return x.spec, None, x  # LoadedLayout


class ValidationRun:
    """Compiled layouts, key indexes and the reference index of one run, feeding one FindingSet.

    ``layouts``: layout ids, LoadedLayouts, Layouts or CompiledLayouts (compiled on first use).
    ``index=False``: no key / reference stores (a worker's run: it only computes codes).
    """

    def __init__(
        self,
        layouts: Sequence[Any],
        findings: FindingSet | None = None,
        *,
        raw_values: bool = False,
        spill_dir: str | None = None,
        compiled: Mapping[str, CompiledLayout] | None = None,
        index: bool = True,
    ) -> None:
        self.findings = findings if findings is not None else FindingSet()
        self.raw_values = raw_values
        self.layouts: dict[str, Layout] = {}
        self._compiled: dict[str, CompiledLayout] = dict(compiled or {})
        self._source: dict[str, Any] = {}
        for x in layouts:
            spec, comp, src = _spec(x)
            self.layouts.setdefault(spec.id, spec)
            if comp is not None:
                self._compiled.setdefault(spec.id, comp)
            else:
                self._source.setdefault(spec.id, src)
        specs = list(self.layouts.values())
        self.keys: dict[str, KeyIndex] = {s.id: KeyIndex.for_layout(s) for s in specs} if index else {}
        for k in self.keys.values():
            k.store.spill_dir = spill_dir
        self.refs = ReferenceIndex(specs, spill_dir=spill_dir)
        if index:
            share_budget([k.store for k in self.keys.values()] + self.refs.stores())
        self.records: dict[str, int] = {}
        self._last: tuple[pa.RecordBatch | pa.Table, BatchContext] | None = None  # see check()

    def compiled(self, layout_id: str) -> CompiledLayout:
        """The compiled checks of a layout (compiled on first use)."""
        c = self._compiled.get(layout_id)
        if c is None:
            c = self._compiled[layout_id] = compile_layout(self._source[layout_id])
        return c

    def check(
        self, layout_id: str, batch: pa.RecordBatch | pa.Table, *, file: str,
        errors: list[tuple[Any, np.ndarray]] | None = None, findings: FindingSet | None = None,
    ) -> np.ndarray:  # fmt: skip
        """Item checks and row rules on ``batch`` (findings added); keys and references recorded.

        Returns the rows to reject (an error-severity finding per this run's severities);
        ``errors`` collects ``(check, rows)`` of each failing error-severity check; ``findings``
        (a worker's partition) receives the findings instead of the run's own set."""
        fs = self.findings if findings is None else findings
        ctx = BatchContext(batch)
        comp = self.compiled(layout_id)
        bad = comp.check(batch, fs, file=file, raw_values=self.raw_values, errors=errors, ctx=ctx)
        # the key codes of this batch come next (here or from the caller): they reuse its cached
        # views (non-blank rows, digit tests); kept until then only (one batch's, not the run's)
        self._last = (batch, ctx)
        if self.keys:
            self.observe(layout_id, batch, file=file)
        return bad

    def observe(self, layout_id: str, batch: pa.RecordBatch | pa.Table, *, file: str) -> None:
        """Record keys and references of a batch without running item checks (already checked elsewhere)."""
        self.add_codes(self.codes(layout_id, batch), file)
        self.records[file] = self.records.get(file, 0) + batch.num_rows

    def codes(self, layout_id: str, batch: pa.RecordBatch | pa.Table) -> Codes:
        """Key and reference codes of a batch (complete keys only), as :meth:`add_codes` takes them."""
        last, self._last = self._last, None
        ctx = last[1] if last is not None and last[0] is batch else BatchContext(batch)
        recs = ctx.records()
        out: Codes = {}
        codes, ok = key_codes(ctx, self.layouts[layout_id].record_key)
        out[("key", layout_id)] = _complete(codes, recs, ok)
        for tkey in self.refs.targets:
            if tkey[0] == layout_id:
                codes, ok = key_codes(ctx, tkey[1])
                out[("target", tkey)] = _complete(codes, recs, ok)
        for i, e in enumerate(self.refs.edges):
            if e.source != layout_id:
                continue
            codes, ok = key_codes(ctx, e.relation.items)
            out[("edge", i)] = _complete(codes, recs, ok)
            if not e.relation.optional and not ok.all():
                out[("blank", i)] = (np.zeros(int((~ok).sum()), CODE), recs[~ok])
        return out

    def add_codes(self, codes: Mapping[tuple[str, Any], tuple[np.ndarray, np.ndarray]], file: str) -> None:
        """Fold codes computed by :meth:`codes` (here or in a worker's run), in run order.

        Fed to the stores in slices of ``ADD_ROWS``: a whole-file partition would otherwise make
        each store's sort temporaries as big as the file's codes."""
        for (kind, key), (cc, rr) in codes.items():
            for lo in range(0, len(cc), ADD_ROWS):
                c, r = cc[lo : lo + ADD_ROWS], rr[lo : lo + ADD_ROWS]
                if kind == "key":
                    self.keys[key].add_codes(c, r, file=file)
                elif kind == "target":
                    self.refs.targets[key].append(c, r, file)
                elif kind == "edge":
                    self.refs.edges[key].store.append(c, r, file)
                elif kind == "blank":
                    self.refs.edges[key].blanks.append(c, r, file)

    def key_codes(self, layout_id: str, batch: pa.RecordBatch | pa.Table) -> tuple[np.ndarray, np.ndarray]:
        """(codes, complete mask) of the layout's record key."""
        return key_codes(BatchContext(batch), self.layouts[layout_id].record_key)

    @property
    def needs_reread(self) -> bool:
        """Whether finishing will re-read batches (some key store holds hash codes to confirm)."""
        return any(k.store.size for k in self.keys.values())

    def finish(self, *, reread: Callable[[str], Reread] | None = None) -> FindingSet:
        """Report duplicate keys and orphans; returns the run's findings. Call once.

        ``reread(layout_id)(file)`` yields a file's batches of that layout again (the exact
        re-check of keys whose hash codes collide)."""
        for lid, k in self.keys.items():
            k.finish(
                self.findings, reread=None if reread is None else reread(lid), raw_values=self.raw_values
            )
        self.refs.finish(self.findings, raw_values=self.raw_values)
        return self.findings


def validate_batches(
    batches: Iterable[tuple[str, str, pa.RecordBatch]],
    layouts: Sequence[Any],
    *,
    findings: FindingSet | None = None,
    reread: Callable[[str], Reread] | None = None,
) -> tuple[FindingSet, dict[str, int]]:
    """Validate ``(layout_id, file, batch)`` triples; (findings, rejected records per file)."""
    run = ValidationRun(layouts, findings)
    rejected: dict[str, int] = {}
    for layout_id, file, batch in batches:
        rejected[file] = rejected.get(file, 0) + int(run.check(layout_id, batch, file=file).sum())
    return run.finish(reread=reread), rejected
