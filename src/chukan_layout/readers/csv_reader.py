"""Streaming CSV into Arrow string batches with record numbers, without losing bad rows.

Two paths over the same file:

1. **Fast path** — ``pyarrow.csv.open_csv`` (all columns typed ``string``, quoted newlines
   allowed, empty lines kept, transcoding via Python codecs). Row *i* of the stream is record
   ``i + 1 + header``. Arrow stops at the first ragged row / undecodable byte and gives no row
   number, so on any error (or input it would read silently wrong — NUL bytes, empty lines,
   malformed quotes, EOF inside a quote — noticed by the byte guard, ``csv_guard``) the reader
   switches to the careful path below. For cp932 / EUC-JP, where Arrow parses the raw bytes, a
   compiled parse reads first where it is built (``csvparse``: the same ``binary`` columns in one
   pass per batch); from the first read it refuses, Arrow's route reads on as described here.
2. **Careful path** — our own vectorized record splitter on the raw bytes: quote parity from
   the positions of quote bytes (``searchsorted``), record ends = line ends at even parity (LF,
   CRLF or a lone CR, as Arrow and Python's ``csv`` read them: a stray CR outside quotes ends a
   record, and both pieces are then rejected as ragged rather than the file failing), field
   counts = delimiters at even parity per record. Bad records (undecodable, NUL, wrong
   field count, unbalanced quote) are rejected with record number, byte offset and raw bytes;
   the good records of each block are parsed by ``pyarrow.csv.read_csv``. It resumes after the
   records the fast path already yielded, so numbering stays exact.

The last record of the file is **truncated** (``read.framing``, the record's bytes up to EOF
rejected whole) when no line end outside quotes follows it and either a quoted field opened on its last physical
line is still open at EOF, or it has fewer fields than the header. A missing final CRLF alone is
not a fault: a record with balanced quotes and all its fields is read. (A cut right after a
delimiter or inside an unquoted last field leaves a well-formed record; no reader can see it.)
The fast path's byte guard hands over to the careful path when the stream ends inside a quote.

An unbalanced quote is detected when a quoted field runs to the end of the file or past
``MAX_RECORD_BYTES``: that *physical line* is rejected and scanning restarts on the next line.
Byte-level scanning is valid for ASCII-compatible encodings (cp932, EUC-JP, UTF-8): their
multibyte characters never contain ``"``, ``,``, CR or LF bytes. UTF-16 sources are transcoded
to UTF-8 first; their reject offsets then refer to the UTF-8 text. (The byte guard is off for
UTF-16, so there a last record cut inside a quote is only caught when Arrow itself fails.)
"""

from __future__ import annotations

import codecs as pycodecs
import csv
import io
import traceback
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from . import codes, csvparse
from .api import Reader
from .blank_columns import as_text, convert_options
from .codecs import whole_file_name
from .csv_decode import SELF_DECODED, DecodeRoutes
from .csv_guard import ByteGuard, GuardTripped, clean_utf8_rest
from .definition import CsvDefinition
from .fixed_width import constant_strings, int64_array
from .framing import ByteStream
from .resync import Skipped

MAX_RECORD_BYTES = 1 << 20
_BLOCK = 1 << 22
# Arrow's streaming CSV reader holds many blocks in flight (readahead, per-thread parse and convert
# buffers): its resident memory is ~50x the block size (4 MiB blocks: +215 MiB at 1 KB rows, 1 MiB: +70).
FAST_BLOCK = 1 << 20
# Bytes of a yielded batch (the fast path joins Arrow's 1 MiB batches up to it): later stages pay a
# fixed cost per batch and column (≈ 130 columns checked per batch), memory grows with it.
BATCH_BYTES = 1 << 22


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


def _py_encoding(enc: str) -> str:
    return whole_file_name(enc)


def _schema(names: list[str], source: str) -> pa.Schema:
    """The batches' schema, built once per file (≈ 130 fields: a fixed cost per batch otherwise)."""
    return _schema_of(tuple(names), source)


@lru_cache(maxsize=16)
def _schema_of(names: tuple[str, ...], source: str) -> pa.Schema:
    return pa.schema(
        [pa.field(n, pa.string()) for n in names]
        + [pa.field("_record", pa.int64()), pa.field("_source", pa.string())],
        metadata={b"record_type": b"csv", b"source": source.encode()},
    )


def _batch(
    table_or_batch: pa.RecordBatch | pa.Table, names: list[str], first: int, source: str
) -> pa.RecordBatch:
    n = table_or_batch.num_rows
    cols = [table_or_batch.column(i) for i in range(len(names))]
    cols = [c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c for c in cols]
    recs = int64_array(np.arange(first, first + n, dtype=np.int64))
    return pa.RecordBatch.from_arrays(
        [*cols, recs, constant_strings(source, n)], schema=_schema(names, source)
    )


def iter_csv(
    f: ByteStream,
    d: CsvDefinition,
    reader: Reader,
    batch_size: int,
    limit: int | None,
    batch_bytes: int = BATCH_BYTES,
    guard: bool = True,
    blank_hint: Sequence[str] = (),
) -> Iterator[pa.RecordBatch]:
    """Yield batches of a CSV file (see module docstring). ``guard=False``: the caller proved that the
    byte guard cannot trip on these bytes (``pipeline.csv_split``: a clean scan), so it is left out.
    ``blank_hint``: columns expected blank (:mod:`.blank_columns`; the batches are the same without)."""
    enc = _py_encoding(d.encoding)
    if not hasattr(f, "seek") or not f.seekable():
        f = io.BytesIO(f.read())
    start = f.tell()
    names, header_records = _header(f, d, enc, reader)
    data_rows = 0
    try:
        if limit is None or limit > header_records:
            yield from _fast(f, d, enc, names, header_records, reader, batch_size, limit, counter := [0],
                             batch_bytes, guard, blank_hint)  # fmt: skip
            return
    except (pa.ArrowInvalid, GuardTripped, UnicodeDecodeError, ValueError) as e:
        data_rows = counter[0]
        drop_frames(e)
    else:
        return
    f.seek(start)
    yield from _careful(f, d, enc, names, header_records, data_rows, reader, batch_size, limit)


def drop_frames(e: BaseException) -> None:
    """Forget the frames of ``e``'s traceback (and of the exceptions it chains), before the careful path.

    An error raised in the guard's ``read`` on Arrow's readahead thread is kept by the failed
    ``open_csv`` reader, and its traceback holds the fast path's frames, which hold that reader: a
    cycle that kept the reader (and its readahead over the Python stream) alive until interpreter
    exit, where Arrow's thread-pool shutdown then waited forever (apache/arrow#43892, #50482).
    Cleared frames drop their locals, so the reader goes now, its stream already detached."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [e]
    while todo:
        x = todo.pop()
        if x is None or id(x) in seen:
            continue
        seen.add(id(x))
        traceback.clear_frames(x.__traceback__)  # frames still running (this one) are left as they are
        x.__traceback__ = None
        todo += [x.__cause__, x.__context__]


def _header(f: ByteStream, d: CsvDefinition, enc: str, reader: Reader) -> tuple[list[str], int]:
    """Column names (from the definition or the first record) and the number of header records."""
    if not d.header:
        return list(d.columns or []), 0
    pos = f.tell()
    head = f.read(1 << 16)
    text_enc = "utf-8" if enc == "utf-8-sig" else enc
    raw = head
    if enc.startswith("utf-16"):
        line = head.decode(enc, "replace").splitlines()[0] if head else ""
        line = line.removeprefix("\ufeff")  # a BOM in any Unicode encoding is not part of a name
    else:
        if enc in ("utf-8-sig", "utf-8") and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        # the first line ends at LF, CRLF or a lone CR (CR-only files gave a csv.Error traceback)
        line = raw.split(b"\n", 1)[0].split(b"\r", 1)[0].decode(text_enc, "replace")
    f.seek(pos)
    names = next(csv.reader([line.replace("\x00", "")], delimiter=d.delimiter, quotechar=d.quote), [])
    if d.columns:
        names = list(d.columns)
    seen: dict[str, int] = {}
    for i, n in enumerate(names):  # duplicate / empty header names get a numeric suffix
        key = n or f"column_{i + 1}"
        seen[key] = seen.get(key, 0) + 1
        names[i] = key if seen[key] == 1 else f"{key}_{seen[key]}"
    reader.stats.records_seen += 1
    reader.control("header", {"columns": names, "_record": 1})
    return names, 1


def _fast(
    f: ByteStream,
    d: CsvDefinition,
    enc: str,
    names: list[str],
    header: int,
    reader: Reader,
    batch_size: int,
    limit: int | None,
    counter: list[int],
    batch_bytes: int = BATCH_BYTES,
    guard: bool = True,
    blank_hint: Sequence[str] = (),
) -> Iterator[pa.RecordBatch]:
    # cp932 / EUC-JP: Arrow parses the raw bytes and the columns are decoded here (csv_decode),
    # instead of Arrow transcoding every byte of the stream through the Python codec first
    self_decoded = enc in SELF_DECODED
    # UTF-8 read as it is (no transcoding): validity judged per block by the guard, not per value by Arrow
    raw_utf8 = not self_decoded and pycodecs.lookup(enc).name == "utf-8"
    ropts = pacsv.ReadOptions(
        column_names=names,
        skip_rows=header,
        encoding="utf8" if self_decoded else enc,
        block_size=FAST_BLOCK,
        use_threads=True,
    )
    popts = pacsv.ParseOptions(
        delimiter=d.delimiter, quote_char=d.quote, newlines_in_values=True, ignore_empty_lines=False
    )
    copts = pacsv.ConvertOptions(
        column_types={n: pa.binary() if self_decoded else pa.string() for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        check_utf8=not raw_utf8,
    )
    routes = DecodeRoutes(enc) if self_decoded else None  # per column: every value or the distinct ones

    def emit(batches: Iterator[pa.RecordBatch], blank: list[str]) -> Iterator[pa.RecordBatch | None]:
        """The stream's batches decoded, sliced to ``batch_size`` and numbered; None when ``limit`` is met."""
        for batch in batches:
            if routes is not None:
                batch = pa.RecordBatch.from_arrays(routes.decode(batch), names=names)
            for lo in range(0, batch.num_rows, batch_size):
                part = batch.slice(lo, batch_size)
                if limit is not None:
                    part = part.slice(0, max(0, limit - header - counter[0]))
                    if part.num_rows == 0:
                        yield None
                        return
                first = header + counter[0] + 1
                counter[0] += part.num_rows
                reader.stats.records_seen += part.num_rows
                yield _batch(as_text(part) if blank else part, names, first, reader.source_id)

    after = b""
    try:
        # the compiled parse (readers.csvparse) while it can prove Arrow reads the bytes the same way;
        # from the first read it refuses, Arrow's route below (the reference) reads on
        if csvparse.available(self_decoded, d.delimiter, d.quote, len(names)):
            parsed = csvparse.ParsedBatches(f, names, header, d.delimiter, d.quote, batch_size, batch_bytes,
                                            strict_lines=guard and len(names) > 1, max_record=FAST_BLOCK)  # fmt: skip
            for out in emit(iter(parsed), []):
                if out is None:
                    return
                yield out
            if parsed.handoff is None:
                return
            ropts.skip_rows, after = parsed.header_left, parsed.tail  # Arrow starts at a record boundary
        byte_guard = ByteGuard(f, len(names) > 1, ord(d.quote), ord(d.delimiter),
                               guard and not enc.startswith("utf-16"), raw_utf8, after=after)  # fmt: skip
        try:
            # proven clean, UTF-8, and no more than a batch left: parsed from memory (csv_guard.clean_utf8_rest),
            # the columns blank in the last range read as null columns (readers.blank_columns; a value: again)
            src = clean_utf8_rest(f, batch_bytes) if raw_utf8 and not guard else None
            hint = [n for n in blank_hint if n in names] if src is not None else []
            done = counter[0]
            for blank in [hint, []] if hint else [[]]:
                stream = pacsv.open_csv(byte_guard if src is None else pa.BufferReader(src), read_options=ropts,
                                        parse_options=popts,
                                        convert_options=convert_options(names, blank, False) if blank else copts)  # fmt: skip
                try:
                    for out in emit(_coalesced(stream, batch_size, batch_bytes), blank):
                        if out is None:
                            return
                        yield out
                    return
                except pa.ArrowInvalid:
                    if not blank or counter[0] != done:
                        raise
        finally:  # Arrow's readahead thread may still be reading: nothing more reaches ``f`` after this
            byte_guard.detach()
    finally:
        if routes is not None:
            routes.close()


def _coalesced(
    stream: Iterator[pa.RecordBatch], batch_size: int, batch_bytes: int = BATCH_BYTES
) -> Iterator[pa.RecordBatch]:
    """The stream's small (one ``FAST_BLOCK``) batches joined up to ``batch_size`` rows or ``batch_bytes``.

    Small blocks keep Arrow's reader lean; joined batches keep the per-batch cost of the later
    stages (≈130 columns checked per batch) from multiplying. A batch's size is the size of its
    buffers (``nbytes`` works out the byte range each value references: 0.3 ms per batch of 86
    columns, ≈ 10× more; the two differ by an offset per column, and outputs never depend on where
    batches end: they are the same with any worker count, whose batch sizes differ).

    The stream's last block joins the batch before it when it is small (under ``batch_bytes / 8``):
    a range of whole ``FAST_BLOCK`` blocks ends in Arrow's block of the record that straddled the last
    cut, often a single row, which would otherwise pay every later stage's per-batch cost alone
    (22 one-row batches in a 1M-resident vendor B run); not past ``batch_size`` rows, which the caller
    would slice off again. Seen by looking two blocks ahead once a batch is full: at most two
    blocks more are held."""
    pending: list[pa.RecordBatch] = []
    rows = size = 0
    ahead: list[pa.RecordBatch] = []  # blocks read past a full batch, not yet counted in ``pending``
    it = iter(stream)
    while True:
        batch = ahead.pop(0) if ahead else next(it, None)
        if batch is None:
            break
        pending.append(batch)
        rows += batch.num_rows
        size += batch.get_total_buffer_size()
        if rows >= batch_size or size >= batch_bytes:
            if not ahead:
                ahead = [b for b in (next(it, None),) if b is not None]
            tail = ahead[0] if len(ahead) == 1 else None
            if (
                tail is not None
                and tail.get_total_buffer_size() < batch_bytes // 8
                and rows + tail.num_rows <= batch_size
            ):
                after = next(it, None)
                if after is None:  # the last block, and small: it ends this batch
                    pending.append(ahead.pop())
                else:
                    ahead.append(after)
            yield pending[0] if len(pending) == 1 else pa.concat_batches(pending)
            pending, rows, size = [], 0, 0
    if pending:
        yield pending[0] if len(pending) == 1 else pa.concat_batches(pending)


def _careful(
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


def _ragged_reason(nfields: int, names: list[str]) -> str:
    """``ragged row: 4 fields, expected 6 (missing 住所, 本籍)`` — the columns named."""
    ncols = len(names)
    if nfields < ncols:
        missing = names[nfields:]
        shown = ", ".join(missing[:5]) + (f" … ({len(missing)} in all)" if len(missing) > 5 else "")
        return f"ragged row: {nfields} fields, expected {ncols} (missing {shown})"
    extra = f"field {nfields}" if nfields == ncols + 1 else f"fields {ncols + 1}–{nfields}"
    return f"ragged row: {nfields} fields, expected {ncols} (extra {extra} after {names[-1]})"


def _field_at(prefix: np.ndarray, quote: int, delim: int) -> int:
    """0-based field index at the end of ``prefix`` (the bytes of one record before a position)."""
    q = np.flatnonzero(prefix == quote)
    d = np.flatnonzero(prefix == delim)
    return int((np.searchsorted(q, d) % 2 == 0).sum())


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
        why[int(i)] = (codes.CSV_STRUCTURE, _ragged_reason(int(nfields[i]), names))
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
            col = _field_at(utf8[int(u_starts[r]) : first_bad], quote, delim)
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
            schema=_schema(names, reader.source_id),
        )
