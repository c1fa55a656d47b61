"""Dates: 和暦 (GYYMMDD with a per-vendor era map) and 西暦 formats → ``YYYY-MM-DD``.

Both transforms parse with one RE2 regex built from the ``format`` (``G`` era digits,
``YY``/``YYYY`` year, ``MM``/``M`` month, ``DD``/``D`` day, anything else literal), then do
all date arithmetic with numpy.  Rules (docs/design.md §4, legacy-exports §2):

- a month/day ``00`` is 不詳: written ``00`` (``1935-00-00``) and the ``flag_item`` set;
- a ``sentinels`` value (``00000000``, ``99999999``) becomes blank and sets the flag;
- a 和暦 date outside its era is computed, never shifted, and reported ``adapt.era_overflow``;
- anything that does not parse is kept as it is and reported ``adapt.date`` (never blanked).
"""

from __future__ import annotations

import re
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, field_validator

from ...spec import wareki
from .. import codes
from ._datebytes import YEAR4, digit_fields, gyymmdd, in_era, valid_calendar, valid_dates, year_table
from ._utf8 import from_buffers, row_offsets, utf8_buffers
from .base import Context, Transform, TransformArgs, as_str, register_transform
from .text import trim_column

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
                    out.append(
                        f"(?P<{group}>[0-9]{{1,2}})" if len(tok) == 1 else f"(?P<{group}>[0-9]{{{len(tok)}}})"
                    )
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


def _fixed_layout(fmt: str) -> tuple[int, dict[str, list]] | None:
    """Byte positions of each part for a fixed-width format (no ``M``/``D`` single tokens), else None."""
    pos: dict[str, list] = {"g": [], "y": [], "m": [], "d": [], "lit": []}
    i = 0
    while i < len(fmt):
        for tok, group in _TOKENS:
            if fmt.startswith(tok, i):
                if len(tok) == 1 and group in ("m", "d"):
                    return None
                if group == "g" and len(tok) != 1:
                    return None
                pos[group] += list(range(i, i + len(tok)))
                i += len(tok)
                break
        else:
            if not fmt[i].isascii():
                return None
            pos["lit"].append((i, ord(fmt[i])))
            i += 1
    return len(fmt), pos


def _ints(struct: pa.Array, name: str) -> np.ndarray:
    col = pc.struct_field(struct, name)
    return np.asarray(pc.cast(pc.fill_null(col, "0"), pa.int64()).to_numpy(zero_copy_only=False))


def iso_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> pa.Array:
    """``YYYY-MM-DD`` strings from int arrays (0 → ``00``), with Arrow kernels only."""
    n = pa.array(y * 10000 + m * 100 + d, pa.int64()).cast(pa.string())
    s = pc.utf8_lpad(n, width=8, padding="0")
    parts = [pc.utf8_slice_codeunits(s, a, b) for a, b in ((0, 4), (4, 6), (6, 8))]
    return pc.binary_join_element_wise(*parts, "-")


def _same_offsets(s: pa.Array, mat: np.ndarray) -> pa.Array | None:
    """``YYYY?MM?DD`` values back to back (``mat``: their bytes, every value of ``s`` either blank
    or one row) as ``YYYY-MM-DD`` over the input's own offsets buffer — no new offsets (a cumulative
    sum over every row) — or None when they do not begin the data buffer (a slice)."""
    if s.null_count or not pa.types.is_string(s.type):
        return None
    offsets = s.buffers()[1]
    if int(np.frombuffer(offsets, np.int32, 1, s.offset * 4)[0]) != 0:
        return None
    out = np.array(mat, np.uint8, order="C")
    out[:, 4] = out[:, 7] = ord("-")
    return pa.StringArray.from_buffers(len(s), offsets, pa.py_buffer(out.reshape(-1)), offset=s.offset)


class _DateArgs(TransformArgs):
    era: ClassVar[bool] = False  # the format has a G (era) part: 和暦
    format: str
    sentinels: list[str] = []  # noqa: RUF012 - pydantic copies defaults
    partial: bool = True  # accept 00 month/day as 不詳
    flag_item: str | None = None  # target item set to flag_values[1] on 不詳 / sentinel rows
    flag_values: tuple[str, str] = ("0", "1")
    flag_blank: str | None = None  # flag value when the date is blank (default: flag_values[0])

    @field_validator("format")
    @classmethod
    def _fmt(cls, v: str) -> str:
        format_regex(v, era=cls.era)
        return v


class _DateBase(Transform):
    era = False
    primary = "format"
    args: _DateArgs

    def side_items(self) -> list[str]:
        return [self.args.flag_item] if self.args.flag_item else []

    def _era_years(
        self,
        g: pa.Array,
        yy: np.ndarray,
        m: np.ndarray,
        d: np.ndarray,
        parsed: np.ndarray,
        raw: pa.Array,
        ctx: Context,
    ) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError  # only 和暦

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        s = as_str(inputs[0]) if len(inputs) == 1 else pc.binary_join_element_wise(*map(as_str, inputs), "")
        # a value the word path settles is exactly a valid 7-byte date, which trimming leaves alone:
        # try it on the input as it is (sources are usually trimmed already) and trim only the rest
        fast = self._words(s) if self._word_format() else None
        if fast is None:
            s = trim_column(s)
            fast = self._fast(s)
        if fast is None:
            return self._slow(s, ctx)
        out, flag, rest = fast
        flag_item = self.args.flag_item
        if rest.size:  # the few rows the fixed-width path did not settle: the general path, on them only
            sub = Context(
                ctx.file,
                ctx.layout,
                ctx.item,
                ctx.records.take(pa.array(rest)),
                ctx.findings,
                ctx.sensitivity,
            )
            slow = self._slow(trim_column(s.take(pa.array(rest))), sub)
            mask = np.zeros(len(s), bool)
            mask[rest] = True
            out = pc.replace_with_mask(out, pa.array(mask), slow)
            if flag is not None and flag_item is not None:
                flag = pc.replace_with_mask(flag, pa.array(mask), sub.side[flag_item])
        if flag is not None and flag_item is not None:
            ctx.set_side(flag_item, flag)
        return out

    def _flag(self, on: np.ndarray, blank: np.ndarray) -> pa.Array:
        """The 不詳 flag column: ``flag_values[1]`` where ``on``, the blank value where the date is blank."""
        a = self.args
        blank_v = a.flag_blank if a.flag_blank is not None else a.flag_values[0]
        return pc.if_else(
            pa.array(on), a.flag_values[1], pc.if_else(pa.array(blank), blank_v, a.flag_values[0])
        )

    def _fast(self, s: pa.Array) -> tuple[pa.Array, pa.Array | None, np.ndarray] | None:
        """Fixed-width formats (GYYMMDD, YYYYMMDD, YYYY/MM/DD): digits straight from the UTF-8 bytes.

        Returns (dates, flag, rows left for the general path), or None when the format is not fixed.
        Only rows that are complete, valid and inside their era are settled here; blank rows too.
        When every non-blank value has the format's width (the usual case after trimming), the data
        buffer *is* a (rows × width) byte matrix: no gather, and the output's month and day bytes
        are copied from it.
        """
        a = self.args
        if not self._word_format() and (self._layout is None or (self.era and self._table is None)):
            return None
        if self._word_format():
            words = self._words(s)
            if words is not None:
                return words
        assert self._layout is not None
        width, pos = self._layout
        n = len(s)
        data, offsets = utf8_buffers(s)
        lens = offsets[1:] - offsets[:-1]
        nonempty = lens > 0
        k = int(np.count_nonzero(nonempty))
        dense = bool(k) and data.size == k * width and int(lens.max()) == width
        if dense:
            mat = data.reshape(k, width)  # zero-copy: the values back to back
            cand = np.flatnonzero(nonempty) if k < n else None
        else:
            cand = np.flatnonzero(lens == width)
            idx = offsets[:-1][cand][:, None] + np.arange(width)[None, :]
            mat = data[idx] if cand.size else np.zeros((0, width), np.uint8)
        fields = digit_fields(mat, pos)  # two digits at a time (YYYY, YY, MM, DD runs)
        if fields is None:
            ok = np.ones(mat.shape[0], bool)
            digit_cols = pos["y"] + pos["m"] + pos["d"]
            ok &= ((mat[:, digit_cols] - np.uint8(0x30)) <= 9).all(axis=1)  # uint8 wraps: below "0" is large
            nums = {}
            for key in ("y", "m", "d"):
                v = np.zeros(mat.shape[0], np.int32)
                for p in pos[key]:
                    v = v * 10 + (mat[:, p].astype(np.int32) - 0x30)
                nums[key] = v
            y, m, d = nums["y"], nums["m"], nums["d"]
        else:
            y, m, d, ok = fields
        for p in pos.get("lit", []):
            ok &= mat[:, p[0]] == p[1]
        if self._table is not None:
            lut, base, start, end = self._table
            gi = lut[mat[:, pos["g"][0]]]
            ok &= (gi >= 0) & (y >= 1)
            gi = np.maximum(gi, 0)
            y = base[gi] + y - 1
            ok &= in_era(y, m, d, start[gi], end[gi])  # out-of-era rows are reported by the general path
        ok &= valid_dates(y, m, d, a.partial) if fields is not None else valid_calendar(y, m, d, a.partial)
        if a.sentinels:
            vals = s.take(pa.array(cand)) if cand is not None else s
            ok &= ~np.asarray(pc.is_in(vals, value_set=pa.array(a.sentinels, pa.string()))
                              .to_numpy(zero_copy_only=False), bool)  # fmt: skip
        all_ok = bool(ok.all())
        if all_ok and dense and not a.flag_item and self._iso_shaped():
            same = _same_offsets(s, mat)  # every value settled, each as long as its input: its offsets
            if same is not None:
                return same, None, np.zeros(0, np.int64)
        if not all_ok:
            mat, y = mat[ok], y[ok]
            m, d = m[ok], d[ok]
        rows = (
            (np.arange(n) if cand is None else cand)
            if all_ok
            else (np.flatnonzero(ok) if cand is None else cand[ok])
        )
        if self._iso_shaped():  # YYYY?MM?DD: the output is the input with "-" as separators
            out10 = np.array(mat, np.uint8, order="C")
        else:
            out10 = np.empty((mat.shape[0], 10), np.uint8)
            out10[:, 0:4] = YEAR4[y]
            out10[:, 5:7] = mat[:, pos["m"]]
            out10[:, 8:10] = mat[:, pos["d"]]
        out10[:, 4] = out10[:, 7] = ord("-")
        settled = ~nonempty
        settled[rows] = True
        rest = np.flatnonzero(~settled)
        out = from_buffers(out10.reshape(-1), row_offsets(rows, n, 10))
        flag = None
        if a.flag_item:
            on = np.zeros(n, bool)
            on[rows] = (m == 0) | (d == 0)
            flag = self._flag(on, ~nonempty)
        return out, flag, rest

    def _era_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        return None

    def _iso_shaped(self) -> bool:
        """A 西暦 ``YYYY?MM?DD`` layout (10 bytes, year 0–3, month 5–6, day 8–9): the settled
        values are their own output but for the two separators."""
        assert self._layout is not None
        width, pos = self._layout
        return (not self.era and width == 10 and pos["y"] == [0, 1, 2, 3] and pos["m"] == [5, 6]
                and pos["d"] == [8, 9])  # fmt: skip

    def _word_format(self) -> bool:
        """``GYYMMDD`` with one-character era keys and no sentinels: the word-at-a-time path applies."""
        if not hasattr(self, "_layout"):  # computed once per instance: the arguments are frozen
            a = self.args
            self._layout = _fixed_layout(a.format)
            self._table = self._era_table() if self.era else None
            self._words_ok = (
                self.era and a.format == "GYYMMDD" and not a.sentinels and self._table is not None
            )
        return bool(self._words_ok)

    def _words(self, s: pa.Array) -> tuple[pa.Array, pa.Array | None, np.ndarray] | None:
        """``GYYMMDD`` 8 bytes at a time (:func:`._datebytes.gyymmdd`); None if the column does not fit."""
        a = self.args
        assert self._table is not None
        lut, base, start, end = self._table
        era_index = np.where(lut >= 0, lut, base.size)
        res = gyymmdd(s, era_index, year_table(base, start, end, a.partial))
        if res is None:
            return None
        out, rows, partial, nonempty = res
        n = len(s)
        if rows.size == n:
            rest = np.zeros(0, np.int64)
        else:
            open_ = nonempty.copy()
            open_[rows] = False
            rest = np.flatnonzero(open_)
        blank = ~nonempty
        flag = None
        if a.flag_item:
            on = np.zeros(n, bool)
            on[rows] = partial
            flag = self._flag(on, blank)
        return out, flag, rest

    def _slow(self, s: pa.Array, ctx: Context) -> pa.Array:
        """The general path: an RE2 parse of the format, for any row."""
        a = self.args
        blank = np.asarray(pc.equal(s, "").to_numpy(zero_copy_only=False))
        sentinel = (
            np.asarray(
                pc.is_in(s, value_set=pa.array(a.sentinels, pa.string())).to_numpy(zero_copy_only=False)
            )
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
        ok &= valid_calendar(y, m, d, a.partial)
        bad = ~ok & ~blank & ~sentinel
        if bad.any():
            ctx.finding(codes.BAD_DATE.code, bad, s)
        iso = iso_dates(np.where(ok, y, 0), np.where(ok, m, 0), np.where(ok, d, 0))
        out = pc.if_else(pa.array(ok), iso, pc.if_else(pa.array(sentinel), "", s))
        if a.flag_item:
            partial = ok & ((m == 0) | (d == 0))
            ctx.set_side(a.flag_item, self._flag(partial | sentinel, blank))
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
        era = True
        format: str = "GYYMMDD"
        eras: dict[str, str] = Field(min_length=1)

        @field_validator("eras")
        @classmethod
        def _known(cls, v: dict[str, str]) -> dict[str, str]:
            for name in v.values():
                wareki.get_era(name)  # ValueError lists the valid ones
            return v

    args: Args

    def _era_bounds(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """The era keys, and per key its first year and first / last day as ``YYYYMMDD`` integers."""
        keys = list(self.args.eras)
        eras = [wareki.get_era(self.args.eras[k]) for k in keys]
        base = np.array([e.start.year for e in eras], np.int64)
        start = np.array([e.start.year * 10000 + e.start.month * 100 + e.start.day for e in eras], np.int64)
        ends = [wareki.era_end(e) for e in eras]
        end = np.array(
            [99991231 if x is None else x.year * 10000 + x.month * 100 + x.day for x in ends], np.int64
        )
        return keys, base, start, end

    def _era_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        if any(len(k) != 1 or not k.isascii() for k in self.args.eras):
            return None
        keys, base, start, end = self._era_bounds()
        lut = np.full(256, -1, np.int64)
        for i, k in enumerate(keys):
            lut[ord(k)] = i
        return lut, base, start, end

    def _era_years(
        self,
        g: pa.Array,
        yy: np.ndarray,
        m: np.ndarray,
        d: np.ndarray,
        parsed: np.ndarray,
        raw: pa.Array,
        ctx: Context,
    ) -> tuple[np.ndarray, np.ndarray]:
        keys, base, start, end = self._era_bounds()
        idx = pc.index_in(g, value_set=pa.array(keys, pa.string()))
        known = np.asarray(idx.is_valid().to_numpy(zero_copy_only=False)) & parsed & (yy >= 1)
        i = np.asarray(pc.fill_null(idx, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
        y = base[i] + yy - 1
        lo = y * 10000 + np.where(m == 0, 1, m) * 100 + np.where(d == 0, 1, d)
        hi = y * 10000 + np.where(m == 0, 12, m) * 100 + np.where(d == 0, 31, d)
        over = known & ((hi < start[i]) | (lo > end[i])) & valid_calendar(y, m, d, True)
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

    args: Args
