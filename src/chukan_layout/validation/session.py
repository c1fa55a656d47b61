"""One validation run over the files of several layouts: the validator's entry point for the pipeline.

    run = ValidationRun(["juki.jumin", "juki.setai"])
    for layout_id, file, batch in batches:           # any order, any batch size
        reject = run.check(layout_id, batch, file=file)   # item checks and row rules: per batch
    findings = run.finish(reread=reader_for)          # unique keys and references: at the end

Item checks and row rules decide per batch (the returned mask: rows with an error-severity
finding, to route to the rejects file). Duplicate keys and orphans can only be known at the
end of the run; they are reported (with record numbers) but do not move already written
records. Worker processes can compute key codes themselves (:meth:`ValidationRun.key_codes`)
and send only codes and record numbers (24 bytes per record) to the process that owns the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from ..findings import FindingSet
from .compile import CompiledLayout, compile_layout
from .context import BatchContext
from .hashing import key_codes
from .keys import KeyIndex, Reread
from .refs import ReferenceIndex
from .store import share_budget


def _load(layout: Any) -> Any:
    if isinstance(layout, str):
        from ..spec.registry import load_layout

        return load_layout(layout)
    return layout


class ValidationRun:
    """Compiled layouts, key indexes and the reference index of one run, feeding one FindingSet."""

    def __init__(
        self,
        layouts: Sequence[Any],
        findings: FindingSet | None = None,
        *,
        raw_values: bool = False,
        spill_dir: str | None = None,
        compiled: dict[str, CompiledLayout] | None = None,
    ) -> None:
        self.findings = findings if findings is not None else FindingSet()
        self.raw_values = raw_values
        self.compiled: dict[str, CompiledLayout] = dict(compiled or {})
        for x in layouts:  # layout ids, LoadedLayouts or CompiledLayouts
            if isinstance(x, CompiledLayout):
                self.compiled.setdefault(x.id, x)
                continue
            lay = _load(x)
            if lay.id not in self.compiled:
                self.compiled[lay.id] = compile_layout(lay)
        specs = [c.layout for c in self.compiled.values()]
        self.keys: dict[str, KeyIndex] = {s.id: KeyIndex.for_layout(s) for s in specs}
        for k in self.keys.values():
            k.store.spill_dir = spill_dir
        self.refs = ReferenceIndex(specs, spill_dir=spill_dir)
        share_budget([k.store for k in self.keys.values()] + self.refs.stores())
        self.records: dict[str, int] = {}

    def check(self, layout_id: str, batch: pa.RecordBatch | pa.Table, *, file: str) -> np.ndarray:
        """Item checks and row rules on ``batch`` (findings added); keys and references recorded.

        Returns the rows to reject (an error-severity finding per this run's severities)."""
        bad = self.compiled[layout_id].check(batch, self.findings, file=file, raw_values=self.raw_values)
        self.observe(layout_id, batch, file=file)
        return bad

    def observe(self, layout_id: str, batch: pa.RecordBatch | pa.Table, *, file: str) -> None:
        """Record keys and references of a batch without running item checks (already checked elsewhere)."""
        self.keys[layout_id].add(batch, file=file)
        self.refs.add(layout_id, batch, file=file)
        self.records[file] = self.records.get(file, 0) + batch.num_rows

    def key_codes(self, layout_id: str, batch: pa.RecordBatch | pa.Table) -> tuple[np.ndarray, np.ndarray]:
        """(codes, complete mask) of the layout's record key, for shipping from worker processes."""
        return key_codes(BatchContext(batch), self.compiled[layout_id].layout.record_key)

    def finish(self, *, reread: Reread | None = None) -> FindingSet:
        """Report duplicate keys and orphans; returns the run's findings. Call once."""
        for k in self.keys.values():
            k.finish(self.findings, reread=reread, raw_values=self.raw_values)
        self.refs.finish(self.findings, raw_values=self.raw_values)
        return self.findings


def validate_batches(
    batches: Iterable[tuple[str, str, pa.RecordBatch]],
    layouts: Sequence[Any],
    *,
    findings: FindingSet | None = None,
    reread: Callable[[str], Iterable[pa.RecordBatch]] | None = None,
) -> tuple[FindingSet, dict[str, int]]:
    """Validate ``(layout_id, file, batch)`` triples; (findings, rejected records per file)."""
    run = ValidationRun(layouts, findings)
    rejected: dict[str, int] = {}
    for layout_id, file, batch in batches:
        rejected[file] = rejected.get(file, 0) + int(run.check(layout_id, batch, file=file).sum())
    return run.finish(reread=reread), rejected
