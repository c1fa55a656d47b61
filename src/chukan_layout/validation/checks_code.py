"""``item.code``: the value is not in the item's code table (``pc.is_in``)."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from ..spec.model import Item
from .base import Check, CompileEnv, item_check
from .context import BatchContext
from .utf8 import string_array, to_bool


@item_check("item.code", "Value not in the item's code table", "コード表にない値")
def build_code(item: Item, env: CompileEnv) -> list[Check]:
    """The value is not one of the codes of the item's code table (``codes:``).

    Codes compare as text: ``"01"`` and ``"1"`` are different codes.

    Bad: 性別 ``"3"`` (table 1 男 / 2 女); 続柄 ``"1"`` where the table has ``"01"``
    Good: ``"2"``; ``"01"``
    """
    if not item.codes:
        return []
    if item.codes not in env.code_sets:
        raise KeyError(f"item {item.id}: code table {item.codes!r} not loaded")
    values = string_array(sorted(set(env.code_sets[item.codes])))
    name = item.id

    def fn(ctx: BatchContext) -> np.ndarray:
        return ctx.nonblank(name) & ~to_bool(pc.is_in(ctx.col(name), value_set=values))

    return [Check("item.code", name, fn, item.sensitivity, name)]
