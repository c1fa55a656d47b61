"""The CSV split scan's quote proof, one block at a time (:class:`BlockScan`): the numpy route on
packed bits and the compiled kernel (``pipeline/_csvscan.c``) that gives the same results.

:class:`~.csv_split.CsvScanner` streams a file through it and turns the record ends it proves into
cuts; the rules (where a quote may stand, bare CR refused) are in :mod:`.csv_split`'s docstring.
"""

from __future__ import annotations

import numpy as np

from .. import native
from ..readers.csv_guard import inside_quotes

BOF = -1  # "byte" before the file / after it
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


class BlockScan:
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
        self.prev = BOF  # the byte before the current block
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
        """Judge block ``a`` (at file offset ``base``; ``after`` = the next byte or ``BOF``)."""
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
            _shift_up(before, self.prev in (self.delim, 0x0A, self.quote, BOF), out=t2)
            bad = np.bitwise_and(q, inside, out=t3)
            bad &= np.invert(t2, out=t2)
            # after a closing quote: delimiter, CR, LF, a quote (the first of ""), or the end of the file
            behind = before  # dl | lf | q
            behind |= cr
            _set_bit(behind, n, after in (self.delim, 0x0D, 0x0A, self.quote, BOF))
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
