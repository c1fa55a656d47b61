"""The renderer: the reader's inverse. Columns of strings → legacy bytes.

Used by the round-trip tests and by the synthetic-data generator, so it is columnar: each
field is encoded for the whole column at once (one codec call, numpy scatter into an
``(n, record_length)`` byte matrix), then framing is applied to the matrix.

Values are text: numbers as decimal strings within the field's scale (``"-123.45"``), ``""``
for blank (text → all pad bytes; numeric → all blank bytes, which the reader reads back
as ``""``; binary → 0). Text is padded with the codec's blank (cp932 ``0x20``, EBCDIC
``0x40``; DBCS ``N`` fields with the DBCS space: cp932 ``8140``, EUC ``A1A1``, EBCDIC
``4040``). A value longer than its field raises ``ValueError`` unless ``overflow="truncate"``,
which keeps the longest prefix that fits without splitting a DBCS character (and closes an
open SO run). Numbers never truncate: they raise.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from . import numeric
from .codecs import TextCodec, get_codec
from .definition import CsvDefinition, FieldDef, FieldType, FixedWidthDefinition, Framing

Overflow = Literal["raise", "truncate"]
ColumnValues: TypeAlias = Sequence[str] | pa.Array

_VB_MAX_BLOCK = 32760


def _as_list(values: ColumnValues) -> list[str]:
    if isinstance(values, pa.ChunkedArray | pa.Array):
        return ["" if v is None else str(v) for v in values.to_pylist()]
    return ["" if v is None else v for v in values]


def _pad_matrix(unit: bytes, lengths: np.ndarray, width: int) -> np.ndarray:
    """Rows of pad bytes, the pad pattern phased to start right after each value."""
    n = len(lengths)
    if len(unit) == 1:
        return np.full((n, width), unit[0], np.uint8)
    k = len(unit)
    col = np.arange(width)[None, :]
    phase = (col - lengths[:, None]) % k
    out = np.frombuffer(unit, np.uint8)[phase]
    partial = (width - lengths) % k  # a trailing partial DBCS blank becomes single-byte blanks
    tail = col >= (width - partial)[:, None]
    out[tail] = 0x40 if unit[0] == 0x40 else 0x20
    return out


def text_matrix(
    codec: TextCodec, values: ColumnValues, kind: FieldType, width: int, overflow: Overflow, field: str
) -> np.ndarray:
    """Encode a text column into an ``(n, width)`` padded byte matrix."""
    # Arrow columns are encoded from their UTF-8 buffer: no Python string per value
    texts = None if isinstance(values, pa.Array | pa.ChunkedArray) else _as_list(values)
    n = len(values)
    try:
        data, offsets = (
            codec.encode_array(values, kind) if texts is None else codec.encode_column(texts, kind)
        )
    except (ValueError, UnicodeEncodeError) as e:
        raise ValueError(f"field {field}: {e}") from None

    def value(i: int) -> str:  # only for messages and the few over-long rows
        return texts[i] if texts is not None else _as_list(values[i : i + 1])[0]

    lengths = np.diff(offsets)
    over = lengths > width
    if over.any() and overflow != "truncate":
        i = int(np.flatnonzero(over)[0])
        raise ValueError(
            f"field {field}: row {i}: {value(i)!r} is {int(lengths[i])} bytes in {codec.name}; "
            f"the field holds {width} (use overflow='truncate' to cut it)"
        )
    fit = np.where(over, 0, lengths)
    out = _pad_matrix(codec.pad_unit(kind), fit, width)
    if n and len(data):
        # destination of data byte j (row r): j + r*width - offsets[r]  (one repeat, one scatter)
        it = np.int32 if n * width + len(data) < 2**31 else np.int64  # int32 halves memory traffic
        shift = (np.arange(n, dtype=np.int64) * width - offsets[:-1]).astype(it)
        dest = np.arange(len(data), dtype=it) + np.repeat(shift, lengths)
        if over.any():
            keep = ~np.repeat(over, lengths)
            dest, src = dest[keep], data[keep]
        else:
            src = data
        out.reshape(-1)[dest] = src
    for i in np.flatnonzero(over).tolist():
        b = codec.truncate(value(i), kind, width)
        pad = _pad_matrix(codec.pad_unit(kind), np.array([len(b)]), width)[0]
        out[i] = pad
        out[i, : len(b)] = np.frombuffer(b, np.uint8)
    return out


def field_matrix(
    field: FieldDef, values: ColumnValues | None, n: int, encoding: str, overflow: Overflow = "raise"
) -> np.ndarray:
    """Encode one field's column into an ``(n, field.length)`` matrix (missing column → blank)."""
    codec = get_codec(field.codec or encoding)
    if values is None:
        values = [""] * n
    t = field.type
    if t in (FieldType.TEXT, FieldType.MIXED, FieldType.DBCS):
        return text_matrix(codec, values, t, field.length, overflow, field.name)
    if t in (FieldType.ZONED, FieldType.SIGNED_ZONED):
        return numeric.encode_zoned(
            values, field.length, field.scale, t is FieldType.SIGNED_ZONED, codec.ebcdic, field.name
        )
    if t is FieldType.PACKED:
        return numeric.encode_packed(values, field.length, field.scale, codec.ebcdic, field.name)
    return numeric.encode_binary(values, field.length, field.scale, field.signed, field.name)


def encode_field(field: FieldDef, value: str, encoding: str = "cp932", overflow: Overflow = "raise") -> bytes:
    """Encode one value into its field's bytes (padded to ``field.length``)."""
    return field_matrix(field, [value], 1, encoding, overflow)[0].tobytes()


def record_matrix(
    definition: FixedWidthDefinition,
    record_type_name: str,
    columns: Mapping[str, ColumnValues],
    overflow: Overflow = "raise",
    count: int | None = None,
) -> np.ndarray:
    """The ``(n, record_length)`` payload bytes of one record type (no framing)."""
    rt = definition.record_type(record_type_name)
    unknown = set(columns) - {f.name for f in rt.fields}
    if unknown:
        raise ValueError(f"record type {rt.name}: unknown fields {sorted(unknown)}")
    lens = {len(v) for v in columns.values()}
    if len(lens) > 1:
        raise ValueError(f"record type {rt.name}: columns have different lengths {sorted(lens)}")
    n = lens.pop() if lens else (count or 0)
    if count is not None and n != count:
        raise ValueError(f"record type {rt.name}: count={count} but columns hold {n} values")
    codec = get_codec(definition.encoding)
    out = np.full((n, rt.record_length), codec.blank, np.uint8)
    for f in rt.fields:
        out[:, f.start - 1 : f.end] = field_matrix(f, columns.get(f.name), n, definition.encoding, overflow)
    rtf = definition.record_type_field
    if rtf is not None and (rt.match is not None or rt.match_hex is not None):
        lo, hi = rtf.start - 1, rtf.start - 1 + rtf.length
        supplied = any(f.name in columns and f.start - 1 < hi and f.end > lo for f in rt.fields)
        if not supplied:
            tag = (
                bytes.fromhex(rt.match_hex)
                if rt.match_hex is not None
                else codec.encode(rt.match or "", FieldType.TEXT)
            )
            tag = tag[: rtf.length].ljust(rtf.length, bytes([codec.blank]))
            out[:, lo:hi] = np.frombuffer(tag, np.uint8)
    return out


def frame(records: np.ndarray, framing: Framing | str) -> bytes:
    """Apply framing to an ``(n, length)`` matrix of equal-length records."""
    framing = Framing(framing)
    n, length = records.shape
    if framing is Framing.FIXED:
        return records.tobytes()
    if framing in (Framing.LF, Framing.CRLF):
        term = b"\n" if framing is Framing.LF else b"\r\n"
        out = np.empty((n, length + len(term)), np.uint8)
        out[:, :length] = records
        out[:, length:] = np.frombuffer(term, np.uint8)
        return out.tobytes()
    reclen = length + 4
    if reclen > _VB_MAX_BLOCK - (4 if framing is Framing.VB else 0):
        raise ValueError(f"record length {length} too long for {framing.value} framing")
    rdw = np.empty((n, reclen), np.uint8)
    rdw[:, :4] = np.frombuffer(reclen.to_bytes(2, "big") + b"\0\0", np.uint8)
    rdw[:, 4:] = records
    if framing is Framing.RDW:
        return rdw.tobytes()
    per_block = max(1, (_VB_MAX_BLOCK - 4) // reclen)
    parts = []
    for start in range(0, n, per_block):
        chunk = rdw[start : start + per_block]
        parts.append((4 + chunk.size).to_bytes(2, "big") + b"\0\0")
        parts.append(chunk.tobytes())
    return b"".join(parts)


def render_fixed(
    definition: FixedWidthDefinition,
    record_type_name: str,
    columns: Mapping[str, ColumnValues],
    *,
    overflow: Overflow = "raise",
    count: int | None = None,
) -> bytes:
    """Render records of one type, framed per the definition.

    ``columns`` maps field names to equal-length sequences (or Arrow arrays) of strings;
    fields left out are blank. The record-type field is filled from the type's ``match``
    unless a supplied column covers it. ``count`` gives the number of records when no column
    is supplied (e.g. an end record). Concatenate calls to build header/data/trailer files.
    """
    return frame(record_matrix(definition, record_type_name, columns, overflow, count), definition.framing)


def _csv_column(values: ColumnValues) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):  # used as is (no round trip through Python strings)
        arr = values if values.type == pa.string() else values.cast(pa.string())
        return arr.fill_null("") if arr.null_count else arr
    return pa.array(_as_list(values), pa.string())


def render_csv(definition: CsvDefinition, columns: Mapping[str, ColumnValues]) -> bytes:
    """Render a CSV: RFC 4180 quoting (every value quoted), CRLF, the definition's encoding.

    A header row is written when ``definition.header``; column order follows
    ``definition.columns`` when set, else the mapping's order."""
    names = list(definition.columns or columns)
    table = pa.table({k: _csv_column(columns.get(k, [])) for k in names})
    if definition.quote != '"':
        raise ValueError("render_csv writes '\"' quotes only")
    sink = io.BytesIO()
    opts = pacsv.WriteOptions(
        include_header=definition.header,
        delimiter=definition.delimiter,
        eol="\r\n",
        quoting_style="all_valid",
    )
    pacsv.write_csv(table, sink, opts)
    text = sink.getvalue()
    enc = definition.encoding.lower().replace("_", "-")
    if enc in ("utf-8", "utf8"):
        return text
    from .codecs import whole_file_name

    py = whole_file_name(enc)
    try:
        return text.decode("utf-8").encode(py)
    except UnicodeEncodeError as e:
        raise ValueError(
            f"{e.object[e.start]!r} (U+{ord(e.object[e.start]):04X}) is not encodable in {py}"
        ) from None
