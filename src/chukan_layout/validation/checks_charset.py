"""``item.charset``: some character of the value is outside the item's character class.

Measured (64k rows of names, shared 2-core VM, min of 9–15 runs): an RE2 class per row costs
12–27 ms for the codec classes (the regex of thousands of ranges is recompiled per call) and
~4 ms for range classes; decoding the whole column once (Python's C codecs: UTF-8 → UTF-32)
and indexing a code-point lookup table costs 1.6 ms. So the check works column first:

1. the column's characters as code points, all rows at once (an ASCII column's bytes as they
   are; ``digits`` is Arrow's ``ascii_is_decimal``, shared with ``item.type``); ``lut[cps]``;
2. if every character is allowed (the usual case) no row fires;
3. otherwise the rows holding the bad positions are found from the characters per row
   (``BatchContext.char_lengths``, shared with ``item.length``): no regex.

``mj`` is context dependent (an IVS selector is valid only right after an ideograph of the
same value): selectors are excluded from the lookup table and each one is judged by the code
point before it, in numpy (the first character of a value has no predecessor).
"""

from __future__ import annotations

import numpy as np

from ..spec import charsets as oracle
from ..spec.model import Charset, Item
from .base import Check, CompileEnv, item_check
from .charset_tables import allowed_table
from .context import BatchContext
from .utf8 import code_points

_IDEOGRAPHS = np.zeros(oracle.IVS_RANGE[0], dtype=bool)  # every CJK range lies below the selectors
for _lo, _hi in oracle._CJK_RANGES:
    _IDEOGRAPHS[_lo : _hi + 1] = True


def bad_rows(ctx: BatchContext, name: str, cs: Charset) -> np.ndarray:
    """Rows of column ``name`` holding a character outside ``cs``."""
    if cs is Charset.DIGITS:  # U+0030–0039 only: Arrow's ASCII kernel, shared with item.type
        return ctx.nonblank(name) & ~ctx.ascii_digits(name)
    if ctx.is_ascii(name):  # bytes are code points: no decoding
        offsets, data = ctx.buffers(name)
        cps = data[int(offsets[0]) : int(offsets[-1])]
    else:
        cps = code_points(ctx.col(name))
    bad = ~allowed_table(cs)[cps]
    if not bad.any():
        return np.zeros(ctx.n, dtype=bool)
    # row of each character position: values are consecutive runs of char_lengths characters
    starts = np.zeros(ctx.n, dtype=np.int64)
    np.cumsum(ctx.char_lengths(name)[:-1], out=starts[1:])
    pos = np.flatnonzero(bad)
    if cs is Charset.MJ:
        sel = (cps[pos] >= oracle.IVS_RANGE[0]) & (cps[pos] <= oracle.IVS_RANGE[1])
        if sel.any():
            p = pos[sel]
            prev = cps[p - 1].astype(np.int64)  # p - 1 == -1 only when p is a row start (checked below)
            row_p = np.searchsorted(starts, p, side="right") - 1
            ok = (p > 0) & (starts[row_p] != p) & (prev < _IDEOGRAPHS.size)
            ok[ok] = _IDEOGRAPHS[prev[ok]]
            pos = np.concatenate([pos[~sel], p[~ok]])
    out = np.zeros(ctx.n, dtype=bool)
    out[np.searchsorted(starts, pos, side="right") - 1] = True
    return out


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

    def fn(ctx: BatchContext) -> np.ndarray:
        return bad_rows(ctx, name, cs)

    return [Check("item.charset", name, fn, item.sensitivity, name)]
