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

_READ = 4 << 20


def line_cuts(path: str | Path, partition_bytes: int) -> list[CsvCut]:
    """The cuts of a line-framed file every ~``partition_bytes`` (none for a small file)."""
    cuts: list[CsvCut] = []
    target, base, records = partition_bytes, 0, 0
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        if size <= partition_bytes:
            return []
        f.seek(0)
        while block := f.read(_READ):
            at = 0  # bytes of this block counted
            # a cut right after the first LF at or past target - 1 (so at or past target)
            while (lf := block.find(b"\n", max(at, target - 1 - base))) >= 0:
                records += block.count(b"\n", at, lf + 1)
                at = lf + 1
                if base + at >= size:
                    break
                cuts.append(CsvCut(base + at, records))
                target = base + at + partition_bytes
            records += block.count(b"\n", at)
            base += len(block)
    if cuts and size - cuts[-1].offset < partition_bytes // 4:  # no sliver of a last range
        cuts.pop()
    return cuts
