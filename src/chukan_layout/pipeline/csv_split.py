"""Byte ranges of a CSV file that start and end on record boundaries the scan can prove.

A newline is a record boundary when it lies outside quotes. Counting quote bytes from the
start of the file tells (by parity) whether a byte is inside a quoted field — but only when
every quote sits where RFC 4180 allows one: an opening quote right after a delimiter, a line
end or the start of the file (or as the second of a doubled ``""``), a closing quote right
before a delimiter, a line end or the end of the file (or as the first of a ``""``). The scan
checks exactly that for every quote, streaming the file in blocks (numpy, no whole-file
buffer), and counts the boundary newlines (records) before each cut, so a worker numbers its
records globally. Any doubt keeps the file whole, and says why:

- an encoding whose multibyte characters may contain the quote, delimiter or newline bytes
  (only UTF-8, cp932 / Shift_JIS and EUC-JP are split);
- a quote that is not at a field boundary, a file that ends inside quotes;
- a carriage return not followed by a line feed (bare CR line ends would be records too).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..readers.codecs import canonical_name
from ..readers.definition import CsvDefinition

SPLITTABLE = ("utf-8", "cp932", "euc_jp")  # ASCII bytes never occur inside their multibyte characters
_BLOCK = 8 << 20
_BOF = -1  # "byte" before the file / after it


@dataclass(frozen=True)
class CsvCut:
    """A cut at byte ``offset`` (the first byte of a record); ``records`` complete records before it."""

    offset: int
    records: int


def csv_cuts(path: str | Path, d: CsvDefinition, partition_bytes: int,
             encoding: str | None = None) -> tuple[list[CsvCut], str | None]:  # fmt: skip
    """Cuts about every ``partition_bytes`` bytes, or ``([], reason)`` when the file stays whole."""
    size = Path(path).stat().st_size
    if size <= partition_bytes:
        return [], None
    enc = canonical_name(encoding or d.encoding)
    if enc not in SPLITTABLE:
        return [], f"encoding {enc}: quote and newline bytes may sit inside characters"
    if len(d.quote.encode()) != 1 or len(d.delimiter.encode()) != 1:
        return [], "multibyte quote or delimiter"
    q, dl = d.quote.encode()[0], d.delimiter.encode()[0]
    opening_after = np.array([dl, 0x0A, _BOF, q], np.int16)
    closing_before = np.array([dl, 0x0D, 0x0A, _BOF, q], np.int16)
    targets = iter(range(partition_bytes, size, partition_bytes))
    target = next(targets, None)
    cuts: list[CsvCut] = []
    records = quotes = base = 0
    prev = _BOF
    with open(path, "rb") as f:
        cur = f.read(_BLOCK)
        while cur:
            nxt = f.read(_BLOCK)
            a = np.frombuffer(cur, np.uint8)
            after = nxt[0] if nxt else _BOF
            nb = len(a)
            qp = np.flatnonzero(a == q)
            if qp.size:
                prevb = np.where(qp > 0, a[np.maximum(qp - 1, 0)].astype(np.int16), prev)
                nextb = np.where(qp < nb - 1, a[np.minimum(qp + 1, nb - 1)].astype(np.int16), after)
                opening = (quotes + np.arange(qp.size)) % 2 == 0
                bad = (opening & ~np.isin(prevb, opening_after)) | (
                    ~opening & ~np.isin(nextb, closing_before)
                )
                if bad.any():
                    at = base + int(qp[np.argmax(bad)])
                    return [], f"a quote not at a field boundary (byte offset {at})"
            cr = np.flatnonzero(a == 0x0D)
            if cr.size:
                follow = np.where(cr < nb - 1, a[np.minimum(cr + 1, nb - 1)].astype(np.int16), after)
                if (follow != 0x0A).any():
                    # inside quotes a CR is data; outside it would end a record: refuse only the latter
                    inq = (quotes + np.searchsorted(qp, cr)) % 2 == 1
                    if ((follow != 0x0A) & ~inq).any():
                        return [], "a carriage return without a line feed (bare CR line ends)"
            nl = np.flatnonzero(a == 0x0A)
            ends = nl[(quotes + np.searchsorted(qp, nl)) % 2 == 0] + (base + 1)  # offsets after each record
            while target is not None:
                i = int(np.searchsorted(ends, target))
                if i >= ends.size:
                    break  # the next record end is in a later block
                cut = int(ends[i])
                if cut < size:
                    cuts.append(CsvCut(cut, records + i + 1))
                while target is not None and target <= cut:
                    target = next(targets, None)
            records += int(ends.size)
            quotes += int(qp.size)
            prev = int(a[-1])
            base += nb
            cur = nxt
    if quotes % 2:
        return [], "the file ends inside a quoted field"
    return cuts, None
