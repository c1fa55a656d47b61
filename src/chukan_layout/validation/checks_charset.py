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

``mj`` is context dependent (a variation selector, SVS or IVS, is valid only right after an
ideograph of the same value: :mod:`chukan_layout.spec.sequences`): selectors are excluded from
the lookup table and each one is judged by the code point before it, in numpy (the first
character of a value has no predecessor).

Control characters (C0, DEL, C1) fire in every class, ``any`` included, unless the item has
``allow_controls: true``; for ``any`` the test runs on the UTF-8 bytes (C0/DEL are single bytes,
C1 is ``C2 80``–``C2 9F``), without decoding. Samples carry a detail naming the code points
(``U+0007``, ``U+E0100 after あ``).

With the compiled kernel (``_kernels.c``, :mod:`chukan_layout.native`) steps 1–3 are one pass
over the UTF-8 bytes: each character decoded and looked up in the same table, a selector judged
by the character before it, the row marked. The numpy route above stays the reference (and runs
when the kernel is not built, is switched off, or refuses bytes that are not valid UTF-8).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .. import native
from ..spec import charsets as oracle
from ..spec.model import Charset, Item
from ..spec.sequences import IDEOGRAPH_RANGES, SELECTOR_RANGES
from .base import Check, CompileEnv, item_check
from .charset_tables import allowed_table
from .context import BatchContext
from .utf8 import code_points

_IDEOGRAPHS = np.zeros(SELECTOR_RANGES[-1][0], dtype=bool)  # every ideograph lies below the IVS
for _lo, _hi in IDEOGRAPH_RANGES:
    _IDEOGRAPHS[_lo : _hi + 1] = True

_kernel = native.load("chukan_layout.validation._kernels")
_SELECTORS = np.array(SELECTOR_RANGES, dtype=np.int64).reshape(-1)  # (lo, hi) pairs for the kernel
_NONE_I64, _NONE_BOOL = np.zeros(0, np.int64), np.zeros(0, bool)


def _kernel_rows(ctx: BatchContext, name: str, cs: Charset, allow_controls: bool) -> np.ndarray | None:
    """:func:`bad_rows` in one compiled pass; None when the kernel is off or refuses the bytes."""
    if _kernel is None:
        return None
    offsets, data = ctx.buffers(name)
    out = np.empty(ctx.n, dtype=bool)
    mj = cs is Charset.MJ  # the one class whose selectors are judged in context
    got = _kernel.charset_rows(
        ctx.n,
        offsets,
        data,
        _outside_bits(cs, allow_controls),
        _IDEOGRAPHS if mj else _NONE_BOOL,
        _SELECTORS if mj else _NONE_I64,
        out,
    )
    return None if got is None else out


def _control_rows(ctx: BatchContext, name: str) -> np.ndarray:
    """Rows holding a C0 / DEL / C1 control, found on the UTF-8 bytes."""
    lo, hi = ctx.byte_range(name)
    if lo >= 0x20 and hi < 0x7F:  # printable ASCII only
        return np.zeros(ctx.n, dtype=bool)
    offsets, data = ctx.buffers(name)
    seg = data[int(offsets[0]) : int(offsets[-1])]
    pos = np.flatnonzero((seg < 0x20) | (seg == 0x7F))
    c1 = np.flatnonzero((seg[:-1] == 0xC2) & (seg[1:] >= 0x80) & (seg[1:] <= 0x9F))
    out = np.zeros(ctx.n, dtype=bool)
    if pos.size or c1.size:
        hits = np.concatenate([pos, c1]) + int(offsets[0])
        out[np.searchsorted(offsets, hits, side="right") - 1] = True
    return out


def _is_selector(cps: np.ndarray) -> np.ndarray:
    sel = np.zeros(cps.size, dtype=bool)
    for lo, hi in SELECTOR_RANGES:
        sel |= (cps >= lo) & (cps <= hi)
    return sel


# UTF-8 of the selectors: SVS U+FE00–FE0F = EF B8 80–8F, IVS U+E0100–E01EF = F3 A0 84–87 xx
_SVS_LEAD, _IVS_LEAD = 0xEF, 0xF3
_MAX_SELECTORS = 4096  # more than a batch's 外字 would hold: the general path


def _selectors_only(ctx: BatchContext, name: str, cps: np.ndarray, pos: np.ndarray) -> np.ndarray | None:
    """Rows with a misplaced selector, when every character outside the table is a selector (the
    usual finding-free batch with 外字 as IVS): each selector judged by its row start and the
    character before it, found on the UTF-8 bytes — no character count of the whole column. None
    when another character is outside the table (the general path names it)."""
    if pos.size > _MAX_SELECTORS or not _is_selector(cps[pos]).all():
        return None
    offsets, data = ctx.buffers(name)
    lo = int(offsets[0])
    seg = data[lo : int(offsets[-1])]
    lead = np.flatnonzero((seg[:-3] == _SVS_LEAD) | (seg[:-3] == _IVS_LEAD))  # a selector is ≥ 3 bytes
    b1, b2, b3 = seg[lead + 1], seg[lead + 2], seg[lead + 3]
    is_svs = (seg[lead] == _SVS_LEAD) & (b1 == 0xB8) & (b2 >= 0x80) & (b2 <= 0x8F)
    is_ivs = (
        (seg[lead] == _IVS_LEAD) & (b1 == 0xA0) & (b2 >= 0x84) & ((b2 < 0x87) | ((b2 == 0x87) & (b3 <= 0xAF)))
    )
    at = lead[is_svs | is_ivs]
    if seg.size >= 3 and seg[-3] == _SVS_LEAD and seg[-2] == 0xB8 and 0x80 <= seg[-1] <= 0x8F:
        at = np.append(at, seg.size - 3)  # an SVS in the column's last three bytes
    if at.size != pos.size:  # (cannot happen for valid UTF-8: then the general path decides)
        return None
    rows = np.searchsorted(offsets, at + lo, side="right") - 1
    out = np.zeros(ctx.n, dtype=bool)
    starts = offsets[rows] - lo
    for q, r, st in zip(at.tolist(), rows.tolist(), starts.tolist(), strict=True):
        if q == st:  # the first character of a value has no predecessor
            out[r] = True
            continue
        j = q - 1
        while j > st and (seg[j] & 0xC0) == 0x80:  # back to the previous character's first byte
            j -= 1
        prev = ord(bytes(seg[j:q]).decode("utf-8"))
        out[r] |= not (prev < _IDEOGRAPHS.size and _IDEOGRAPHS[prev])
    return out


@cache
def _outside_table(cs: Charset, allow_controls: bool) -> np.ndarray:
    """``~allowed_table(…)``, once per class: the lookup gives the bad characters without a negation pass."""
    return ~allowed_table(cs, allow_controls)


@cache
def _outside_bits(cs: Charset, allow_controls: bool) -> np.ndarray:
    """:func:`_outside_table` as bits (136 KiB) for the kernel: a table that stays in the CPU's cache."""
    return np.packbits(_outside_table(cs, allow_controls), bitorder="little")


def bad_rows(ctx: BatchContext, name: str, cs: Charset, allow_controls: bool = False) -> np.ndarray:
    """Rows of column ``name`` holding a character outside ``cs``."""
    if cs is Charset.ANY:
        return np.zeros(ctx.n, dtype=bool) if allow_controls else _control_rows(ctx, name)
    if cs is Charset.DIGITS:  # U+0030–0039 only: Arrow's ASCII kernel, shared with item.type
        return ctx.nonblank(name) & ~ctx.ascii_digits(name)
    lut = allowed_table(cs, allow_controls)
    outside = _outside_table(cs, allow_controls)
    if ctx.constant(name) and not ctx.is_ascii(name):  # one value in every row: judge it once
        return np.full(ctx.n, bool(bad_rows(ctx.first_row(name), name, cs, allow_controls)[0]))
    if ctx.is_ascii(name):  # bytes are code points: no decoding
        lo, hi = ctx.byte_range(name)
        if lut[lo : hi + 1].all():  # every byte from the lowest to the highest is allowed
            return np.zeros(ctx.n, dtype=bool)
    got = _kernel_rows(ctx, name, cs, allow_controls)
    if got is not None:
        return got
    if ctx.is_ascii(name):
        offsets, data = ctx.buffers(name)
        cps = data[int(offsets[0]) : int(offsets[-1])]
    else:
        cps = code_points(ctx.col(name))
    bad = outside.take(cps)  # np.take: ~2× faster than indexing the 1.1 MB table with an array
    if not bad.any():
        return np.zeros(ctx.n, dtype=bool)
    if cs is Charset.MJ:  # 外字 mapped to IVS / SVS: often the only characters outside the table
        got = _selectors_only(ctx, name, cps, np.flatnonzero(bad))
        if got is not None:
            return got
    # row of each character position: values are consecutive runs of char_lengths characters
    starts = np.zeros(ctx.n, dtype=np.int64)
    np.cumsum(ctx.char_lengths(name)[:-1], out=starts[1:])
    pos = np.flatnonzero(bad)
    if cs is Charset.MJ:
        sel = np.zeros(pos.size, dtype=bool)
        for lo, hi in SELECTOR_RANGES:
            sel |= (cps[pos] >= lo) & (cps[pos] <= hi)
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
    zenkaku_kana, jis_x0208, jis_x0213, cp932 (without the 外字 user area), mj (variation
    selectors, SVS and IVS, only right after an ideograph), any. Control characters (C0, DEL,
    C1) are outside every class unless the item says ``allow_controls: true``. The sample's
    detail names the code points (``U+0007``, ``U+E0100 after あ``). Exact definitions:
    ``chukan_layout.spec.charsets`` and ``chukan_layout.spec.sequences``.

    Bad: 方書 (jis_x0208) ``"髙橋ハイツ"`` (髙 is not in JIS X 0208); 氏名カナ (hankaku_kana) ``"ﾔﾏﾀﾞ　ﾀﾛｳ"`` (全角 space); 氏名 (mj) ``"山田\\x07太郎"`` (BEL)
    Good: ``"高橋ハイツ"``; ``"ﾔﾏﾀﾞ ﾀﾛｳ"``; 氏名 (mj) ``"朗\\uFE00"`` (MJ030185, an SVS)
    """
    cs = item.charset
    allow = bool(item.allow_controls)
    if cs is Charset.ANY and allow:
        return []
    name = item.id
    _outside_table(cs, allow)  # build the tables at compile time, not on the first batch
    if _kernel is not None:
        _outside_bits(cs, allow)

    def fn(ctx: BatchContext) -> np.ndarray:
        return bad_rows(ctx, name, cs, allow)

    def detail(value: str | None) -> str | None:
        return ", ".join(oracle.charset_problems(value or "", cs, allow)) or None

    return [Check("item.charset", name, fn, item.sensitivity, name, detail_of=detail)]
