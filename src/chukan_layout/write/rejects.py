"""The rejects file: every record that did not reach the output, with why and its bytes.

One CSV row per rejected record (UTF-8, CRLF, RFC 4180, header row)::

    source,record,offset,stage,code,reason,raw_hex,values

- ``record`` is the 1-based record number in its source file, ``offset`` the byte offset
  of the record's first byte (empty when the record was rejected after reading);
- ``stage`` is read | adapt | gaiji | validate; ``code`` the finding code(s), ``;``-joined;
- ``raw_hex`` the record's raw bytes (read rejects), ``values`` a JSON object of the
  converted values (rejects after reading), so nothing is lost either way.

Cells are guarded against spreadsheet formula injection (a leading ``= + - @`` TAB or CR
gets a ``'`` prefix), because migration staff open these files in Excel.

A run with many rejects (a wrong adapter, a systematic defect) builds its rows column by column
(:func:`json_cells`, :func:`csv_cells`, :func:`csv_lines`): the same bytes as ``json.dumps``
and the :mod:`csv` module row by row (the reference; a differential test holds them equal), at a
fraction of the cost — the values cell is long (every converted item of the record).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..files import AtomicFile, HashingWriter, guard_cell

COLUMNS = ["source", "record", "offset", "stage", "code", "reason", "raw_hex", "values"]


class RejectsWriter:
    """Append-only, atomic rejects CSV. Created lazily: no rejects, no file (unless ``always``)."""

    def __init__(self, path: str | Path, *, always: bool = False) -> None:
        self.path = Path(path)
        self.count = 0
        self._always = always
        self._file = AtomicFile(self.path)
        self._out: HashingWriter | None = None

    def __enter__(self) -> RejectsWriter:
        if self._always:
            self._open()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def _open(self) -> None:
        self._out = self._file.open()
        self._write_row(COLUMNS)

    def _write_row(self, row: list[str]) -> None:
        assert self._out is not None
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow([guard_cell(c) for c in row])
        self._out.write(buf.getvalue().encode("utf-8"))

    def add(
        self,
        *,
        source: str,
        record: int,
        stage: str,
        code: str,
        reason: str,
        offset: int | None = None,
        raw: bytes | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """Record one rejected record."""
        if not self._file.is_open:
            self._open()
        self._write_row(
            [
                source,
                str(record),
                "" if offset is None else str(offset),
                stage,
                code,
                reason,
                "" if raw is None else raw.hex(),
                "" if values is None else json.dumps(dict(values), ensure_ascii=False, sort_keys=False),
            ]
        )
        self.count += 1

    def close(self) -> None:
        self._file.close()

    def abort(self) -> None:
        self._file.abort()

    @property
    def sha256(self) -> str | None:
        return self._file.sha256


def csv_cell(value: str) -> str:
    """One cell as the :mod:`csv` module writes it (``QUOTE_MINIMAL``, ``\\r\\n``), after :func:`guard_cell`."""
    value = guard_cell(value)
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def csv_row(cells: Sequence[str]) -> bytes:
    """A row of cells as the bytes ``csv.writer(lineterminator="\\r\\n")`` writes (guarded, UTF-8)."""
    line = ",".join([csv_cell(c) for c in cells])
    return ((line or '""') + "\r\n").encode("utf-8")  # a row of one empty cell: quoted, as csv does


def _s(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def csv_cells(col: pa.Array) -> pa.Array:
    """:func:`csv_cell` of every string of ``col``, column-wise (a large_string array, nulls as ``""``)."""
    col = pc.fill_null(col.cast(pa.large_string()), "")
    # the formula guard: whether a first character needs the ``'`` is guard_cell's own answer
    firsts = pc.utf8_slice_codeunits(col, 0, 1)
    danger = [c for c in pc.unique(firsts).to_pylist() if c and guard_cell(c) != c]
    if danger:
        col = pc.if_else(pc.is_in(firsts, pa.array(danger, pa.large_string())),
                         pc.binary_join_element_wise(_s("'"), col, _s("")), col)  # fmt: skip
    quote = pc.match_substring_regex(col, '[,"\r\n]')
    if not pc.any(quote).as_py():
        return col
    quoted = pc.binary_join_element_wise(_s('"'), pc.replace_substring(col, '"', '""'), _s('"'), _s(""))
    return pc.if_else(quote, quoted, col)


def _as_strings(col: pa.Array | pa.ChunkedArray) -> pa.Array | None:
    """``col`` as large strings (nulls kept); None when it holds no strings (numbers, flags …)."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if pa.types.is_dictionary(col.type):
        col = col.dictionary_decode()
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return None
    return col.cast(pa.large_string())


def _plain(flat: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Which values of a large-string array are valid, and which of those are plain: their JSON is
    ``"value"`` — none of the bytes json escapes (control characters, ``"``, ``\\``; a UTF-8
    multi-byte sequence never holds them, so the bytes tell)."""
    n = len(flat)
    valid = np.ones(n, dtype=bool)
    if flat.null_count:
        bits = np.frombuffer(flat.buffers()[0], np.uint8)
        valid = np.unpackbits(bits, bitorder="little")[flat.offset : flat.offset + n].astype(bool)
    plain = valid.copy()
    offsets = np.frombuffer(flat.buffers()[1], np.int64)[flat.offset : flat.offset + n + 1]
    data = flat.buffers()[2]
    if data is not None and offsets[-1] > offsets[0]:
        b = np.frombuffer(data, np.uint8)[offsets[0] : offsets[-1]]
        at = np.flatnonzero((b < 0x20) | (b == 0x22) | (b == 0x5C)) + offsets[0]
        plain[np.searchsorted(offsets, at, "right") - 1] = False
    return valid, plain


def json_cells(batch: pa.RecordBatch | pa.Table, names: Sequence[str], *, csv: bool = True,
               lead: pa.Array | None = None, tail: str = "") -> pa.Array:  # fmt: skip
    """``json.dumps({name: value, …}, ensure_ascii=False)`` of every row of ``batch`` over ``names``,
    built column-wise, as CSV cells (:func:`csv_cell` of the text; ``csv=False``: the JSON text);
    each after its row's ``lead`` string (large_string), before ``tail``.

    The keys are the same on every row: a row is pieces ``{"key": "`` value ``", "key": "`` … ``"}``
    gathered by one ``take`` (the pieces around a null or a value json escapes are chosen per value,
    those values' JSON made by json itself). Bytes as the reference, row by row (tested).
    """
    n, k = batch.num_rows, len(names)
    if k == 0:
        empty = pa.array(["{}"] * n, pa.large_string())
        return (
            empty
            if lead is None and not tail
            else pc.binary_join_element_wise(_s("") if lead is None else lead, empty, _s(tail), _s(""))
        )
    if n == 0:
        return pa.array([], pa.large_string())
    q = '""' if csv else '"'  # a JSON quote inside the cell: doubled by CSV quoting
    strs = [_as_strings(batch.column(c)) for c in names]
    # the values column after column (a column of numbers: nulls in its place, its JSON made below)
    flat = pa.concat_arrays([pa.nulls(n, pa.large_string()) if c is None else c for c in strs])
    valid, plain = _plain(flat)
    base_r = n * k + 4 * k + 2  # the take source: values, pieces, then the JSON of the other values
    vidx = np.arange(n * k, dtype=np.int64)
    vidx[~valid] = base_r  # "null"
    raw: list[str] = ["null"]
    at = np.flatnonzero(valid & ~plain)  # values json escapes (rare): json's own text
    texts = (
        [json.dumps(v, ensure_ascii=False) for v in flat.take(pa.array(at)).to_pylist()] if at.size else []
    )
    for c, col in enumerate(strs):
        if col is None:  # numbers, flags …: json's text of each
            at = np.concatenate([at, np.arange(c * n, (c + 1) * n)])
            texts += [json.dumps(v, ensure_ascii=False) for v in batch.column(names[c]).to_pylist()]
    vidx[at] = base_r + 1 + np.arange(at.size)
    raw += [t.replace('"', '""') for t in texts] if csv else texts
    pieces: list[str] = []  # per name: 4 (previous value plain?, this one plain?), then 2 closers
    for c, name in enumerate(names):
        key = json.dumps(name, ensure_ascii=False).replace('"', q)
        for before in ("", q):
            for this in ("", q):
                pieces.append((('"{' if csv else "{") if c == 0 else before + ", ") + key + ": " + this)
    end = "}" + ('"' if csv else "") + tail
    pieces += [end, q + end]
    source = [flat, pa.array(pieces, pa.large_string()), pa.array(raw, pa.large_string())]
    if lead is not None:
        source.append(lead.cast(pa.large_string()))
    # a row's take indices: (lead,) piece, value, piece, value … closer
    o = 0 if lead is None else 1
    w = o + 2 * k + 1
    idx = np.empty((n, w), dtype=np.int64)
    if lead is not None:
        idx[:, 0] = np.arange(base_r + len(raw), base_r + len(raw) + n)
    idx[:, o + 1 : o + 2 * k : 2] = vidx.reshape(k, n).T
    pl = plain.reshape(k, n).T.view(np.uint8)  # (n, k): 1 where the value is plain (quoted by its pieces)
    heads = idx[:, o : o + 2 * k : 2]
    np.add(n * k + 4 * np.arange(k, dtype=np.int64), pl, out=heads)
    heads[:, 1:] += pl[:, :-1] * np.uint8(2)
    idx[:, w - 1] = pl[:, -1]
    idx[:, w - 1] += n * k + 4 * k
    out = pa.concat_arrays(source).take(pa.array(idx.ravel()))
    offsets = np.frombuffer(out.buffers()[1], np.int64)[out.offset : out.offset + len(out) + 1]
    # the pieces of a row lie one after another: a row is the span from its first piece to its last
    rows_at = np.ascontiguousarray(offsets[::w])
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(rows_at), out.buffers()[2])


def csv_lines(
    cells: Sequence[pa.Array | str], objects: tuple[pa.RecordBatch, Sequence[str]] | None = None
) -> list[bytes]:
    """The CSV lines (bytes, ``\\r\\n``-terminated) of rows given as columns of encoded cells
    (:func:`csv_cells`, :func:`json_cells`; a string: the same encoded cell on every row; at least one array);
    ``objects`` (batch, names): a last cell, :func:`json_cells` of them, made with the lines in one take."""
    parts: list[Any] = []
    for i, c in enumerate(cells):
        if i:
            parts.append(_s(","))
        parts.append(_s(c) if isinstance(c, str) else c)
    if objects is None:
        lines = pc.binary_join_element_wise(*parts, _s("\r\n"), _s(""))
    else:
        lines = json_cells(*objects, lead=pc.binary_join_element_wise(*parts, _s(","), _s("")), tail="\r\n")
    offsets = np.frombuffer(lines.buffers()[1], np.int64)[
        lines.offset : lines.offset + len(lines) + 1
    ].tolist()
    data = lines.buffers()[2].to_pybytes()
    return [data[a:b] for a, b in itertools.pairwise(offsets)]


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|「[^」]*」")


def redact_rejects(path: str | Path) -> tuple[int, str]:
    """Rewrite a rejects.csv for sharing (``--redact-rejects``); returns its (size, SHA-256).

    Kept: source, record, offset, stage, code — enough for the vendor to find each record in
    its own export. Replaced: ``raw_hex`` by its length and a SHA-256 prefix (the bytes can be
    matched, not read), ``values`` by ``redacted``, and every quoted value inside ``reason``
    by ``'＊'``. Streamed row by row; written atomically.
    """
    from ..files import atomic_output

    p = Path(path)
    with (
        open(p, encoding="utf-8", newline="") as src,
        atomic_output(p.with_name(p.name + ".redacted")) as out,
    ):
        rows = csv.reader(src)
        header = next(rows, None)
        if header is not None:
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\r\n").writerow(header)
            out.write(buf.getvalue().encode("utf-8"))
        idx = {n: i for i, n in enumerate(header or [])}
        for row in rows:
            if "raw_hex" in idx and row[idx["raw_hex"]]:
                raw = bytes.fromhex(row[idx["raw_hex"]].lstrip("'"))
                row[idx["raw_hex"]] = (
                    f"redacted: {len(raw)} bytes, sha256 {hashlib.sha256(raw).hexdigest()[:16]}"
                )
            if "values" in idx and row[idx["values"]]:
                row[idx["values"]] = "redacted"
            if "reason" in idx:
                row[idx["reason"]] = _QUOTED.sub("'＊'", row[idx["reason"]])
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\r\n").writerow(row)
            out.write(buf.getvalue().encode("utf-8"))
    os.replace(p.with_name(p.name + ".redacted"), p)
    from ..files import sha256_file

    return sha256_file(p)
