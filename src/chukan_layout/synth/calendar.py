"""Vectorized dates for the generator: day numbers ⇄ Y/M/D, 和暦 eras, ISO strings.

Dates are int64 day numbers since 1970-01-01 (numpy ``datetime64[D]`` underneath). The
era table matches the spec engine's 和暦 table (:mod:`chukan_layout.spec.wareki`):
明治 from 1868-01-01 (the customary back-dating), 大正 1912-07-30, 昭和 1926-12-25,
平成 1989-01-08, 令和 2019-05-01.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ERA_NAMES = ("明治", "大正", "昭和", "平成", "令和")
ERA_START = np.array(
    ["1868-01-01", "1912-07-30", "1926-12-25", "1989-01-08", "2019-05-01"], dtype="datetime64[D]"
).astype(np.int64)
ERA_START_YEAR = np.array([1868, 1912, 1926, 1989, 2019])

# Dates on both sides of every era change: each must land in the right era.
BOUNDARY_DATES = np.array(
    [
        "1912-07-29",
        "1912-07-30",
        "1926-12-24",
        "1926-12-25",
        "1989-01-07",
        "1989-01-08",
        "2019-04-30",
        "2019-05-01",
    ],
    dtype="datetime64[D]",
).astype(np.int64)


def day(iso: str) -> int:
    """Day number of an ISO date."""
    return int(np.datetime64(iso, "D").astype(np.int64))


_ISO_FIRST = int(np.datetime64("1800-01-01", "D").astype(np.int64))
_ISO_END = int(np.datetime64("2200-01-01", "D").astype(np.int64))


def _in_vocab(days: np.ndarray) -> bool:
    return days.shape[0] == 0 or (int(days.min()) >= _ISO_FIRST and int(days.max()) < _ISO_END)


def _ymd_datetime(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    year = y.astype(np.int64) + 1970
    month = (m - y.astype("datetime64[M]")).astype(np.int64) + 1
    dd = (d - m.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dd


@cache
def _ymd_table() -> np.ndarray:
    """(year, month, day) of every day in the ISO vocabulary's range, as a (3, days) int64 array."""
    return np.stack(_ymd_datetime(np.arange(_ISO_FIRST, _ISO_END, dtype=np.int64)))


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day numbers → (year, month, day) int64 arrays (a table lookup inside 1800–2199)."""
    days = np.asarray(days)
    if days.shape[0] and _in_vocab(days):
        t = _ymd_table()[:, days.astype(np.int64) - _ISO_FIRST]
        return t[0], t[1], t[2]
    return _ymd_datetime(days)


def era_index(days: np.ndarray) -> np.ndarray:
    """0 = 明治 … 4 = 令和 (dates before 明治 get 0)."""
    return np.maximum(np.searchsorted(ERA_START, days, side="right") - 1, 0)


def era_year(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(era index, 和暦 year with 元年 = 1)."""
    e = era_index(days)
    year, _, _ = ymd(days)
    return e, year - ERA_START_YEAR[e] + 1


@cache
def _iso_vocab() -> pa.Array:
    """Every ``YYYY-MM-DD`` from 1800 to 2199 (index = day − 1800-01-01), then ``""``."""
    days = pa.array(np.arange(_ISO_FIRST, _ISO_END, dtype=np.int32), pa.date32()).cast(pa.string())
    return pa.concat_arrays([days, pa.array([""], pa.string())])


def iso(days: np.ndarray) -> pa.Array:
    """Day numbers → ``YYYY-MM-DD`` strings (Arrow): a take from a cached vocabulary, which is
    several times cheaper than the date32 → string cast (the fallback outside 1800–2199)."""
    days = np.asarray(days)
    if _in_vocab(days):
        return _iso_vocab().take(days.astype(np.int64) - _ISO_FIRST)
    return pa.array(days.astype(np.int32), pa.date32()).cast(pa.string())


def iso_or_blank(days: np.ndarray, ok: np.ndarray) -> pa.Array:
    """ISO date where ``ok``, else ``""`` (one take)."""
    days = np.asarray(days)
    ok = np.asarray(ok, dtype=bool)
    if _in_vocab(days[ok]):
        return _iso_vocab().take(np.where(ok, days.astype(np.int64) - _ISO_FIRST, _ISO_END - _ISO_FIRST))
    return pc.if_else(pa.array(ok), iso(np.where(ok, days, 0)), "")


def zpad(values: np.ndarray | pa.Array, width: int) -> pa.Array:
    """Non-negative integers → zero-padded decimal strings (Arrow, vectorized)."""
    arr = values if isinstance(values, pa.Array) else pa.array(np.asarray(values, dtype=np.int64))
    return pc.utf8_lpad(arr.cast(pa.string()), width, "0")


def partial_iso(days: np.ndarray, unknown: np.ndarray) -> pa.Array:
    """ISO dates where ``unknown`` is 0 (full), 1 (day 不詳: ``YYYY-MM-00``) or 2 (``YYYY-00-00``)."""
    full = iso(days)
    rows = np.flatnonzero(unknown)
    if rows.shape[0] == 0:
        return full
    # only the few 不詳 rows are rebuilt, then patched into the full dates
    d, u = days[rows], unknown[rows]
    y, m, _ = ymd(d)
    day_unknown = pc.binary_join_element_wise(zpad(y, 4), zpad(m, 2), "00", "-")
    month_unknown = pc.binary_join_element_wise(zpad(y, 4), "00", "00", "-")
    part = pc.if_else(pa.array(u == 2), month_unknown, pc.if_else(pa.array(u == 1), day_unknown, iso(d)))
    idx = np.arange(len(full), dtype=np.int64)
    idx[rows] = len(full) + np.arange(rows.shape[0])
    return pa.concat_arrays([full, part]).take(idx)
