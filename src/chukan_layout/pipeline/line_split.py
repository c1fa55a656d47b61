"""Where an LF / CRLF fixed-width file whose record types differ in length can be cut.

With more than one record length the reader frames such a file by its line ends alone: every
LF ends a record (:func:`~chukan_layout.readers.framing.frame_lines` without a length). So
every LF is a record boundary the reader itself would use, and the records before it are the
LFs before it: one counting pass (``bytes.count``, C speed) finds a cut at the first LF at or
after every ``partition_bytes`` and numbers each range's first record. (A file of one record
length is cut at k × stride instead, without a pass: :func:`.plan.split_points`.)
"""

from __future__ import annotations

from pathlib import Path

from .csv_split import CsvCut  # a cut at a record's first byte, with the records before it
from .rdw_split import Cuts

_READ = 4 << 20


def line_cuts(path: str | Path, partition_bytes: int) -> list[CsvCut]:
    """The cuts of a line-framed file every ~``partition_bytes`` (none for a small file)."""
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        if size <= partition_bytes:
            return []
        f.seek(0)
        cuts = Cuts(size, partition_bytes)
        base = records = 0
        while block := f.read(_READ):
            at = 0  # bytes of this block counted
            # a cut right after the first LF at or past target - 1 (so at or past target)
            while (lf := block.find(b"\n", max(at, cuts.target - 1 - base))) >= 0 and base + lf + 1 < size:
                records += block.count(b"\n", at, lf + 1)
                at = lf + 1
                cuts.boundary(base + at, records)
            records += block.count(b"\n", at)
            base += len(block)
    return cuts.done()
