"""``row.rule``: the layout's row rules, evaluated on each batch.

Each rule's ``when``/``check`` is parsed and type-checked by :mod:`chukan_layout.spec.expr` (no
``eval``) and also compiled to a never-null ``pyarrow.compute.Expression``
(:func:`~chukan_layout.spec.expr.rule_fails_arrow`, the one Arrow compiler of expressions: the
reference the tests hold the evaluator to). On batches the trees are walked by
:class:`~.rule_eval.RuleEvaluator` with the same Arrow kernels and the batch's cached views —
≈ 6× cheaper than one Acero projection of all rules (measured: 2.06 → 0.3 ms per 住民 batch).

``to_int(item)`` is computed once per batch and item in numpy (:func:`to_int_column`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..findings import Severity, register_code
from ..spec import expr
from ..spec.model import Layout, RowRule
from .base import STAGE, Check
from .context import BatchContext
from .rule_eval import RuleEvaluator
from .utf8 import int64_arrow, per_row_sum, to_int64

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
    expression: pa.compute.Expression  # true where the rule fires (the Arrow reference)
    columns: tuple[str, ...]
    when: expr.Node | None
    check: expr.Node


def to_int_column(ctx: BatchContext, item: str) -> pa.Array:
    """``to_int`` of a column: int64, null unless the value fully matches ``-?[0-9]{1,18}``."""
    offsets, data = ctx.buffers(item)
    ln = np.diff(offsets)
    out = np.zeros(ctx.n, dtype=np.int64)
    if data.size == 0:
        return pa.nulls(ctx.n, pa.int64())
    got = _fixed_digits(ctx, item, offsets, data, ln)
    if got is not None:
        return got
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


def _fixed_digits(
    ctx: BatchContext, item: str, offsets: np.ndarray, data: np.ndarray, ln: np.ndarray
) -> pa.Array | None:
    """``to_int`` of a column of digits only whose values are blank or of one width ≤ 18 (counts,
    flags: the usual case), read off the byte matrix without Arrow's cast; None otherwise."""
    lo, hi = ctx.byte_range(item)
    if lo < 0x30 or hi > 0x39:
        return None
    nonblank = ln != 0
    m = int(np.count_nonzero(nonblank))
    w = int(ln.max()) if ln.size else 0
    if m == 0 or w > 18 or m * w != int(offsets[-1] - offsets[0]):
        return None
    start = int(offsets[0])
    mat = data[start : start + m * w].reshape(m, w)
    vals = mat[:, 0].astype(np.int64) - 48
    for k in range(1, w):
        vals = vals * 10 + (mat[:, k] - 48)
    if m == ctx.n:
        return int64_arrow(vals)
    out = np.zeros(ctx.n, dtype=np.int64)
    out[nonblank] = vals
    return int64_arrow(out, nonblank)


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
            fails = expr.rule_fails_arrow(when, check, self.ints)
            self.rules.append(CompiledRule(r, fails, tuple(cols), when, check))
        self._mask_cache_key = ("rules", layout.id, str(id(self)))

    def __len__(self) -> int:
        return len(self.rules)

    def masks(self, ctx: BatchContext) -> list[np.ndarray]:
        """One bool mask per rule (True = the rule fires on that row)."""
        if not self.rules:
            return []
        got = ctx.memo(self._mask_cache_key)
        if got is None:
            ints: dict[str, pa.Array] = {}

            def to_int(item: str) -> pa.Array:
                a = ints.get(item)
                if a is None:
                    a = ints[item] = to_int_column(ctx, item)
                return a

            ev = RuleEvaluator(ctx, to_int)
            got = [ev.fails(r.when, r.check) for r in self.rules]
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
