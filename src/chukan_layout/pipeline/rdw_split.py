"""Where an RDW file (z/OS variable records, no blocks) can be cut into byte ranges (issue 15 point 5).

A record's length is only known from the RDW before it, so the boundaries of an RDW file are
found by walking the chain of RDWs from the start: 4 bytes per record are read (the pages of
the file pass through the page cache once, as they will for the workers). A cut is made at the
first record boundary at or after every ``partition_bytes``; each range is then an RDW file of
its own, read by the ordinary reader, its records numbered from the records before it.

Only a chain proven whole is cut: the walk must step from byte 0 exactly onto the end of the
file through valid RDWs (length ≥ 4, two zero bytes, not past the end). A broken chain keeps
the file in one partition — the reader's resync then treats the damage exactly as in any
unsplit run — and the reason goes to the run's notes.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..files import drop_mapped
from .csv_split import CsvCut  # a cut at a record's first byte, with the records before it

# Chain steps checked per numpy pass when the records in front all carry the RDW of the first
# (one record length per file, the usual case): the walk then moves a run at a time.
_RUN = 4096


def rdw_cuts(path: str | Path, partition_bytes: int) -> tuple[list[CsvCut], str | None]:
    """The cuts of an RDW file every ~``partition_bytes``, or ``([], why)`` to keep it whole."""
    return walk_mapped(path, partition_bytes, _walk)


Walk = Callable[[mmap.mmap, np.ndarray, int, int, "PageDropper"], tuple[list[CsvCut], str | None]]


def walk_mapped(path: str | Path, partition_bytes: int, walk: Walk) -> tuple[list[CsvCut], str | None]:
    """``walk(mapping, its bytes as uint8, size, partition_bytes, dropper)`` over the file mapped
    read-only, or no cuts for a file of at most one partition."""
    size = os.path.getsize(path)
    if size <= partition_bytes:
        return [], None
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        arr = np.frombuffer(mm, np.uint8)
        try:
            return walk(mm, arr, size, partition_bytes, PageDropper(lambda lo, n: drop_mapped(mm, lo, n)))
        finally:
            del arr  # the buffer export ends before the mapping closes


class PageDropper:
    """Drops the pages a walk has passed out of this process a window at a time: a mapping's
    resident pages count in the process's RSS (see files._hash_mapped; the page cache keeps them)."""

    WINDOW = 16 << 20

    def __init__(self, drop: Callable[[int, int], None]) -> None:
        self.drop, self.dropped = drop, 0

    def passed(self, pos: int) -> None:
        if pos - self.dropped >= self.WINDOW:
            upto = pos - pos % mmap.PAGESIZE
            self.drop(self.dropped, upto - self.dropped)
            self.dropped = upto


class Cuts:
    """The cuts of one walk over a file of ``size`` bytes: at the first boundary at or past every
    ``step`` bytes from the last cut, never leaving a sliver of a last range (< step / 4)."""

    def __init__(self, size: int, step: int) -> None:
        self.size, self.step, self.target = size, step, step
        self.found: list[CsvCut] = []

    def boundary(self, pos: int, records: int) -> None:
        """A record boundary at ``pos`` with ``records`` records before it (cut there if due)."""
        if pos >= self.target and pos < self.size:
            self.found.append(CsvCut(pos, records))
            self.target = pos + self.step

    def done(self) -> list[CsvCut]:
        if self.found and self.size - self.found[-1].offset < self.step // 4:
            self.found.pop()
        return self.found


def _walk(mm: mmap.mmap, arr: np.ndarray, size: int, partition_bytes: int, pages: PageDropper
          ) -> tuple[list[CsvCut], str | None]:  # fmt: skip
    cuts = Cuts(size, partition_bytes)
    pos = records = 0
    while pos < size:
        pages.passed(pos)
        if size - pos < 4:
            return [], f"one partition: the RDW chain ends {size - pos} bytes before the end of the file"
        rlen = (int(arr[pos]) << 8) | int(arr[pos + 1])
        if rlen < 4 or arr[pos + 2] or arr[pos + 3]:
            rdw = bytes(arr[pos : pos + 4]).hex()
            return [], f"one partition: the RDW chain breaks at byte offset {pos} ({rdw})"
        if rlen > size - pos:
            return [], f"one partition: the record at byte offset {pos} runs past the end of the file"
        # a run of records of this same length: one strided look at their RDWs
        k = min(_RUN, (size - pos) // rlen, max(1, (cuts.target - pos) // rlen))
        if k > 1:
            heads = arr[pos : pos + k * rlen].reshape(k, rlen)[:, :4]
            ok = (heads == arr[pos : pos + 4]).all(axis=1)  # each carries this record's RDW
            k = k if bool(ok.all()) else max(1, int(np.argmin(ok)))
        pos += k * rlen
        records += k
        cuts.boundary(pos, records)
    return cuts.done(), None
