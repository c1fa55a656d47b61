"""``row.rule``: the layout's row rules, compiled to one Arrow projection per batch.

Each rule's ``when``/``check`` is parsed and compiled to a never-null
``pyarrow.compute.Expression`` by :mod:`chukan_layout.spec.expr` (no ``eval``; the one Arrow
compiler of expressions, :func:`~chukan_layout.spec.expr.rule_fails_arrow`). All rules of a
layout are evaluated together by one Acero *project* node over the batch's string columns.

``to_int(item)`` is computed once per batch and item in numpy (:func:`to_int_column`) and
enters the projection as an int64 column (``expr.int_column(item)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..findings import Severity, register_code
from ..spec import expr
from ..spec.model import Layout, RowRule
from .base import STAGE, Check
from .context import BatchContext
from .utf8 import int64_arrow, per_row_sum, to_bool, to_int64

ROW_RULE_DOC = """\
A row rule of the layout fails: its ``when`` holds (or is absent) and its ``check`` does not.

The finding's item is ``rule:<rule id>``; the sample detail is the rule's message.
A null ``when`` (e.g. ``to_int`` of a blank) means the rule does not apply; a null
``check`` passes. Rules with ``severity: warning``/``info`` count as such for rejection.

Bad: rule ``foreigner_needs_nationality`` (``when: jumin_shubetsu == "2"``,
``check: is_set(kokuseki_code)``) on a record with 住民種別 ``"2"`` and 国籍 ``""``
Good: the same record with 国籍 ``"CN"``
"""

register_code("row.rule", Severity.ERROR, "A row rule fails", "行ルール違反", stage=STAGE, doc=ROW_RULE_DOC)


@dataclass(frozen=True)
class CompiledRule:
    rule: RowRule
    expression: pa.compute.Expression  # true where the rule fires
    columns: tuple[str, ...]


def to_int_column(ctx: BatchContext, item: str) -> pa.Array:
    """``to_int`` of a column: int64, null unless the value fully matches ``-?[0-9]{1,18}``."""
    offsets, data = ctx.buffers(item)
    ln = np.diff(offsets)
    out = np.zeros(ctx.n, dtype=np.int64)
    if data.size == 0:
        return pa.nulls(ctx.n, pa.int64())
    seg = data[int(offsets[0]) : int(offsets[-1])]
    digits = per_row_sum((seg >= 0x30) & (seg <= 0x39), offsets)
    first = data[np.minimum(offsets[:-1], data.size - 1)]
    body = ln - ((first == 0x2D) & (ln > 0))
    ok = (body >= 1) & (body <= 18) & (digits == body)
    idx = np.flatnonzero(ok)
    if idx.size:
        col = ctx.col(item)
        part = col if idx.size == ctx.n else col.take(int64_arrow(idx))
        out[idx] = to_int64(pc.cast(part, pa.int64()))
    return int64_arrow(out, ok)


class RuleSet:
    """All row rules of one layout; :meth:`masks` evaluates them on a batch in one pass."""

    def __init__(self, layout: Layout) -> None:
        items = layout.item_ids
        self.rules: list[CompiledRule] = []
        self.ints: set[str] = set()  # items read through to_int (precomputed per batch)
        for r in layout.rules:
            when = expr.compile_condition(r.when, items) if r.when else None
            check = expr.compile_condition(r.check, items)
            cols = sorted(set(expr.names(check)) | (set(expr.names(when)) if when is not None else set()))
            self.rules.append(CompiledRule(r, expr.rule_fails_arrow(when, check, self.ints), tuple(cols)))
        self._mask_cache_key = ("rules", layout.id, str(id(self)))

    def __len__(self) -> int:
        return len(self.rules)

    def masks(self, ctx: BatchContext) -> list[np.ndarray]:
        """One bool mask per rule (True = the rule fires on that row)."""
        if not self.rules:
            return []
        got = ctx.memo(self._mask_cache_key)
        if got is None:
            cols = sorted({c for r in self.rules for c in r.columns})
            data: dict[str, Any] = {c: ctx.col(c) for c in cols}
            data.update({expr.int_column(c): to_int_column(ctx, c) for c in sorted(self.ints)})
            table = pa.table(data if data else {"_": pa.nulls(ctx.n)})
            try:  # not pyarrow.acero, which imports pyarrow.dataset (≈ 0.1 s of start-up, issue 15)
                import pyarrow._acero as ac
            except ImportError:  # a pyarrow that moved its private module: the public one
                import pyarrow.acero as ac  # type: ignore[no-redef]

            decl = ac.Declaration.from_sequence(
                [
                    ac.Declaration("table_source", ac.TableSourceNodeOptions(table)),
                    ac.Declaration(
                        "project",
                        ac.ProjectNodeOptions(
                            [r.expression for r in self.rules], [r.rule.id for r in self.rules]
                        ),
                    ),
                ]
            )
            out = decl.to_table(use_threads=False)
            got = [to_bool(out.column(i)) for i in range(out.num_columns)]
            ctx.remember(self._mask_cache_key, got)
        return got  # type: ignore[return-value]

    def checks(self) -> list[Check]:
        """The rules as :class:`Check` units (sharing one evaluation per batch)."""
        out: list[Check] = []
        for k, cr in enumerate(self.rules):
            r = cr.rule

            def fn(ctx: BatchContext, k: int = k) -> np.ndarray:
                return self.masks(ctx)[k]

            out.append(
                Check(
                    "row.rule",
                    f"rule:{r.id}",
                    fn,
                    severity=Severity(r.severity),
                    detail=r.message,
                    blank_safe=False,
                )
            )
        return out
