"""The characters of a string column as code points, worked out once per batch and shared.

Two stages of ``convert`` walk the same name and address columns character by character: the
外字 detection (:mod:`chukan_layout.gaiji.detect`, its codec route) and validation's charset
check (:mod:`chukan_layout.validation.checks_charset`). Both decode the column's UTF-8 to
UTF-32 with Python's C codecs (≈ 1.5 ns per byte). The 外字 stage rewrites only the rows it
maps, so most columns reach validation as the very same Arrow array: inside
:func:`shared_code_points` (one batch of the pipeline) the second stage gets the first one's
answer.

An answer is found again by the array's buffer addresses, offset and length, and the cache
holds the array itself: its buffers cannot be freed, so the addresses cannot be reused by
another array while the entry lives. Outside the ``with`` block nothing is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pyarrow as pa

_cache: dict[tuple[int, int, int, int, bool], tuple[pa.Array, np.ndarray]] | None = None


def code_points(arr: pa.Array) -> np.ndarray:
    """All characters of a ``string`` / ``large_string`` array's values, concatenated, as uint32
    code points (the bytes under null slots too: callers map positions back with the offsets)."""
    key = None
    if _cache is not None:
        key = _key(arr)
        got = _cache.get(key)
        if got is not None:
            return got[1]
    bufs = arr.buffers()
    large = pa.types.is_large_string(arr.type)
    n = len(arr)
    if bufs[2] is None or n == 0:
        cps = np.zeros(0, np.uint32)
    else:
        off = np.frombuffer(bufs[1], np.int64 if large else np.int32, n + 1, arr.offset * (8 if large else 4))
        lo, hi = int(off[0]), int(off[-1])
        with memoryview(bufs[2]) as whole, whole[lo:hi] as used:
            cps = np.frombuffer(str(used, "utf-8").encode("utf-32-le"), np.uint32)
    if _cache is not None and key is not None:
        _cache[key] = (arr, cps)
    return cps


def _key(arr: Any) -> tuple[int, int, int, int, bool]:
    bufs = arr.buffers()
    return (
        bufs[1].address if bufs[1] is not None else 0,
        bufs[2].address if bufs[2] is not None else 0,
        arr.offset,
        len(arr),
        pa.types.is_large_string(arr.type),
    )


@contextmanager
def shared_code_points() -> Iterator[None]:
    """Within the block, :func:`code_points` of the same array is computed once (see module docstring).

    One block per process at a time (a worker's batch); a nested block shares the outer one's
    answers. Answers are right from any thread (the entries hold their arrays); what the cache
    holds is dropped when the outermost block ends."""
    global _cache
    if _cache is not None:
        yield
        return
    _cache = {}
    try:
        yield
    finally:
        _cache = None
