"""The date arithmetic of the date transforms, over whole columns: :class:`DateBase` (the base of
:class:`~.dates.Wareki` and :class:`~.dates.Seireki`) and its three routes.

- the word path: ``GYYMMDD`` 8 bytes at a time (:func:`._datebytes.gyymmdd`);
- the fast path: a fixed-width format's digits straight from the UTF-8 bytes (a byte matrix);
- the general path: an RE2 parse of the format (:func:`._dateformat.format_regex`), for any row,
  and the only one that reports (``adapt.date``, ``adapt.era_overflow``).

The first two settle only the rows that are complete, valid and inside their era (and blanks) and
leave the rest to the general path, so the results are the general path's (and tests hold them to
it).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import codes
from ._datebytes import YEAR4, digit_fields, gyymmdd, in_era, valid_calendar, valid_dates, year_table
from ._dateformat import DateArgs, fixed_layout, format_regex
from ._utf8 import from_buffers, row_offsets, utf8_buffers
from .base import Context, Transform, as_str
from .text import trim_column


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


class DateBase(Transform):
    """A date transform's ``apply`` over a column, by the routes above; a subclass sets ``Args``
    and, for 和暦, ``era`` with ``_era_table`` (the fast paths) and ``_era_years`` (the general path)."""

    era = False
    primary = "format"
    args: DateArgs

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
            self._layout = fixed_layout(a.format)
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
