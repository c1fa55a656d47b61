"""Small vectorized helpers that turn numpy domain columns into Arrow string columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .calendar import iso


def s(x: np.ndarray | pa.Array) -> pa.Array:
    """numpy (ints, bytes, objects) → Arrow strings."""
    if isinstance(x, pa.Array | pa.ChunkedArray):
        return x if x.type == pa.string() else x.cast(pa.string())
    x = np.asarray(x)
    if x.dtype.kind in "iu":
        return pa.array(x.astype(np.int64)).cast(pa.string())
    if x.dtype.kind == "b":
        return flag(x)
    if x.dtype.kind == "S":
        return pa.array(x, pa.binary(x.dtype.itemsize)).cast(pa.string())
    return pa.array(x, pa.string())


_CONST: dict[tuple[str, int], pa.Array] = {}


def const(value: str, n: int) -> pa.Array:
    """``n`` copies of ``value`` (cached: chunks repeat the same constants at the same lengths)."""
    key = (value, n)
    arr = _CONST.get(key)
    if arr is None:
        if len(_CONST) > 4096:
            _CONST.clear()
        arr = _CONST[key] = pa.array([value], pa.string()).take(pa.array(np.zeros(n, dtype=np.int32)))
    return arr


def blank(n: int) -> pa.Array:
    return const("", n)


_FLAGS = pa.array(["0", "1"])


def flag(mask: np.ndarray) -> pa.Array:
    return _FLAGS.take(pa.array(np.asarray(mask).astype(np.int8)))


def pick(table: pa.Array | list[str], idx: np.ndarray) -> pa.Array:
    """``table[idx]`` for a small string table (codes, names)."""
    t = table if isinstance(table, pa.Array) else pa.array(table, pa.string())
    return t.take(pa.array(np.asarray(idx, dtype=np.int64)))


def where(mask: np.ndarray, a: pa.Array | str, b: pa.Array | str) -> pa.Array:
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), a, b)


def date_or_blank(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """ISO date where ``days >= 0`` (and ``mask``), else blank."""
    ok = days >= 0 if mask is None else (days >= 0) & mask
    return where(ok, iso(np.where(ok, days, 0)), "")


def int_or_blank(values: np.ndarray, mask: np.ndarray) -> pa.Array:
    return where(mask, s(np.asarray(values, dtype=np.int64)), "")


def zfill(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(s(np.asarray(values, dtype=np.int64)), width, "0")


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


_ZEN = str.maketrans("0123456789", "０１２３４５６７８９")


def zen_digits(values: pa.Array) -> pa.Array:
    """ASCII digits → full-width digits (for 方書 room numbers written the way clerks do)."""
    out = values
    for a, b in zip("0123456789", "０１２３４５６７８９", strict=True):
        out = pc.replace_substring(out, a, b)
    return out
