"""``item.type``: the value does not have its type's textual format.

Formats are anchored RE2 regexes run by Arrow (``\\A…\\z``: no trailing-newline leniency).
``text`` and ``code`` have no format; ``date`` is checked by ``item.date``.
"""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from ..spec.model import Item, ItemType
from .base import Check, CompileEnv, item_check
from .context import BatchContext
from .utf8 import per_row_sum, to_bool

FORMATS: dict[ItemType, str] = {
    ItemType.DIGITS: r"[0-9]+",
    ItemType.INTEGER: r"-?[0-9]+",
    ItemType.FLAG: r"[01]",
    ItemType.YEAR: r"[0-9]{4}",
    ItemType.YEAR_MONTH: r"[0-9]{4}-(?:0[1-9]|1[0-2])",
    ItemType.WAREKI_YEAR: r"[0-9]{2}",
    ItemType.TIME: r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]",
}


def type_regex(item: Item) -> str | None:
    """The anchored RE2 format of the item's type, or None when the type has none."""
    if item.type is ItemType.DECIMAL:
        scale = item.scale or 0
        body = r"-?[0-9]+" + (rf"(?:\.[0-9]{{1,{scale}}})?" if scale > 0 else "")
    else:
        body = FORMATS.get(item.type)  # type: ignore[assignment]
        if body is None:
            return None
    return rf"\A(?:{body})\z"


def full_match(ctx: BatchContext, name: str, regex: str) -> np.ndarray:
    """Rows whose value fully matches ``regex`` (already anchored), cached per batch."""
    key = ("re", name, regex)
    got = ctx.memo(key)
    if got is None:
        got = to_bool(pc.match_substring_regex(ctx.col(name), regex))
        ctx.remember(key, got)
    return got  # type: ignore[return-value]


def numbers_ok(ctx: BatchContext, name: str, scale: int) -> np.ndarray:
    """Rows matching ``-?[0-9]+`` (``scale`` 0) or ``-?[0-9]+(\\.[0-9]{1,scale})?``, from byte counts.

    Per row: the digits, the dots, the length and a leading ``-``; a dot's position from the
    (few) dot bytes. Equal to the anchored RE2 form (tests compare them).
    """
    offsets, data = ctx.buffers(name)
    ln = np.diff(offsets)
    if data.size == 0:
        return np.zeros(ctx.n, dtype=bool)
    lo = int(offsets[0])
    seg = data[lo : int(offsets[-1])]
    digits = per_row_sum((seg >= 0x30) & (seg <= 0x39), offsets)
    first = data[np.minimum(offsets[:-1], data.size - 1)]
    sign = ((first == 0x2D) & (ln > 0)).astype(np.int64)
    body = ln - sign
    ok = (body >= 1) & (digits == body)  # -?[0-9]+
    if scale <= 0:
        return ok
    is_dot = seg == 0x2E
    dot_pos = np.flatnonzero(is_dot)
    if dot_pos.size == 0:
        return ok
    dots = per_row_sum(is_dot, offsets)
    one = np.flatnonzero(dots == 1)
    rows = np.searchsorted(offsets, dot_pos + lo, side="right") - 1
    at = np.full(ctx.n, -1, dtype=np.int64)
    at[rows] = dot_pos + lo  # the dot of the rows with exactly one (others are rejected anyway)
    start, end = offsets[one], offsets[one + 1]
    int_digits = at[one] - start - sign[one]
    frac = end - at[one] - 1
    ok[one] = (digits[one] == body[one] - 1) & (int_digits >= 1) & (frac >= 1) & (frac <= scale)
    return ok


@item_check("item.type", "Value does not match the item type's format", "型の書式に合わない")
def build_type(item: Item, env: CompileEnv) -> list[Check]:
    """The value does not have the textual format of its type.

    digits ``[0-9]+``, integer ``-?[0-9]+``, decimal ``-?[0-9]+(\\.[0-9]{1,scale})?``, flag ``[01]``,
    year ``YYYY``, year_month ``YYYY-MM``, wareki_year ``YY``, time ``HH:MM:SS``.

    Bad: 課税額 (integer) ``"12,000"``; 不詳フラグ (flag) ``"Y"``
    Good: ``"12000"``; ``"1"``
    """
    regex = type_regex(item)
    if regex is None:
        return []
    name = item.id

    if item.type is ItemType.DIGITS:  # Arrow's ASCII kernel: ~20× faster than the regex

        def fn(ctx: BatchContext) -> np.ndarray:
            return ctx.nonblank(name) & ~ctx.ascii_digits(name)

    elif item.type is ItemType.FLAG:  # one byte, "0" or "1": read off the buffers (no Arrow call)

        def fn(ctx: BatchContext) -> np.ndarray:
            lo, hi = ctx.byte_range(name)
            if lo >= 0x30 and hi <= 0x31 and ctx.max_bytes(name) <= 1:  # only "0" / "1" / blank values
                return np.zeros(ctx.n, dtype=bool)
            offsets, data = ctx.buffers(name)
            if data.size == 0:
                return np.zeros(ctx.n, dtype=bool)
            first = data[np.minimum(offsets[:-1], data.size - 1)]
            ok = (np.diff(offsets) == 1) & ((first == 0x30) | (first == 0x31))
            return ctx.nonblank(name) & ~ok

    elif item.type in (ItemType.YEAR, ItemType.WAREKI_YEAR):  # [0-9]{4} / [0-9]{2}
        width = 4 if item.type is ItemType.YEAR else 2

        def fn(ctx: BatchContext) -> np.ndarray:
            return ctx.nonblank(name) & ~(ctx.ascii_digits(name) & (np.diff(ctx.buffers(name)[0]) == width))

    elif item.type in (ItemType.INTEGER, ItemType.DECIMAL):  # counted on the bytes (many amount columns)
        scale = (item.scale or 0) if item.type is ItemType.DECIMAL else 0

        def fn(ctx: BatchContext) -> np.ndarray:
            lo, hi = ctx.byte_range(name)
            if lo >= 0x30 and hi <= 0x39:  # digits only: every non-blank value is a number
                return np.zeros(ctx.n, dtype=bool)
            return ctx.nonblank(name) & ~numbers_ok(ctx, name, scale)

    else:

        def fn(ctx: BatchContext) -> np.ndarray:
            return ctx.nonblank(name) & ~full_match(ctx, name, regex)

    return [Check("item.type", name, fn, item.sensitivity, name)]
