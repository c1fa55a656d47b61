"""Vectorized 外字 detection: one numpy pass over a column's UTF-8 bytes, Python only on the hits.

:func:`suspicious_rows` finds the values holding a character of the target set's suspicious
class (PUA of the BMP and planes 15/16, plus every character the receiving charset cannot
store; :meth:`~.targets.TargetSet.suspicious_table`). :func:`tokens` then splits one value into
characters with their combining marks / variation selectors (an IVS sequence is *one*
character for a receiver), and :func:`unstorable_tokens` is the exact per-value answer.
:func:`reference_rows` is the plain-Python oracle the tests hold the scan to.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..readers.csv_decode import decoded_from, distinct_values
from .repertoire import codec_chars
from .targets import JIS_COMBINING, TargetSet, is_pua, is_vs

GROUP = 64  # kept for callers of the former two-pass RE2 scan (no longer used)


def suspicious_rows(array: pa.Array | pa.ChunkedArray, target: TargetSet, group: int = GROUP) -> np.ndarray:
    """Indices (int64) of values holding at least one character the stage must inspect."""
    return suspicious_rows_many([array], target, group)[0]


def suspicious_rows_many(
    arrays: Sequence[pa.Array | pa.ChunkedArray], target: TargetSet, group: int = GROUP
) -> list[np.ndarray]:
    """:func:`suspicious_rows` of several columns (``group`` is ignored).

    Formerly two RE2 passes with the (large) class compiled per call: 5–10 ms per batch and
    target set before any value was looked at. Now one of two routes per target set, each a
    pass over the bytes and the set's lookup table naming the hits (column by column: one
    column's temporaries stay in the CPU cache, a batch's do not):

    - the set flags no character that begins with a UTF-8 byte of kana or the common
      ideographs (E3–E9), e.g. PUA-only detection: the bytes that can begin a flagged
      character are found with a few comparisons, and only those are decoded (8× faster on
      Japanese text than decoding every character);
    - otherwise (``mj``, JIS sets: kana and kanji may be flagged) the column is decoded to
      code points by Python's C codecs (UTF-8 → UTF-32), a third cheaper than computing them
      from the lead bytes in numpy; a hit's row is found from the characters per row.

    A column the CSV reader decoded from cp932 or EUC-JP (:func:`~chukan_layout.readers.
    csv_decode.decoded_from`) holds only characters of that codec (:mod:`.repertoire`): the first
    route then applies with the first bytes of the flagged characters *of that repertoire* (an
    ``mj`` item of a cp932 column: E2, EE, EF — ≈ 10× cheaper than decoding the column).
    """
    lut = target.suspicious_table()
    starts = flagged_first_bytes(target)
    return [
        _rows(a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a, lut, starts, target)
        for a in arrays
    ]


def flagged_first_bytes(target: TargetSet, encoding: str | None = None) -> list[tuple[int, int]] | None:
    """Runs ``(lo, hi)`` of the UTF-8 first bytes that begin a character ``target`` flags, or None
    when they take in kana or the common ideographs (E3–E9) or any ASCII (see above).

    ``encoding``: only the characters that codec can decode to (:func:`.repertoire.codec_chars`;
    an unknown codec: all)."""
    key = (id(target), encoding)
    got = _FIRST.get(key)
    if got is None or got[1] is not target:
        lut = target.suspicious_table()
        chars = codec_chars(encoding) if encoding is not None else None
        got = _FIRST[key] = (_first_byte_runs(lut if chars is None else lut & chars), target)
    return got[0]


_FIRST: dict[tuple[int, str | None], tuple[list[tuple[int, int]] | None, TargetSet]] = {}  # → (runs, set)


def _first_byte_runs(lut: np.ndarray) -> list[tuple[int, int]] | None:
    if lut[:0x80].any():
        return None
    first = np.zeros(256, bool)  # first byte → the code points its sequences encode
    for b in range(0xC2, 0xF5):
        lo = (b & 0x1F) << 6 if b < 0xE0 else (b & 0x0F) << 12 if b < 0xF0 else (b & 0x07) << 18
        hi = lo + (0x40 if b < 0xE0 else 0x1000 if b < 0xF0 else 0x40000)
        lo = max(lo, {0xE0: 0x800, 0xF0: 0x10000}.get(b, 0))  # shorter forms are not UTF-8
        first[b] = bool(lut[lo : min(hi, lut.size)].any())
    if first[0xE3:0xEA].any():
        return None
    runs: list[tuple[int, int]] = []
    for b in np.flatnonzero(first).tolist():
        if runs and runs[-1][1] == b - 1:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((b, b))
    return runs


def _utf8(arr: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    """(UTF-8 bytes, offsets from 0, validity or None) of a string column; None when empty."""
    n = len(arr)
    if n == 0:
        return None
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.string())
    bufs = arr.buffers()
    if bufs[2] is None:
        return None
    large = pa.types.is_large_string(arr.type)
    offsets = np.frombuffer(bufs[1], dtype=np.int64 if large else np.int32)[arr.offset : arr.offset + n + 1]
    lo, hi = int(offsets[0]), int(offsets[-1])
    if hi == lo:  # no value has a byte (a blank item)
        return None
    seg = np.frombuffer(bufs[2], dtype=np.uint8)[lo:hi]
    valid = np.asarray(arr.is_valid()) if arr.null_count else None
    return seg, offsets - lo, valid


def _hits(seg: np.ndarray, lut: np.ndarray, lead: np.ndarray | None = None) -> np.ndarray:
    """Byte positions of the characters of UTF-8 ``seg`` that ``lut`` flags, in the order of ``lead``.

    ``lead``: the first bytes to look at (default: of every non-ASCII character). Japanese text
    is almost all three-byte characters: their code points are computed from the bytes alone (no
    uint32 copy of the column, no three-way ``where``); the few two- and four-byte characters
    are then recomputed in the general form."""
    if lead is None:
        lead = np.flatnonzero(seg >= 0xC0)  # the first byte of every non-ASCII character
    if lead.size == 0:
        return lead
    if int(lead.max()) + 4 > seg.size:  # a character at the very end: its bytes read past it
        seg = np.concatenate([seg, np.zeros(3, np.uint8)])
    b0 = seg[lead]
    cp = (b0 & 0x0F).astype(np.uint32) << 12
    cp |= (seg[lead + 1] & 0x3F).astype(np.uint32) << 6
    cp |= seg[lead + 2] & 0x3F
    other = np.flatnonzero((b0 < 0xE0) | (b0 >= 0xF0))
    if other.size:
        at = lead[other]
        c0 = seg[at].astype(np.uint32)
        c1, c2, c3 = (seg[at + k].astype(np.uint32) & 0x3F for k in (1, 2, 3))
        cp[other] = np.where(
            c0 < 0xE0, ((c0 & 0x1F) << 6) | c1, ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
        )
    return lead[lut[np.minimum(cp, lut.size - 1)]]


def _rows(
    arr: Any, lut: np.ndarray, starts: list[tuple[int, int]] | None = None, target: TargetSet | None = None
) -> np.ndarray:
    """Suspicious row indices of one string array (the one-column form of the scan; ``starts``:
    :func:`flagged_first_bytes` of the set, None = the codec route; with ``target``, a column the CSV
    reader decoded takes the first bytes of that codec's repertoire instead).

    A column the CSV reader decoded through its distinct values (都道府県, 町字, 氏 …:
    :func:`~chukan_layout.readers.csv_decode.distinct_values`) is scanned on those values only."""
    d = distinct_values(arr)
    if d is not None:
        values, index = d
        hit = _rows(values, lut, starts, target)
        if hit.size == 0:
            return hit
        mark = np.zeros(len(values), bool)
        mark[hit] = True
        return np.flatnonzero(mark[index]).astype(np.int64)
    enc = decoded_from(arr) if target is not None else None
    if enc is not None:
        assert target is not None
        narrow = flagged_first_bytes(target, enc)  # (a subset of the set's own runs, when it has any)
        starts = narrow if narrow is not None else starts
    c = _utf8(arr) if starts != [] else None  # [] (an ASCII column): no character to look at
    if c is None:
        return np.empty(0, dtype=np.int64)
    seg, offsets, valid = c
    if starts is not None:  # the few bytes that can begin a flagged character, decoded
        hit = _hits(seg, lut, _first_bytes(seg, starts))
        if hit.size == 0:
            return np.empty(0, dtype=np.int64)
        rows = np.searchsorted(offsets, hit, side="right") - 1
    else:  # every character as a code point (Python's C codecs), then the table
        cps = np.frombuffer(str(seg.data, "utf-8").encode("utf-32-le"), np.uint32)
        pos = np.flatnonzero(lut[cps])
        if pos.size == 0:
            return np.empty(0, dtype=np.int64)
        rows = np.searchsorted(_char_starts(arr), pos, side="right") - 1
    rows = np.unique(rows).astype(np.int64)
    return rows[valid[rows]] if valid is not None else rows


def _first_bytes(seg: np.ndarray, runs: list[tuple[int, int]]) -> np.ndarray:
    """Positions of the bytes of ``seg`` in the ``runs``, or of a few more first bytes: the
    runs from 0xEE up are taken as one ``>= lo`` (EF's full-width forms and four-byte characters
    are rare in Japanese text; :func:`_hits` decodes them and lets them go), so PUA costs one
    comparison. One ``flatnonzero`` per run, the few hits merged afterwards: or-ing masks of a
    column larger than the CPU cache cost ≈ 10× the comparisons (measured)."""
    high = [lo for lo, _ in runs if lo >= 0xEE]
    parts = [np.flatnonzero(seg >= min(high))] if high else []
    for lo, hi in runs:
        if lo >= 0xEE:
            continue
        parts.append(np.flatnonzero(seg == lo) if lo == hi else np.flatnonzero((seg >= lo) & (seg <= hi)))
    return parts[0] if len(parts) == 1 else np.concatenate(parts)  # (unsorted: rows are made unique later)


def _char_starts(arr: Any) -> np.ndarray:
    """Index of each row's first character among the column's characters (``n + 1`` entries).

    Arrow's ``utf8_length`` per value (a third of the CPU of a cumulative sum over the bytes),
    on the values without their validity: the bytes under a null slot were decoded too."""
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.string())
    bufs = arr.buffers()
    cls = pa.LargeStringArray if pa.types.is_large_string(arr.type) else pa.StringArray
    lens = pc.utf8_length(cls.from_buffers(len(arr), bufs[1], bufs[2], None, 0, arr.offset))
    wide = np.int64 if cls is pa.LargeStringArray else np.int32
    out = np.zeros(len(arr) + 1, np.int64)  # (to_numpy() would import pandas: read the buffer)
    np.cumsum(
        np.frombuffer(lens.buffers()[1], wide, len(lens), lens.offset * np.dtype(wide).itemsize), out=out[1:]
    )
    return out


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
