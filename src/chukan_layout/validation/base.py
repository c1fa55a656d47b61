"""The unit of validation: a compiled check, and the registry of check builders.

A *builder* turns one layout item into zero or more vectorized checks. Each builder is
registered under its finding code with :func:`item_check`; its docstring is the code's
documentation (one-line summary, then ``Bad:``/``Good:`` examples) and ends up in
``docs/findings.md``. Registries are plain dicts (docs/design.md §6).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..findings import FindingSet, Sensitivity, Severity, register_code
from .context import BatchContext

if TYPE_CHECKING:
    from ..spec.model import CodeTable, Item, Layout

STAGE = "validate"

MaskFn = Callable[[BatchContext], np.ndarray]


@dataclass(frozen=True)
class Check:
    """One vectorized check: ``fn(ctx)`` is True on the rows where ``code`` fires for ``item``."""

    code: str
    item: str  # item id, or "rule:<id>" for row rules
    fn: MaskFn
    sensitivity: Sensitivity = Sensitivity.NONE
    value_column: str | None = None  # column whose value goes into samples
    severity: Severity | None = None  # per-check default (row rules carry their own)
    detail: str | None = None  # fixed detail text for samples (row-rule message)
    blank_safe: bool = True  # cannot fire on a blank value: skipped when the whole column is blank
    # detail computed from the raw value of each kept sample (never for every bad row)
    detail_of: Callable[[str | None], str | None] | None = None


@dataclass
class CompileEnv:
    """What a builder may need beyond the item: the layout, its code tables, helpers."""

    layout: Layout
    code_tables: dict[str, CodeTable] = field(default_factory=dict)  # code table id → table

    @property
    def code_sets(self) -> dict[str, list[str]]:
        return {k: t.codes for k, t in self.code_tables.items()}


Builder = Callable[["Item", CompileEnv], list[Check]]

BUILDERS: dict[str, Builder] = {}


def item_check(
    code: str, summary_en: str, summary_ja: str, severity: Severity = Severity.ERROR
) -> Callable[[Builder], Builder]:
    """Register ``builder`` for ``code``; its docstring documents the code."""

    def deco(builder: Builder) -> Builder:
        register_code(
            code, severity, summary_en, summary_ja, stage=STAGE, doc=inspect.cleandoc(builder.__doc__ or "")
        )
        BUILDERS[code] = builder
        return builder

    return deco


def get_builder(code: str) -> Builder:
    try:
        return BUILDERS[code]
    except KeyError:
        raise KeyError(f"unknown check {code!r}; known: {', '.join(sorted(BUILDERS))}") from None


def report(
    findings: FindingSet,
    code: str,
    *,
    file: str,
    item: str,
    records: np.ndarray,
    values: Callable[[np.ndarray], list[str | None]] | None = None,
    details: Callable[[np.ndarray], list[str | None]] | str | None = None,
    sensitivity: Sensitivity = Sensitivity.NONE,
    raw: bool = False,
    severity: Severity | None = None,
) -> None:
    """Count ``records.size`` occurrences; build sample values/details only for the kept samples.

    ``values``/``details`` are called with the indices (into ``records``) of the samples kept:
    the lowest record numbers, at most ``findings.max_samples`` — never one Python object per
    bad row.
    """
    n = int(records.size)
    if n == 0:
        return
    if not findings.wants_sample(code, file, item, int(records.min())):  # samples full: count only
        findings.add(code, file=file, item=item, records=records[:0], count=n, severity=severity)
        return
    idx = np.arange(n)
    k = n if findings.max_samples is None else min(findings.max_samples, n)
    if k < n:
        idx = np.argpartition(records, k - 1)[:k]
    det = (
        [details] * idx.size if isinstance(details, str) else (details(idx) if details is not None else None)
    )
    findings.add(
        code,
        file=file,
        item=item,
        records=records[idx],
        values=values(idx) if values is not None else None,
        details=det,
        count=n,
        sensitivity=sensitivity,
        raw=raw,
        severity=severity,
    )
