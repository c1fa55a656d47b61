"""The byte guard of the CSV fast path: where ``pyarrow.csv`` would be silently wrong.

Arrow's CSV parser reads some broken input without an error: NUL bytes as text, an empty line
as a row of empty strings (even in a multi-column file), a closing quote followed by more text
(``"abc"x`` → ``abcx``: the usual sign of a quote that was never closed, which shifts every
later quote), and a file that ends inside a quoted field. :class:`ByteGuard` wraps the byte
stream that ``open_csv`` reads and raises :class:`GuardTripped` when a block holds any of these;
the CSV reader then switches to its careful, record-exact path (``csv_reader``), which judges
each record (an empty line inside a quoted value is fine there, so a trip is never a verdict).

One pass over a block costs four byte compares and four ``np.packbits``; everything else runs
on the packed bits, 64 bytes per machine word (a 4 MiB block is 65 536 words):

- quote parity per byte = prefix XOR of the quote bits (six shift-XORs inside each word, the
  parity of the words before from ``np.bitwise_count``), so closing quotes are known without
  listing quote positions (``np.flatnonzero`` of a quote-dense block was most of the guard);
- "followed by" = the bit array shifted by one position (across word edges);
- a closing quote must be followed by a delimiter, a quote (the ``""`` escape), CR or LF;
- an empty line is ``\\n\\n`` or ``\\n\\r\\n`` (anywhere), or a line end followed by a CR outside
  quotes (``\\n\\r`` / ``\\r\\r``: a lone CR ends an empty line; Arrow read it as a record of blanks).
  Inside quotes that CR is data, and a split scan (``pipeline.csv_split``) that proves a range
  clean (no bare CR outside quotes, no ``\\n\\n`` / ``\\n\\r\\n``) still proves the guard cannot trip.

Valid for ASCII-compatible encodings (cp932, EUC-JP, UTF-8), whose multibyte characters never
contain the quote, delimiter, CR or LF bytes. Blocks are judged in stream order; the state kept
between blocks is the quote parity, whether the block ended on a closing quote, and the last
two bytes (an empty line across a block edge).
"""

from __future__ import annotations

import io
import threading
from typing import Any

import numpy as np
import pyarrow as pa

from .framing import ByteStream

_LE64 = np.dtype("<u8")
_ONE = np.uint64(1)


class GuardTripped(Exception):
    """The block holds input the fast path would read silently wrong (see the module docstring)."""


def pack_bits(mask: np.ndarray, nwords: int) -> np.ndarray:
    """Bit ``i`` of the result (word ``i // 64``, bit ``i % 64``) = ``mask[i]``; zero past the end."""
    packed = np.packbits(mask, bitorder="little")
    if len(packed) != 8 * nwords:
        packed = np.concatenate([packed, np.zeros(8 * nwords - len(packed), np.uint8)])
    return packed.view(_LE64)


def shift_bits(w: np.ndarray, k: int, out: np.ndarray | None = None) -> np.ndarray:
    """Bit ``i`` of the result = bit ``i + k`` of ``w`` (0 < k < 64; zero past the end).
    ``out``: a word array of ``w``'s length to write to (not ``w``)."""
    out = np.right_shift(w, np.uint64(k), out=out)
    out[:-1] |= w[1:] << np.uint64(64 - k)
    return out


_SHIFTS = [np.uint64(s) for s in (1, 2, 4, 8, 16, 32)]


def inside_quotes(q: np.ndarray, parity: int, out: np.ndarray | None = None,
                  tmp: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Bit ``i`` = parity of the quotes at positions ``<= i`` (plus ``parity`` before the block).

    A quote whose bit is 1 opens a quoted field, one whose bit is 0 closes it. ``out`` / ``tmp``:
    word arrays of ``q``'s length to work in (other than ``q``), else fresh ones."""
    if out is None:
        x = q.copy()
    else:
        x = out
        np.copyto(x, q)
    tmp = np.empty_like(q) if tmp is None else tmp
    for s in _SHIFTS:  # prefix XOR inside each word
        x ^= np.left_shift(x, s, out=tmp)
    # parity of the quotes in the earlier words: popcount of the running XOR of the words (numpy's
    # XOR-accumulate of uint64 is ~10x faster than a cumsum of the per-word counts)
    before = tmp
    before[0] = parity
    np.bitwise_xor.accumulate(q[:-1], out=before[1:])
    before[1:] = np.bitwise_count(before[1:]) & 1
    if parity:
        before[1:] ^= _ONE
    x ^= np.subtract(np.uint64(0), before, out=before)  # all ones where an odd count came before
    return x


class Words:
    """Word arrays for :func:`scan_block`, reused block after block while the block size stays
    (a fresh 128 KiB temporary per word operation could churn the heap: up to 45% of a block's scan,
    ~12% of the guard's CPU in a stream)."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []

    def get(self, nwords: int) -> list[np.ndarray]:
        """Five word arrays of ``nwords`` (contents undefined)."""
        if not self.arrays or len(self.arrays[0]) != nwords:
            self.arrays = [np.empty(nwords, np.uint64) for _ in range(5)]
        return self.arrays


def scan_block(
    buf: np.ndarray,
    quote: int,
    delim: int,
    parity: int,
    empty_lines: bool,
    scratch: np.ndarray,
    words: Words | None = None,
) -> tuple[bool, int]:
    """Judge one block: ``(trip, quotes in the block)``.

    ``trip`` when a closing quote (by ``parity`` = quotes before the block, mod 2) is followed by
    a byte other than delimiter / quote / CR / LF inside the block, or (``empty_lines``) when the
    block holds ``\\n\\n``, ``\\n\\r\\n`` or a line end followed by a CR outside quotes (an empty
    line). The last byte's successor is the next block's business.
    ``scratch``: a bool buffer at least ``len(buf)`` long (reused: fresh 4 MiB temporaries per
    block cost page faults); ``words``: reused word arrays (:class:`Words`)."""
    n = len(buf)
    nwords = (n + 63) // 64
    s = scratch[:n]
    q = pack_bits(np.equal(buf, quote, out=s), nwords)
    lf = pack_bits(np.equal(buf, 0x0A, out=s), nwords)
    cr = pack_bits(np.equal(buf, 0x0D, out=s), nwords)
    allowed = pack_bits(np.equal(buf, delim, out=s), nwords)
    line_end, outside, w1, w2, w3 = (words or Words()).get(nwords)  # in-place word operations
    np.bitwise_or(lf, cr, out=line_end)
    allowed |= q
    allowed |= line_end
    nq = int(np.bitwise_count(q).sum())
    inside_known = False  # else every byte of the block is inside / outside quotes by ``parity``
    if nq:
        np.invert(inside_quotes(q, parity, out=outside, tmp=w1), out=outside)
        inside_known = True
        bad = np.bitwise_and(q, outside, out=w1)  # the closing quotes …
        bad &= np.invert(shift_bits(allowed, 1, out=w2), out=w2)  # … followed by another byte
        bad[(n - 1) // 64] &= ~(_ONE << np.uint64((n - 1) % 64))  # its successor is in the next block
        if bad.any():
            return True, nq
    if empty_lines:
        empty = np.bitwise_and(lf, shift_bits(lf, 1, out=w1), out=w1)  # \n\n
        crlf = np.bitwise_and(lf, shift_bits(line_end, 1, out=w2), out=w2)
        crlf &= shift_bits(lf, 2, out=w3)  # \n\r\n (or \n\n\n)
        empty |= crlf
        if inside_known or not parity:  # a line end, then a CR outside quotes: a lone CR's empty line
            lone = np.bitwise_and(cr, outside, out=w2) if inside_known else cr
            empty |= np.bitwise_and(line_end, shift_bits(lone, 1, out=w3), out=w3)
        if empty.any():
            return True, nq
    return False, nq


class Utf8Check:
    """UTF-8 validity of a byte stream fed block by block (a character may straddle two blocks).

    The CSV fast path reads UTF-8 columns without Arrow's per-value check (``check_utf8=False``)
    and judges the raw blocks here instead, in one call per block: Arrow's per-value check was
    ~20% of the parse's CPU (0.52 → 0.41 s per 163 MB of 住民 CSV), one ``ValidateFull`` of the
    block ~0.05 s. Equivalent: delimiters, quotes and line ends are ASCII, never inside a
    multibyte character, so the stream is valid exactly when every field is."""

    def __init__(self) -> None:
        self._carry = b""  # the last block's incomplete last character

    def feed(self, data: bytes) -> bool:
        """Is the stream valid so far (``b""`` = the end: no character left incomplete)?"""
        if not data:
            return not self._carry
        n, j = len(data), 0
        if self._carry:  # complete the carried character with this block's first bytes
            j = min(_width(self._carry[0]) - len(self._carry), n)
            head = self._carry + data[:j]
            if len(head) < _width(head[0]):  # a tiny block: still incomplete, carried on
                self._carry = head
                return all(0x80 <= b <= 0xBF for b in data)
            if not _valid_utf8(head, 0, None):
                return False
        cut = n  # hold back an incomplete character at the end
        k = n - 1
        while k >= max(j, n - 3) and 0x80 <= data[k] <= 0xBF:
            k -= 1
        if k >= j and data[k] >= 0xC0 and n - k < _width(data[k]):
            cut = k
        self._carry = data[cut:]
        return _valid_utf8(data, j, cut)


def _width(lead: int) -> int:
    """Bytes of the character a lead byte ≥ 0xC0 opens (an invalid lead: validation refuses it)."""
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _valid_utf8(data: bytes, lo: int, hi: int | None) -> bool:
    """Are ``data[lo:hi]`` valid UTF-8 (Arrow's validator on a one-value string array, no copy)?"""
    hi = len(data) if hi is None else hi
    if hi <= lo:
        return True
    off = np.array([lo, hi], np.int64)
    arr = (pa.StringArray.from_buffers(1, pa.py_buffer(off.astype(np.int32)), pa.py_buffer(data))
           if hi < 1 << 31 else pa.LargeStringArray.from_buffers(1, pa.py_buffer(off), pa.py_buffer(data)))  # fmt: skip
    try:
        arr.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def clean_utf8_rest(f: ByteStream, limit: int) -> bytes | None:
    """The rest of ``f`` in memory when it holds at most ``limit`` bytes, its UTF-8 validity judged
    in one pass (:class:`GuardTripped` when it is not valid); else None, ``f`` where it was.

    For a range the split scan proved clean (no guard to run): ``open_csv`` then parses from an
    Arrow buffer instead of calling back into Python for every 1 MiB block, and the validity of the
    range is one call instead of one per block (a 16 MiB range of the 1M 住民 CSV: ≈ −15% read
    CPU). A partition read in one batch holds its bytes anyway; a bigger rest keeps streaming."""
    pos = f.tell()
    data = f.read(limit + 1)
    if len(data) > limit:
        f.seek(pos)
        return None
    check = Utf8Check()
    if not (check.feed(data) and check.feed(b"")):
        raise GuardTripped
    return data


class ByteGuard(io.RawIOBase):
    """Byte stream for ``open_csv`` that raises :class:`GuardTripped` (see the module docstring).

    ``check_empty_lines``: False for a one-column file (an empty line is an empty value there).
    ``active``: False for UTF-16 sources (byte scanning is not valid there).
    ``utf8``: trip on bytes that are not UTF-8 (:class:`Utf8Check`), whether ``active`` or not.
    ``after``: the (last two) bytes before the stream's position, outside quotes (the stream starts
    at a record boundary of a file read so far another way: an empty line across that edge).

    ``open_csv`` reads on Arrow's readahead thread. When the fast path stops early (a trip, a
    parse error, a bad byte found while decoding a column on the caller's thread), that thread
    may still be reading ahead; the caller detaches the guard (:meth:`detach`) before it seeks
    the stream back for the careful path, so no late read moves the stream under it (such a read
    once skipped 1 MiB of the careful path's input)."""

    def __init__(
        self, f: ByteStream, check_empty_lines: bool, quote: int, delim: int, active: bool = True,
        utf8: bool = False, after: bytes = b"",
    ) -> None:  # fmt: skip
        self._f = f
        self._utf8 = Utf8Check() if utf8 else None
        self._check = check_empty_lines
        self._tail = after[-2:]
        self._quote, self._delim, self._active = quote, delim, active
        self._parity = 0  # quotes seen so far, mod 2 (1 = inside a quoted field)
        self._closing_at_end = False
        self._scratch = np.empty(0, bool)
        self._words = Words()
        self._lock = threading.Lock()
        self._detached = False

    def readable(self) -> bool:
        return True

    def detach(self) -> None:
        """Wait for a read in flight, then read nothing more from the stream (EOF to Arrow)."""
        with self._lock:
            self._detached = True

    def read(self, size: int = -1) -> bytes:
        with self._lock:
            if self._detached:
                return b""
            return self._read(size)

    def _read(self, size: int) -> bytes:
        data = self._f.read(size)
        if self._utf8 is not None and not self._utf8.feed(data):
            raise GuardTripped
        if not self._active:
            return data
        if not data:
            # EOF inside a quoted field: Arrow would close the quote silently and yield the cut-short
            # last record (even its swallowed final CRLF as value text); the careful path rejects it
            if self._parity:
                raise GuardTripped
            return data
        if b"\x00" in data:
            raise GuardTripped
        if self._check:
            edge = self._tail + data[:2]
            if b"\n\n" in edge or b"\n\r\n" in edge:
                raise GuardTripped
            if data[:1] == b"\r" and self._tail[-1:] in (b"\n", b"\r") and not self._parity:
                raise GuardTripped  # a CR outside quotes right after the last block's line end
            self._tail = data[-2:]
        buf = np.frombuffer(data, np.uint8)
        if self._closing_at_end and buf[0] not in (self._delim, self._quote, 0x0A, 0x0D):
            raise GuardTripped
        if len(self._scratch) < len(buf):
            self._scratch = np.empty(len(buf), bool)
        trip, nq = scan_block(
            buf, self._quote, self._delim, self._parity, self._check, self._scratch, self._words
        )
        if trip:
            raise GuardTripped
        self._parity = (self._parity + nq) % 2
        self._closing_at_end = bool(buf[-1] == self._quote) and self._parity == 0
        return data

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)
