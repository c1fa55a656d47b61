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

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import native
from ..readers.codecs import canonical_name
from ..readers.csv_guard import inside_quotes
from ..readers.definition import CsvDefinition

SPLITTABLE = ("utf-8", "cp932", "euc_jp")  # ASCII bytes never occur inside their multibyte characters
# 1 MiB reads: the scan holds ~6× its block (two reads, the byte-compare scratch, the bit words),
# and it runs beside the partitions in validate's parent. 8 MiB blocks added 42 MiB to the peak RSS
# (and the parent's heap kept it); 1 MiB adds 6 MiB and scans the 1M 住民 CSV in 0.9–1.0 s of CPU
# instead of 1.2–1.4 s (the bit arrays stay in cache). Measured alternated, 2026-12-06, load 9–10.
SCAN_BLOCK = 1 << 20
_BLOCK = SCAN_BLOCK
_BOF = -1  # "byte" before the file / after it
_LE64 = np.dtype("<u8")
_ONE = np.uint64(1)
_TOP = np.uint64(63)
# the compiled block judge (pipeline/_csvscan.c): the same rules on the same words in one pass
# (≈ 0.35 → ≈ 0.1 s CPU for the 745 MB vendor B 住民 CSV less its reads); None: the numpy route
_kernel = native.load("chukan_layout.pipeline._csvscan")
_REFUSALS = {
    1: "a quote not at a field boundary (byte offset {})",
    2: "a carriage return without a line feed (bare CR line ends)",
}


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
        scan = _Scan(d.quote.encode()[0], d.delimiter.encode()[0], min(block, size))
        with open(path, "rb") as f:
            yield from self._blocks(f, scan, size)  # to the end, or to the byte it cannot prove
            if self.hasher is not None:  # the bytes after a refused one (a consumer that stops early: none)
                while rest := f.read(block):
                    self._hash(rest)
                self.hashed = True

    def _hash(self, data: bytes | memoryview) -> None:
        self.hasher.update(data)
        self.hashed_size += len(data)

    def _blocks(self, f: Any, scan: _Scan, size: int) -> Iterator[tuple[CsvCut, bool]]:
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


class _Scan:
    """The quote proof of one file, block by block, on packed bits (64 bytes per machine word).

    Per byte ``i`` (bit ``i`` of the words): quote, LF, CR, delimiter; inside quotes = prefix XOR of
    the quote bits (:func:`~chukan_layout.readers.csv_guard.inside_quotes`). A quote whose inside
    bit is 1 opens a field and needs an allowed byte *before* it, one whose bit is 0 closes and
    needs an allowed byte *after* it: the previous / next byte's bits are the bit arrays shifted
    by one, carrying the last byte of the previous block in and the first of the next block out.
    (The quote positions themselves are never listed: in a file with every field quoted a third
    of the bytes are quotes.) The word operations run in place on arrays kept from block to
    block: fresh 128 KiB temporaries for each of them were ~40% of the scan's CPU."""

    def __init__(self, quote: int, delim: int, block: int) -> None:
        self.quote, self.delim = quote, delim
        self.parity = 0  # quotes so far, mod 2
        self.prev = _BOF  # the byte before the current block
        self.ends = 0  # record ends in the last block judged
        self.empty_line = False  # in the last block judged ("\\n\\n" or "\\n\\r\\n" inside it)
        self._ends: np.ndarray = np.zeros(0, _LE64)  # LF outside quotes, per bit
        self._ranks: np.ndarray | None = None  # record ends in the words before each word
        self._scratch = np.empty(block // 64 * 64 + 64, bool)
        self._words: list[np.ndarray] = []

    def _bits(self, a: np.ndarray, byte: int, nwords: int) -> np.ndarray:
        s = self._scratch[: nwords * 64]  # past len(a): zeros (set in block)
        np.equal(a, byte, out=s[: a.size])
        return np.packbits(s, bitorder="little").view(_LE64)

    def _work(self, nw: int) -> list[np.ndarray]:
        """Six word arrays of ``nw`` words (contents undefined), kept while the block size stays."""
        if not self._words or self._words[0].size != nw:
            self._words = [np.empty(nw, _LE64) for _ in range(6)]
        return self._words

    def block(self, a: np.ndarray, base: int, after: int) -> str | None:
        """Judge block ``a`` (at file offset ``base``; ``after`` = the next byte or ``_BOF``)."""
        if _kernel is not None:
            return self._block_compiled(a, base, after)
        n = a.size
        nw = n // 64 + 1  # room for bit n: the next block's first byte
        if self._scratch.size < nw * 64:
            self._scratch = np.empty(nw * 64, bool)
        self._scratch[n : nw * 64] = False
        q, lf = self._bits(a, self.quote, nw), self._bits(a, 0x0A, nw)
        cr, dl = self._bits(a, 0x0D, nw), self._bits(a, self.delim, nw)
        inside, t1, t2, t3, t4, outside = self._work(nw)
        inside_quotes(q, self.parity, out=inside, tmp=t1)
        np.invert(inside, out=outside)
        if q.any():
            # before an opening quote: delimiter, LF, a quote (the second of ""), or the start of the file
            before = np.bitwise_or(dl, lf, out=t1)
            before |= q
            _shift_up(before, self.prev in (self.delim, 0x0A, self.quote, _BOF), out=t2)
            bad = np.bitwise_and(q, inside, out=t3)
            bad &= np.invert(t2, out=t2)
            # after a closing quote: delimiter, CR, LF, a quote (the first of ""), or the end of the file
            behind = before  # dl | lf | q
            behind |= cr
            _set_bit(behind, n, after in (self.delim, 0x0D, 0x0A, self.quote, _BOF))
            closing_bad = np.bitwise_and(q, outside, out=t4)
            closing_bad &= np.invert(_shift_down(behind, out=t2), out=t2)
            bad |= closing_bad
            if bad.any():  # (listing the set bits costs ~6 word operations: only on a refusal)
                return f"a quote not at a field boundary (byte offset {base + _first_bit(bad)})"
        lf_down = _shift_down(lf, out=t1)  # the next byte is LF (bit n: the next block's, not set here)
        # "\n\n" or "\n\r\n" inside the block (across its edge: CsvScanner)
        empty = np.bitwise_and(lf, lf_down, out=t2)
        if cr.any():
            # inside quotes a CR is data; outside it would end a record: refuse only the latter
            lone = np.bitwise_and(cr, outside, out=t3)
            if after == 0x0A:
                _set_bit(lf_down, n - 1, True)  # the LF after the block's last byte
            lone &= np.invert(lf_down, out=t4)
            if lone.any():
                return "a carriage return without a line feed (bare CR line ends)"
            if after == 0x0A:
                _clear_bit(lf_down, n - 1)  # the block's own LFs again, as the empty lines are judged here
            # "\n\r\n": a CR with an LF on either side of it in the block
            crlf = np.bitwise_and(cr, lf_down, out=t3)
            crlf &= _shift_up(lf, False, out=t4)
            empty |= crlf
        self.empty_line = bool(empty.any())
        self._ends = np.bitwise_and(lf, outside)  # kept until the next block (record_end)
        self._ranks = None
        self.ends = int(np.bitwise_count(self._ends).sum())
        # the prefix parity runs on past the block's last byte (no quote bits there): the last
        # word's top bit is the parity after the block, without counting its quotes
        self.parity = int(inside[-1] >> _TOP)
        self.prev = int(a[-1])
        return None

    def _block_compiled(self, a: np.ndarray, base: int, after: int) -> str | None:
        """:meth:`block` by the compiled kernel (the same results, word for word)."""
        assert _kernel is not None
        nw = a.size // 64 + 1
        if self._ends.size != nw or not self._ends.flags.writeable:
            self._ends = np.empty(nw, _LE64)
        code, offset, parity, ends, empty = _kernel.block(
            a, a.size, self.quote, self.delim, self.parity, self.prev, after, self._ends
        )
        if code:
            return _REFUSALS[code].format(base + offset)
        self.empty_line = bool(empty)
        self._ranks = None
        self.ends = ends
        self.parity = parity
        self.prev = int(a[-1])
        return None

    def record_end(self, start: int) -> tuple[int, int] | None:
        """(position, record ends before it) of the first LF outside quotes at or after ``start`` in
        the last judged block, or None."""
        w = self._ends
        k = start >> 6
        if k >= w.size:
            return None
        first = int(w[k]) & ~((1 << (start & 63)) - 1)
        if first == 0:
            nz = np.flatnonzero(w[k + 1 :])
            if nz.size == 0:
                return None
            k += 1 + int(nz[0])
            first = int(w[k])
        bit = (first & -first).bit_length() - 1
        if self._ranks is None:
            self._ranks = np.zeros(w.size, np.int64)
            np.cumsum(np.bitwise_count(w[:-1]), out=self._ranks[1:])
        return k * 64 + bit, int(self._ranks[k]) + (int(w[k]) & ((1 << bit) - 1)).bit_count()


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
        return b[0] if b else _BOF


def _empty_line(b: bytes) -> bool:
    return b"\n\n" in b or b"\n\r\n" in b


def _shift_up(w: np.ndarray, carry: bool, out: np.ndarray | None = None) -> np.ndarray:
    """Bit ``i`` of the result = bit ``i - 1`` of ``w``; bit 0 = ``carry`` (``out``: not ``w``)."""
    out = np.left_shift(w, _ONE, out=out)
    out[1:] |= w[:-1] >> np.uint64(63)
    if carry:
        out[0] |= _ONE
    return out


def _shift_down(w: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Bit ``i`` of the result = bit ``i + 1`` of ``w`` (zero past the end; ``out``: not ``w``)."""
    out = np.right_shift(w, _ONE, out=out)
    out[:-1] |= w[1:] << np.uint64(63)
    return out


def _set_bit(w: np.ndarray, i: int, value: bool) -> None:
    if value:
        w[i >> 6] |= _ONE << np.uint64(i & 63)


def _clear_bit(w: np.ndarray, i: int) -> None:
    w[i >> 6] &= ~(_ONE << np.uint64(i & 63))


def _first_bit(w: np.ndarray) -> int:
    """Index of the lowest set bit (``w`` has one)."""
    k = int(np.flatnonzero(w)[0])
    word = int(w[k])
    return k * 64 + (word & -word).bit_length() - 1
