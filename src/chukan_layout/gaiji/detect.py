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


def suspicious_rows(array: pa.Array | pa.ChunkedArray, target: TargetSet) -> np.ndarray:
    """Indices (int64) of values holding at least one character the stage must inspect."""
    if len(array) == 0:
        return np.empty(0, dtype=np.int64)
    mask: Any = pc.fill_null(pc.match_substring_regex(array, target.suspicious_pattern()), False)  # type: ignore[type-var]
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    return np.flatnonzero(mask.to_numpy(zero_copy_only=False))


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
