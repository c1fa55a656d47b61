"""Where a VB file (z/OS variable blocked: a BDW per block, an RDW per record) can be cut into byte ranges.

A block's length is only known from the BDW before it, so the block boundaries of a VB file
are found by walking its chain of BDWs from the start, one step per block (a 32 KiB block holds
many records). The records inside the blocks are counted the way the reader frames them
(:func:`~chukan_layout.readers.vb.block_records`: one numpy pass over a batch of blocks, a
record-by-record walk only for a block of mixed lengths), so each range's first record number
is exact. A cut is made at the first block boundary at or after every ``partition_bytes``: each
range is then a VB file of its own (it starts with a BDW), read by the ordinary reader.

Only a file proven whole is cut: every BDW valid, the chain stepping from byte 0 exactly onto
the end of the file, and the RDWs of every block framing its record area to its end. Any doubt
keeps the file in one partition — the reader's resync then treats the damage exactly as in an
unsplit run — and the reason, with its byte offset, goes to the run's notes.
"""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np

from ..readers.resync import bdw_length
from ..readers.vb import block_records
from .csv_split import CsvCut  # a cut at a block's first byte, with the records before it
from .rdw_split import Cuts, PageDropper, walk_mapped

# Blocks whose records are counted in one numpy pass (a batch is also cut at every cut target).
_BATCH = 2048


def vb_cuts(path: str | Path, partition_bytes: int) -> tuple[list[CsvCut], str | None]:
    """The cuts of a VB file every ~``partition_bytes``, or ``([], why)`` to keep it whole."""
    return walk_mapped(path, partition_bytes, _walk)


def _walk(data: mmap.mmap, arr: np.ndarray, size: int, partition_bytes: int, pages: PageDropper
          ) -> tuple[list[CsvCut], str | None]:  # fmt: skip
    cuts = Cuts(size, partition_bytes)
    blocks: list[tuple[int, int]] = []
    pos = records = 0
    while pos < size:
        if size - pos < 4:
            return [], f"one partition: the BDW chain ends {size - pos} bytes before the end of the file"
        blen = bdw_length(data, pos)  # type: ignore[arg-type]  # an mmap slices like bytes
        if blen is None:
            bdw = bytes(data[pos : pos + 4]).hex()
            return [], f"one partition: the BDW chain breaks at byte offset {pos} ({bdw})"
        if blen > size - pos:
            return [], f"one partition: the block at byte offset {pos} runs past the end of the file"
        blocks.append((pos, blen))
        pos += blen
        if len(blocks) < _BATCH and pos < cuts.target and pos < size:
            continue
        # the records of these blocks, framed as the reader frames them
        rpos, _, at, problem = block_records(data, arr, blocks)  # type: ignore[arg-type]
        if problem:
            return [], f"one partition: the records of a block break at byte offset {at} ({problem})"
        records += len(rpos)
        blocks = []
        pages.passed(pos)
        cuts.boundary(pos, records)
    return cuts.done(), None
