"""Vectorized dates for the generator: day numbers ⇄ Y/M/D, 和暦 eras, ISO strings.

Dates are int64 day numbers since 1970-01-01 (numpy ``datetime64[D]`` underneath). The
era table matches the spec engine's 和暦 table (:mod:`chukan_layout.spec.wareki`):
明治 from 1868-01-01 (the customary back-dating), 大正 1912-07-30, 昭和 1926-12-25,
平成 1989-01-08, 令和 2019-05-01.
"""

from __future__ import annotations

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
        "1912-07-29", "1912-07-30", "1926-12-24", "1926-12-25",
        "1989-01-07", "1989-01-08", "2019-04-30", "2019-05-01",
    ],
    dtype="datetime64[D]",
).astype(np.int64)


def day(iso: str) -> int:
    """Day number of an ISO date."""
    return int(np.datetime64(iso, "D").astype(np.int64))


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day numbers → (year, month, day) int64 arrays."""
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    year = y.astype(np.int64) + 1970
    month = (m - y.astype("datetime64[M]")).astype(np.int64) + 1
    dd = (d - m.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dd


def era_index(days: np.ndarray) -> np.ndarray:
    """0 = 明治 … 4 = 令和 (dates before 明治 get 0)."""
    return np.maximum(np.searchsorted(ERA_START, days, side="right") - 1, 0)


def era_year(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(era index, 和暦 year with 元年 = 1)."""
    e = era_index(days)
    year, _, _ = ymd(days)
    return e, year - ERA_START_YEAR[e] + 1


def iso(days: np.ndarray) -> pa.Array:
    """Day numbers → ``YYYY-MM-DD`` strings (Arrow)."""
    return pa.array(days.astype(np.int32), pa.date32()).cast(pa.string())


def zpad(values: np.ndarray | pa.Array, width: int) -> pa.Array:
    """Non-negative integers → zero-padded decimal strings (Arrow, vectorized)."""
    arr = values if isinstance(values, pa.Array) else pa.array(np.asarray(values, dtype=np.int64))
    return pc.utf8_lpad(arr.cast(pa.string()), width, "0")


def partial_iso(days: np.ndarray, unknown: np.ndarray) -> pa.Array:
    """ISO dates where ``unknown`` is 0 (full), 1 (day 不詳: ``YYYY-MM-00``) or 2 (``YYYY-00-00``)."""
    full = iso(days)
    if not unknown.any():
        return full
    y, m, _ = ymd(days)
    day_unknown = pc.binary_join_element_wise(zpad(y, 4), zpad(m, 2), "00", "-")
    month_unknown = pc.binary_join_element_wise(zpad(y, 4), "00", "00", "-")
    return pc.if_else(
        pa.array(unknown == 2), month_unknown, pc.if_else(pa.array(unknown == 1), day_unknown, full)
    )
