"""``item.length``: value length outside [min, max] in characters or in encoded bytes.

Bytes are counted without encoding anything: UTF-8 bytes are the Arrow buffer length;
cp932 (Shift_JIS family) bytes are one per ASCII / 半角カナ character and two per any other
character, also for characters cp932 cannot encode (the width a 外字 takes in the file).
"""

from __future__ import annotations

import codecs

import numpy as np

from ..spec.model import Item, LengthUnit
from .base import Check, CompileEnv, item_check
from .context import BatchContext
from .utf8 import sjis_widths

SJIS_FAMILY = frozenset({"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"})
UTF8_FAMILY = frozenset({"utf-8"})


def encoding_family(encoding: str) -> str:
    """``"sjis"`` or ``"utf-8"``; anything else is not a supported byte-length encoding."""
    name = codecs.lookup(encoding).name
    if name in SJIS_FAMILY:
        return "sjis"
    if name in UTF8_FAMILY:
        return "utf-8"
    raise ValueError(f"byte lengths are supported for cp932/Shift_JIS and UTF-8, not {encoding!r}")


def sjis_byte_lengths(ctx: BatchContext, name: str) -> np.ndarray:
    """cp932 byte width per value: characters + characters outside U+0000–007F and U+FF61–FF9F."""
    key = ("sjis_len", name)
    got = ctx.memo(key)
    if got is None:
        # an ASCII column: one byte per character
        got = np.diff(ctx.buffers(name)[0]) if ctx.is_ascii(name) else sjis_widths(ctx.col(name))
        ctx.remember(key, got)
    return got  # type: ignore[return-value]


@item_check("item.length", "Value length outside the item's min/max", "桁数が範囲外")
def build_length(item: Item, env: CompileEnv) -> list[Check]:
    """The value's length is outside ``length.min``–``length.max``.

    ``unit: chars`` counts code points (an IVS selector counts as one character);
    ``unit: bytes`` counts bytes in the named encoding (cp932: 2 per 全角 character, 1 per
    ASCII / 半角カナ). Blank values are not length-checked.

    Bad: 氏名カナ (max 10 bytes cp932) ``"ヤマダ　タロウ"`` (14 bytes)
    Good: ``"ﾔﾏﾀﾞ ﾀﾛｳ"`` (9 bytes)
    """
    if item.length is None:
        return []
    name = item.id
    lo = item.length.min or 0
    hi = item.length.max
    utf8_bytes = (
        item.length.unit is not LengthUnit.CHARS and encoding_family(item.length.encoding or "") == "utf-8"
    )
    if item.length.unit is LengthUnit.CHARS:

        def measure(ctx: BatchContext) -> np.ndarray:
            return ctx.char_lengths(name)

    elif utf8_bytes:

        def measure(ctx: BatchContext) -> np.ndarray:
            return np.diff(ctx.buffers(name)[0])

    else:

        def measure(ctx: BatchContext) -> np.ndarray:
            return sjis_byte_lengths(ctx, name)

    def fn(ctx: BatchContext) -> np.ndarray:
        # characters and cp932 bytes never outnumber the UTF-8 bytes: when no value has more UTF-8
        # bytes than the maximum, none is too long, without counting (utf8_length is a pass per column)
        if lo <= 1 and ctx.max_bytes(name) <= hi:
            return np.zeros(ctx.n, dtype=bool)
        # every non-blank value of one byte length (codes, numbers): in UTF-8 bytes, or in characters
        # and cp932 bytes of an ASCII column, that is every value's length
        width = ctx.one_width(name)
        if width > 0 and (utf8_bytes or ctx.is_ascii(name)):
            return np.zeros(ctx.n, dtype=bool) if lo <= width <= hi else ctx.nonblank(name).copy()
        if ctx.constant(name):  # one value in every row: measure it once
            n1 = int(measure(ctx.first_row(name))[0])
            return np.full(ctx.n, not lo <= n1 <= hi)
        n = measure(ctx)
        if lo <= 1 and (n.size == 0 or int(n.max()) <= hi):  # a non-blank value has length ≥ 1
            return np.zeros(ctx.n, dtype=bool)
        return ctx.nonblank(name) & ((n < lo) | (n > hi))

    return [Check("item.length", name, fn, item.sensitivity, name)]
