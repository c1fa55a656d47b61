"""``item.date`` and ``item.era_mismatch``: calendar dates, 不詳 parts and 元号 agreement.

Dates are ``YYYY-MM-DD`` text. The digits are gathered from the Arrow buffer into numpy
(one gather for all rows of the right shape) and validated arithmetically: month range,
days per month with Gregorian leap years, partial dates (``00``) only where the layout
allows them *and* the record's 不詳 flag is ``"1"``, the 明治 lower bound (``era_range``),
and the era of a date against its 元号コード item via the 和暦 table (spec/wareki.py).

The column's parse (:class:`ParsedDates`, :func:`parse_dates`, the days-per-month table) lives in
``_parsed_dates``; this module keeps the checks and the handle on their compiled kernel (the
tests reach ``parse_dates`` through it).
"""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from .. import native
from ..findings import Severity
from ..spec import wareki
from ..spec.model import Item, ItemType
from ._parsed_dates import parse_dates
from .base import Check, CompileEnv, item_check
from .context import BatchContext
from .utf8 import int64_arrow, string_array, to_int64

_kernel = native.load("chukan_layout.validation._kernels")  # date_rows: item.date in one pass (_kernels.c)


FIRST = wareki.FIRST_DAY.year * 10000 + wareki.FIRST_DAY.month * 100 + wareki.FIRST_DAY.day


@item_check("item.date", "Not a valid date (calendar, 不詳 part without flag, before 明治)", "日付が不正")
def build_date(item: Item, env: CompileEnv) -> list[Check]:
    """The value is not a valid ``YYYY-MM-DD`` date.

    A 不詳 (unknown) part is written ``00`` (month ``00`` needs day ``00``); it is valid only when
    the item declares ``partial_date`` allowing that part *and* the record's flag item is ``"1"``.
    With ``era_range`` a full date before 1868-01-01 (明治) also fires. An item with
    ``nonexistent: keep`` accepts a recorded day the calendar lacks (``item.date_nonexistent``
    reports it instead). Era-boundary dates are ordinary dates: 1912-07-30 (明治45年7月30日 =
    大正元年7月30日) and 1926-12-25 (大正15年12月25日 = 昭和元年12月25日) are valid.

    Bad: 生年月日 ``"2023-02-29"``; ``"1935-00-00"`` with 生年月日不詳区分 ``"0"``; ``"1935-00-05"``
    Good: ``"2024-02-29"``; ``"1935-00-00"`` with 生年月日不詳区分 ``"1"``
    """
    if item.type is not ItemType.DATE:
        return []
    name = item.id
    pd_ = item.partial_date
    allow = set(pd_.allow) if pd_ is not None else set()
    era_range = item.era_range
    keep = item.nonexistent == "keep"
    mode = keep | ("month" in allow) << 1 | ("day" in allow) << 2  # for the kernel (_kernels.c)

    def fn(ctx: BatchContext) -> np.ndarray:
        if _kernel is not None and ctx.memo(("dates", name)) is None:  # (parsed already: judged below)
            got = _kernel_dates(ctx, name, mode, FIRST if era_range else 0, pd_.flag_item if pd_ else None)
            if got is not None:
                return got
        # judged on the shaped rows only (compact arrays), spread once: bad = non-blank and not ok
        p = parse_dates(ctx, name)
        if keep:  # also days the calendar lacks
            ym_ok, _dim = p._month_days
            ok = ym_ok & (p.cd >= 1) & (p.cd <= 31)
        else:
            ok = p.cfull.copy()
        if era_range:
            ok &= p.cordinal >= FIRST
        if pd_ is not None and not ok.all():  # a 不詳 part can only rescue a row not ok already
            k = np.flatnonzero(~ok)
            y, m, d = p.cy[k], p.cm[k], p.cd[k]
            part_ok = np.zeros(k.size, dtype=bool)
            if "month" in allow:
                part_ok |= (m == 0) & (d == 0)
            if "day" in allow:
                part_ok |= (m >= 1) & (m <= 12) & (d == 0)
            ok[k] = (y >= 1) & part_ok & ctx.equals(pd_.flag_item, "1")[p.rows[k]]
        nonblank = ctx.nonblank(name)
        if ok.all() and p.rows.size == np.count_nonzero(nonblank):  # every value a good date
            return np.zeros(ctx.n, dtype=bool)
        bad = nonblank.copy()
        bad[p.rows[ok]] = False
        return bad

    return [Check("item.date", name, fn, item.sensitivity, name)]


def _kernel_dates(ctx: BatchContext, name: str, mode: int, first: int, flag: str | None) -> np.ndarray | None:
    """``build_date``'s rows in one compiled pass over the column; for a ``keep`` item (``mode`` 1)
    also its ``item.date_nonexistent`` rows, remembered for that check (no parse of the column)."""
    if _kernel is None:
        return None
    offsets, data = ctx.buffers(name)
    out = np.empty(ctx.n, dtype=np.uint8)
    n_bad, n_lacking = _kernel.date_rows(ctx.n, offsets, data, mode, first, out)
    if mode & 1:
        ctx.remember(("lacking", name), out >= 4 if n_lacking else np.zeros(ctx.n, dtype=bool))
    if not n_bad:
        return np.zeros(ctx.n, dtype=bool)
    verdict = out & 3 if n_lacking else out
    bad = verdict == 1
    if flag is not None:  # 2: a 不詳 part, good only where the record's flag is "1"
        bad |= (verdict == 2) & ~ctx.equals(flag, "1")
    return bad


@item_check(
    "item.date_nonexistent",
    "A recorded date the calendar lacks, kept as recorded",
    "暦に存在しない日付(記録どおり保持)",
    severity=Severity.WARNING,
)
def build_date_nonexistent(item: Item, env: CompileEnv) -> list[Check]:
    """The date does not exist in the calendar but was recorded so, and the item keeps it.

    Only for items with ``nonexistent: keep`` (the reference layouts' 生年月日 and 異動年月日 of 住基,
    after the 住民記録 standard: such dates are accepted and kept, never corrected). Month 1–12,
    day 1–31 beyond the month's last day. Items with ``nonexistent: reject`` (the default) report
    these as ``item.date`` errors instead.

    Bad: 生年月日 ``"1923-02-29"`` (not a leap year); 異動年月日 ``"2021-02-30"``; ``"2021-04-31"``
    Good: ``"1924-02-29"``; ``"1912-07-30"`` (明治45年7月30日)
    """
    if item.type is not ItemType.DATE or item.nonexistent != "keep":
        return []
    name = item.id

    def fn(ctx: BatchContext) -> np.ndarray:
        got = ctx.memo(("lacking", name))  # found by item.date's kernel pass (_kernel_dates)
        return got if got is not None else parse_dates(ctx, name).nonexistent  # type: ignore[return-value]

    return [Check("item.date_nonexistent", name, fn, item.sensitivity, name)]


def _era_starts() -> np.ndarray:
    return np.array([e.start.year * 10000 + e.start.month * 100 + e.start.day for e in wareki.ERAS], np.int64)


@item_check(
    "item.era_mismatch", "元号コード does not match the era of its date", "元号コードと日付の元号が不一致"
)
def build_era_mismatch(item: Item, env: CompileEnv) -> list[Check]:
    """The item's 元号コード is not the era of the full date in the item it names (``era_of``).

    Boundaries per the 和暦 table: 1989-01-07 is 昭和 (昭和64年), 1989-01-08 平成; 2019-04-30 is
    平成 (平成31年), 2019-05-01 令和; 1912-07-30 is 明治 or 大正 and 1926-12-25 大正 or 昭和 (the 改元
    took effect on the day itself). Checked only when both values are set and the date is a full date from 明治 on.

    Bad: 元号 ``"平成"``'s code with 生年月日 ``"1989-01-07"``
    Good: 元号 ``"昭和"``'s code with ``"1989-01-07"``; ``"令和"``'s code with ``"2019-05-01"``
    """
    if item.era_of is None:
        return []
    name, date_item = item.id, item.era_of
    table = env.code_tables.get(item.codes) if item.codes else None
    code_of = wareki.era_codes(table)  # code → Era
    eras = list(wareki.ERAS)
    codes = sorted(code_of)
    value_set = string_array(codes)
    # era index per code (position in value_set); -2 for "not a known era code"
    era_of_code = np.array([eras.index(code_of[c]) for c in codes] + [-2], dtype=np.int64)
    starts = _era_starts().astype(np.int32)  # the dtype of the compact ordinals: no cast per batch
    shared = np.array([d.year * 10000 + d.month * 100 + d.day for d in wareki.shared_days()], np.int64)

    def fn(ctx: BatchContext) -> np.ndarray:
        # on the rows holding a full date and a code only (compact), spread once
        p = parse_dates(ctx, date_item)
        out = np.zeros(ctx.n, dtype=bool)
        sel = p.cfull & ctx.nonblank(name)[p.rows]
        if not sel.any():
            return out
        rows, day = p.rows[sel], p.cordinal[sel]
        date_era = np.searchsorted(starts, day, side="right") - 1
        code_era = _code_eras(ctx, rows)
        # before 明治 (date_era < 0): no era to compare with, no finding; a shared last day
        # (明治45年7月30日 = 大正元年7月30日) may be written in the old era too
        shared_day = np.zeros(day.size, dtype=bool)
        for v in shared.tolist():
            shared_day |= day == v
        old_name = shared_day & (code_era == date_era - 1)
        out[rows[(date_era >= 0) & (code_era != date_era) & ~old_name]] = True
        return out

    # codes of one byte length k ≤ 2 (元号コード "1" or "01"): era index by a 256 / 65,536-entry table
    # on the value's bytes (little-endian), -2 for "not a known code"
    widths = {len(c.encode()) for c in codes}
    k = widths.pop() if len(widths) == 1 and widths <= {1, 2} else 0
    by_bytes = np.full(256 ** max(k, 1), -2, dtype=np.int64)
    for i, c in enumerate(codes):
        if k:
            by_bytes[int.from_bytes(c.encode(), "little")] = era_of_code[i]

    def _code_eras(ctx: BatchContext, rows: np.ndarray) -> np.ndarray:
        """Era index of the code at ``rows`` (-2 when not a known code)."""
        offsets, data = ctx.buffers(name)
        at = offsets[rows]
        if k and (offsets[rows + 1] - at == k).all():
            key = data[at] if k == 1 else data[at] | data[at + 1].astype(np.uint16) << 8
            return by_bytes.take(key)
        got = pc.index_in(ctx.col(name).take(int64_arrow(rows)), value_set=value_set)
        return era_of_code[to_int64(got, fill=len(codes))]

    return [Check("item.era_mismatch", name, fn, item.sensitivity, name)]
