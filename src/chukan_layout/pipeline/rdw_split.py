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
    size = os.path.getsize(path)
    if size <= partition_bytes:
        return [], None
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        arr = np.frombuffer(mm, np.uint8)
        try:
            return _walk(arr, size, partition_bytes, lambda lo, n: drop_mapped(mm, lo, n))
        finally:
            del arr  # the buffer export ends before the mapping closes


# A mapping's resident pages count in the process's RSS (see files._hash_mapped): the pages
# the walk has passed are dropped from this process a window at a time (the page cache keeps them).
_WINDOW = 16 << 20


def _walk(arr: np.ndarray, size: int, partition_bytes: int, drop: Callable[[int, int], None]
          ) -> tuple[list[CsvCut], str | None]:  # fmt: skip
    cuts: list[CsvCut] = []
    pos = records = dropped = 0
    target = partition_bytes
    while pos < size:
        if pos - dropped >= _WINDOW:
            upto = pos - pos % mmap.PAGESIZE
            drop(dropped, upto - dropped)
            dropped = upto
        if size - pos < 4:
            return [], f"one partition: the RDW chain ends {size - pos} bytes before the end of the file"
        rlen = (int(arr[pos]) << 8) | int(arr[pos + 1])
        if rlen < 4 or arr[pos + 2] or arr[pos + 3]:
            rdw = bytes(arr[pos : pos + 4]).hex()
            return [], f"one partition: the RDW chain breaks at byte offset {pos} ({rdw})"
        if rlen > size - pos:
            return [], f"one partition: the record at byte offset {pos} runs past the end of the file"
        # a run of records of this same length: one strided look at their RDWs
        k = min(_RUN, (size - pos) // rlen, max(1, (target - pos) // rlen))
        if k > 1:
            heads = arr[pos : pos + k * rlen].reshape(k, rlen)[:, :4]
            ok = (heads == arr[pos : pos + 4]).all(axis=1)  # each carries this record's RDW
            k = k if bool(ok.all()) else max(1, int(np.argmin(ok)))
        pos += k * rlen
        records += k
        if pos >= target and pos < size:
            cuts.append(CsvCut(pos, records))
            target = pos + partition_bytes
    if cuts and size - cuts[-1].offset < partition_bytes // 4:  # no sliver of a last range
        cuts.pop()
    return cuts, None
