"""Zero-copy numpy views of Arrow string columns, and vectorized UTF-8 decoding.

Some checks need per-character facts (the cp932 byte width of a value, the digits of a
date or a check-digit number). Rather than a Python loop per value, they read the
column's UTF-8 buffer with numpy: per-byte flags, summed per row as differences of a
cumulative sum at the row offsets. Arrow guarantees valid UTF-8.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import native
from ..readers.buffers import string_buffers as buffers

_kernel = native.load("chukan_layout.validation._kernels")  # sjis_widths in one pass (_kernels.c)


def as_string_array(col: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    """One contiguous ``string`` array; nulls become ``""`` (the contract: blank is "")."""
    arr: Any = col
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if pa.types.is_null(arr.type):  # a column read as blank (the reader's blank-column hint)
        return blank_strings(len(arr))
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    if arr.null_count:
        arr = pc.fill_null(arr, string_scalar(""))
    return cast(pa.StringArray, arr)


@lru_cache(maxsize=8)
def blank_strings(n: int) -> pa.StringArray:
    """``n`` blank values (one zeroed offsets buffer, no data), shared: a cast of a ``null`` column
    and its ``fill_null`` cost ≈ 70 µs per 20,000 rows, and a worker's range has ≈ 48 such columns."""
    return cast(
        pa.StringArray,
        pa.StringArray.from_buffers(n, pa.py_buffer(np.zeros(n + 1, np.int32)), pa.py_buffer(b"")),
    )


def string_array(values: Sequence[str]) -> pa.StringArray:
    """A ``string`` array of ``values``, built from buffers: ``pa.array`` of a Python list imports
    pandas on its first call (≈ 0.5 s and 40 MB per process)."""
    enc = [v.encode() for v in values]
    offsets = np.zeros(len(enc) + 1, np.int32)
    np.cumsum(np.fromiter(map(len, enc), np.int64, len(enc)), out=offsets[1:])
    return cast(
        pa.StringArray,
        pa.StringArray.from_buffers(len(enc), pa.py_buffer(offsets), pa.py_buffer(b"".join(enc))),
    )


def byte_lengths(arr: pa.Array) -> np.ndarray:
    """UTF-8 byte length per value (int64)."""
    offsets, _ = buffers(arr)
    return np.diff(offsets)


def code_points(arr: pa.Array) -> np.ndarray:
    """All characters of the column, concatenated, as uint32 code points (C codecs, no per-row work)."""
    offsets, data = buffers(arr)
    # decoded from the buffer itself (``str(memoryview, …)``): no ``tobytes`` copy of the column first
    text = str(data[int(offsets[0]) : int(offsets[-1])].data, "utf-8")
    if not text:
        return np.zeros(0, np.uint32)
    # numpy's str scalar *is* UCS-4: ≈ 4× cheaper than ``text.encode("utf-32-le")`` (trailing NULs kept)
    return np.array(text).reshape(1).view(np.uint32)


def per_row_sum(flags: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Sum of per-byte ``flags`` (aligned with ``data[offsets[0]:]``) within each row."""
    cs = np.zeros(flags.size + 1, dtype=np.int64)
    np.cumsum(flags, out=cs[1:])
    rel = offsets - offsets[0]
    return cs[rel[1:]] - cs[rel[:-1]]


def sjis_widths(arr: pa.Array) -> np.ndarray:
    """cp932 byte width per value without encoding: 1 per U+0000–007F and U+FF61–FF9F, 2 per other.

    Counted on the UTF-8 bytes: characters are the lead bytes; the wide ones are lead bytes
    ≥ 0xC0 except the 半角カナ sequences EF BD A1–BF and EF BE 80–9F.
    """
    offsets, data = buffers(arr)
    if _kernel is not None:  # the same count in one compiled pass (numpy: seven passes per byte)
        out = np.empty(len(offsets) - 1, dtype=np.int64)
        _kernel.sjis_widths(len(out), offsets, data, out)
        return out
    seg = data[int(offsets[0]) : int(offsets[-1])]
    lead = (seg & 0xC0) != 0x80
    weight = lead.astype(np.int8) + (seg >= 0xC0)  # 1 per character, +1 if not ASCII
    ef = np.flatnonzero(seg[:-2] == 0xEF) if seg.size > 2 else np.zeros(0, np.int64)
    if ef.size:
        b1, b2 = seg[ef + 1], seg[ef + 2]
        weight[ef[((b1 == 0xBD) & (b2 >= 0xA1)) | ((b1 == 0xBE) & (b2 <= 0x9F))]] -= 1
    return per_row_sum(weight, offsets)


# Arrow ↔ numpy from the buffers, never through ``to_numpy(zero_copy_only=False)``, ``pa.array``
# or ``pa.scalar`` of Python values: with pandas installed, the first of those in a process makes
# pyarrow import pandas (≈ 0.2 s CPU, in the parent's serial start-up of every validate run).


def _one_array(arr: Any) -> Any:
    if isinstance(arr, pa.ChunkedArray):
        return arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return arr


def _bits(buf: Any, offset: int, n: int) -> np.ndarray:
    """Bits ``offset .. offset + n`` of an Arrow bitmap as a bool array."""
    raw = np.frombuffer(cast(Any, buf), np.uint8, count=(offset + n + 7) // 8)
    return np.unpackbits(raw, count=offset + n, bitorder="little")[offset:].view(bool)


def to_bool(arr: Any) -> np.ndarray:
    """A boolean Arrow result as a numpy bool array (null → False)."""
    arr = _one_array(arr)
    n = len(arr)
    if pa.types.is_null(arr.type):
        return np.zeros(n, bool)
    validity, values = arr.buffers()
    out = _bits(values, arr.offset, n) if values is not None else np.zeros(n, bool)
    if arr.null_count:
        out = out & _bits(validity, arr.offset, n)
    return out


def to_int64(arr: Any, fill: int = 0) -> np.ndarray:
    """An integer Arrow array as int64 numpy (null → ``fill``)."""
    arr = _one_array(arr)
    n = len(arr)
    validity, values = arr.buffers()
    width = arr.type.bit_width // 8
    dtype = np.dtype(f"{'u' if pa.types.is_unsigned_integer(arr.type) else 'i'}{width}")
    if values is None or n == 0:
        return np.full(n, fill, np.int64)
    out = np.frombuffer(cast(Any, values), dtype, count=n, offset=arr.offset * width).astype(np.int64)
    if arr.null_count:
        out[~_bits(validity, arr.offset, n)] = fill
    return out


def to_uint64(arr: Any) -> np.ndarray:
    """A uint64 Arrow array without nulls as numpy (a view)."""
    arr = _one_array(arr)
    n = len(arr)
    return (
        np.frombuffer(cast(Any, arr.buffers()[1]), np.uint64, count=n, offset=arr.offset * 8)
        if n
        else np.zeros(0, np.uint64)
    )


def int64_arrow(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """An int64 Arrow array of ``values`` (``valid``: False → null), from buffers."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    if valid is None:
        return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])
    bitmap = np.packbits(np.asarray(valid, bool), bitorder="little")
    nulls = int(len(data) - np.count_nonzero(valid))
    return pa.Array.from_buffers(pa.int64(), len(data), [pa.py_buffer(bitmap), pa.py_buffer(data)], nulls)


@lru_cache(maxsize=1024)
def string_scalar(value: str) -> pa.Scalar:
    """A ``string`` scalar (from buffers: see above); the literals of checks and rules, built once
    (a build costs ≈ 15 µs, and ``equals`` of a flag or a rule's code runs per batch and item)."""
    return string_array([value])[0]
