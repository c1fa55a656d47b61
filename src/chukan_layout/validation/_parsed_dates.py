"""A date column parsed once per batch: the rows of ``YYYY-MM-DD`` shape and their year, month, day.

The digits are gathered from the Arrow buffer into numpy (one gather for all rows of the right
shape) and the calendar facts the date checks (``checks_date``) judge on are computed
arithmetically, on first use: month range, days per month with Gregorian leap years, the
``YYYYMMDD`` ordinal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..readers.numeric import DIGIT_PAIRS
from .context import BatchContext

_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _days_in_month_table() -> np.ndarray:
    """int8 over ``year * 100 + month`` (years 0–9999, months 0–99): the month's days, 0 where the
    year is 0 or the month is not 1–12 — one lookup instead of the leap-year arithmetic per row."""
    years = np.arange(10000, dtype=np.int64)
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    table = np.zeros((10000, 100), dtype=np.int8)
    table[1:, 1:13] = _DAYS[1:]
    table[1:, 2] += leap[1:]
    out = table.reshape(-1)
    out.setflags(write=False)
    return out


_DIM = _days_in_month_table()


@dataclass(frozen=True)
class ParsedDates:
    """A date column parsed: the ``rows`` holding a value of the shape ``NNNN-NN-NN`` and their
    year/month/day (compact, int32); per-row views (0 / False elsewhere) are built on first use.

    Facts are computed on the shaped rows only: most date columns are blank in most records."""

    n: int
    rows: np.ndarray
    cy: np.ndarray
    cm: np.ndarray
    cd: np.ndarray

    def _spread(self, compact: np.ndarray, dtype: type = np.int64) -> np.ndarray:
        out: np.ndarray = np.zeros(self.n, dtype=dtype)
        out[self.rows] = compact
        return out

    @cached_property
    def shaped(self) -> np.ndarray:
        return self._spread(np.ones(self.rows.size, dtype=bool), bool)

    @cached_property
    def y(self) -> np.ndarray:
        return self._spread(self.cy)

    @cached_property
    def m(self) -> np.ndarray:
        return self._spread(self.cm)

    @cached_property
    def d(self) -> np.ndarray:
        return self._spread(self.cd)

    @cached_property
    def _month_days(self) -> tuple[np.ndarray, np.ndarray]:
        """(year ≥ 1 and month 1–12, days in that month) of the shaped rows."""
        dim = _DIM.take(self.cy * 100 + self.cm)  # year ≤ 9999, month ≤ 99: always inside the table
        return dim > 0, dim

    @cached_property
    def cfull(self) -> np.ndarray:
        """Valid full calendar dates among the shaped rows (compact)."""
        _ym_ok, dim = self._month_days
        return (self.cd >= 1) & (self.cd <= dim)  # dim is 0 for a year 0 or a month outside 1–12

    @cached_property
    def cordinal(self) -> np.ndarray:
        """``YYYYMMDD`` of the shaped rows (compact, int32)."""
        return self.cy * 10000 + self.cm * 100 + self.cd

    @cached_property
    def nonexistent(self) -> np.ndarray:
        """Recorded days the calendar lacks: month 1–12, day 1–31 past the month's last day."""
        ym_ok, dim = self._month_days
        return self._spread(ym_ok & (self.cd > dim) & (self.cd <= 31), bool)

    @cached_property
    def full(self) -> np.ndarray:
        """Valid full calendar dates (year ≥ 1)."""
        return self._spread(self.cfull, bool)

    @cached_property
    def ordinal(self) -> np.ndarray:
        return self._spread(self.cordinal)


# ``YYYY-MM-DD`` read as four two-byte pairs and two hyphens (a record view of the 10 bytes, no copy);
# a pair of ASCII digits (the first byte low) → 0–99 by table, anything else → 200 (DIGIT_PAIRS)
_DATE = np.dtype([("y1", "<u2"), ("y2", "<u2"), ("h1", "u1"), ("m", "<u2"), ("h2", "u1"), ("d", "<u2")])


def parse_dates(ctx: BatchContext, name: str) -> ParsedDates:
    """Parse a date column once per batch.

    The 10-byte values as a (rows × 10) byte matrix: when every value is blank or 10 bytes long
    (the usual case) the column's data buffer *is* that matrix (blanks have no bytes), otherwise
    one gather. Each row is read as a record of two-byte digit pairs and hyphens: four lookups in
    a 65,536-entry table give the numbers and the shape test at once (≈ 2× cheaper than digit
    arithmetic on the byte matrix)."""
    key = ("dates", name)
    got = ctx.memo(key)
    if got is None:
        offsets, data = ctx.buffers(name)
        ln = np.diff(offsets)
        rows = np.flatnonzero(ln == 10)
        lo = int(offsets[0])
        if rows.size + int(np.count_nonzero(ln == 0)) == ctx.n:
            chars = data[lo : lo + rows.size * 10]
        else:
            chars = data[offsets[rows, None] + np.arange(10)].reshape(-1)
        rec = np.ascontiguousarray(chars).view(_DATE)
        y1, y2 = DIGIT_PAIRS.take(rec["y1"]), DIGIT_PAIRS.take(rec["y2"])
        m, d = DIGIT_PAIRS.take(rec["m"]), DIGIT_PAIRS.take(rec["d"])
        ok = (
            (np.maximum(np.maximum(y1, y2), np.maximum(m, d)) <= 99)
            & (rec["h1"] == 0x2D)
            & (rec["h2"] == 0x2D)
        )
        if not ok.all():
            rows, y1, y2, m, d = rows[ok], y1[ok], y2[ok], m[ok], d[ok]
        got = ParsedDates(
            ctx.n,
            rows,
            y1.astype(np.int32) * 100 + y2,
            m.astype(np.int32),
            d.astype(np.int32),
        )
        ctx.remember(key, got)
    return got  # type: ignore[return-value]
