"""Trimming the padding of fixed-width fields: " " and U+3000 at both ends, column by column.

The result is always exactly ``pc.utf8_trim(col, characters=" \\u3000")``; only the route differs,
chosen per column from cheap looks at the data (a vendor 住民 record has ~80 fields and ~75% of
its bytes are padding, so trimming dominates the adapt stage):

1. no value starts or ends with a blank (codes, numbers, dates): the column is returned as it is;
2. one value dominates (the all-blank value of a rarely used field, the one 市区町村 name of a
   single-municipality file): rows equal to it (one ``pc.equal`` memcmp each) get its trimmed
   form without being scanned, and only the other rows are trimmed;
3. otherwise Arrow's byte-wise ``ascii_trim`` (about twice as fast as ``utf8_trim``), and
   ``utf8_trim`` only on the values that still have a U+3000 at an end (checked exactly on the
   few whose first byte is E3 or last byte 80).

A column the CSV reader decoded through its distinct values (:func:`~chukan_layout.readers.
csv_decode.distinct_values`: 都道府県, 町字 …) is trimmed on those values and spread back with a
``take`` only if one of them changes.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ...readers.csv_decode import decoded_from, distinct_values
from ._utf8 import from_buffers, utf8_buffers

BLANKS = " \u3000"
_SAMPLE = 32  # rows sampled to find a dominant value
_DOMINANT = 0.5  # share of the sample (and then of the column) that makes a value dominant
_WIDE = 16  # mean bytes per value from which the dominant-value route pays off (twice that when not blank)


def _buffers(col: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(data, offsets) of a non-null string array as zero-copy views: absolute positions, no casts."""
    bufs = col.buffers()
    wide = pa.types.is_large_string(col.type)
    off = np.frombuffer(
        bufs[1], np.int64 if wide else np.int32, len(col) + 1, col.offset * (8 if wide else 4)
    )
    data = np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return data, off


class _Edges:
    """First and last byte of each value.

    An empty value has neither: it gets a byte of a neighbouring value (or of the buffer, clipped
    to it) instead of being filtered out first (a ``flatnonzero`` and two gathers more, ≈ 2× the
    cost). The column-wide looks (:meth:`may_have_blanks`, :meth:`spaces`) only choose a route, so
    such a byte can only send the column the careful way; :meth:`ideographic` names rows, and
    checks a candidate's length (≥ 3 bytes) before any other byte of it."""

    def __init__(self, data: np.ndarray, offsets: np.ndarray) -> None:
        self.data = data
        self.starts, self.ends = offsets[:-1], offsets[1:]
        if data.size == 0:  # no value has a byte
            self.first = self.last = np.zeros(self.starts.size, np.uint8)
            return
        self.first = np.take(data, self.starts, mode="clip")  # (np.take: ≈ 1.5× a fancy index)
        self.last = np.take(data, self.ends - 1, mode="clip")

    def may_have_blanks(self) -> bool:
        # 0x20 = space; U+3000 is E3 80 80 (an 0xE3 first byte or a 0x80 last byte is a cheap superset)
        f, la = self.first, self.last
        return bool(((f == 0x20) | (la == 0x20) | (f == 0xE3) | (la == 0x80)).any())

    def spaces(self) -> bool:
        return bool(((self.first == 0x20) | (self.last == 0x20)).any())

    def ideographic(self) -> np.ndarray:
        """Rows that start or end with U+3000 (E3 80 80), checked exactly on the few candidate
        values: a kana or kanji value starts with E3 too, but its second byte is not 80, so each
        end is narrowed byte by byte (one gather over the candidates left, not six over all)."""
        d, first, last = self.data, self.first, self.last
        hits = []
        lead = first == 0xE3
        if np.count_nonzero(lead) > 64:  # kana: every value starts with E3, so the second byte first
            lead &= np.take(d, self.starts + 1, mode="clip") == 0x80  # (a hit has 3 bytes: no clip)
        for at, step, cand in ((self.starts, 1, np.flatnonzero(lead)),
                               (self.ends - 1, -1, np.flatnonzero(last == 0x80))):  # fmt: skip
            if cand.size == 0:
                continue
            pos = at[cand]
            ok = (self.ends[cand] - self.starts[cand]) >= 3  # the other two bytes are inside the value
            cand, pos = cand[ok], pos[ok]
            for k, want in ((1, 0x80), (2, 0x80 if step == 1 else 0xE3)):
                if cand.size == 0:
                    break
                ok = d[pos + k * step] == want
                cand, pos = cand[ok], pos[ok]
            hits.append(cand)
        if not hits:
            return np.zeros(0, np.int64)
        hit = hits[0] if len(hits) == 1 else np.union1d(hits[0], hits[1])
        return hit


def _patch(col: pa.Array, rows: np.ndarray) -> pa.Array:
    """``col`` with ``utf8_trim`` applied on ``rows`` only (the few values with a U+3000 at an end)."""
    if rows.size * 8 > len(col):
        return pc.utf8_trim(col, characters=BLANKS)
    fixed = pc.utf8_trim(col.take(pa.array(rows)), characters=BLANKS)
    idx = np.arange(len(col), dtype=np.int64)
    idx[rows] = len(col) + np.arange(rows.size)
    return pa.concat_arrays([col, fixed]).take(pa.array(idx))


def _trim_scan(col: pa.Array, edges: _Edges | None) -> pa.Array:
    """Route 3: Arrow's byte-wise trim of the spaces, then U+3000 on the values that still need it.

    ``edges`` of the input decide whether the space pass is needed at all; None (wide columns,
    which are padded as a rule) skips that look.
    """
    if edges is not None and not edges.spaces():
        ideo = edges.ideographic()
        return _patch(col, ideo) if ideo.size else col
    out = pc.ascii_trim(col, characters=" ")
    # every U+3000 at an end is at an end of the space-trimmed value ("山田　   " too): one exact check
    ideo = _Edges(*_buffers(out)).ideographic()
    return _patch(out, ideo) if ideo.size else out


def _sample(col: pa.Array) -> list[str | None] | None:
    """:data:`_SAMPLE` values spread over the column (None: too short a column to sample)."""
    n = len(col)
    if n < 4 * _SAMPLE:
        return None
    return col.take(pa.array(np.arange(_SAMPLE, dtype=np.int64) * (n // _SAMPLE))).to_pylist()  # type: ignore[no-any-return]


def _dominant(col: pa.Array, sample: list[str | None] | None) -> tuple[str, np.ndarray] | None:
    """(value, row mask) of a value held by at least half of the rows (``sample``: :func:`_sample`), or None."""
    n = len(col)
    if sample is None:
        return None
    value, count = Counter(sample).most_common(1)[0]
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
    d = distinct_values(col)
    if d is not None:
        values, index = d
        trimmed = trim_blanks(values)
        return (
            col
            if trimmed is values
            else trimmed.take(pa.Array.from_buffers(pa.int32(), len(index), [None, pa.py_buffer(index)]))
        )
    n = len(col)
    data, offsets = _buffers(col)
    width = int(offsets[-1]) - int(offsets[0])
    sample = _sample(col) if width >= _WIDE * n else None
    if sample is not None and any(v is not None and v != v.strip(BLANKS) for v in sample):
        # wide and padded (a fixed-width export): no look at the ends first.  The dominant-value
        # route pays a memcmp per row (and a take unless the value is blank), less than scanning
        # their padding.  (Wide values not padded — a CSV's 本籍, 住所 — take the narrow route: a
        # look at the ends finds nothing to trim and returns the column itself, whose distinct
        # values and decoding later stages then still know.)
        dom = _dominant(col, sample)
        if dom is not None and dom[0].strip(BLANKS) and width < 2 * _WIDE * n:
            dom = None
        if dom is None:
            return _trim_scan(col, None)
        value, mask = dom
        rest = col.filter(pa.array(~mask))
        return _assemble(n, mask, value.strip(BLANKS), _trim_scan(rest, None))
    # narrow (codes, dates, flags, trimmed text): often nothing to do, found out cheaply
    used = data[int(offsets[0]) : int(offsets[-1])]
    # no space byte and no E3 lead byte anywhere: two SIMD passes — one when the CSV reader found the
    # column ASCII, none when it found it is not (its values are looked at by their ends at once)
    enc = decoded_from(col)
    if used.size == 0:
        return col
    if enc == "ascii":
        if used.min() > 0x20:
            return col
    elif enc is None and used.min() > 0x20 and used.max() < 0xE3:
        return col
    edges = _Edges(data, offsets)
    return _trim_scan(col, edges) if edges.may_have_blanks() else col
