"""``item.charset``: some character of the value is outside the item's character class.

Measured (64k rows of names, shared 2-core VM, min of 9–15 runs): an RE2 class per row costs
12–27 ms for the codec classes (the regex of thousands of ranges is recompiled per call) and
~4 ms for range classes; decoding the whole column once (Python's C codecs: UTF-8 → UTF-32)
and indexing a code-point lookup table costs 1.6 ms. So the check works column first:

1. the column's characters as code points, all rows at once; ``lut[cps]``;
2. if every character is allowed (the usual case) no row fires;
3. otherwise only the distinct bad characters (a handful) become a tiny RE2 class, and
   ``match_substring_regex`` finds the rows holding them.

``mj`` is context dependent (IVS selector only right after an ideograph): when a column holds
selectors, rows are checked with the full per-row RE2 form of the class instead.
"""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from ..spec import charsets as oracle
from ..spec.model import Charset, Item
from .base import Check, CompileEnv, item_check
from .charset_tables import allowed_table, bad_char_regex, re2_class
from .context import BatchContext
from .utf8 import code_points, to_bool


def bad_rows(ctx: BatchContext, name: str, cs: Charset) -> np.ndarray:
    """Rows of column ``name`` holding a character outside ``cs``."""
    cps = code_points(ctx.col(name))
    bad = ~allowed_table(cs)[cps]
    if not bad.any():
        return np.zeros(ctx.n, dtype=bool)
    chars = np.unique(cps[bad])
    full = bad_char_regex(cs) if cs is Charset.MJ else None
    if full is not None and ((chars >= oracle.IVS_RANGE[0]) & (chars <= oracle.IVS_RANGE[1])).any():
        regex = full
    else:
        regex = "[" + re2_class([(int(c), int(c)) for c in chars]) + "]"
    return to_bool(pc.match_substring_regex(ctx.col(name), regex))


@item_check("item.charset", "Character outside the item's character class", "使用できない文字を含む")
def build_charset(item: Item, env: CompileEnv) -> list[Check]:
    """A character of the value is outside the item's ``charset`` class.

    Classes: digits, alnum, ascii, hankaku (ASCII + 半角カナ), hankaku_kana, zenkaku,
    zenkaku_kana, jis_x0208, jis_x0213, cp932 (without the 外字 user area), mj (IVS selectors
    only right after an ideograph). Exact definitions: ``chukan_layout.spec.charsets``.

    Bad: 方書 (jis_x0208) ``"髙橋ハイツ"`` (髙 is not in JIS X 0208); 氏名カナ (hankaku_kana) ``"ﾔﾏﾀﾞ　ﾀﾛｳ"`` (全角 space)
    Good: ``"高橋ハイツ"``; ``"ﾔﾏﾀﾞ ﾀﾛｳ"``
    """
    cs = item.charset
    if cs is Charset.ANY:
        return []
    name = item.id
    allowed_table(cs)  # build the table at compile time, not on the first batch
    if cs is Charset.MJ:
        bad_char_regex(cs)

    def fn(ctx: BatchContext) -> np.ndarray:
        return bad_rows(ctx, name, cs)

    return [Check("item.charset", name, fn, item.sensitivity, name)]
