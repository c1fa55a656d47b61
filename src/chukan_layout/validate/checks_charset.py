"""``item.charset``: some character of the value is outside the item's character class."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from ..spec import charsets as oracle
from ..spec.model import Charset, Item
from .base import Check, CompileEnv, item_check
from .charset_tables import allowed_table, bad_char_regex, ideograph_table
from .context import BatchContext
from .utf8 import to_bool


def bad_rows_by_table(ctx: BatchContext, name: str, cs: Charset) -> np.ndarray:
    """Rows with a code point outside ``cs``, by lookup table over the decoded column."""
    cp = ctx.code_points(name)
    ok = allowed_table(cs)[cp.cps]
    if cs is Charset.MJ:
        ok = ok | ivs_ok(cp.cps, cp.row_offsets)
    return cp.count_per_row(~ok) > 0


def ivs_ok(cps: np.ndarray, row_offsets: np.ndarray) -> np.ndarray:
    """IVS selectors that directly follow an ideograph in the same value (mj)."""
    lo, hi = oracle.IVS_RANGE
    sel = (cps >= lo) & (cps <= hi)
    if not sel.any():
        return sel
    prev = np.empty_like(cps)
    prev[0:1] = 0
    prev[1:] = cps[:-1]
    first = np.zeros(cps.size, dtype=bool)
    starts = row_offsets[:-1][row_offsets[:-1] < row_offsets[1:]]
    first[starts] = True
    return sel & ~first & ideograph_table()[prev]


@item_check("item.charset", "Character outside the item's character class", "使用できない文字を含む")
def build_charset(item: Item, env: CompileEnv) -> list[Check]:
    """A character of the value is outside the item's ``charset`` class.

    Classes: digits, alnum, ascii, hankaku (ASCII + 半角カナ), hankaku_kana, zenkaku,
    zenkaku_kana, jis_x0208, jis_x0213, cp932 (without the 外字 user area), mj (IVS selectors
    only right after an ideograph). Exact definitions: ``chukan_layout.spec.charsets``.

    Bad: 氏名 (jis_x0208) ``"髙橋　一郎"`` (髙 is not in JIS X 0208); 氏名カナ (hankaku_kana) ``"ﾔﾏﾀﾞ　ﾀﾛｳ"`` (全角 space)
    Good: ``"高橋　一郎"``; ``"ﾔﾏﾀﾞ ﾀﾛｳ"``
    """
    cs = item.charset
    if cs is Charset.ANY:
        return []
    name = item.id
    regex = bad_char_regex(cs)
    if regex is not None:

        def fn(ctx: BatchContext) -> np.ndarray:
            return to_bool(pc.match_substring_regex(ctx.col(name), regex))

    else:
        allowed_table(cs)  # build the table at compile time, not on the first batch

        def fn(ctx: BatchContext) -> np.ndarray:
            return bad_rows_by_table(ctx, name, cs)

    return [Check("item.charset", name, fn, item.sensitivity, name)]
