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
import io
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from . import codes
from ._csv_columns import batch_schema, field_at, ragged_reason
from .api import Reader
from .definition import CsvDefinition
from .fixed_width import constant_strings, int64_array
from .framing import ByteStream
from .resync import Skipped

MAX_RECORD_BYTES = 1 << 20
_BLOCK = 1 << 22


def malformed_quotes(buf: np.ndarray, quotes_before: int, quote: int, delim: int) -> np.ndarray:
    """Positions of closing quotes followed by something other than delimiter / quote / line end.

    RFC 4180: after a quoted field's closing quote comes a delimiter or the line end (or a
    second quote, the escape). ``1,"abc,2\r\n3,"x`` closes the first quote on the next line and
    then continues with ``x``: a sign that a quote was never closed where it should have been."""
    q = np.flatnonzero(buf == quote)
    closing = q[1 - quotes_before % 2 :: 2]  # every second quote closes (a strided view, no copy)
    if len(closing) and closing[-1] + 1 >= len(buf):
        closing = closing[:-1]
    allowed = np.zeros(256, bool)
    allowed[[delim, quote, 0x0A, 0x0D]] = True
    bad = ~allowed[buf[1:][closing]]  # the byte after each closing quote, through a 256-entry table
    return closing[bad]


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
        le = _line_ends(buf, eof)
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
            and _cut_short(data, qpos, int(nfields[-1]), ncols, tail_open)
        )
        if tail_open or truncated:
            broken[-1] = True
        k = int(np.argmax(broken)) if broken.any() else len(starts)
        if k:
            yield from _careful_block(
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
                        _truncation_reason(tail_open, int(nfields[-1]), ncols),
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


def _line_ends(buf: np.ndarray, eof: bool) -> np.ndarray:
    """Positions that end a line: every LF, and every CR not followed by LF (a lone CR; one at the
    end of the data only at EOF: its successor may be in the next read)."""
    nl = np.flatnonzero(buf == 0x0A)
    cr = np.flatnonzero(buf == 0x0D)
    if not len(cr):
        return nl
    nxt = cr + 1
    has_next = nxt < len(buf)
    lone = np.zeros(len(cr), bool)
    lone[has_next] = buf[nxt[has_next]] != 0x0A
    if eof:
        lone[~has_next] = True
    return np.union1d(nl, cr[lone]) if lone.any() else nl


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


def _cut_short(data: bytes, qpos: np.ndarray, nfields: int, ncols: int, tail_open: bool) -> bool:
    """Is the unterminated last record of the file truncated (rather than merely missing its final
    line end)?

    A record without a final newline is complete when its quotes balance and it has all its
    fields (``"1","2","3"`` at EOF is fine). It was cut short when it has fewer fields than the
    header, or when the file ends inside a quoted field opened on the last physical line (no
    newline after the opening quote, except the file's own last line end, swallowed by the quote).
    A quote opened on an earlier line that runs to EOF is an unbalanced quote instead (so is a
    last record with a malformed quote -- the caller checks that): that line is rejected alone
    and the lines after it are read again (see the module docstring)."""
    if tail_open:
        return b"\n" not in data[int(qpos[-1]) :].rstrip(b"\r\n")
    return nfields < ncols


def _truncation_reason(tail_open: bool, nfields: int, ncols: int) -> str:
    if tail_open:
        return "truncated last record: the file ends inside a quoted field"
    return f"truncated last record: {nfields} of {ncols} fields and no line end at the end of the file"


def _careful_block(
    data: bytes,
    starts: np.ndarray,
    body_end: np.ndarray,
    nfields: np.ndarray,
    base: int,
    record0: int,
    skip_upto: int,
    names: list[str],
    text_enc: str,
    quote: int,
    delim: int,
    reader: Reader,
    batch_size: int,
    limit: int | None,
) -> Iterator[pa.RecordBatch]:
    """Reject ragged / undecodable records of one block, parse the rest with Arrow."""
    recs = record0 + 1 + np.arange(len(starts), dtype=np.int64)
    live = recs > skip_upto
    if limit is not None:
        live &= recs <= limit
    if not live.any():
        return
    starts, body_end, nfields, recs = starts[live], body_end[live], nfields[live], recs[live]
    n = len(starts)
    reader.stats.records_seen += n
    ncols = len(names)
    why: dict[int, tuple[str, str]] = {}
    for i in np.flatnonzero(nfields != ncols):
        why[int(i)] = (codes.CSV_STRUCTURE, ragged_reason(int(nfields[i]), names))
    # one decode for the whole block; record boundaries are re-found in UTF-8 (same quotes and newlines)
    lo = int(starts[0])
    region = data[lo : int(body_end[-1])].decode(text_enc, "surrogateescape")
    utf8 = np.frombuffer(region.encode("utf-8", "surrogatepass"), np.uint8)
    # the region ends before its last record's line end, so a CR as its last byte ends an earlier
    # record (a lone CR: ``…\\r`` + an empty last record), never half of a CRLF
    u_nl = _line_ends(utf8, True)
    u_q = np.flatnonzero(utf8 == quote)
    u_ends = np.concatenate([u_nl[np.searchsorted(u_q, u_nl) % 2 == 0], [len(utf8)]])[:n]
    u_starts = np.concatenate([[0], u_ends[:-1] + 1])
    bad_pos = np.concatenate(
        [np.flatnonzero((utf8[:-1] == 0xED) & (utf8[1:] >= 0xA0)), np.flatnonzero(utf8 == 0)]
    )
    for r in np.unique(np.searchsorted(u_ends, bad_pos)):
        if r < n and int(r) not in why:
            first_bad = int(bad_pos[np.searchsorted(u_ends, bad_pos) == r].min())
            col = field_at(utf8[int(u_starts[r]) : first_bad], quote, delim)
            where = f"field {col + 1} ({names[col]})" if col < ncols else f"field {col + 1}"
            why[int(r)] = (codes.DECODE, f"{where}: bytes not decodable as {text_enc} (or NUL)")
    for k in sorted(why):
        code, reason = why[k]
        reader.reject(
            int(recs[k]), base + int(starts[k]), data[int(starts[k]) : int(body_end[k])], code, reason
        )
    ok = np.setdiff1d(np.arange(n), np.fromiter(why, np.int64, len(why)))
    popts = pacsv.ParseOptions(
        delimiter=chr(delim), quote_char=chr(quote), newlines_in_values=True, ignore_empty_lines=False
    )
    copts = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    for lo_i in range(0, len(ok), batch_size):
        part = ok[lo_i : lo_i + batch_size]
        body = b"\n".join(utf8[u_starts[i] : u_ends[i]].tobytes() for i in part) + b"\n"
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=popts,
            convert_options=copts,
        )
        if table.num_rows != len(part):
            raise AssertionError(f"CSV block parse gave {table.num_rows} rows for {len(part)} records")
        cols = [table.column(c).combine_chunks() for c in range(len(names))]
        yield pa.RecordBatch.from_arrays(
            [*cols, int64_array(recs[part]), constant_strings(reader.source_id, len(part))],
            schema=batch_schema(names, reader.source_id),
        )
