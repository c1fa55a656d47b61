"""``item.code``: the value is not in the item's code table.

Most code items hold 1- or 2-byte codes (性別 ``1``, 続柄 ``02``): when every value of the batch's
column is that short, the codes are looked up on the column's bytes in a 256- or 65,536-entry
table (``np.take``), ≈ 10× cheaper than ``pc.is_in``, whose hash set and dispatch cost
≈ 0.2 ms per call even on a few hundred rows. Codes of 3–8 bytes (異動事由 ``203``, 国籍 ``CN``…)
of a column whose values all have one length: each value's bytes as one uint64, found by a
binary search in the sorted codes of that length. Other columns: ``pc.is_in``. Same verdicts:
UTF-8 byte strings are equal exactly when the strings are.
"""

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
    codes = sorted(set(env.code_sets[item.codes]))
    values = string_array(codes)
    tables = _byte_tables(codes)
    packed = _packed_codes(codes)
    name = item.id

    def fn(ctx: BatchContext) -> np.ndarray:
        k = ctx.max_bytes(name)
        if (k in tables or 3 <= k <= 8) and ctx.one_width(name) == k:  # every non-blank value: k bytes
            return _same_width_codes(ctx, name, k, tables.get(k), packed.get(k, _NONE))
        return ctx.nonblank(name) & ~to_bool(pc.is_in(ctx.col(name), value_set=values))

    return [Check("item.code", name, fn, item.sensitivity, name)]


def _byte_tables(codes: list[str]) -> dict[int, np.ndarray]:
    """Byte length 1 / 2 → bool table over the value's bytes (little-endian for 2): True for a code."""
    one, two = np.zeros(256, bool), np.zeros(1 << 16, bool)
    for c in codes:
        b = c.encode()
        if len(b) == 1:
            one[b[0]] = True
        elif len(b) == 2:
            two[b[0] | b[1] << 8] = True
    return {1: one, 2: two}


_NONE = np.zeros(0, dtype=np.uint64)


def _packed_codes(codes: list[str]) -> dict[int, np.ndarray]:
    """Byte length 3–8 → the codes of that length as sorted little-endian uint64 (zero-padded)."""
    out: dict[int, list[int]] = {}
    for c in codes:
        b = c.encode()
        if 3 <= len(b) <= 8:
            out.setdefault(len(b), []).append(int.from_bytes(b, "little"))
    return {k: np.array(sorted(v), dtype=np.uint64) for k, v in out.items()}


def _same_width_codes(
    ctx: BatchContext, name: str, k: int, table: np.ndarray | None, packed: np.ndarray
) -> np.ndarray:
    """Rows whose value is not a code, when every non-blank value has ``k`` bytes: 1–2 bytes looked
    up in ``table`` (a bool per byte value, little-endian for 2), 3–8 bytes as one uint64 each
    searched in the sorted ``packed`` codes of that length."""
    nonblank = ctx.nonblank(name)
    offsets, data = ctx.buffers(name)
    seg = data[int(offsets[0]) : int(offsets[-1])]
    m = seg.size // k
    if table is not None:
        if k == 1:
            lo, hi = ctx.byte_range(name)
            if table[lo : hi + 1].all():  # every byte from the lowest to the highest is a code
                return np.zeros(ctx.n, dtype=bool)
        known = table.take(seg if k == 1 else seg[0::2].astype(np.uint16) | seg[1::2].astype(np.uint16) << 8)
    elif packed.size:
        words = np.zeros((m, 8), dtype=np.uint8)
        words[:, :k] = seg.reshape(m, k)
        v = words.view("<u8").reshape(m)
        at = np.minimum(np.searchsorted(packed, v), packed.size - 1)
        known = packed[at] == v
    else:
        known = np.zeros(m, dtype=bool)
    out = np.zeros(ctx.n, dtype=bool)
    if not known.all():
        out[np.flatnonzero(nonblank)[~known]] = True
    return out
