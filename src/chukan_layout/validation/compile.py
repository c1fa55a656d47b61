"""Compile a layout into vectorized checks and run them on record batches.

``compile_layout(loaded)`` walks the layout's items in order and asks every registered
check builder (one module per check family) for its checks, then adds the row rules.
:meth:`CompiledLayout.check` runs them all on a batch, adds counts and capped, masked
samples to a :class:`~chukan_layout.findings.FindingSet`, and returns the rows that carry
at least one error-severity finding (the rows to reject).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from ..findings import FindingSet, Severity
from ..spec.model import CodeTable, Layout
from ..spec.sequences import visible
from . import (  # noqa: F401  (importing registers the check builders and their codes)
    checks_charset,
    checks_checkdigit,
    checks_code,
    checks_date,
    checks_length,
    checks_pattern,
    checks_required,
    checks_type,
)
from .base import BUILDERS, Check, CompileEnv, report
from .context import BatchContext
from .rules import RuleSet
from .utf8 import int64_arrow

#: Order in which an item's checks run (and are listed in verdicts).
ITEM_CHECK_ORDER = (
    "item.required",
    "item.length",
    "item.charset",
    "item.type",
    "item.date",
    "item.date_nonexistent",
    "item.era_mismatch",
    "item.code",
    "item.pattern",
    "item.check_digit",
)

Verdicts = dict[str, dict[str, np.ndarray]]  # item or "rule:<id>" → code → bool per row


@dataclass
class CompiledLayout:
    """A layout's checks, ready to run on batches of its standard-layout records."""

    layout: Layout
    checks: list[Check]
    rules: RuleSet
    _runs: Any = field(default=None, init=False, repr=False, compare=False)

    def runs(self) -> list[tuple[str | None, tuple[Check, ...], tuple[Check, ...]]]:
        """The checks in order as runs of one value column: (column, every check, the checks
        that can fire on a blank value). A batch whose column is blank skips the run's others in
        one test (most items are blank in most files) instead of one test per check."""
        key = (id(self.checks), len(self.checks))  # rebuilt if the list was replaced or grew
        got = self._runs
        if got is None or got[0] != key:
            runs: list[tuple[str | None, list[Check]]] = []
            for c in self.checks:
                if runs and runs[-1][0] == c.value_column:
                    runs[-1][1].append(c)
                else:
                    runs.append((c.value_column, [c]))
            got = (key, [(col, tuple(cs), tuple(c for c in cs if not c.blank_safe)) for col, cs in runs])
            self._runs = got
        return got[1]

    @property
    def id(self) -> str:
        return self.layout.id

    def masks(self, batch: pa.RecordBatch | pa.Table) -> list[tuple[Check, np.ndarray]]:
        """Every check with its firing mask over ``batch`` (one shared column cache)."""
        ctx = BatchContext(batch)
        return [(c, self._run(c, ctx)) for c in self.checks]

    @staticmethod
    def _run(c: Check, ctx: BatchContext) -> np.ndarray:
        if c.blank_safe and c.value_column is not None and ctx.all_blank(c.value_column):
            return np.zeros(ctx.n, dtype=bool)  # most layout items are blank in most files: skip them
        return c.fn(ctx)

    def check(
        self,
        batch: pa.RecordBatch | pa.Table,
        findings: FindingSet,
        *,
        file: str,
        raw_values: bool = False,
        errors: list[tuple[Check, np.ndarray]] | None = None,
        ctx: BatchContext | None = None,
    ) -> np.ndarray:
        """Validate ``batch``; add findings; return the mask of rows with an error-severity finding.

        ``errors``, when given, receives ``(check, mask)`` of every error-severity check that
        fired (the reasons of rejected rows, without running the checks again). ``ctx``: the
        batch's :class:`BatchContext` when the caller shares its cached views (key codes).
        """
        ctx = BatchContext(batch) if ctx is None else ctx
        records: np.ndarray | None = None
        bad = np.zeros(ctx.n, dtype=bool)
        disabled = findings.disabled  # row rules turned off (adapter rules:, --severity rule:X=off)
        for col, every, on_blank in self.runs():
            for c in on_blank if col is not None and ctx.all_blank(col) else every:
                if disabled and c.item in disabled:
                    continue
                mask = c.fn(ctx)
                if not np.count_nonzero(mask):  # the usual case: no bad row (cheaper than listing none)
                    continue
                if records is None:
                    records = ctx.records()
                self._report(c, mask, ctx, records, findings, file, raw_values, bad, errors)
        return bad

    @staticmethod
    def _report(
        c: Check,
        mask: np.ndarray,
        ctx: BatchContext,
        records: np.ndarray,
        findings: FindingSet,
        file: str,
        raw_values: bool,
        bad: np.ndarray,
        errors: list[tuple[Check, np.ndarray]] | None,
    ) -> None:
        """Count and sample the rows where ``c`` fired; mark them in ``bad`` if error-severity."""
        idx = np.flatnonzero(mask)
        over = findings.severity_overrides
        sev = over.get(c.item) or over.get(c.code) or c.severity or findings.severity(c.code)
        if sev is Severity.ERROR:
            bad |= mask
            if errors is not None:
                errors.append((c, mask))
        col = c.value_column
        report(
            findings,
            c.code,
            file=file,
            item=c.item,
            records=records[idx],
            values=None if col is None else _sample_values(ctx, col, idx),
            details=_sample_details(ctx, c, idx),
            sensitivity=c.sensitivity,
            raw=raw_values,
            severity=c.severity,  # a row rule's own severity is reported as such
        )

    def item_verdicts(self, batch: pa.RecordBatch | pa.Table) -> Verdicts:
        """item (or ``rule:<id>``) → code → bool per row, for every check that can fire."""
        out: Verdicts = {}
        for c, mask in self.masks(batch):
            out.setdefault(c.item, {})[c.code] = mask
        return out

    def record_verdicts(self, batch: pa.RecordBatch | pa.Table) -> list[dict[str, set[str]]]:
        """Per row: item → set of codes that fired (items without findings omitted).

        The same shape as the Pydantic model's ``verdict`` (differential tests compare them).
        """
        rows: list[dict[str, set[str]]] = [{} for _ in range(batch.num_rows)]
        for c, mask in self.masks(batch):
            for i in np.flatnonzero(mask):
                rows[i].setdefault(c.item, set()).add(c.code)
        return rows


def _sample_values(ctx: BatchContext, col: str, idx: np.ndarray) -> Callable[[np.ndarray], list[str | None]]:
    """Values of the kept samples only (``k`` indexes into ``idx``)."""

    def values(k: np.ndarray) -> list[str | None]:
        return [
            None if v is None else visible(str(v)) for v in ctx.col(col).take(int64_arrow(idx[k])).to_pylist()
        ]

    return values


def _raw_values(ctx: BatchContext, col: str, idx: np.ndarray) -> Callable[[np.ndarray], list[str | None]]:
    def values(k: np.ndarray) -> list[str | None]:
        return [None if v is None else str(v) for v in ctx.col(col).take(int64_arrow(idx[k])).to_pylist()]

    return values


def _sample_details(ctx: BatchContext, c: Check, idx: np.ndarray) -> Any:
    """The check's fixed detail, or its ``detail_of`` applied to the kept samples' raw values."""
    if c.detail_of is None or c.value_column is None:
        return c.detail
    fn, values = c.detail_of, _raw_values(ctx, c.value_column, idx)

    def details(k: np.ndarray) -> list[str | None]:
        return [fn(v) for v in values(k)]

    return details


def compile_layout(loaded: Any, codes: Mapping[str, CodeTable] | None = None) -> CompiledLayout:
    """Compile a layout into vectorized checks.

    ``loaded`` is a :class:`~chukan_layout.spec.registry.LoadedLayout` (``.spec`` and
    ``.codes``) or a bare :class:`~chukan_layout.spec.model.Layout` with ``codes`` given.
    """
    if isinstance(loaded, Layout):
        layout, tables = loaded, dict(codes or {})
    else:
        layout = loaded.spec
        tables = dict(getattr(loaded, "codes", None) or {})
        tables.update(codes or {})
    env = CompileEnv(layout, tables)
    checks: list[Check] = []
    for item in layout.items:
        for code in ITEM_CHECK_ORDER:
            checks.extend(BUILDERS[code](item, env))
    extra = [code for code in BUILDERS if code not in ITEM_CHECK_ORDER]
    for item in layout.items:  # checks registered by plug-ins, after the built-in ones
        for code in extra:
            checks.extend(BUILDERS[code](item, env))
    rules = RuleSet(layout)
    checks.extend(rules.checks())
    return CompiledLayout(layout, checks, rules)
