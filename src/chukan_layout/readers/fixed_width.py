"""Fixed-width reading: framing → record-type dispatch → columnar field decoding.

Per chunk (≤ ``batch_size`` records) everything is numpy over the chunk buffer: the
record-type bytes are compared for all records at once, each record type's records are
gathered into an ``(m, length)`` matrix (a zero-copy reshape for uniform chunks), each
field is a column slice of that matrix, text fields of one codec are decoded together in
one codec call (:mod:`.codecs`), numbers in numpy (:mod:`.numeric`). Bad rows are removed
from the batch and reported, in record order, to the reader (reject or raise).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from . import codes, numeric
from ._cells import bool_array
from .api import Reader
from .codecs import PythonCodec, TextCodec, get_codec
from .definition import FieldDef, FieldType, FixedWidthDefinition, Framing, RecordRole, RecordType
from .framing import ByteStream, Chunk, frame

TEXT_TYPES = (FieldType.TEXT, FieldType.MIXED, FieldType.DBCS)


def constant_strings(value: str, n: int) -> pa.StringArray:
    """``n`` copies of ``value`` as a string array, built without a Python loop."""
    b = value.encode()
    offsets = np.arange(n + 1, dtype=np.int32) * len(b)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(b * n))


def int64_array(values: np.ndarray) -> pa.Int64Array:
    """A zero-copy Arrow int64 array over a numpy array.

    Built from buffers on purpose: ``pa.array(ndarray)`` imports pandas on its first call in a
    process (≈ 0.2 s), which a reader should not pay for."""
    v = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(v), [None, pa.py_buffer(v)])


def _match_bytes(rt: RecordType, codec: TextCodec, length: int) -> bytes:
    tag = (
        bytes.fromhex(rt.match_hex)
        if rt.match_hex is not None
        else codec.encode(rt.match or "", FieldType.TEXT)
    )
    return tag[:length].ljust(length, bytes([codec.blank]))


def decode_fields(
    fields: list[FieldDef], matrix: np.ndarray, encoding: str, trim: frozenset[str] = frozenset()
) -> tuple[list[pa.StringArray], np.ndarray, list[str | None]]:
    """Decode every field of an ``(m, length)`` record matrix → (columns, bad rows, reason per row).

    Text fields named in ``trim`` come without their trailing spaces (the padding is never decoded)."""
    m = matrix.shape[0]
    columns: list[pa.StringArray | None] = [None] * len(fields)
    bads: list[tuple[int, np.ndarray, str]] = []
    groups: dict[tuple[str, bool], list[int]] = {}
    for i, f in enumerate(fields):
        if f.type in TEXT_TYPES:
            groups.setdefault((f.codec or encoding, f.name in trim), []).append(i)
    high: np.ndarray | None = None  # per byte position, the highest byte of any record
    for (codec_name, trimmed), idx in groups.items():
        codec = get_codec(codec_name)
        slices = {i: matrix[:, fields[i].start - 1 : fields[i].end] for i in idx}
        if isinstance(codec, PythonCodec) and codec.ascii_identity and m:
            if high is None:
                high = matrix.max(axis=0)  # one pass over contiguous rows: which fields are all ASCII
            if trimmed:
                slices = _content_slices(matrix, fields, idx, high)
                for i in [i for i in idx if not slices[i].shape[1]]:  # blank in every record: ""
                    columns[i] = constant_strings("", m)
                    bads.append((i, np.zeros(m, bool), ""))
            plain = [
                i
                for i in idx
                if columns[i] is None
                and slices[i].shape[1]
                and int(high[fields[i].start - 1 : fields[i].start - 1 + slices[i].shape[1]].max()) < 0x80
            ]
            for i, (strings, bad, why) in zip(plain, codec.decode_ascii_group([slices[i] for i in plain], trimmed)
                                              if plain else [], strict=True):  # fmt: skip
                columns[i] = strings
                bads.append((i, bad, why))
            idx = [i for i in idx if columns[i] is None]
            decoded = codec.decode_group([slices[i] for i in idx], trimmed) if idx else []
        else:
            decoded = codec.decode_columns([(slices[i], fields[i].type) for i in idx], trim=trimmed)
        for i, (strings, bad, why) in zip(idx, decoded, strict=True):
            columns[i] = strings
            bads.append((i, bad, why))
    for i, f in enumerate(fields):
        if f.type in TEXT_TYPES:
            continue
        cells = matrix[:, f.start - 1 : f.end]
        ebcdic = get_codec(f.codec or encoding).ebcdic
        if f.type in (FieldType.ZONED, FieldType.SIGNED_ZONED):
            strings, bad = numeric.decode_zoned(cells, f.scale, f.type is FieldType.SIGNED_ZONED, ebcdic)
            why = "invalid zoned decimal"
        elif f.type is FieldType.PACKED:
            strings, bad = numeric.decode_packed(cells, f.scale, ebcdic)
            why = "invalid packed decimal (digit or sign nibble)"
        else:
            strings, bad = numeric.decode_binary(cells, f.scale, f.signed)
            why = "invalid binary"
        columns[i] = strings
        bads.append((i, bad, why))
    any_bad = np.zeros(m, bool)
    reasons: list[str | None] = [None] * m
    for i, bad, why in sorted(bads, key=lambda t: t[0]):
        if bad.any():
            for r in np.flatnonzero(bad & ~any_bad):
                reasons[r] = f"field {fields[i].name} (bytes {fields[i].start}-{fields[i].end}): {why}"
            any_bad |= bad
    return [c for c in columns if c is not None], any_bad, reasons


def _content_slices(matrix: np.ndarray, fields: list[FieldDef], idx: list[int], high: np.ndarray
                    ) -> dict[int, np.ndarray]:  # fmt: skip
    """Each field's cells up to the last byte position that is not a space (0x20) in some record
    of the batch: the columns after it are padding in every record, which trimming drops anyway.

    A wide record is mostly padding (vendor A 住民: 1,681 bytes, ~78% padding; the widest value
    of a 5,000-record batch spans ~1/3 of the text columns), so every later pass — the ASCII
    check, the cell layout, the codec — sees only the columns that carry text. For the
    ASCII-compatible codecs only: 0x20 is one character there, never part of another one, so the
    values and the bad cells are those of the full width (a cut lead byte is cut from its trail
    byte only if that was 0x20, undecodable either way)."""
    low = matrix.min(axis=0)
    text = (high != 0x20) | (low != 0x20)  # a byte position that is not a space in every record
    last = np.maximum.accumulate(np.where(text, np.arange(len(text)), -1))  # last text position ≤ j
    out = {}
    for i in idx:
        f = fields[i]
        end = int(last[f.end - 1]) + 1 if f.length else 0
        out[i] = matrix[:, f.start - 1 : max(end, f.start - 1)]
    return out


def _physical_length(d: FixedWidthDefinition) -> int | None:
    lengths = {rt.record_length for rt in d.record_types}
    if d.framing is Framing.FIXED:
        return max(lengths)
    if d.framing in (Framing.LF, Framing.CRLF) and len(lengths) == 1:
        return lengths.pop()
    return None


def _dispatch(d: FixedWidthDefinition, codec: TextCodec, chunk: Chunk, n: int) -> np.ndarray:
    """Record-type index per record (−1 = unknown)."""
    rtf = d.record_type_field
    single = len(d.record_types) == 1
    if rtf is None or (single and d.record_types[0].match is None and d.record_types[0].match_hex is None):
        return np.zeros(n, np.int64)
    s, ln = rtf.start - 1, rtf.length
    ok_len = chunk.lengths[:n] >= s + ln
    idx = chunk.starts[:n, None] + s + np.arange(ln)[None, :]
    tags = chunk.buf[np.minimum(idx, len(chunk.buf) - 1)]
    out = np.full(n, -1, np.int64)
    for t, rt in enumerate(d.record_types):
        want = np.frombuffer(_match_bytes(rt, codec, ln), np.uint8)
        out[(tags == want).all(axis=1) & ok_len & (out < 0)] = t
    return out


def _gather(chunk: Chunk, rows: np.ndarray, length: int, n: int) -> np.ndarray:
    if chunk.stride is not None:
        # record i is buf[i*stride : i*stride + length] (RDW chunks: buf starts after the first RDW)
        full = np.lib.stride_tricks.as_strided(
            chunk.buf, shape=(n, length), strides=(chunk.stride, 1), writeable=False
        )
        return full if len(rows) == n else full[rows]
    idx = chunk.starts[rows, None] + np.arange(length)[None, :]
    return chunk.buf[idx]


def trimmed_fields(d: FixedWidthDefinition) -> dict[str, frozenset[str]]:
    """Per DATA record type, the text fields whose padding ``trim_padding`` drops: all of them but
    the fields a trailer sums (control totals are checked on the values as written)."""
    summed = {f for rt in d.record_types if rt.control for f in rt.control.totals.values()}
    return {
        rt.name: frozenset(f.name for f in rt.fields if f.type in TEXT_TYPES and f.name not in summed)
        for rt in d.record_types
        if rt.role is RecordRole.DATA
    }


def iter_fixed(
    f: ByteStream,
    d: FixedWidthDefinition,
    reader: Reader,
    batch_size: int,
    limit: int | None,
    trim_padding: bool = False,
) -> Iterator[pa.RecordBatch]:
    """Yield DATA batches of a fixed-width file (see module docstring)."""
    codec = get_codec(d.encoding)
    trim = trimmed_fields(d) if trim_padding else {}
    phys = _physical_length(d)
    seen = 0
    for chunk in frame(f, d.framing, phys, batch_size):
        n = len(chunk)
        if limit is not None:
            n = min(n, limit - seen)
            if n <= 0:
                break
        records = seen + 1 + np.arange(n, dtype=np.int64)
        reader.stats.records_seen += n
        pending: list[tuple[int, int, bytes, str, str]] = []  # (record, offset, raw, code, reason)
        spans: dict[int, tuple[int, str]] = {}  # record → (size, sha256) of a skipped stretch
        handled = np.zeros(n, bool)

        def reject(
            i: int,
            code: str,
            reason: str,
            chunk: Chunk = chunk,
            records: np.ndarray = records,
            handled: np.ndarray = handled,
            pending: list = pending,
        ) -> None:
            handled[i] = True
            pending.append((int(records[i]), chunk.offset(i), chunk.raw(i), code, reason))

        for k, why in chunk.problems.items():
            if k < n:
                reject(k, codes.FRAMING, why)
                if k in chunk.spans:
                    spans[int(records[k])] = chunk.spans[k]
        types = _dispatch(d, codec, chunk, n)
        for i in np.flatnonzero((types < 0) & ~handled):
            tag = chunk.raw(int(i))[(d.record_type_field.start - 1) if d.record_type_field else 0 :][:4]
            reject(int(i), codes.RECORD_TYPE, f"unknown record type {tag.hex(' ')}")
        out: list[pa.RecordBatch] = []
        for t, rt in enumerate(d.record_types):
            sel = (types == t) & ~handled
            want = phys if d.framing is Framing.FIXED else rt.record_length
            wrong = sel & (chunk.lengths[:n] != want)
            for i in np.flatnonzero(wrong):
                reject(
                    int(i),
                    codes.FRAMING,
                    f"wrong record length: {int(chunk.lengths[i])} bytes, record type {rt.name} has {want}",
                )
            sel &= ~wrong
            rows = np.flatnonzero(sel)
            if not len(rows):
                continue
            matrix = _gather(chunk, rows, rt.record_length, n)
            columns, bad, reasons = decode_fields(
                rt.fields, matrix, d.encoding, trim.get(rt.name, frozenset())
            )
            for j in np.flatnonzero(bad):
                reject(int(rows[j]), codes.DECODE, reasons[j] or "undecodable")
            keep = ~bad
            recs = records[rows]
            if rt.role is RecordRole.DATA:
                if not keep.all():
                    mask = bool_array(keep)
                    columns = [c.filter(mask) for c in columns]
                    recs = recs[keep]
                out.append(_batch(rt, columns, recs, reader.source_id))
            else:
                _controls(reader, rt, columns, recs, keep)
        for rec in sorted(pending):
            reader.reject(*rec, span=spans.get(rec[0]))
        seen += n
        yield from out
        if limit is not None and seen >= limit:
            break


def _batch(rt: RecordType, columns: list[pa.StringArray], recs: np.ndarray, source: str) -> pa.RecordBatch:
    names = [f.name for f in rt.fields]
    arrays = [*columns, int64_array(recs), constant_strings(source, len(recs))]
    schema = pa.schema(
        [pa.field(n, pa.string()) for n in names]
        + [pa.field("_record", pa.int64()), pa.field("_source", pa.string())],
        metadata={b"record_type": rt.name.encode(), b"source": source.encode()},
    )
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _controls(
    reader: Reader, rt: RecordType, columns: list[pa.StringArray], recs: np.ndarray, keep: np.ndarray
) -> None:
    values = [c.to_pylist() for c in columns]
    for j in np.flatnonzero(keep):
        row: dict[str, Any] = {f.name: values[k][j] for k, f in enumerate(rt.fields)}
        row["_record"] = int(recs[j])
        row["_record_type"] = rt.name
        reader.control(rt.role.value, row)
