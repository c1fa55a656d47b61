"""The CSV fast path's parse in one compiled pass (:mod:`._csvparse`), for the common case only.

The fast path (:mod:`.csv_reader`) has ``pyarrow.csv.open_csv`` parse the raw bytes of a
legacy-encoded file into ``binary`` columns in 1 MiB blocks and joins the blocks' batches into
batches of ``batch_bytes``. :class:`ParsedBatches` reads the stream in reads of ``batch_bytes``
instead and parses each read straight into the columns' buffers of one batch (Arrow ``binary``
arrays over buffers of Arrow's memory pool, no copy and no join): ≈ 1.3 vs 2.6 ns per byte of
the 1M-resident vendor B 住民 CSV (RESULTS.md, helper natparse).

The kernel reads only what it can prove Arrow reads the same way (quoted and unquoted fields,
doubled quotes, the file's delimiter, CRLF / LF line ends, every record with all its fields)
and answers None for anything else: a NUL, an empty line, a lone CR, a quote inside an unquoted
field or after a closing quote, a ragged record, the file ending inside a quote, a record longer
than ``max_record`` (Arrow's reader fails on it; csv_reader's careful path decides); with the byte guard on, also ``\\n\\n`` / ``\\n\\r\\n`` anywhere
(the guard trips there). Then the iteration stops at the start of that read, a record boundary
(:attr:`ParsedBatches.handoff`), and the caller reads on from there with Arrow (its route stays
the reference, with every error path as it was). The header record is skipped here only when
it is a plain physical line, as Arrow's ``skip_rows`` takes it; a byte-order mark at the start
leaves the whole stream to Arrow.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa

from .. import native
from .framing import ByteStream

_kernel = native.load("chukan_layout.readers._csvparse")
# column buffers sized by the last batch's bytes per input byte, with this much room to spare (one
# that fills up before 7/8 of the batch is made bigger and the batch parsed again: ParsedBatches._run)
_SPARE = 1.2
_MIN_BUFFER = 16 << 10
# the first records of a stream, parsed once to learn the columns' shares (then parsed again in the batch)
_PROBE = 256 << 10


def available(encoding_self_decoded: bool, delimiter: str, quote: str, ncols: int) -> bool:
    """Can the kernel read this file: built and on, raw bytes parsed (the legacy encodings of
    ``csv_decode.SELF_DECODED``), one-byte ASCII delimiter and quote other than NUL, CR and LF?"""
    if _kernel is None or not encoding_self_decoded or ncols < 1:
        return False
    if len(delimiter) != 1 or len(quote) != 1 or delimiter == quote:
        return False
    return all(0 < ord(c) < 0x80 and c not in "\r\n" for c in (delimiter, quote))


class ParsedBatches:
    """The stream's records as batches of ``binary`` columns, until the kernel refuses a read.

    Iterate it; afterwards :attr:`handoff` is None when the stream was read to its end, else the
    stream position of the first record not read (the stream is left there), and
    :attr:`header_left` says whether the header record still has to be skipped there, and
    :attr:`tail` holds the (at most two) bytes before it (the byte guard's view across the edge)."""

    def __init__(self, f: ByteStream, names: Sequence[str], header: int, delimiter: str, quote: str,
                 batch_size: int, batch_bytes: int, strict_lines: bool, max_record: int = 1 << 20) -> None:  # fmt: skip
        self._f = f
        self._names = list(names)
        self._delim, self._quote = ord(delimiter), ord(quote)
        self._batch_size, self._batch_bytes = max(1, batch_size), max(1, batch_bytes)
        self._strict = strict_lines  # the byte guard is on: it trips on \n\n and \n\r\n even inside quotes
        self._max_record = max_record  # longer records are Arrow's route's (its block size: it fails on them)
        self.header_left = header
        self.handoff: int | None = None
        self.tail = b""
        # bytes of each column and records per input byte, from the last batch (None: no batch yet)
        self._share: tuple[np.ndarray, float] | None = None

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        assert _kernel is not None
        f = self._f
        first = True
        while True:
            pos = f.tell()
            size = self._read_size()
            while True:
                data = f.read(size)
                eof = len(data) < size and not (data and _more(f))
                if first and not self._plain_start(data, eof):
                    return self._refuse(pos)
                start = self._skip_header(data) if self.header_left else 0
                if start == -1 or (start < 0 and eof):  # no plain header line: the stream goes to Arrow
                    return self._refuse(pos)
                if self._strict and (b"\n\n" in data or b"\n\r\n" in data):
                    return self._refuse(pos)
                got = self._parse(data, start, eof) if start >= 0 else (None, 0)
                if got is None:
                    return self._refuse(pos)
                batch, end = got
                if batch is not None or eof or end > max(start, 0):
                    break
                # no record ended inside this read: a long record (read more), or too long (Arrow's)
                if len(data) - max(start, 0) > self._max_record:
                    return self._refuse(pos)
                size *= 2
                f.seek(pos)
            first = False
            if start:
                self.header_left = 0
            if end:
                self.tail = data[max(0, end - 2) : end]
            f.seek(pos + end)
            if batch is not None:
                yield batch
            if eof and end >= len(data):
                return None

    def _read_size(self) -> int:
        """``batch_bytes`` and an eighth (a small last piece joins the batch), or less when
        ``batch_size`` rows take less (by the last batch's bytes per record)."""
        size = self._batch_bytes + self._batch_bytes // 8
        if self._share is not None and self._share[1] > 0:
            size = min(size, int(self._batch_size / self._share[1] * 1.25) + (1 << 16))
        return size

    def _plain_start(self, data: bytes, eof: bool) -> bool:
        """Not a byte-order mark first (Arrow drops one at the start of its stream)."""
        return not data.startswith(b"\xef\xbb\xbf") and (len(data) >= 3 or eof)

    def _skip_header(self, data: bytes) -> int:
        """Where the header's physical line ends; -2 when it does not end in the read; -1 when it
        is no plain line (a CR but its line end, a NUL, an odd number of quotes: Arrow's
        ``skip_rows`` is not read the kernel's way then)."""
        i = data.find(b"\n")
        if i < 0:
            return -2
        body = data[: i - 1] if i and data[i - 1] == 0x0D else data[:i]
        if not body or b"\r" in body or b"\0" in body or body.count(self._quote) % 2:
            return -1
        return i + 1

    def _parse(self, data: bytes, start: int, eof: bool) -> tuple[pa.RecordBatch | None, int] | None:
        """One batch from ``data[start:]`` (None when the kernel refuses) and where it ended."""
        stop = len(data) if eof else min(len(data), start + self._batch_bytes)
        # a long first read: the columns' shares from its first records, so that the batch's buffers fit
        probe = self._share is None and stop - start > 2 * _PROBE
        if probe and self._run(data, start, start + _PROBE, eof, *self._sizes(_PROBE, 1.0)) is None:
            return None
        return self._run(data, start, stop, eof, *self._sizes(stop - start, _SPARE))

    def _sizes(self, span: int, spare: float) -> tuple[np.ndarray, int]:
        """Bytes of each column's buffer and records for ``span`` bytes of input: by the shares of
        the last batch (or the probe's), else guessed (:meth:`_run` makes a full one bigger)."""
        ncols = len(self._names)
        if self._share is None:
            return np.full(ncols, span // ncols * 4 + _MIN_BUFFER, np.int64), span // (8 * ncols) + 16
        caps = (self._share[0] * (span * spare)).astype(np.int64) + _MIN_BUFFER
        return caps, int(self._share[1] * span * spare) + 16

    def _run(self, data: bytes, start: int, stop: int, eof: bool, caps: np.ndarray, rows: int
             ) -> tuple[pa.RecordBatch | None, int] | None:  # fmt: skip
        """:meth:`_parse` with these buffer sizes; one that fills up before 7/8 of the batch is read
        (or before a first record) is made bigger and the batch parsed again."""
        assert _kernel is not None
        ncols = len(self._names)
        rows = min(rows, self._batch_size)
        while True:
            offsets = pa.allocate_buffer(ncols * (rows + 1) * 4)
            bufs = [pa.allocate_buffer(int(c)) for c in caps]
            got = _kernel.parse(
                data, start, stop, eof, self._delim, self._quote, offsets, bufs, self._max_record
            )
            if got is None:
                return None
            n, end, full = got
            if (
                full < 0
                or (n and end - start >= (stop - start) * 7 // 8)
                or (full == ncols and rows >= self._batch_size)
            ):
                break
            if full == ncols:
                rows = min(rows * 2, self._batch_size)
                continue
            room = min(int(caps[full]) * 2, len(data) - start + 8)
            if room <= caps[full]:
                return None  # cannot happen (a record's bytes fit a buffer of the read's size)
            caps[full] = room
        if not n:
            return None, start  # no record ends inside the read
        sizes = np.frombuffer(offsets, np.int32).reshape(ncols, rows + 1)[:, n]
        read = max(1, end - start)
        self._share = (sizes / read, n / read)
        width = (rows + 1) * 4
        cols = [
            pa.Array.from_buffers(
                pa.binary(), n, [None, offsets.slice(j * width, (n + 1) * 4), bufs[j].slice(0, int(sizes[j]))]
            )
            for j in range(ncols)
        ]
        return pa.RecordBatch.from_arrays(cols, names=self._names), end

    def _refuse(self, pos: int) -> None:
        self.handoff = pos
        self._f.seek(pos)
        return None


def _more(f: ByteStream) -> bool:
    """Is there more to read (a short read is not always the end of a stream)? The stream is left
    where it was."""
    pos = f.tell()
    more = bool(f.read(1))
    f.seek(pos)
    return more
