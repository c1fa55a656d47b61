"""Reverse transforms: standard-layout values → a vendor's import format (``chukan-layout export``).

They live in the same registry as the forward transforms, so an export profile names its steps
exactly like an adapter does. Each is the inverse of a forward step:

- ``to_wareki`` ↔ ``wareki``: ``YYYY-MM-DD`` → ``GYYMMDD`` with the vendor's era coding;
- ``date_format`` ↔ ``date``: ``YYYY-MM-DD`` → ``YYYY/MM/DD``, ``YYYYMMDD`` …;
- ``large_kana`` ↔ ``small_kana_flag``: ｷｮｳｺ-style small kana written large (the vendor habit);
- ``kana: hankaku`` / ``alnum: ascii`` (in :mod:`.width`) undo ``kana: zenkaku`` / ``alnum: zenkaku``;
- ``map`` with the inverted table undoes ``map`` (the loader checks that it can be inverted).

Dates are handled as text: 不詳 ``00`` parts stay ``00``; a value that is not ``YYYY-MM-DD`` is
kept and reported ``export.date`` (never blanked, never guessed).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, field_validator

from ...findings import Severity, register_code
from ...spec import wareki
from .base import Context, Transform, TransformArgs, as_str, register_transform
from .people import SMALL_KANA_PATTERNS

EXPORT_DATE = register_code(
    "export.date",
    Severity.ERROR,
    "a standard date is not YYYY-MM-DD and cannot be written in the vendor's format (kept as is)",
    "標準レイアウトの日付が YYYY-MM-DD でなく、出力形式に変換できない(値はそのまま)",
    stage="export",
    doc="Bad: `1985/02/14` in a date item → finding. Good: `1985-02-14` (→ `3600214` with 昭和=3).",
)
EXPORT_ERA = register_code(
    "export.era_unknown",
    Severity.ERROR,
    "the date's era has no code in the vendor's era table",
    "日付の元号が出力先の元号コード表に無い",
    stage="export",
    doc="Bad: 1900-01-01 (明治) with eras {'3': 昭和, '4': 平成} → finding. Good: an era table covering the data.",
)

SMALL_KANA_LARGE = register_code(
    "export.small_kana_large",
    Severity.INFO,
    "small kana written large in the vendor format (ｷﾖｳｺ), as the vendor does: lossy, listed",
    "捨て仮名を大書きして出力(ベンダーの慣行・情報の欠落)",
    stage="export",
    doc="Bad: キョウコ → ｷﾖｳｺ (the vendor's own habit; the standard value keeps the small kana). "
    "Good: a target format with small half-width kana (ｷｮｳｺ).",
)

_ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _parse_iso(
    values: pa.Array,
) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(strings, blank, ok, y, m, d): ``ok`` where the value is ``YYYY-MM-DD`` (不詳 00 allowed)."""
    s = as_str(values)
    blank = np.asarray(pc.equal(s, "").to_numpy(zero_copy_only=False), bool)
    ok = np.asarray(pc.match_substring_regex(s, _ISO).to_numpy(zero_copy_only=False), bool)

    def part(a: int, b: int) -> np.ndarray:
        p = pc.if_else(pa.array(ok), pc.utf8_slice_codeunits(s, a, b), "0")
        return np.asarray(p.cast(pa.int64()).to_numpy(zero_copy_only=False))

    return s, blank, ok, part(0, 4), part(5, 7), part(8, 10)


def _digits(x: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pa.array(x, pa.int64()).cast(pa.string()), width, "0")


@register_transform
class ToWareki(Transform):
    """西暦 ``YYYY-MM-DD`` → 和暦 in the vendor's format and era coding (inverse of ``wareki``).

    Example: ``- to_wareki: {eras: {"2": 昭和, "3": 平成, "4": 令和}}`` — ``"1985-02-14"`` →
    ``"2600214"``; ``"1989-01-07"`` → ``"2640107"``; ``"1935-00-00"`` (不詳) → ``"2100000"``.
    The era is the one the date falls in; a second input (a 元号コード item, decoded by
    ``era_codes``) overrides it where set, which keeps 平成元年 不詳 as ``3010000``.
    """

    name = "to_wareki"
    arity = None
    primary = "eras"

    class Args(TransformArgs):
        eras: dict[str, str] = Field(min_length=1)  # vendor era code → era name (the adapter's table)
        format: str = "GYYMMDD"
        era_codes: dict[str, str] = {}  # noqa: RUF012 - second input's code → era name (layout's gengo)

        @field_validator("eras")
        @classmethod
        def _known(cls, v: dict[str, str]) -> dict[str, str]:
            for name in v.values():
                wareki.get_era(name)
            return v

        @field_validator("format")
        @classmethod
        def _fmt(cls, v: str) -> str:
            if not all(t in v for t in ("G", "YY", "MM", "DD")):
                raise ValueError(f"format {v!r} needs G, YY, MM and DD")
            return v

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        s, blank, ok, y, m, d = _parse_iso(inputs[0])
        eras = wareki.ERAS
        starts = np.array([e.start.year * 10000 + e.start.month * 100 + e.start.day for e in eras])
        key = y * 10000 + np.maximum(m, 1) * 100 + np.maximum(d, 1)
        idx = np.searchsorted(starts, key, side="right") - 1
        if len(inputs) > 1 and self.args.era_codes:
            names = [e.name for e in eras]
            by_code = {c: names.index(wareki.get_era(n).name) for c, n in self.args.era_codes.items()}
            codes = pa.array(list(by_code), pa.string())
            hit = pc.index_in(as_str(inputs[1]), value_set=codes)
            lut = np.array([*list(by_code.values()), -1], np.int64)
            over = lut[np.asarray(pc.fill_null(hit, len(by_code)).to_numpy(zero_copy_only=False))]
            idx = np.where(over >= 0, over, idx)
        code_of = {wareki.get_era(n).name: c for c, n in self.args.eras.items()}
        era_code = np.array([code_of.get(e.name, "") for e in eras] + [""], object)
        codes_arr = era_code[np.where(idx >= 0, idx, len(eras))]
        known = codes_arr != ""
        bad = ~blank & ~ok
        if bad.any():
            ctx.finding(EXPORT_DATE.code, bad, s)
        unknown = ok & ~known
        if unknown.any():
            ctx.finding(EXPORT_ERA.code, unknown, s)
        base = np.array([e.start.year for e in eras] + [0])[np.where(idx >= 0, idx, len(eras))]
        yy = np.clip(y - base + 1, 0, 99)
        fmt = self.args.format
        parts = {"G": pa.array(codes_arr.tolist(), pa.string()), "YY": _digits(yy, 2),
                 "MM": _digits(m, 2), "DD": _digits(d, 2)}  # fmt: skip
        out = _fill(fmt, parts, len(s))
        good = ok & known
        return pc.if_else(pa.array(good), out, s)


def _fill(fmt: str, parts: dict[str, pa.Array], n: int) -> pa.Array:
    """Join the format's tokens (longest first) and literal text into one string column."""
    pieces: list[pa.Array | str] = []
    i = 0
    tokens = sorted(parts, key=len, reverse=True)
    while i < len(fmt):
        for t in tokens:
            if fmt.startswith(t, i):
                pieces.append(parts[t])
                i += len(t)
                break
        else:
            if pieces and isinstance(pieces[-1], str):
                pieces[-1] += fmt[i]
            else:
                pieces.append(fmt[i])
            i += 1
    cols = [p if isinstance(p, pa.Array) else pa.repeat(pa.scalar(p, pa.string()), n) for p in pieces]
    return cols[0] if len(cols) == 1 else pc.binary_join_element_wise(*cols, "")


@register_transform
class DateFormat(Transform):
    """西暦 ``YYYY-MM-DD`` → another 西暦 format (inverse of ``date``).

    Example: ``- date_format: YYYY/MM/DD`` — ``"1985-02-14"`` → ``"1985/02/14"``; ``YYYYMMDD`` →
    ``"19850214"``; ``"1935-00-00"`` (不詳) → ``"1935/00/00"``; blank stays blank.
    """

    name = "date_format"
    primary = "format"
    value_wise = True
    cost = 2

    class Args(TransformArgs):
        format: str = "YYYYMMDD"

        @field_validator("format")
        @classmethod
        def _fmt(cls, v: str) -> str:
            if not all(t in v for t in ("YYYY", "MM", "DD")):
                raise ValueError(f"format {v!r} needs YYYY, MM and DD")
            return v

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        s = as_str(inputs[0])
        blank = np.asarray(pc.equal(s, "").to_numpy(zero_copy_only=False), bool)
        ok = np.asarray(pc.match_substring_regex(s, _ISO).to_numpy(zero_copy_only=False), bool)
        bad = ~blank & ~ok
        if bad.any():
            ctx.finding(EXPORT_DATE.code, bad, s)
        parts = {
            k: pc.utf8_slice_codeunits(s, a, b) for k, a, b in (("YYYY", 0, 4), ("MM", 5, 7), ("DD", 8, 10))
        }
        return pc.if_else(pa.array(ok), _fill(self.args.format, parts, len(s)), s)


SMALL = "ァィゥェォッャュョヮヵヶｧｨｩｪｫｯｬｭｮ"
LARGE = "アイウエオツヤユヨワカケｱｲｳｴｵﾂﾔﾕﾖ"
_LARGE = str.maketrans(SMALL, LARGE)


@register_transform
class LargeKana(Transform):
    """Write small kana large, the legacy habit (inverse of ``small_kana_flag``; lossy by nature).

    Example: ``- large_kana`` — ``"キョウコ"`` → ``"キヨウコ"``; ``"ｷｮｳｺ"`` → ``"ｷﾖｳｺ"``. Reports
    ``export.small_kana_large`` on the rows it changes *and* on the rows that ``small_kana_flag``
    with the same ``level``/``pattern`` flags (a value that came from this vendor may hold small
    kana it had already written large): the export report lists what the format cannot tell apart.
    """

    name = "large_kana"
    primary = "level"

    class Args(TransformArgs):
        level: Literal["likely", "any"] = "likely"
        pattern: str | None = None

    args: Args

    def apply(self, inputs: list[pa.Array], ctx: Context) -> pa.Array:
        s = as_str(inputs[0])
        small = pc.match_substring_regex(s, "[" + SMALL + "]")
        out = s
        if pc.any(small).as_py():
            enc = pc.dictionary_encode(s)
            d = pa.array([v.translate(_LARGE) for v in enc.dictionary.to_pylist()], pa.string())
            out = d.take(enc.indices)
        flagged = pc.or_(
            small, pc.match_substring_regex(out, self.args.pattern or SMALL_KANA_PATTERNS[self.args.level])
        )
        if pc.any(flagged).as_py():
            ctx.finding(SMALL_KANA_LARGE.code, flagged, s)
        return out


def invert_table(table: dict[str, str]) -> dict[str, str] | None:
    """The inverse of a code map, or None when two codes map to the same value (not invertible)."""
    inv: dict[str, str] = {}
    for k, v in table.items():
        if v in inv:
            return None
        inv[v] = k
    return inv
