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
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
