"""``row.rule``: the layout's row rules, compiled to one Arrow projection per batch.

Each rule's ``when``/``check`` is parsed by :mod:`chukan_layout.spec.expr` (no ``eval``)
and compiled to a ``pyarrow.compute.Expression`` that is never null (null ``when`` → not
applicable, null ``check`` → pass). All rules of a layout are evaluated together by one
Acero *project* node over the batch's string columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.acero as ac
import pyarrow.compute as pc

from ..findings import Severity, register_code
from ..spec import expr
from ..spec.model import Layout, RowRule
from .base import STAGE, Check
from .context import BatchContext
from .utf8 import to_bool

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


def fires_expression(when: expr.Node | None, check: expr.Node) -> pc.Expression:
    """Never-null boolean expression: ``when`` true (or absent) and ``check`` false.

    (Built here with ``and_kleene`` over coalesced operands: ``pc.and_`` on Expressions names
    a function Acero does not know in pyarrow 26.)
    """
    false = pa.scalar(False)
    fails = pc.coalesce(pc.equal(expr.to_arrow(check), false), false)
    if when is None:
        return fails
    return pc.and_kleene(pc.coalesce(expr.to_arrow(when), false), fails)


class RuleSet:
    """All row rules of one layout; :meth:`masks` evaluates them on a batch in one pass."""

    def __init__(self, layout: Layout) -> None:
        items = layout.item_ids
        self.rules: list[CompiledRule] = []
        for r in layout.rules:
            when = expr.compile_condition(r.when, items) if r.when else None
            check = expr.compile_condition(r.check, items)
            cols = sorted(set(expr.names(check)) | (set(expr.names(when)) if when is not None else set()))
            self.rules.append(CompiledRule(r, fires_expression(when, check), tuple(cols)))
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
            table = pa.table({c: ctx.col(c) for c in cols} if cols else {"_": pa.nulls(ctx.n)})
            decl = ac.Declaration.from_sequence(
                [
                    ac.Declaration("table_source", ac.TableSourceNodeOptions(table)),
                    ac.Declaration(
                        "project",
                        ac.ProjectNodeOptions([r.expression for r in self.rules], [r.rule.id for r in self.rules]),
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
                Check("row.rule", f"rule:{r.id}", fn, severity=Severity(r.severity), detail=r.message, blank_safe=False)
            )
        return out
