"""Records of a standard CSV counted from its bytes, without parsing fields (snapshots without Parquet).

A record ends at a line feed outside quotes. :class:`LineCounter` makes, in the same scan, the
checks of the CSV reader's byte guard (:class:`~chukan_layout.readers.csv_guard.ByteGuard`: NUL
bytes, empty lines, a closing quote followed by text, EOF inside a quote — anything the fast CSV
path would read silently wrong) and its own: a carriage return outside quotes that is not
followed by a line feed (a line end for Arrow, not for the careful path) and a line feed *inside*
quotes (a record of several physical lines: when its field count is wrong, the careful path
rejects it line by line, so only the reader can count it). On any of these, :attr:`LineCounter.tripped`
is set and the caller counts with the full guarded reader instead — so the count is always the
one ``validate`` reads (records read + rejected).

The common case costs four vectorized byte compares per block, packed to bits (64 bytes per
machine word), and word operations: quote parity by the guard's prefix XOR on the packed bits,
shared by the guard's checks and the count. (It was the guard's scan followed by the counter's
own: the quote, LF and CR bits and the parity computed twice, ≈ 2.2 ns per byte; one scan is
≈ 0.6.) Blocks may be any buffer (``bytes``, a ``memoryview`` of a mapped file) and any size;
the state kept between blocks is the quote parity, the last two bytes, whether the block ended
on a closing quote or on a carriage return.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..readers.csv_guard import inside_quotes, pack_bits, shift_bits

QUOTE, LF, CR, COMMA = 0x22, 0x0A, 0x0D, 0x2C
SCAN_BLOCK = 1 << 20
_ONE = np.uint64(1)


class LineCounter:
    """Feed the file's bytes in order (:meth:`feed`); :attr:`records` = data records (header excluded).

    ``empty_lines``: an empty line trips the count (the guard's rule for a file of several columns;
    in a one-column file an empty line is an empty value)."""

    def __init__(self, empty_lines: bool = True) -> None:
        self.empty_lines = empty_lines
        self.parity = 0  # quotes so far, mod 2
        self.ends = 0  # line feeds outside quotes
        self.size = 0
        self.tail = b""  # the last two bytes so far (an empty line across a block edge)
        self.cr_open = False  # the previous block ended with a CR outside quotes
        self.closing_at_end = False  # ... or with a closing quote (its successor is in this block)
        self.tripped = False
        self._scratch = np.empty(0, bool)

    def feed(self, data: Any) -> None:
        """Count the line ends of the next block (a buffer), or trip (see the module docstring)."""
        # in pieces of SCAN_BLOCK: the byte masks of a piece stay in the CPU's L2 cache between the
        # compares and the packing (8 MiB pieces: ~1.0–1.2 ns/byte; 1–2 MiB: ~0.7–0.9)
        view = memoryview(data).cast("B")
        for lo in range(0, len(view), SCAN_BLOCK):
            if self.tripped:
                return
            self._feed(view[lo : lo + SCAN_BLOCK])

    def _feed(self, data: memoryview) -> None:
        if not len(data):
            return
        buf = np.frombuffer(data, np.uint8)
        n = len(buf)
        head = bytes(buf[:2])
        if (
            buf.min() == 0  # a NUL byte
            or (self.cr_open and head[0] != LF)
            or (self.closing_at_end and head[0] not in (COMMA, QUOTE, LF, CR))
            or (self.empty_lines and (b"\n\n" in self.tail + head or b"\n\r\n" in self.tail + head))
        ):
            self.tripped = True
            return
        if len(self._scratch) < n:
            self._scratch = np.empty(n, bool)
        s = self._scratch[:n]
        nwords = (n + 63) // 64
        q = pack_bits(np.equal(buf, QUOTE, out=s), nwords)
        lf = pack_bits(np.equal(buf, LF, out=s), nwords)
        cr = pack_bits(np.equal(buf, CR, out=s), nwords)
        allowed = pack_bits(np.equal(buf, COMMA, out=s), nwords)
        outside = ~inside_quotes(q, self.parity)
        last_word, not_last = (n - 1) // 64, ~(_ONE << np.uint64((n - 1) % 64))
        line_end = lf | cr
        allowed |= q
        allowed |= line_end
        bad = q & outside & ~shift_bits(allowed, 1)  # a closing quote followed by text
        bad[last_word] &= not_last  # its successor is in the next block
        if self.empty_lines:
            bad |= lf & shift_bits(lf, 1)
            bad |= lf & shift_bits(line_end, 1) & shift_bits(lf, 2)
        bad |= lf & ~outside  # a line feed inside quotes: the reader's business
        lone_cr = cr & outside & ~shift_bits(lf, 1)
        cr_open = bool(lone_cr[last_word] & ~not_last)
        lone_cr[last_word] &= not_last  # its successor is in the next block
        bad |= lone_cr
        if bad.any():
            self.tripped = True
            return
        self.ends += int(np.bitwise_count(lf & outside).sum())
        self.parity = (self.parity + int(np.bitwise_count(q).sum())) % 2
        self.cr_open = cr_open
        self.closing_at_end = bool(buf[-1] == QUOTE) and self.parity == 0
        self.tail = (self.tail + bytes(buf[-2:]))[-2:]
        self.size += n

    @property
    def records(self) -> int | None:
        """Data records (the header row excluded); None when tripped (count with the reader)."""
        if self.tripped or self.cr_open or self.parity:
            return None
        lines = self.ends + (
            1 if self.size and self.tail[-1] != LF else 0
        )  # a last record without a line end
        return max(lines - 1, 0)
