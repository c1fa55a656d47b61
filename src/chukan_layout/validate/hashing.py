"""Stable 64-bit codes of record keys, computed with numpy over the Arrow buffers.

A key (one or more item values) becomes one ``uint64``:

- **exact** when every part is ASCII digits and all fit in 18 decimal digits (a composite key
  adds a 2-digit length prefix per part): ``int("1" [+ "LL"] + digits …)`` < 2^63. Typical
  keys (宛名番号, 世帯番号, 宛名番号 + 履歴番号) are exact, so equal codes mean equal keys.
- otherwise a **hash** with the top bit set (so it never equals an exact code): the parts
  joined by U+001F, the UTF-8 bytes folded 8 at a time through the murmur3 ``fmix64`` mixer.
  Equal hashes of different keys are possible (≈ n²/2^64 pairs among n keys); callers that
  need certainty re-check them exactly (:mod:`.keys`), or bound the probability (:mod:`.refs`).

Codes depend only on the key text: identical across runs, processes and machines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .context import BatchContext
from .utf8 import buffers

TOP = np.uint64(1 << 63)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_SEED = np.uint64(0x9E3779B97F4A7C15)
_SEP = "\x1f"
_MAX_EXACT_DIGITS = 18
_POW10 = np.array([10**k for k in range(20)], dtype=np.uint64)
_CHUNK_BYTES = 32 << 20  # bound the padded byte matrix per call


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h = h * _M1
    h = h ^ (h >> np.uint64(33))
    h = h * _M2
    return h ^ (h >> np.uint64(33))


def hash_strings(arr: pa.Array) -> np.ndarray:
    """64-bit hash of each value's UTF-8 bytes (length-seeded, 8-byte words through fmix64)."""
    offsets, data = buffers(arr)
    n = len(arr)
    lens = np.diff(offsets)
    out = np.empty(n, dtype=np.uint64)
    if n == 0:
        return out
    width = int(-(-max(int(lens.max()), 1) // 8) * 8)
    step = max(1, _CHUNK_BYTES // width)
    padded = np.concatenate([data, np.zeros(width, np.uint8)])
    cols = np.arange(width, dtype=np.int64)
    with np.errstate(over="ignore"):
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            ln = lens[lo:hi]
            mat = padded[offsets[lo:hi, None] + cols]
            mat[cols[None, :] >= ln[:, None]] = 0
            words = np.ascontiguousarray(mat).view("<u8")  # (rows, width/8)
            h = _fmix64(ln.astype(np.uint64) ^ _SEED)
            for j in range(words.shape[1]):
                if j * 8 >= int(ln.max()):
                    break
                h = _fmix64(h ^ words[:, j] + np.uint64(j) * _SEED)
            out[lo:hi] = h
    return out


def key_parts(ctx: BatchContext, items: Sequence[str]) -> tuple[list[pa.StringArray], np.ndarray]:
    """The key columns and the mask of rows whose key is complete (no blank part)."""
    cols = [ctx.col(i) for i in items]
    complete = np.ones(ctx.n, dtype=bool)
    for i in items:
        complete &= ctx.nonblank(i)
    return cols, complete


def joined(cols: Sequence[pa.Array]) -> pa.Array:
    """The key text: parts joined by U+001F (a separator no item value contains)."""
    if len(cols) == 1:
        return cols[0]
    join: Any = pc.binary_join_element_wise
    return cast(pa.Array, join(*cols, _SEP))


def key_codes(ctx: BatchContext, items: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(uint64 code per row, complete-key mask). Rows with a blank part get code 0 (ignore them)."""
    cols, complete = key_parts(ctx, items)
    multi = len(items) > 1
    exact_ok = complete.copy()
    lens: list[np.ndarray] = []
    total = np.zeros(ctx.n, dtype=np.int64)
    for name, col in zip(items, cols, strict=True):
        ln = np.diff(buffers(col)[0])  # bytes == characters for ASCII digits
        exact_ok &= ctx.ascii_digits(name)
        total += ln + (2 if multi else 0)
        lens.append(ln)
    exact_ok &= total <= _MAX_EXACT_DIGITS
    codes = np.zeros(ctx.n, dtype=np.uint64)
    ex = np.flatnonzero(exact_ok)
    if ex.size:
        take = ex
        acc = np.ones(ex.size, dtype=np.uint64)
        for col, ln in zip(cols, lens, strict=True):
            n_dig = ln[ex].astype(np.uint64)
            if multi:  # a 2-digit length prefix keeps composite keys unambiguous
                acc = acc * np.uint64(100) + n_dig
            value = np.asarray(pc.cast(col.take(take), pa.uint64()).to_numpy(zero_copy_only=False), np.uint64)
            acc = acc * _POW10[n_dig] + value
        codes[ex] = acc
    hs = np.flatnonzero(complete & ~exact_ok)
    if hs.size:
        text = joined([c.take(hs) for c in cols])
        codes[hs] = hash_strings(text) | TOP
    return codes, complete


def is_exact(codes: np.ndarray) -> np.ndarray:
    """True where the code is an exact encoding (not a hash)."""
    return (codes & TOP) == 0


def decode_exact(code: int, parts: int) -> list[str] | None:
    """The key parts of an exact code (None for a hash code)."""
    if code & (1 << 63):
        return None
    s = str(code)[1:]
    if parts == 1:
        return [s]
    out = []
    while s:
        n = int(s[:2])
        out.append(s[2 : 2 + n])
        s = s[2 + n :]
    return out
