"""Dates: 和暦 (GYYMMDD with a per-vendor era map) and 西暦 formats → ``YYYY-MM-DD``.

Both transforms parse with one RE2 regex built from the ``format`` (``G`` era digits,
``YY``/``YYYY`` year, ``MM``/``M`` month, ``DD``/``D`` day, anything else literal), then do
all date arithmetic with numpy.  Rules (docs/design.md §4, legacy-exports §2):

- a month/day ``00`` is 不詳: written ``00`` (``1935-00-00``) and the ``flag_item`` set;
- a ``sentinels`` value (``00000000``, ``99999999``) becomes blank and sets the flag;
- a 和暦 date outside its era is computed, never shifted, and reported ``adapt.era_overflow``;
- anything that does not parse is kept as it is and reported ``adapt.date`` (never blanked).

Here the two registered transforms; the formats and shared arguments are in :mod:`._dateformat`,
the column routes (word, fast, general) in :mod:`._datepaths`, byte-level arithmetic in
:mod:`._datebytes`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, field_validator

from ...spec import wareki
from .. import codes
from ._datebytes import valid_calendar
from ._dateformat import DateArgs
from ._datepaths import DateBase
from .base import Context, register_transform


@register_transform
class Wareki(DateBase):
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

    class Args(DateArgs):
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
class Seireki(DateBase):
    """西暦 text → ``YYYY-MM-DD``: formats like ``YYYYMMDD``, ``YYYY/MM/DD``, ``YYYY/M/D``.

    Example: ``- date: YYYY/MM/DD`` — ``"1985/02/14"`` → ``"1985-02-14"``; with
    ``{format: YYYYMMDD, sentinels: ["99999999"]}`` ``"99999999"`` → ``""``;
    ``"19350000"`` → ``"1935-00-00"`` (不詳, with ``flag_item`` set to ``"1"``).
    """

    name = "date"

    class Args(DateArgs):
        format: str = "YYYYMMDD"

    args: Args
