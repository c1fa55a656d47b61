"""Date arithmetic shared by the date transforms, and the word-at-a-time path for ``GYYMMDD``.

``GYYMMDD`` (one era character, then 年月日 two digits each) is the 和暦 layout of most legacy
exports, and a 住民 record carries a dozen such columns.  After trimming, a column of them is
7-byte values back to back; each is read as one little-endian 64-bit word and handled with a
few whole-array integer operations (SWAR: digit check, digit pairs, output bytes):

- a value is settled only if all six digits are digits and ``(era, YY, MM, DD)`` is a valid,
  in-era date — one lookup in a table built once per era map from the very same rules as the
  general path (:func:`valid_calendar`, the era start/end);
- ``YYYY`` comes from a 4-byte table, ``-MM-DD`` is the input's own bytes moved into place.

Rows not settled (malformed, out of era, another width) are left to the general RE2 path, which
reports them; so the results are those of the general path by construction (and by test).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ...readers.numeric import DIGIT_PAIRS
from ._utf8 import from_buffers, row_offsets, utf8_buffers

# "0000".."9999" as 4 ASCII bytes: the year part of an ISO date by one lookup
YEAR4 = (np.arange(10000)[:, None] // np.array([1000, 100, 10, 1]) % 10 + 0x30).astype(np.uint8)
_YEAR4_U32 = YEAR4.view("<u4").reshape(-1)
MDAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def valid_calendar(y: np.ndarray, m: np.ndarray, d: np.ndarray, partial: bool) -> np.ndarray:
    """Real calendar dates (year ≥ 1); with ``partial`` also month/day ``00`` (不詳) forms."""
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    mc = np.clip(m, 0, 12)
    mdays = MDAYS[mc] + ((mc == 2) & leap)
    full = (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= mdays)
    if not partial:
        return full
    part = (y >= 1) & (((m == 0) & (d == 0)) | ((m >= 1) & (m <= 12) & (d == 0)))
    return full | part


def in_era(y: np.ndarray, m: np.ndarray, d: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The date (a 不詳 month/day spanning its whole range) overlaps [start, end] (YYYYMMDD ints)."""
    lo = y * 10000 + np.maximum(m, 1) * 100 + np.maximum(d, 1)
    hi = y * 10000 + np.where(m == 0, 12, m) * 100 + np.where(d == 0, 31, d)
    return (hi >= start) & (lo <= end)


def _month_day_table(partial: bool) -> np.ndarray:
    """``MM * 100 + DD`` → 1 valid in every year, 2 valid in leap years only (2月29日), 0 never:
    exactly :func:`valid_calendar` for a year ≥ 1 (built from it, over a leap and a common year)."""
    m = np.repeat(np.arange(100), 100)
    d = np.tile(np.arange(100), 100)
    common = valid_calendar(np.full(m.size, 2001), m, d, partial)
    leap = valid_calendar(np.full(m.size, 2000), m, d, partial)
    assert not (common & ~leap).any()
    return (common.astype(np.int8) + 2 * (leap & ~common)).astype(np.int8)


_MONTH_DAY = {p: _month_day_table(p) for p in (False, True)}


def pair_values(mat: np.ndarray, at: int) -> np.ndarray:
    """The two-digit number in bytes ``at``, ``at + 1`` of every row of a C-contiguous uint8 matrix
    (uint8: 0–99, 200 when either byte is not an ASCII digit): one strided uint16 view, one look-up."""
    k, width = mat.shape
    if k == 0:
        return np.zeros(0, np.uint8)
    return DIGIT_PAIRS[np.ndarray((k,), dtype="<u2", buffer=mat, offset=at, strides=(width,))]


def digit_fields(
    mat: np.ndarray, pos: dict[str, list]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """(y, m, d as int32, all their bytes digits) of a fixed-width date matrix whose year is 2 or 4
    digits and month and day 2, each a run of consecutive bytes; None for other layouts.

    Two digits at a time through :data:`~chukan_layout.readers.numeric.DIGIT_PAIRS` (≈ 5× fewer array passes than digit by digit)."""
    for key, sizes in (("y", (2, 4)), ("m", (2,)), ("d", (2,))):
        p = pos[key]
        if len(p) not in sizes or p != list(range(p[0], p[0] + len(p))):
            return None
    if not mat.flags.c_contiguous:
        mat = np.ascontiguousarray(mat)
    yp = pos["y"]
    hi = pair_values(mat, yp[0])
    m = pair_values(mat, pos["m"][0])
    d = pair_values(mat, pos["d"][0])
    worst = np.maximum(np.maximum(hi, m), d)
    y = hi.astype(np.int32)
    if len(yp) == 4:
        lo = pair_values(mat, yp[2])
        np.maximum(worst, lo, out=worst)
        y = y * 100 + lo
    return y, m.astype(np.int32), d.astype(np.int32), worst <= 99


def valid_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray, partial: bool) -> np.ndarray:
    """:func:`valid_calendar` (non-negative ``m``, ``d``) by one table look-up; the leap rule only
    on the 2月29日 rows."""
    small = (m <= 99) & (d <= 99)
    v = _MONTH_DAY[bool(partial)][np.where(small, m * 100 + d, 0)]  # 00/00 is 0 when not partial
    ok = (v > 0) & (y >= 1) & small
    feb29 = np.flatnonzero(v == 2)
    if feb29.size:
        yy = y[feb29]
        ok[feb29] &= ((yy % 4 == 0) & (yy % 100 != 0)) | (yy % 400 == 0)
    return ok


_TABLES: dict[tuple[bytes, bytes, bytes, bool], np.ndarray] = {}


def year_table(base: np.ndarray, start: np.ndarray, end: np.ndarray, partial: bool) -> np.ndarray:
    """Western year (0 = not a settled date) for key ``era * 10**6 + YY * 10**4 + MM * 100 + DD``.

    One extra era slot at the end (all 0) stands for an unknown era character.  ~2 MB per era;
    built once per era map.
    """
    key = (base.tobytes(), start.tobytes(), end.tobytes(), partial)
    if key not in _TABLES:
        from ...spec import compiled_cache  # ~0.1 s per era map: cached on disk by its content

        ckey = compiled_cache.content_key("year_table", [repr(key)])
        hit = compiled_cache.load("year_table", ckey)
        if isinstance(hit, np.ndarray) and hit.size == (base.size + 1) * 1_000_000:
            _TABLES[key] = hit
            return hit
        _TABLES[key] = _build_year_table(base, start, end, partial)
        compiled_cache.store("year_table", ckey, _TABLES[key])
    return _TABLES[key]


def _build_year_table(base: np.ndarray, start: np.ndarray, end: np.ndarray, partial: bool) -> np.ndarray:
    # a (YY, MM, DD) grid by broadcasting: the same rules as the general path, 10**6 cells per era
    yy = np.arange(100, dtype=np.int32)[:, None, None]
    mm = np.arange(100, dtype=np.int32)[None, :, None]
    dd = np.arange(100, dtype=np.int32)[None, None, :]
    out = np.zeros((base.size + 1) * 1_000_000, np.int16)
    for g in range(base.size):
        y = np.int32(base[g]) + yy - 1
        ok = (yy >= 1) & in_era(y, mm, dd, start[g], end[g]) & valid_calendar(y, mm, dd, partial)
        out[g * 1_000_000 : (g + 1) * 1_000_000] = np.where(ok, y, 0).reshape(-1)
    return out


_HI_NIBBLES, _THREES, _SIXES = 0xF0F0F0F0F0F0, 0x303030303030, 0x060606060606
_LOW_NIBBLES, _EVEN_DIGITS = 0x0F0F0F0F0F0F, 0x000F000F000F


def gyymmdd(
    s: pa.Array, era_index: np.ndarray, table: np.ndarray
) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray] | None:
    """Settle a ``GYYMMDD`` column word by word: (dates, settled rows, 不詳 mask of those rows, non-blank).

    ``era_index`` maps an era byte to its slot in ``table`` (unknown bytes → the all-0 slot).
    Unsettled rows are "" in the output.  None when the values are not all 7 bytes or blank.
    """
    data, offsets = utf8_buffers(s)
    n = len(s)
    lens = offsets[1:] - offsets[:-1]
    nonempty = lens > 0
    k = int(np.count_nonzero(nonempty))
    if k == 0 or data.size != 7 * k or int(lens.max()) != 7:
        return None
    buf = np.zeros(7 * k + 1, np.uint8)  # one spare byte: the last 8-byte read stays inside
    buf[:-1] = data
    x = np.ndarray((k,), dtype="<u8", buffer=buf, strides=(7,)) & np.uint64(0x00FFFFFFFFFFFFFF)
    t = x >> np.uint64(8)  # the six digits, first one in the lowest byte
    ok = (t & np.uint64(_HI_NIBBLES)) == np.uint64(_THREES)  # 0x30–0x3F …
    ok &= ((t + np.uint64(_SIXES)) & np.uint64(_HI_NIBBLES)) == np.uint64(_THREES)  # … and not 0x3A–0x3F
    dig = t & np.uint64(_LOW_NIBBLES)
    pairs = (dig & np.uint64(_EVEN_DIGITS)) * np.uint64(10) + (
        (dig >> np.uint64(8)) & np.uint64(_EVEN_DIGITS)
    )
    # YY in byte 0, MM in byte 2, DD in byte 4 (each < 166)
    yy, mm, dd = (((pairs >> np.uint64(sh)) & np.uint64(0xFF)).astype(np.int64) for sh in (0, 16, 32))
    key = era_index[(x & np.uint64(0xFF)).astype(np.intp)] * 1_000_000 + yy * 10_000 + mm * 100 + dd
    year = np.take(table, key, mode="clip")  # non-digit rows may index anywhere; ok already fails them
    ok &= year > 0
    rows = np.flatnonzero(nonempty) if k < n else np.arange(n)
    if not ok.all():
        rows, x, year, mm, dd = rows[ok], x[ok], year[ok], mm[ok], dd[ok]
    m = rows.size
    out = np.empty(10 * m + 2, np.uint8)
    if m == 0:
        return (
            from_buffers(out[:0], np.zeros(n + 1, np.int64)),
            rows,
            mm == 0,
            nonempty,
        )  # 2 spare bytes for the last row's 8-byte store
    md = (x >> np.uint64(24)) & np.uint64(0xFFFF)  # "MM"
    dd_bytes = (x >> np.uint64(40)) & np.uint64(0xFFFF)  # "DD"
    np.ndarray((m,), dtype="<u8", buffer=out, offset=4, strides=(10,))[:] = (
        np.uint64(0x2D00002D) | (md << np.uint64(8)) | (dd_bytes << np.uint64(32))  # "-MM-DD" + 2 spill bytes
    )
    np.ndarray((m,), dtype="<u4", buffer=out, offset=0, strides=(10,))[:] = _YEAR4_U32[
        year
    ]  # after: fixes spill
    return from_buffers(out[: 10 * m], row_offsets(rows, n, 10)), rows, (mm == 0) | (dd == 0), nonempty
