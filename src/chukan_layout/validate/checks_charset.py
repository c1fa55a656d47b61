"""``item.charset``: some character of the value is outside the item's character class."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from ..spec.model import Charset, Item
from .base import Check, CompileEnv, item_check
from .charset_tables import bad_char_regex
from .context import BatchContext
from .utf8 import to_bool


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
    if cs is Charset.DIGITS:  # Arrow's ASCII kernel: ~20× faster than a regex

        def fn(ctx: BatchContext) -> np.ndarray:
            return ctx.nonblank(name) & ~ctx.ascii_digits(name)

        return [Check("item.charset", name, fn, item.sensitivity, name)]
    regex = bad_char_regex(cs)  # built at compile time, not on the first batch
    assert regex is not None

    def fn(ctx: BatchContext) -> np.ndarray:
        return to_bool(pc.match_substring_regex(ctx.col(name), regex))

    return [Check("item.charset", name, fn, item.sensitivity, name)]
