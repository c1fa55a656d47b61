"""Trimming the padding of fixed-width fields: " " and U+3000 at both ends, column by column.

The result is always exactly ``pc.utf8_trim(col, characters=" \\u3000")``; only the route differs,
chosen per column from cheap looks at the data (a vendor 住民 record has ~80 fields and ~75% of
its bytes are padding, so trimming dominates the adapt stage):

1. no value starts or ends with a blank (codes, numbers, dates): the column is returned as it is;
2. one value dominates (the all-blank value of a rarely used field, the one 市区町村 name of a
   single-municipality file): rows equal to it (one ``pc.equal`` memcmp each) get its trimmed
   form without being scanned, and only the other rows are trimmed;
3. otherwise Arrow's byte-wise ``ascii_trim`` (about twice as fast as ``utf8_trim``), and
   ``utf8_trim`` only when a U+3000 is left at an end.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._utf8 import from_buffers, utf8_buffers

BLANKS = " \u3000"
_SAMPLE = 32  # rows sampled to find a dominant value
_DOMINANT = 0.5  # share of the sample (and then of the column) that makes a value dominant
_WIDE = 16  # mean bytes per value from which the dominant-value route pays off (twice that when not blank)


def _edge_bytes(data: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last byte of each non-empty value."""
    lens = offsets[1:] - offsets[:-1]
    ne = lens > 0
    if ne.all():
        return data[offsets[:-1]], data[offsets[1:] - 1]
    return data[offsets[:-1][ne]], data[offsets[1:][ne] - 1]


def _may_have_blank_edges(first: np.ndarray, last: np.ndarray) -> bool:
    # 0x20 = space; U+3000 is E3 80 80 (an 0xE3 first byte or a 0x80 last byte is a cheap superset)
    return bool(((first == 0x20) | (last == 0x20) | (first == 0xE3) | (last == 0x80)).any())


def _ideographic_edges(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Rows that start or end with U+3000 (E3 80 80), checked exactly on the few candidate rows."""
    s, e = offsets[:-1], offsets[1:]
    rows = np.flatnonzero(e - s >= 3)
    s, e = s[rows], e[rows]
    head = data[s] == 0xE3
    tail = data[e - 1] == 0x80
    cand = np.flatnonzero(head | tail)
    if cand.size == 0:
        return cand
    s, e = s[cand], e[cand]
    u3000 = (data[s] == 0xE3) & (data[s + 1] == 0x80) & (data[s + 2] == 0x80)
    u3000 |= (data[e - 3] == 0xE3) & (data[e - 2] == 0x80) & (data[e - 1] == 0x80)
    return rows[cand[u3000]]


def _patch(col: pa.Array, rows: np.ndarray) -> pa.Array:
    """``col`` with ``utf8_trim`` applied on ``rows`` only (the few values with a U+3000 at an end)."""
    if rows.size * 8 > len(col):
        return pc.utf8_trim(col, characters=BLANKS)
    fixed = pc.utf8_trim(col.take(pa.array(rows)), characters=BLANKS)
    idx = np.arange(len(col), dtype=np.int64)
    idx[rows] = len(col) + np.arange(rows.size)
    return pa.concat_arrays([col, fixed]).take(pa.array(idx))


def _trim_scan(col: pa.Array, data: np.ndarray, offsets: np.ndarray, first: np.ndarray, last: np.ndarray) -> pa.Array:
    """Route 3: Arrow's byte-wise trim of the spaces, then U+3000 on the values that still need it."""
    if not ((first == 0x20) | (last == 0x20)).any():
        ideo = _ideographic_edges(data, offsets) if ((first == 0xE3) | (last == 0x80)).any() else None
        return _patch(col, ideo) if ideo is not None and ideo.size else col
    out = pc.ascii_trim(col, characters=" ")
    # a U+3000 at an end shows only now if spaces hid it ("山田　   "); checked on the trimmed values
    d2, o2 = utf8_buffers(out)
    f2, l2 = _edge_bytes(d2, o2)
    if f2.size and ((f2 == 0xE3) | (l2 == 0x80)).any():
        ideo = _ideographic_edges(d2, o2)
        if ideo.size:
            return _patch(out, ideo)
    return out


def _dominant(col: pa.Array) -> tuple[str, np.ndarray] | None:
    """(value, row mask) of a value held by at least half of the rows, or None."""
    n = len(col)
    if n < 4 * _SAMPLE:
        return None
    sample = col.take(pa.array(np.arange(_SAMPLE, dtype=np.int64) * (n // _SAMPLE))).to_numpy(zero_copy_only=False)
    value, count = Counter(sample.tolist()).most_common(1)[0]
    if count < _DOMINANT * _SAMPLE or value is None:
        return None
    mask = pc.equal(col, pa.scalar(value, pa.string()))
    m = np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)
    if m.sum() < _DOMINANT * n:
        return None
    return value, m


def _assemble(n: int, dominant: np.ndarray, value: str, others: pa.Array) -> pa.Array:
    """n values: ``value`` on the ``dominant`` rows, the values of ``others`` in order on the rest."""
    if value == "":  # the usual case (blank): only the offsets change, no bytes are copied
        data, off = utf8_buffers(others)
        lens = np.zeros(n, np.int64)
        lens[~dominant] = off[1:] - off[:-1]
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum(lens, out=offsets[1:])
        return from_buffers(data, offsets)
    pool = pa.concat_arrays([others, pa.array([value], pa.string())])
    idx = np.full(n, len(others), np.int64)
    idx[~dominant] = np.arange(len(others))
    return pool.take(pa.array(idx))


def trim_blanks(col: pa.Array) -> pa.Array:
    """Trim " " and U+3000 at both ends of every value (``pc.utf8_trim`` semantics, faster routes).

    >>> trim_blanks(pa.array(["ﾔﾏﾀﾞ ﾀﾛｳ   ", "　山田　太郎　　", "   ", "131016"])).to_pylist()
    ['ﾔﾏﾀﾞ ﾀﾛｳ', '山田　太郎', '', '131016']
    """
    data, offsets = utf8_buffers(col)
    first, last = _edge_bytes(data, offsets)
    if not _may_have_blank_edges(first, last):
        return col
    # the dominant-value route pays a memcmp per row (and a take unless the value is blank): worth it
    # on wide columns, where scanning the padding costs more
    dom = _dominant(col) if offsets[-1] >= _WIDE * len(col) else None
    if dom is not None and dom[0].strip(BLANKS) and offsets[-1] < 2 * _WIDE * len(col):
        dom = None
    if dom is None:
        return _trim_scan(col, data, offsets, first, last)
    value, mask = dom
    rest = col.filter(pa.array(~mask))
    d2, o2 = utf8_buffers(rest)
    others = _trim_scan(rest, d2, o2, *_edge_bytes(d2, o2))
    return _assemble(len(col), mask, value.strip(BLANKS), others)
