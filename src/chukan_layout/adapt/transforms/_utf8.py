"""Byte-level rewriting of Arrow string arrays with numpy (no per-record Python).

Width conversion (半角カナ ↔ 全角カナ, ASCII ↔ 全角英数) is a character translation whose
output length can differ from its input (``ﾊﾟ`` is 6 UTF-8 bytes, ``パ`` 3; ``1`` is 1 byte,
``１`` 3).  Rather than decoding every value into a Python ``str``, the helpers here work on
the array's UTF-8 data buffer directly:

1. find the matches (byte positions where a rewritten character starts),
2. give each match a replacement of 0–6 bytes and the number of input bytes it consumes,
3. overwrite in place where the lengths agree (the common case: ｱ → ア is 3 → 3 bytes), and
   only then delete / insert the surplus bytes with one C-level ``np.delete`` / ``np.insert``.

The cost is a few passes over the bytes of the column plus work per *match*; nothing is done
per byte in Python and no per-byte index arrays are built (the previous version kept int64
arrays of the buffer's size, which made it ~10× slower).  Matches never cross a value boundary:
callers only match whole characters or character pairs that they checked lie inside one value.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def utf8_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(data bytes, offsets) of a string array, offsets rebased to the data slice (int64)."""
    if arr.null_count:
        arr = arr.fill_null("")
    bufs = arr.buffers()
    wide = pa.types.is_large_string(arr.type)
    dtype, size = (np.int64, 8) if wide else (np.int32, 4)
    offsets = np.frombuffer(bufs[1], dtype=dtype, count=len(arr) + 1, offset=arr.offset * size).astype(
        np.int64
    )
    start, end = int(offsets[0]), int(offsets[-1])
    data = (
        np.frombuffer(bufs[2], dtype=np.uint8, count=end - start, offset=start)
        if bufs[2] is not None and end > start
        else np.zeros(0, dtype=np.uint8)
    )
    return data, offsets - start


def from_buffers(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """A ``pa.string()`` array from UTF-8 bytes and int64 offsets."""
    n = len(offsets) - 1
    if int(offsets[-1]) < 2**31:
        off = pa.py_buffer(offsets.astype(np.int32))
        return pa.Array.from_buffers(pa.string(), n, [None, off, pa.py_buffer(data)])
    big = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    return big


def row_offsets(rows: np.ndarray, n: int, width: int) -> np.ndarray:
    """Offsets of an ``n``-row string array whose ``rows`` hold ``width`` bytes each, the others none."""
    if rows.size == n:
        return np.arange(0, width * n + 1, width, dtype=np.int64)
    lengths = np.zeros(n, np.int64)
    lengths[rows] = width
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def char_starts(data: np.ndarray, lead: int, second: np.ndarray | tuple[int, ...]) -> np.ndarray:
    """Positions of 3-byte characters whose bytes are ``lead``, one of ``second``, any.

    In UTF-8 a lead byte (0xE0–0xEF) can only start a character, so no alignment check is needed.
    The lead byte is searched first (one vectorized compare); the second byte is checked on those
    few positions only.
    """
    if data.size < 3:
        return np.zeros(0, dtype=np.int64)
    pos = np.flatnonzero(data[:-2] == lead)
    if pos.size == 0:
        return pos.astype(np.int64)
    b1 = data[pos + 1]
    sec = np.asarray(second, dtype=np.uint8).reshape(-1)
    hit = b1 == sec[0]
    for s in sec[1:]:
        hit |= b1 == s
    return pos[hit].astype(np.int64)


def cp3(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Code points of the 3-byte UTF-8 characters starting at ``pos``."""
    b0 = data[pos].astype(np.int64) & 0x0F
    b1 = data[pos + 1].astype(np.int64) & 0x3F
    b2 = data[pos + 2].astype(np.int64) & 0x3F
    return (b0 << 12) | (b1 << 6) | b2


def encode_cps(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 bytes (m×3, left-aligned) and lengths (1–3) of BMP code points ``cps``."""
    cps = cps.astype(np.int64)
    out = np.zeros((cps.size, 3), dtype=np.uint8)
    ln = np.where(cps < 0x80, 1, np.where(cps < 0x800, 2, 3)).astype(np.int64)
    one, two, three = ln == 1, ln == 2, ln == 3
    out[one, 0] = cps[one]
    out[two, 0] = 0xC0 | (cps[two] >> 6)
    out[two, 1] = 0x80 | (cps[two] & 0x3F)
    out[three, 0] = 0xE0 | (cps[three] >> 12)
    out[three, 1] = 0x80 | ((cps[three] >> 6) & 0x3F)
    out[three, 2] = 0x80 | (cps[three] & 0x3F)
    return out, ln


def encode_table(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`encode_cps` for a lookup table built once at import (0 → no bytes)."""
    out, ln = encode_cps(np.asarray(cps))
    return out, np.where(np.asarray(cps) > 0, ln, 0)


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of ``range(s, s + c)`` for each (s, c), vectorized."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    first = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return first + np.arange(total, dtype=np.int64)


def rewrite(
    data: np.ndarray,
    offsets: np.ndarray,
    pos: np.ndarray,
    consumed: np.ndarray,
    repl: np.ndarray,
    repl_len: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Replace ``consumed[k]`` bytes at ``pos[k]`` by ``repl[k, :repl_len[k]]``.

    ``pos`` must be sorted and the ranges disjoint and inside one value each.  Returns new
    (data, offsets).  Bytes are overwritten in place as far as the lengths agree; the surplus
    input bytes of a match are deleted, the surplus replacement bytes inserted after its range.
    """
    if pos.size == 0:
        return data, offsets
    pos = pos.astype(np.int64)
    consumed = np.asarray(consumed, np.int64)
    repl_len = np.asarray(repl_len, np.int64)
    common = np.minimum(consumed, repl_len)
    out = data.copy()
    for j in range(repl.shape[1]):
        sel = common > j
        if not sel.any():
            break
        out[pos[sel] + j] = repl[sel, j]
    dcount, icount = consumed - common, repl_len - common
    if not dcount.any() and not icount.any():
        return out, offsets
    dele = _ranges(pos + common, dcount)  # sorted: matches are sorted and disjoint
    ins_rows = np.repeat(np.arange(pos.size), icount)
    ins_at = (pos + consumed)[ins_rows]  # insert before the byte after the match (original coords)
    ins_col = _ranges(common, icount)
    ins_vals = repl[ins_rows, ins_col] if ins_rows.size else np.zeros(0, np.uint8)
    new_off = offsets
    if dele.size:
        out = np.delete(out, dele)
        new_off = new_off - np.searchsorted(dele, offsets, side="left")
    if ins_at.size:
        # np.insert takes indices into the array it is given: shift past the deleted bytes first
        at = ins_at - np.searchsorted(dele, ins_at, side="left") if dele.size else ins_at
        out = np.insert(out, at, ins_vals)  # stable for equal indices: bytes keep their order
        new_off = new_off + np.searchsorted(ins_at, offsets, side="right")
    return out, new_off
