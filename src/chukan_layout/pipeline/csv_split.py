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

Each block is judged by :class:`~._csv_block_scan.BlockScan` (the proof on packed bits, numpy or
the compiled kernel); this module streams the file through it, hashes what it reads and turns
the record ends it proves into cuts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..readers.codecs import canonical_name
from ..readers.definition import CsvDefinition
from ._csv_block_scan import BOF, BlockScan

SPLITTABLE = ("utf-8", "cp932", "euc_jp")  # ASCII bytes never occur inside their multibyte characters
# 1 MiB reads: the scan holds ~6× its block (two reads, the byte-compare scratch, the bit words),
# and it runs beside the partitions in validate's parent. 8 MiB blocks added 42 MiB to the peak RSS
# (and the parent's heap kept it); 1 MiB adds 6 MiB and scans the 1M 住民 CSV in 0.9–1.0 s of CPU
# instead of 1.2–1.4 s (the bit arrays stay in cache). Measured alternated, 2026-12-06, load 9–10.
SCAN_BLOCK = 1 << 20
_BLOCK = SCAN_BLOCK


@dataclass(frozen=True)
class CsvCut:
    """A cut at byte ``offset`` (the first byte of a record); ``records`` complete records before it."""

    offset: int
    records: int


def csv_cuts(path: str | Path, d: CsvDefinition, partition_bytes: int, encoding: str | None = None,
             block: int = _BLOCK) -> tuple[list[CsvCut], str | None]:  # fmt: skip
    """Cuts about every ``partition_bytes`` bytes, or ``([], reason)`` when the file stays whole
    (the file is read in ``block``-byte reads)."""
    scan = csv_scan(path, d, partition_bytes, encoding, block)
    return scan.cuts, scan.why


@dataclass(frozen=True)
class CsvScan:
    """What the scan proved: the cuts (or why none), and whether the whole file is *clean*."""

    cuts: list[CsvCut]
    why: str | None
    # every quote proven, no NUL byte, no empty line (``\n\n``, ``\n\r\n``) anywhere: the CSV
    # reader's byte guard (readers.csv_guard) cannot trip on any range, so it may be left out
    clean: bool = False


def csv_scan(path: str | Path, d: CsvDefinition, partition_bytes: int, encoding: str | None = None,
             block: int = _BLOCK) -> CsvScan:  # fmt: skip
    """:func:`csv_cuts` and whether the file is clean (:class:`CsvScan`)."""
    scanner = CsvScanner(path, d, partition_bytes, encoding, block)
    cuts = [cut for cut, _ in scanner]
    return CsvScan([] if scanner.why else cuts, scanner.why, scanner.clean)


class CsvScanner:
    """The scan of one file, step by step: iterating yields each cut as soon as it is proven, with
    whether the byte range *before* it is clean (no NUL, no empty line: the byte guard cannot trip
    on it). After the iteration: ``why`` (None: every cut stands; else the file stays whole and
    cuts already yielded are void), ``clean`` (the whole file) and ``last_clean`` (the range after
    the last cut). A validate run hands out the first ranges while the scan goes on (issue 15).

    Per-range cleanliness is judged per block read: a block holding a NUL or an empty line makes
    every range it touches unclean (an unclean range only keeps the guard on: never wrong)."""

    def __init__(self, path: str | Path, d: CsvDefinition, partition_bytes: int, encoding: str | None = None,
                 block: int = _BLOCK, hasher: Any = None) -> None:  # fmt: skip
        """``hasher`` (a ``hashlib`` object): fed every byte of the file when :meth:`reads` (the rest is
        read on when the scan stops early), so a run hashes its input in the scan's own reads."""
        self.path, self.d, self.partition_bytes, self.block = path, d, partition_bytes, block
        self.encoding = encoding
        self.hasher = hasher
        self.hashed = False  # every byte of the file went through ``hasher``
        self.hashed_size = 0  # bytes that did
        self.why: str | None = None
        self.clean = False
        self.last_clean = False

    def reads(self) -> bool:
        """Whether the scan reads the file (else it stays whole without reading a byte)."""
        return self._refusal() is None and Path(self.path).stat().st_size > self.partition_bytes

    def _refusal(self) -> str | None:
        enc = canonical_name(self.encoding or self.d.encoding)
        if enc not in SPLITTABLE:
            return f"encoding {enc}: quote and newline bytes may sit inside characters"
        if len(self.d.quote.encode()) != 1 or len(self.d.delimiter.encode()) != 1:
            return "multibyte quote or delimiter"
        return None

    def __iter__(self) -> Iterator[tuple[CsvCut, bool]]:
        path, d, partition_bytes, block = self.path, self.d, self.partition_bytes, self.block
        size = Path(path).stat().st_size
        if size <= partition_bytes:
            return
        self.why = self._refusal()
        if self.why is not None:
            return
        scan = BlockScan(d.quote.encode()[0], d.delimiter.encode()[0], min(block, size))
        with open(path, "rb") as f:
            yield from self._blocks(f, scan, size)  # to the end, or to the byte it cannot prove
            if self.hasher is not None:  # the bytes after a refused one (a consumer that stops early: none)
                while rest := f.read(block):
                    self._hash(rest)
                self.hashed = True

    def _hash(self, data: bytes | memoryview) -> None:
        self.hasher.update(data)
        self.hashed_size += len(data)

    def _blocks(self, f: Any, scan: BlockScan, size: int) -> Iterator[tuple[CsvCut, bool]]:
        partition_bytes, block = self.partition_bytes, self.block
        targets = iter(range(partition_bytes, size, partition_bytes))
        target = next(targets, None)
        records = base = 0
        clean, open_clean, tail = True, True, b""  # open_clean: the range since the last cut
        update = self._hash if self.hasher is not None else None
        # one reused buffer, each block hashed and judged while it is still in the cache (a fresh
        # bytes object per read, hashed a block ahead of its scan, cost ≈ 20% more scan CPU);
        # the byte after the block is peeked (``_Peek``), not read
        buf = bytearray(block)
        view = memoryview(buf)
        peek = _Peek(f)
        while n := f.readinto(buf):
            cur = view[:n]
            if update is not None:
                update(cur)
            a = np.frombuffer(buf, np.uint8, count=n)
            why = scan.block(a, base, peek.next_byte())
            if why is not None:
                self.why = why
                return
            # (bytearray.find finds a NUL at memchr speed, but a two-byte needle in a block with a
            # line end every few hundred bytes at ~100 MB/s: empty lines are found on the bits)
            edge = tail + bytes(cur[:2])  # an empty line across the block edge
            block_clean = not scan.empty_line and buf.find(b"\x00", 0, n) < 0 and not _empty_line(edge)
            clean = clean and block_clean
            open_clean = open_clean and block_clean
            tail = (tail + bytes(cur[-2:]))[-2:]  # the last two bytes so far (a block may be under two)
            nb = len(a)
            while target is not None and target <= base + nb:  # a cut may fall in this block
                end = scan.record_end(max(target - 1 - base, 0))  # the first record end at or after it
                if end is None:
                    break  # the next record end is in a later block
                pos, rank = end
                cut = base + pos + 1
                if cut < size:
                    yield CsvCut(cut, records + rank + 1), open_clean
                    open_clean = block_clean  # the next range starts in this block
                while target is not None and target <= cut:
                    target = next(targets, None)
            records += scan.ends
            base += nb
        if scan.parity:
            self.why = "the file ends inside a quoted field"
            return
        self.clean, self.last_clean = clean, open_clean


class _Peek:
    """The next byte of a binary file without moving it (``peek`` where the file has one)."""

    def __init__(self, f: Any) -> None:
        self.f = f

    def next_byte(self) -> int:
        f = self.f
        if hasattr(f, "peek"):
            b = f.peek(1)[:1]
        else:
            pos = f.tell()
            b = f.read(1)
            f.seek(pos)
        return b[0] if b else BOF


def _empty_line(b: bytes) -> bool:
    return b"\n\n" in b or b"\n\r\n" in b
