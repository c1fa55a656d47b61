"""The unit of validation: a compiled check, and the registry of check builders.

A *builder* turns one layout item into zero or more vectorized checks. Each builder is
registered under its finding code with :func:`item_check`; its docstring is the code's
documentation (one-line summary, then ``Bad:``/``Good:`` examples) and ends up in
``docs/findings.md``. Registries are plain dicts (DESIGN §6).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..findings import Sensitivity, Severity, register_code
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


def item_check(code: str, summary_en: str, summary_ja: str, severity: Severity = Severity.ERROR) -> Callable[[Builder], Builder]:
    """Register ``builder`` for ``code``; its docstring documents the code."""

    def deco(builder: Builder) -> Builder:
        register_code(code, severity, summary_en, summary_ja, stage=STAGE, doc=inspect.cleandoc(builder.__doc__ or ""))
        BUILDERS[code] = builder
        return builder

    return deco


def get_builder(code: str) -> Builder:
    try:
        return BUILDERS[code]
    except KeyError:
        raise KeyError(f"unknown check {code!r}; known: {', '.join(sorted(BUILDERS))}") from None
