"""Dates: 和暦 (GYYMMDD with a per-vendor era map) and 西暦 formats → ``YYYY-MM-DD``.

Both transforms parse with one RE2 regex built from the ``format`` (``G`` era digits,
``YY``/``YYYY`` year, ``MM``/``M`` month, ``DD``/``D`` day, anything else literal), then do
all date arithmetic with numpy.  Rules (DESIGN §4, legacy-exports §2):

- a month/day ``00`` is 不詳: written ``00`` (``1935-00-00``) and the ``flag_item`` set;
- a ``sentinels`` value (``00000000``, ``99999999``) becomes blank and sets the flag;
- a 和暦 date outside its era is computed, never shifted, and reported ``adapt.era_overflow``;
- anything that does not parse is kept as it is and reported ``adapt.date`` (never blanked).
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, field_validator

from ...spec import wareki
from .. import codes
from .base import Args, Context, Transform, as_str, register_transform

_TOKENS = [("GGGG", "g"), ("GGG", "g"), ("GG", "g"), ("G", "g"), ("YYYY", "y"), ("YY", "y"),
           ("MM", "m"), ("DD", "d"), ("M", "m"), ("D", "d")]  # fmt: skip


def format_regex(fmt: str, *, era: bool) -> str:
    """The RE2 pattern of a date format (``GYYMMDD`` → ``^(?P<g>\\d)(?P<y>\\d{2})…$``)."""
    out, i, seen = [], 0, set()
    while i < len(fmt):
        for tok, group in _TOKENS:
            if fmt.startswith(tok, i):
                if group in seen:
                    raise ValueError(f"format {fmt!r}: {group!r} appears twice")
                seen.add(group)
                if group == "g":
                    out.append(f"(?P<g>[0-9A-Za-z]{{{len(tok)}}})")
                else:
                    out.append(f"(?P<{group}>[0-9]{{1,2}})" if len(tok) == 1 else f"(?P<{group}>[0-9]{{{len(tok)}}})")
                i += len(tok)
                break
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    need = {"g", "y", "m", "d"} if era else {"y", "m", "d"}
    if not need <= seen:
        raise ValueError(f"format {fmt!r} needs {'G, ' if era else ''}Y, M and D")
    if not era and "g" in seen:
        raise ValueError(f"format {fmt!r}: G (era) only in the wareki transform")
    return "^" + "".join(out) + "$"


def _ints(struct: pa.Array, name: str) -> np.ndarray:
    col = pc.struct_field(struct, name)
    return np.asarray(pc.cast(pc.fill_null(col, "0"), pa.int64()).to_numpy(zero_copy_only=False))


_MDAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _valid_calendar(y: np.ndarray, m: np.ndarray, d: np.ndarray, partial: bool) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    mc = np.clip(m, 0, 12)
    mdays = _MDAYS[mc] + ((mc == 2) & leap)
    full = (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= mdays)
    if not partial:
        return full
    part = (y >= 1) & (((m == 0) & (d == 0)) | ((m >= 1) & (m <= 12) & (d == 0)))
    return full | part


def iso_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> pa.Array:
    """``YYYY-MM-DD`` strings from int arrays (0 → ``00``), with Arrow kernels only."""
    n = pa.array(y * 10000 + m * 100 + d, pa.int64()).cast(pa.string())
    s = pc.utf8_lpad(n, width=8, padding="0")
    parts = [pc.utf8_slice_codeunits(s, a, b) for a, b in ((0, 4), (4, 6), (6, 8))]
    return pc.binary_join_element_wise(*parts, "-")


class _DateArgs(Args):
    format: str
    sentinels: list[str] = []  # noqa: RUF012 - pydantic copies defaults
    partial: bool = True  # accept 00 month/day as 不詳
    flag_item: str | None = None  # target item set to flag_values[1] on 不詳 / sentinel rows
    flag_values: tuple[str, str] = ("0", "1")
    flag_blank: str | None = None  # flag value when the date is blank (default: flag_values[0])


class _DateBase(Transform):
    era = False
    primary = "format"

    def side_items(self) -> list[str]:
        return [self.args.flag_item] if self.args.flag_item else []  # type: ignore[attr-defined]

    def _era_years(
        self, g: pa.Array, yy: np.ndarray, m: np.ndarray, d: np.ndarray, parsed: np.ndarray, raw: pa.Array, ctx: Context
    ) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError  # only 和暦

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        a = self.args
        s = as_str(inputs[0]) if len(inputs) == 1 else pc.binary_join_element_wise(*map(as_str, inputs), "")
        s = pc.utf8_trim(s, characters=" \u3000")
        blank = np.asarray(pc.equal(s, "").to_numpy(zero_copy_only=False))
        sentinel = (
            np.asarray(pc.is_in(s, value_set=pa.array(a.sentinels, pa.string())).to_numpy(zero_copy_only=False))
            if a.sentinels
            else np.zeros(len(s), bool)
        )
        st = pc.extract_regex(s, format_regex(a.format, era=self.era))
        parsed = np.asarray(st.is_valid().to_numpy(zero_copy_only=False)) & ~sentinel
        y, m, d = _ints(st, "y"), _ints(st, "m"), _ints(st, "d")
        ok = parsed.copy()
        if self.era:
            y, era_ok = self._era_years(pc.struct_field(st, "g"), y, m, d, parsed, s, ctx)
            ok &= era_ok
        ok &= _valid_calendar(y, m, d, a.partial)
        bad = ~ok & ~blank & ~sentinel
        if bad.any():
            ctx.finding(codes.BAD_DATE.code, bad, s)
        iso = iso_dates(np.where(ok, y, 0), np.where(ok, m, 0), np.where(ok, d, 0))
        out = pc.if_else(pa.array(ok), iso, pc.if_else(pa.array(sentinel), "", s))
        if a.flag_item:
            partial = ok & ((m == 0) | (d == 0))
            on = partial | sentinel
            off_blank = a.flag_blank if a.flag_blank is not None else a.flag_values[0]
            flag = pc.if_else(
                pa.array(on), a.flag_values[1], pc.if_else(pa.array(blank), off_blank, a.flag_values[0])
            )
            ctx.set_side(a.flag_item, flag)
        return out


@register_transform
class Wareki(_DateBase):
    """和暦 → 西暦 ``YYYY-MM-DD`` with the vendor's era digits (``eras``); 元年 = 01.

    Example: ``- wareki: {format: GYYMMDD, eras: {"3": 昭和, "4": 平成, "5": 令和}, flag_item: fusho}`` —
    ``"3600214"`` → ``"1985-02-14"``; ``"3640107"`` (昭和64年1月7日) → ``"1989-01-07"``;
    ``"5010501"`` (令和元年) → ``"2019-05-01"``; ``"3100000"`` → ``"1935-00-00"`` and ``fusho`` = ``"1"``;
    ``"4310501"`` (平成31年5月1日) → ``"2019-05-01"`` plus finding ``adapt.era_overflow``.
    Two inputs (era field, YYMMDD field) are joined first. Shorthand: ``- wareki: eras`` (a ``tables:`` entry).
    """

    name = "wareki"
    arity = None
    era = True
    primary = "eras"  # `- wareki: eras` names the era map in `tables:`

    class Args(_DateArgs):
        format: str = "GYYMMDD"
        eras: dict[str, str] = Field(min_length=1)

        @field_validator("eras")
        @classmethod
        def _known(cls, v: dict[str, str]) -> dict[str, str]:
            for name in v.values():
                wareki.get_era(name)  # ValueError lists the valid ones
            return v

        @field_validator("format")
        @classmethod
        def _fmt(cls, v: str) -> str:
            format_regex(v, era=True)
            return v

    def _era_years(
        self, g: pa.Array, yy: np.ndarray, m: np.ndarray, d: np.ndarray, parsed: np.ndarray, raw: pa.Array, ctx: Context
    ) -> tuple[np.ndarray, np.ndarray]:
        keys = list(self.args.eras)  # type: ignore[attr-defined]
        eras = [wareki.get_era(self.args.eras[k]) for k in keys]  # type: ignore[attr-defined]
        idx = pc.index_in(g, value_set=pa.array(keys, pa.string()))
        known = np.asarray(idx.is_valid().to_numpy(zero_copy_only=False)) & parsed & (yy >= 1)
        i = np.asarray(pc.fill_null(idx, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
        base = np.array([e.start.year for e in eras], dtype=np.int64)
        start = np.array([e.start.year * 10000 + e.start.month * 100 + e.start.day for e in eras], np.int64)
        ends = []
        for e in eras:
            end = wareki.era_end(e)
            ends.append(99991231 if end is None else end.year * 10000 + end.month * 100 + end.day)
        end_arr = np.array(ends, dtype=np.int64)
        y = base[i] + yy - 1
        lo = y * 10000 + np.where(m == 0, 1, m) * 100 + np.where(d == 0, 1, d)
        hi = y * 10000 + np.where(m == 0, 12, m) * 100 + np.where(d == 0, 31, d)
        over = known & ((hi < start[i]) | (lo > end_arr[i])) & _valid_calendar(y, m, d, True)
        if over.any():
            ctx.finding(codes.ERA_OVERFLOW.code, over, raw)
        return y, known


@register_transform
class Seireki(_DateBase):
    """西暦 text → ``YYYY-MM-DD``: formats like ``YYYYMMDD``, ``YYYY/MM/DD``, ``YYYY/M/D``.

    Example: ``- date: YYYY/MM/DD`` — ``"1985/02/14"`` → ``"1985-02-14"``; with
    ``{format: YYYYMMDD, sentinels: ["99999999"]}`` ``"99999999"`` → ``""``;
    ``"19350000"`` → ``"1935-00-00"`` (不詳, with ``flag_item`` set to ``"1"``).
    """

    name = "date"

    class Args(_DateArgs):
        format: str = "YYYYMMDD"

        @field_validator("format")
        @classmethod
        def _fmt(cls, v: str) -> str:
            format_regex(v, era=False)
            return v

