"""Streaming CSV into Arrow string batches with record numbers, without losing bad rows.

Two paths over the same file:

1. **Fast path** (this module) — ``pyarrow.csv.open_csv`` (all columns typed ``string``, quoted
   newlines allowed, empty lines kept, transcoding via Python codecs). Row *i* of the stream is record
   ``i + 1 + header``. Arrow stops at the first ragged row / undecodable byte and gives no row
   number, so on any error (or input it would read silently wrong — NUL bytes, empty lines,
   malformed quotes, EOF inside a quote — noticed by the byte guard, ``csv_guard``) the reader
   switches to the careful path below. For cp932 / EUC-JP, where Arrow parses the raw bytes, a
   compiled parse reads first where it is built (``csvparse``: the same ``binary`` columns in one
   pass per batch); from the first read it refuses, Arrow's route reads on as described here.
2. **Careful path** (:mod:`._csv_careful`) — our own vectorized record splitter on the raw bytes,
   which rejects bad records (undecodable, NUL, wrong field count, unbalanced quote, a truncated
   last record) with record number, byte offset and raw bytes and parses the good ones with
   ``pyarrow.csv.read_csv``. It resumes after the records the fast path already yielded, so
   numbering stays exact.

Both share the header and the batches' schema (:mod:`._csv_columns`). The fast path's byte guard
hands over to the careful path when the stream ends inside a quote. (The byte guard is off for
UTF-16, so there a last record cut inside a quote is only caught when Arrow itself fails.)
"""

from __future__ import annotations

import codecs as pycodecs
import io
import traceback
from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.csv as pacsv

from . import csvparse
from ._csv_careful import careful
from ._csv_columns import numbered_batch, read_header
from .api import Reader
from .blank_columns import as_text, convert_options
from .codecs import whole_file_name
from .csv_decode import SELF_DECODED, DecodeRoutes
from .csv_guard import ByteGuard, GuardTripped, clean_utf8_rest
from .definition import CsvDefinition
from .framing import ByteStream

# Arrow's streaming CSV reader holds many blocks in flight (readahead, per-thread parse and convert
# buffers): its resident memory is ~50x the block size (4 MiB blocks: +215 MiB at 1 KB rows, 1 MiB: +70).
FAST_BLOCK = 1 << 20
# Bytes of a yielded batch (the fast path joins Arrow's 1 MiB batches up to it): later stages pay a
# fixed cost per batch and column (≈ 130 columns checked per batch), memory grows with it.
BATCH_BYTES = 1 << 22


def _py_encoding(enc: str) -> str:
    return whole_file_name(enc)


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
    names, header_records = read_header(f, d, enc, reader)
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
    yield from careful(f, d, enc, names, header_records, data_rows, reader, batch_size, limit)


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
                yield numbered_batch(as_text(part) if blank else part, names, first, reader.source_id)

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
