"""Stable 128-bit codes of record keys, computed with numpy over the Arrow buffers.

A key (one or more item values) becomes one :data:`CODE` (two ``uint64``: ``hi``, ``lo``):

- **exact** when every part is ASCII digits and the key text ``"1" [+ "LL"] + digits …``
  (a composite key adds a 2-digit length prefix per part) has at most 36 digits: the code is
  that decimal number split as ``hi * 10**18 + lo``. Typical keys (宛名番号 of 15 digits,
  世帯番号, 宛名番号 + 履歴番号: 25 digits) are exact, so equal codes mean equal keys and
  duplicates never need the key text again. A key of up to 17 digits has ``hi == 0``.
- otherwise a **hash** with the top bit of ``hi`` set (so it never equals an exact code): the
  parts joined by U+001F, the UTF-8 bytes folded 8 at a time through the murmur3 ``fmix64``
  mixer, once per word with two seeds (``hi``, ``lo``). Equal hashes of different keys are
  possible (≈ n²/2^128 pairs among n keys); callers that need certainty re-check them
  exactly (:mod:`.keys`), or bound the probability (:mod:`.refs`).

Codes depend only on the key text: identical across runs, processes and machines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .context import BatchContext
from .utf8 import buffers, int64_arrow, string_scalar, to_uint64

TOP = np.uint64(1 << 63)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_SEED = np.uint64(0x9E3779B97F4A7C15)
_SEP = "\x1f"
_SEED_LO = np.uint64(0xD6E8FEB86659FD93)
_MAX_EXACT_DIGITS = 36  # the key text, "1" and length prefixes included: two limbs of 18 digits
_LIMB = 18
_POW10 = np.array([10**k for k in range(20)], dtype=np.uint64)
_LIMB_WEIGHTS = _POW10[_LIMB - 1 :: -1].copy()  # 10^17 … 10^0

#: A key code: ``hi`` (top bit set: hash) and ``lo``.
CODE = np.dtype([("hi", "<u8"), ("lo", "<u8")])
_CHUNK_BYTES = 32 << 20  # bound the padded byte matrix per call


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h = h * _M1
    h = h ^ (h >> np.uint64(33))
    h = h * _M2
    return h ^ (h >> np.uint64(33))


def hash_strings(arr: pa.Array, seed: np.uint64 = _SEED) -> np.ndarray:
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
            h = _fmix64(ln.astype(np.uint64) ^ seed)
            for j in range(words.shape[1]):
                live = ln > j * 8  # a value's own words only: its hash must not depend on its batch
                if not live.any():
                    break
                h = np.where(live, _fmix64(h ^ words[:, j] + np.uint64(j) * seed), h)
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
    return cast(pa.Array, join(*cols, string_scalar(_SEP)))


def _append(hi: np.ndarray, lo: np.ndarray, k: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(hi, lo) * 10**k + v`` in base 10^18 limbs, for 0 < k ≤ 18 and v < 10**k (result < 10^36)."""
    if k.size and k.min() == k.max():  # fixed-width parts (the usual key): scalar divisors, 3× faster
        kk = int(k[0])
        if not hi.any() and int(lo.max()) < int(_POW10[_LIMB - kk]):  # still one limb: nothing moves up
            return hi, lo * _POW10[kk] + v
        a, b = np.divmod(lo, _POW10[_LIMB - kk])
        return hi * _POW10[kk] + a, b * _POW10[kk] + v
    keep = _POW10[_LIMB - k]  # lo = a * 10^(18-k) + b: a moves up into hi
    a, b = lo // keep, lo % keep
    return hi * _POW10[k] + a, b * _POW10[k] + v


def _exact_matrix(
    cols: Sequence[pa.StringArray], rows: np.ndarray, lens: list[np.ndarray], multi: bool, total: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(hi, lo) of the key text of ``rows`` from a right-aligned (rows × 36) matrix of digit values.

    Any part length (the general path, for keys with a part of more than 18 digits).
    """
    m = rows.size
    mat = np.zeros((m, 2 * _LIMB), dtype=np.uint8)
    at = np.arange(m)
    cur = 2 * _LIMB - total[rows]  # column of the leading "1"
    mat[at, cur] = 1
    cur = cur + 1
    for col, ln_all in zip(cols, lens, strict=True):
        ln = ln_all[rows]
        if multi:
            mat[at, cur] = ln // 10
            mat[at, cur + 1] = ln % 10
            cur = cur + 2
        offsets, data = buffers(col)
        width = int(ln.max()) if m else 0
        if width:
            j = np.arange(width)
            r, c = np.nonzero(j[None, :] < ln[:, None])
            mat[r, cur[r] + c] = data[offsets[rows][r] + c] - 48
        cur = cur + ln
    w = mat.astype(np.uint64)
    return w[:, :_LIMB] @ _LIMB_WEIGHTS, w[:, _LIMB:] @ _LIMB_WEIGHTS


def _exact(
    cols: Sequence[pa.StringArray], rows: np.ndarray, lens: list[np.ndarray], multi: bool, total: np.ndarray,
    parsed: Callable[[int], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(hi, lo) of the key text ``"1" [+ "LL"] + digits …`` of ``rows`` (digits only, ≤ 36 digits).

    Parts of up to 18 digits are parsed by Arrow (``cast`` to uint64) and appended with limb
    arithmetic; rows with a longer part take the digit-matrix path. ``parsed(i)``: part ``i`` of
    every row already parsed (a batch's column shared by its key and a reference target).
    """
    short = np.ones(rows.size, dtype=bool)
    for ln in lens:
        short &= ln[rows] <= _LIMB
    if not short.all():
        hi, lo = np.empty(rows.size, np.uint64), np.empty(rows.size, np.uint64)
        long_ = ~short
        hi[long_], lo[long_] = _exact_matrix(cols, rows[long_], lens, multi, total)
        if short.any():
            hi[short], lo[short] = _exact(cols, rows[short], lens, multi, total)
        return hi, lo
    n = rows.size
    whole = n == len(cols[0]) if cols else False  # every row: no take
    hi = np.zeros(n, dtype=np.uint64)
    lo = np.ones(n, dtype=np.uint64)  # the leading "1"
    idx = None if whole else int64_arrow(rows)
    for i, (col, ln_all) in enumerate(zip(cols, lens, strict=True)):
        ln = ln_all if whole else ln_all[rows]
        if multi:  # a 2-digit length prefix keeps composite keys unambiguous
            hi, lo = _append(hi, lo, np.full(n, 2), ln.astype(np.uint64))
        if whole and parsed is not None:
            value = parsed(i)
        else:
            value = to_uint64(pc.cast(col if idx is None else col.take(idx), pa.uint64()))
        hi, lo = _append(hi, lo, ln, value)
    return hi, lo


def key_codes(ctx: BatchContext, items: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(:data:`CODE` per row, complete-key mask). Rows with a blank part get code (0, 0) (ignore them)."""
    cols, complete = key_parts(ctx, items)
    multi = len(items) > 1
    exact_ok = complete.copy()
    lens: list[np.ndarray] = []
    total = np.ones(ctx.n, dtype=np.int64)  # the leading "1"
    for name, col in zip(items, cols, strict=True):
        ln = np.diff(buffers(col)[0])  # bytes == characters for ASCII digits
        exact_ok &= ctx.ascii_digits(name)
        total += ln + (2 if multi else 0)
        lens.append(ln)
    exact_ok &= total <= _MAX_EXACT_DIGITS
    codes = np.zeros(ctx.n, dtype=CODE)
    ex = np.flatnonzero(exact_ok)
    if ex.size == ctx.n:  # every key exact (the usual batch): whole-field copies, no scatter

        def parsed(i: int) -> np.ndarray:  # each digit column parsed once per batch (key and target)
            key = ("u64", items[i])
            got = ctx.memo(key)
            if got is None:
                got = to_uint64(pc.cast(cols[i], pa.uint64()))
                ctx.remember(key, got)
            return got  # type: ignore[return-value]

        codes["hi"], codes["lo"] = _exact(cols, ex, lens, multi, total, parsed)
    elif ex.size:
        codes["hi"][ex], codes["lo"][ex] = _exact(cols, ex, lens, multi, total)
    hs = np.flatnonzero(complete & ~exact_ok)
    if hs.size:
        rows = int64_arrow(hs)
        text = joined([c.take(rows) for c in cols])
        codes["hi"][hs] = hash_strings(text) | TOP
        codes["lo"][hs] = hash_strings(text, _SEED_LO)
    return codes, complete


def is_exact(codes: np.ndarray) -> np.ndarray:
    """True where the code is an exact encoding (not a hash)."""
    return (codes["hi"] & TOP) == 0


def decode_exact(code: Any, parts: int) -> list[str] | None:
    """The key parts of an exact code (a :data:`CODE` element or ``(hi, lo)``; None for a hash code)."""
    hi, lo = int(code[0]), int(code[1])
    if hi & (1 << 63):
        return None
    s = str(hi * 10**_LIMB + lo)[1:]
    if parts == 1:
        return [s]
    out = []
    while s:
        n = int(s[:2])
        out.append(s[2 : 2 + n])
        s = s[2 + n :]
    return out
