"""The CSV reader's careful path: a record-exact splitter on the raw bytes (``csv_reader`` falls back to it).

Our own vectorized record splitter: quote parity from the positions of quote bytes
(``searchsorted``), record ends = line ends at even parity (LF, CRLF or a lone CR, as Arrow and
Python's ``csv`` read them: a stray CR outside quotes ends a record, and both pieces are then
rejected as ragged rather than the file failing), field counts = delimiters at even parity per
record. Bad records (undecodable, NUL, wrong field count, unbalanced quote) are rejected with record
number, byte offset and raw bytes; the good records of each block are parsed by
``pyarrow.csv.read_csv``. It resumes after the records the fast path already yielded, so numbering
stays exact.

The last record of the file is **truncated** (``read.framing``, the record's bytes up to EOF
rejected whole) when no line end outside quotes follows it and either a quoted field opened on its last physical
line is still open at EOF, or it has fewer fields than the header. A missing final CRLF alone is
not a fault: a record with balanced quotes and all its fields is read. (A cut right after a
delimiter or inside an unquoted last field leaves a well-formed record; no reader can see it.)

An unbalanced quote is detected when a quoted field runs to the end of the file or past
``MAX_RECORD_BYTES``: that *physical line* is rejected and scanning restarts on the next line.
Byte-level scanning is valid for ASCII-compatible encodings (cp932, EUC-JP, UTF-8): their
multibyte characters never contain ``"``, ``,``, CR or LF bytes. UTF-16 sources are transcoded
to UTF-8 first; their reject offsets then refer to the UTF-8 text.
"""

from __future__ import annotations

import codecs as pycodecs
from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from . import codes
from ._csv_block_parse import parse_block
from ._csv_record_ends import cut_short, line_ends, malformed_quotes, truncation_reason
from .api import Reader
from .definition import CsvDefinition
from .framing import ByteStream
from .resync import Skipped

MAX_RECORD_BYTES = 1 << 20
_BLOCK = 1 << 22


def careful(
    f: ByteStream,
    d: CsvDefinition,
    enc: str,
    names: list[str],
    header: int,
    skip: int,
    reader: Reader,
    batch_size: int,
    limit: int | None,
) -> Iterator[pa.RecordBatch]:
    """The record-exact splitter (see module docstring)."""
    transcode = enc.startswith("utf-16")
    text_enc = "utf-8" if transcode or enc == "utf-8-sig" else enc
    decoder = pycodecs.getincrementaldecoder(enc)() if transcode else None
    quote, delim = ord(d.quote), ord(d.delimiter)
    ncols = len(names)
    pending, base, eof, force, first = b"", 0, False, False, True
    record = 0  # records consumed so far (header included)
    skip_upto = header + skip
    while limit is None or record < limit:
        if not eof and (force or len(pending) < _BLOCK):
            more = f.read(_BLOCK)
            eof, force = not more, False
            if decoder is not None:
                more = decoder.decode(more, final=eof).encode("utf-8")
            pending += more
        data = pending
        if first:
            first = False
            if data.startswith(b"\xef\xbb\xbf"):
                data, base = data[3:], 3
        if not data:
            return
        buf = np.frombuffer(data, np.uint8)
        qpos = np.flatnonzero(buf == quote)
        nl = np.flatnonzero(buf == 0x0A)  # line feeds: a quoted field that holds one may be unbalanced
        le = line_ends(buf, eof)
        ends = le[np.searchsorted(qpos, le) % 2 == 0]
        tail_open = unterminated = False
        if eof and (len(ends) == 0 or ends[-1] != len(data) - 1):
            tail_open = len(qpos) % 2 == 1
            unterminated = True  # the last record has no line end outside quotes
            ends = np.concatenate([ends, [len(data)]])
        if len(ends) == 0:
            if len(data) <= MAX_RECORD_BYTES:
                force = True
                continue
            tail_open = True
            ends = np.array([len(data)])
        starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)
        inner_nl = np.searchsorted(nl, ends) - np.searchsorted(nl, starts) > 0
        lf_end = buf[np.minimum(ends, len(buf) - 1)] == 0x0A  # a CRLF's CR is not in the record
        body_end = ends - (
            (ends > starts) & (lf_end | (ends == len(buf))) & (buf[np.maximum(ends - 1, 0)] == 0x0D)
        )
        dpos = np.flatnonzero(buf == delim)
        dpos = dpos[np.searchsorted(qpos, dpos) % 2 == 0]
        nfields = 1 + np.searchsorted(dpos, body_end) - np.searchsorted(dpos, starts)
        broken = inner_nl & (nfields != ncols)  # a quote that swallowed line ends: unbalanced
        bad_q = malformed_quotes(buf, 0, quote, delim)
        bad_q = bad_q[bad_q < ends[-1]]  # past the last complete record: judged with the next read
        if bad_q.size:
            broken[np.searchsorted(ends, bad_q)] = True
        truncated = (
            unterminated
            and not (bad_q >= starts[-1]).any()
            and cut_short(data, qpos, int(nfields[-1]), ncols, tail_open)
        )
        if tail_open or truncated:
            broken[-1] = True
        k = int(np.argmax(broken)) if broken.any() else len(starts)
        if k:
            yield from parse_block(
                data,
                starts[:k],
                body_end[:k],
                nfields[:k],
                base,
                record,
                skip_upto,
                names,
                text_enc,
                quote,
                delim,
                reader,
                batch_size,
                limit,
            )
            record += k
        if k < len(starts):
            if limit is not None and record >= limit:
                return
            s0 = int(starts[k])
            if truncated and k == len(starts) - 1:  # the cut-short last record, whole, as framing
                record += 1
                if record > skip_upto:
                    reader.stats.records_seen += 1
                    reader.reject(
                        record,
                        base + s0,
                        data[s0:],
                        codes.FRAMING,
                        truncation_reason(tail_open, int(nfields[-1]), ncols),
                    )
                return
            after = nl[nl >= s0]
            if not len(after) and not eof:  # the line goes on past this block: one record, however long
                line, ending, pending, eof = _long_line(f, data[s0:], base + s0, quote, decoder)
                record += 1
                if record > skip_upto:
                    reader.stats.records_seen += 1
                    reader.reject(record, base + s0, line.preview, codes.CSV_STRUCTURE, line.reason("its line end"),
                                  span=None if decoder is not None else (line.size, line.sha256))  # fmt: skip
                base += s0 + line.size + len(ending)
                continue
            cut = int(after[0]) + 1 if len(after) else len(data)
            record += 1
            if record > skip_upto:
                reader.stats.records_seen += 1
                line_end = len(data[s0:cut].rstrip(b"\r\n")) + s0
                reader.reject(
                    record,
                    base + s0,
                    data[s0:line_end],
                    codes.CSV_STRUCTURE,
                    "unbalanced quote: a quoted field is not closed on this line",
                )
            stop = cut
        else:
            stop = min(int(ends[-1]) + 1, len(data))
        pending, base = data[stop:], base + stop
        if eof and not pending:
            return


def _long_line(f: ByteStream, head: bytes, offset: int, quote: int, decoder: object
               ) -> tuple[Skipped, bytes, bytes, bool]:  # fmt: skip
    """A physical line longer than a block (a quote never closed, or no line end at all), read on
    to its line end holding only a preview and a hash (issue 14: a 50 MiB unclosed quoted field
    used to count as one record per 4 MiB block). Returns the line (without its line end), the
    line end, the bytes after it and whether the file ended."""
    problem = ("unbalanced quote: a quoted field is not closed on this line" if quote in head
               else f"no line end in the first {len(head)} bytes of this line")  # fmt: skip
    line = Skipped(offset, problem)
    chunk = head
    while True:
        i = chunk.find(b"\n")
        if i >= 0:
            cr = i > 0 and chunk[i - 1] == 0x0D
            line.add(chunk[: i - cr])
            return line, chunk[i - cr : i + 1], chunk[i + 1 :], False
        more = f.read(_BLOCK)
        if decoder is not None:
            more = decoder.decode(more, final=not more).encode("utf-8")  # type: ignore[attr-defined]
        if not more:
            line.add(chunk)
            return line, b"", b"", True
        keep = 1 if chunk.endswith(b"\r") else 0  # a CR whose LF is in the next block
        line.add(chunk[: len(chunk) - keep])
        chunk = chunk[len(chunk) - keep :] + more
