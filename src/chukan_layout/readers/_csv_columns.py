"""The columns of a CSV file: their names from the header, the batches' schema, and where a
record's fields fall (the reject reasons that name the columns), for both paths of ``csv_reader``."""

from __future__ import annotations

import csv
from functools import lru_cache

import numpy as np
import pyarrow as pa

from .api import Reader
from .definition import CsvDefinition
from .fixed_width import constant_strings, int64_array
from .framing import ByteStream


def read_header(f: ByteStream, d: CsvDefinition, enc: str, reader: Reader) -> tuple[list[str], int]:
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


def batch_schema(names: list[str], source: str) -> pa.Schema:
    """The batches' schema, built once per file (≈ 130 fields: a fixed cost per batch otherwise)."""
    return _schema_of(tuple(names), source)


@lru_cache(maxsize=16)
def _schema_of(names: tuple[str, ...], source: str) -> pa.Schema:
    return pa.schema(
        [pa.field(n, pa.string()) for n in names]
        + [pa.field("_record", pa.int64()), pa.field("_source", pa.string())],
        metadata={b"record_type": b"csv", b"source": source.encode()},
    )


def numbered_batch(
    table_or_batch: pa.RecordBatch | pa.Table, names: list[str], first: int, source: str
) -> pa.RecordBatch:
    n = table_or_batch.num_rows
    cols = [table_or_batch.column(i) for i in range(len(names))]
    cols = [c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c for c in cols]
    recs = int64_array(np.arange(first, first + n, dtype=np.int64))
    return pa.RecordBatch.from_arrays(
        [*cols, recs, constant_strings(source, n)], schema=batch_schema(names, source)
    )


def ragged_reason(nfields: int, names: list[str]) -> str:
    """``ragged row: 4 fields, expected 6 (missing 住所, 本籍)`` — the columns named."""
    ncols = len(names)
    if nfields < ncols:
        missing = names[nfields:]
        shown = ", ".join(missing[:5]) + (f" … ({len(missing)} in all)" if len(missing) > 5 else "")
        return f"ragged row: {nfields} fields, expected {ncols} (missing {shown})"
    extra = f"field {nfields}" if nfields == ncols + 1 else f"fields {ncols + 1}–{nfields}"
    return f"ragged row: {nfields} fields, expected {ncols} (extra {extra} after {names[-1]})"


def field_at(prefix: np.ndarray, quote: int, delim: int) -> int:
    """0-based field index at the end of ``prefix`` (the bytes of one record before a position)."""
    q = np.flatnonzero(prefix == quote)
    d = np.flatnonzero(prefix == delim)
    return int((np.searchsorted(q, d) % 2 == 0).sum())
