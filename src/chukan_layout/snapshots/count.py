"""Records of a standard CSV counted from its bytes, without parsing fields (snapshots without Parquet).

A record ends at a line feed outside quotes. The blocks come through the CSV reader's byte guard
(:class:`~chukan_layout.readers.csv_guard.ByteGuard`), which stops at anything the fast CSV path
would read silently wrong (NUL bytes, empty lines, a closing quote followed by text, EOF inside a
quote); this counter adds a carriage return outside quotes that is not followed by a line feed
(a line end for Arrow, not for the careful path) and a line feed *inside* quotes (a record of
several physical lines: when its field count is wrong, the careful path rejects it line by line,
so only the reader can count it). On any of these, :attr:`LineCounter.tripped`
is set and the caller counts with the full guarded reader instead — so the count is always the
one ``validate`` reads (records read + rejected), and the common case costs a few vectorized byte
compares per block instead of a parse: quote parity by the guard's prefix XOR on packed bits.
"""

from __future__ import annotations

import numpy as np

from ..readers.csv_guard import inside_quotes, pack_bits, shift_bits

QUOTE, LF, CR = 0x22, 0x0A, 0x0D


class LineCounter:
    """Feed the file's bytes in order (:meth:`feed`); :attr:`records` = data records (header excluded)."""

    def __init__(self) -> None:
        self.parity = 0  # quotes so far, mod 2
        self.ends = 0  # line feeds outside quotes
        self.size = 0
        self.last = -1  # the last byte of the file so far
        self.cr_open = False  # the previous block ended with a CR outside quotes
        self.tripped = False
        self._scratch = np.empty(0, bool)

    def feed(self, data: bytes) -> None:
        if not data or self.tripped:
            return
        buf = np.frombuffer(data, np.uint8)
        n = len(buf)
        if len(self._scratch) < n:
            self._scratch = np.empty(n, bool)
        s = self._scratch[:n]
        nwords = (n + 63) // 64
        q = pack_bits(np.equal(buf, QUOTE, out=s), nwords)
        lf = pack_bits(np.equal(buf, LF, out=s), nwords)
        cr = pack_bits(np.equal(buf, CR, out=s), nwords)
        outside = ~inside_quotes(q, self.parity)
        if self.cr_open and buf[0] != LF:
            self.tripped = True
            return
        lone_cr = cr & outside & ~shift_bits(lf, 1)
        last_word, last_bit = (n - 1) // 64, np.uint64((n - 1) % 64)
        self.cr_open = bool((lone_cr[last_word] >> last_bit) & np.uint64(1))
        lone_cr[last_word] &= ~(np.uint64(1) << last_bit)  # its successor is in the next block
        if lone_cr.any():
            self.tripped = True
            return
        if (lf & ~outside).any():
            self.tripped = True
            return
        self.ends += int(np.bitwise_count(lf & outside).sum())
        self.parity = (self.parity + int(np.bitwise_count(q).sum())) % 2
        self.size += n
        self.last = int(buf[-1])

    @property
    def records(self) -> int | None:
        """Data records (the header row excluded); None when tripped (count with the reader)."""
        if self.tripped or self.cr_open or self.parity:
            return None
        lines = self.ends + (1 if self.size and self.last != LF else 0)  # a last record without a line end
        return max(lines - 1, 0)
