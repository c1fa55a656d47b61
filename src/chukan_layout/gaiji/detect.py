"""Vectorized 外字 detection: one RE2 pass over an Arrow string array, Python only on the hits.

:func:`suspicious_rows` runs ``pyarrow.compute.match_substring_regex`` with the target set's
class (PUA of the BMP and planes 15/16, plus every character the receiving charset cannot
store) and returns the row indices to look at. :func:`tokens` then splits one value into
characters with their combining marks / variation selectors (an IVS sequence is *one*
character for a receiver), and :func:`unstorable_tokens` is the exact per-value answer.
:func:`reference_rows` is the plain-Python oracle the tests hold the regex to.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .targets import JIS_COMBINING, TargetSet, is_pua, is_vs

GROUP = 64  # values per super-value in the first pass


def suspicious_rows(array: pa.Array | pa.ChunkedArray, target: TargetSet, group: int = GROUP) -> np.ndarray:
    """Indices (int64) of values holding at least one character the stage must inspect."""
    return suspicious_rows_many([array], target, group)[0]


def suspicious_rows_many(
    arrays: Sequence[pa.Array | pa.ChunkedArray], target: TargetSet, group: int = GROUP
) -> list[np.ndarray]:
    """:func:`suspicious_rows` of several columns with ONE regex call per pass.

    Two RE2 passes, both vectorized. pyarrow's per-value overhead dominates on short names, so
    the first pass runs over *super-values*: runs of ``group`` consecutive values viewed
    zero-copy as one string (same data buffer, every ``group``-th offset). A character class
    cannot match across value boundaries (every value is valid UTF-8 on its own), so a
    super-value matches iff one of its values does. The second pass matches the values of the
    matching runs only. All columns go into one regex call per pass, so the (large) class is
    compiled once, not once per column.
    """
    arrs: list[Any] = [a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays]
    if len({a.type for a in arrs}) > 1:
        arrs = [a.cast(pa.large_string()) for a in arrs]
    pattern = target.suspicious_pattern()
    out: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(arrs)
    if not arrs or all(len(a) == 0 for a in arrs):
        return out
    if group <= 1:
        return _split(_match(arrs, pattern), [len(a) for a in arrs])
    coarse, bounds = zip(*(_coarse(a, group) for a in arrs), strict=True)
    hits = _split(_match(list(coarse), pattern), [len(c) for c in coarse])
    rows: list[np.ndarray] = []
    for a, b, h in zip(arrs, bounds, hits, strict=True):
        r = np.concatenate([np.arange(s, e) for s, e in zip(b[h].tolist(), b[h + 1].tolist(), strict=True)]) \
            if h.size else np.empty(0, dtype=np.int64)  # fmt: skip
        if r.size and a.null_count:
            r = r[np.asarray(a.is_valid())[r]]
        rows.append(r.astype(np.int64))
    if not any(r.size for r in rows):
        return rows
    fine = _split(_match([a.take(pa.array(r, pa.int64())) for a, r in zip(arrs, rows, strict=True)], pattern),
                  [r.size for r in rows])  # fmt: skip
    return [r[f] for r, f in zip(rows, fine, strict=True)]


def _coarse(arr: Any, group: int) -> tuple[Any, np.ndarray]:
    """Zero-copy view of ``arr`` as runs of ``group`` values, and the run boundaries."""
    n = len(arr)
    large = pa.types.is_large_string(arr.type)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if large else np.int32)[arr.offset : arr.offset + n + 1]
    bounds = np.append(np.arange(0, n, group), n)
    view = pa.Array.from_buffers(arr.type, len(bounds) - 1, [None, pa.py_buffer(offsets[bounds].copy()),
                                                             arr.buffers()[2]])  # fmt: skip
    return view, bounds


def _match(arrs: list[Any], pattern: str) -> np.ndarray:
    """Concatenated boolean mask of ONE regex call over all arrays.

    The arrays are concatenated (a few ms of copying per batch) rather than passed as a
    ChunkedArray: pyarrow compiles the pattern once per chunk, and compiling a JIS X 0213 or MJ
    class (thousands of ranges) costs 5–10 ms each time — measured 6× slower over 40 columns."""
    if sum(a.nbytes for a in arrs) > (1 << 31) - (1 << 24) and not pa.types.is_large_string(arrs[0].type):
        arrs = [a.cast(pa.large_string()) for a in arrs]
    joined = arrs[0] if len(arrs) == 1 else pa.concat_arrays(arrs)
    mask: Any = pc.fill_null(pc.match_substring_regex(joined, pattern), False)
    return mask.to_numpy(zero_copy_only=False)


def _split(mask: np.ndarray, lengths: list[int]) -> list[np.ndarray]:
    """Per-array hit indices from a concatenated mask."""
    cuts = np.cumsum(lengths)[:-1]
    return [np.flatnonzero(m) for m in np.split(mask, cuts)]


def _joins(cp: int) -> bool:
    return is_vs(cp) or cp in JIS_COMBINING


def tokens(value: str) -> Iterator[tuple[int, str]]:
    """``(position, token)``: position is the 1-based code-point index where the token starts.

    A token is a base character with the variation selectors / JIS combining marks after it.

    >>> list(tokens("葛\\U000e0100城"))
    [(1, '葛\\U000e0100'), (3, '城')]
    """
    i, n = 0, len(value)
    while i < n:
        j = i + 1
        while j < n and _joins(ord(value[j])):
            j += 1
        yield i + 1, value[i:j]
        i = j


def unstorable_tokens(value: str, target: TargetSet) -> list[tuple[int, str]]:
    """Tokens of ``value`` that are 外字 (PUA) or that the target set cannot store."""
    return [(pos, tok) for pos, tok in tokens(value) if not target.storable(tok)]


def has_pua(value: str) -> bool:
    return any(is_pua(ord(c)) for c in value)


def reference_rows(values: Sequence[str | None], target: TargetSet) -> np.ndarray:
    """Per-row Python reference of :func:`suspicious_rows` (for tests and debugging).

    A row is suspicious when one of its *characters* is PUA, a variation selector the target
    must check (``mj``), or outside the target set.
    """
    hits = []
    for i, v in enumerate(values):
        if v is None:
            continue
        for c in v:
            cp = ord(c)
            if is_pua(cp) or (
                target.chars is not None
                and (not target.char_storable(cp) or (target.name == "mj" and is_vs(cp)))
            ):
                hits.append(i)
                break
    return np.asarray(hits, dtype=np.int64)
