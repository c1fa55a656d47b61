"""One block of the careful CSV path: its bad records rejected, the good ones parsed by Arrow.

:mod:`._csv_careful` finds the records of a block (starts, ends before the line end, field
counts); :func:`parse_block` rejects the ragged and the undecodable ones (NUL included) with
record number, byte offset and raw bytes, and parses the rest with ``pyarrow.csv.read_csv``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from . import codes
from ._csv_columns import batch_schema, field_at, ragged_reason
from ._csv_record_ends import line_ends
from .api import Reader
from .fixed_width import constant_strings, int64_array


def parse_block(
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
    u_nl = line_ends(utf8, True)
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
