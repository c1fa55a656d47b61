"""Small vectorized helpers that turn numpy domain columns into Arrow string columns."""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .calendar import iso_or_blank


def s(x: np.ndarray | pa.Array) -> pa.Array:
    """numpy (ints, bytes, objects) → Arrow strings.

    Integers avoid Arrow's int→string cast (≈ 20–40 ns a value) where they can: small
    non-negative ones are taken from a cached vocabulary, same-width ones are formatted in
    numpy four digits at a time. Both give exactly the cast's text."""
    if isinstance(x, pa.Array | pa.ChunkedArray):
        return x if x.type == pa.string() else x.cast(pa.string())
    x = np.asarray(x)
    if x.dtype.kind in "iu":
        return int_strings(x)
    if x.dtype.kind == "b":
        return flag(x)
    if x.dtype.kind == "S":
        n, w = x.shape[0], x.dtype.itemsize
        if n and (np.frombuffer(x.tobytes(), np.uint8) != 0).all():  # no NUL padding: every value is w bytes
            return _fixed_width_strings(np.ascontiguousarray(x).view(np.uint8).reshape(n, w))
        return pa.array(x, pa.binary(w)).cast(pa.string())
    return pa.array(x, pa.string())


_SMALL = 100_000  # vocabulary of "0" … "99999"
_LUT4 = np.frombuffer(
    b"".join(b"%04d" % i for i in range(10_000)), np.uint32
)  # "0000" … "9999" as 4-byte words


@cache
def small_ints() -> pa.Array:
    """``"0"`` … ``"99999"`` (index = value)."""
    return pa.array(np.arange(_SMALL, dtype=np.int64)).cast(pa.string())


@cache
def _zfilled(width: int) -> pa.Array:
    return pc.utf8_lpad(small_ints().slice(0, 10**width), width, "0")


def _fixed_width_strings(mat: np.ndarray) -> pa.Array:
    """An ``(n, w)`` uint8 matrix of UTF-8 → n strings of w bytes each (zero-copy)."""
    n, w = mat.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32) if w else np.zeros(n + 1, np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(mat)))


def fixed_digits(values: np.ndarray, width: int) -> pa.Array:
    """Non-negative integers < 10**width → exactly ``width`` digits (zero padded), numpy only."""
    v = np.asarray(values, dtype=np.int64)
    n = v.shape[0]
    groups = max(-(-width // 4), 1)
    mat = np.empty((n, groups), np.uint32)
    x = v
    for k in range(groups - 1, -1, -1):
        q = x // 10_000  # floor-divide by a scalar is fast in numpy; divmod is not
        mat[:, k] = _LUT4[x - q * 10_000]
        x = q
    b = mat.view(np.uint8).reshape(n, groups * 4)
    return _fixed_width_strings(b[:, groups * 4 - width :])


def _ndigits(v: int) -> int:
    return len(str(v))


def int_strings(values: np.ndarray) -> pa.Array:
    """Integers → decimal strings, byte-identical to Arrow's int64 → string cast."""
    v = np.asarray(values)
    if v.shape[0] == 0:
        return pa.array([], pa.string())
    lo, hi = int(v.min()), int(v.max())
    if lo >= 0 and hi < _SMALL:
        return small_ints().take(v.astype(np.int64, copy=False))
    if lo > 0 and _ndigits(lo) == _ndigits(hi) and hi < 10**18:
        return fixed_digits(v, _ndigits(hi))
    return pa.array(v.astype(np.int64, copy=False)).cast(pa.string())


def const(value: str, n: int) -> pa.Array:
    """``n`` copies of ``value``, built from buffers (offsets ``k·len``, the bytes repeated)."""
    b = value.encode()
    offsets = np.arange(0, (n + 1) * len(b), len(b), dtype=np.int32) if b else np.zeros(n + 1, np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(b * n))


def blank(n: int) -> pa.Array:
    return const("", n)


def choose(mask: np.ndarray, a: str, b: str) -> pa.Array:
    """``a`` where ``mask`` else ``b``, for two constant strings, straight from numpy buffers."""
    m = np.asarray(mask, dtype=bool)
    ba, bb = a.encode(), b.encode()
    n = m.shape[0]
    if len(ba) == len(bb):  # equal widths: a byte matrix
        width = len(ba)
        if width == 0:
            return const("", n)
        table = np.frombuffer(bb + ba, np.uint8).reshape(2, width)
        data = table[m.view(np.int8)]
        return _fixed_width_strings(data)
    lengths = np.where(m, len(ba), len(bb))
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])
    if not bb or not ba:  # one side blank: the other's bytes repeated for its rows
        k = int(np.count_nonzero(m)) if ba else n - int(np.count_nonzero(m))
        repeated = (ba or bb) * k
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(repeated))
    return pa.array([b, a], pa.string()).take(m.view(np.int8))


def flag(mask: np.ndarray) -> pa.Array:
    """``"1"`` where ``mask`` else ``"0"``."""
    m = np.asarray(mask, dtype=bool)
    return _fixed_width_strings((m.view(np.uint8) + np.uint8(0x30)).reshape(-1, 1))


def pick(table: pa.Array | list[str], idx: np.ndarray) -> pa.Array:
    """``table[idx]`` for a small string table (codes, names)."""
    t = table if isinstance(table, pa.Array) else pa.array(table, pa.string())
    return t.take(pa.array(np.asarray(idx, dtype=np.int64)))


def where(mask: np.ndarray, a: pa.Array | str, b: pa.Array | str) -> pa.Array:
    m = np.asarray(mask, dtype=bool)
    if isinstance(a, str) and isinstance(b, str):  # two constants: no if_else kernel needed
        return choose(m, a, b)
    return pc.if_else(pa.array(m), a, b)


def patch(values: pa.Array, rows: np.ndarray, new: pa.Array | list[str]) -> pa.Array:
    """``values`` with ``values[rows[k]] = new[k]`` (few rows: one concat and one take)."""
    rows = np.asarray(rows, dtype=np.int64)
    if rows.shape[0] == 0:
        return values
    new_arr = new if isinstance(new, pa.Array) else pa.array(new, pa.string())
    n = len(values)
    idx = np.arange(n, dtype=np.int64)
    idx[rows] = n + np.arange(rows.shape[0])
    return pa.concat_arrays([values, new_arr]).take(idx)


def date_or_blank(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """ISO date where ``days >= 0`` (and ``mask``), else blank."""
    ok = days >= 0 if mask is None else (days >= 0) & mask
    return iso_or_blank(days, ok)


def int_or_blank(values: np.ndarray, mask: np.ndarray) -> pa.Array:
    return where(mask, s(np.asarray(values, dtype=np.int64)), "")


def zfill(values: np.ndarray, width: int) -> pa.Array:
    """Non-negative integers, zero-padded to ``width`` (wider values are kept whole, like ``str.zfill``)."""
    v = np.asarray(values, dtype=np.int64)
    if v.shape[0] and int(v.min()) >= 0 and int(v.max()) < 10**width:
        if width <= 5:
            return _zfilled(width).take(v)
        return fixed_digits(v, width)
    return pc.utf8_lpad(s(v), width, "0")


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


_ZEN = str.maketrans("0123456789", "０１２３４５６７８９")


def zen_digits(values: pa.Array) -> pa.Array:
    """ASCII digits → full-width digits (for 方書 room numbers written the way clerks do)."""
    out = values
    for a, b in zip("0123456789", "０１２３４５６７８９", strict=True):
        out = pc.replace_substring(out, a, b)
    return out
