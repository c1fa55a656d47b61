"""The streaming reader API: ``read(source, definition, …) -> Reader``.

A :class:`Reader` iterates :class:`pyarrow.RecordBatch`\\ es of DATA records: string columns
named by field (CSV: column names) plus ``_record`` (int64, 1-based number of the record in
the file, counting header/trailer/rejected records too) and ``_source``. Every batch's schema
metadata carries ``b"record_type"`` and ``b"source"``; a fixed-width file with several DATA
record types yields one type per batch.

Nothing is lost: every record is yielded, rejected (``reader.rejects``, also passed to
``on_reject``) or is a control record (``reader.headers`` / ``trailers`` / ``ends``), and
``reader.stats`` proves ``records_seen == records_yielded + records_rejected +
control_records`` (checked at the end; a mismatch raises :class:`AccountingError`).

Policies: ``"reject"`` (default) sends a bad record with its raw bytes, reason and finding
code (``read.decode``, ``read.framing``, ``read.record_type``, ``read.csv_structure``) to the
rejects and goes on; ``"strict"`` raises :class:`DecodeError` / :class:`FramingError` naming
file, record number, byte offset and a hex excerpt.

Before any record: the encoding label and the first bytes are checked and the bytes read are
counted (:mod:`._sources`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

import pyarrow as pa

from ..errors import AccountingError, ChukanError, DecodeError, FramingError, ReadError
from . import codes
from ._sources import CountingReader, check_container, check_encoding, open_source
from .definition import CsvDefinition, FixedWidthDefinition

Policy = Literal["strict", "reject"]


@dataclass(frozen=True)
class Reject:
    """A record that could not be read: where it is, its raw bytes and why."""

    source: str
    record: int  # 1-based record number in the file
    offset: int  # byte offset of the record (its payload, or the framing unit) in the file
    raw: bytes
    code: str  # finding code: read.decode / read.framing / read.record_type / read.csv_structure
    reason: str
    # a skipped stretch of damaged framing (readers/resync.py): ``raw`` is only its preview;
    # ``size`` and ``sha256`` are of all its bytes, which start at ``offset`` in the file
    size: int | None = None
    sha256: str = ""


@dataclass
class ReadStats:
    """Counters of one read; ``records_seen == yielded + rejected + control``."""

    records_seen: int = 0
    records_yielded: int = 0
    records_rejected: int = 0
    control_records: int = 0
    bytes_read: int = 0

    def check(self) -> None:
        """Raise :class:`AccountingError` if the counts do not add up."""
        total = self.records_yielded + self.records_rejected + self.control_records
        if self.records_seen != total:
            raise AccountingError(
                f"records seen {self.records_seen} != yielded {self.records_yielded} + rejected "
                f"{self.records_rejected} + control {self.control_records}"
            )


_ERRORS: dict[str, type[ReadError]] = {
    codes.DECODE: DecodeError,
    codes.FRAMING: FramingError,
    codes.RECORD_TYPE: FramingError,
    codes.CSV_STRUCTURE: FramingError,
}


@dataclass
class Reader:
    """Iterator of DATA-record batches; collects control records, rejects and stats."""

    source_id: str
    policy: Policy
    on_reject: Callable[[Reject], Any] | None = None
    headers: list[dict[str, Any]] = field(default_factory=list)
    trailers: list[dict[str, Any]] = field(default_factory=list)
    ends: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    stats: ReadStats = field(default_factory=ReadStats)
    _batches: Iterator[pa.RecordBatch] | None = None
    _close: Callable[[], None] | None = None
    _done: bool = False

    def __iter__(self) -> Reader:
        return self

    def __next__(self) -> pa.RecordBatch:
        if self._batches is None or self._done:
            raise StopIteration
        try:
            batch = next(self._batches)
        except StopIteration:
            self._finish()
            raise
        except ChukanError:
            self._abandon()
            raise
        except Exception as e:
            # csv.Error, ArrowInvalid, UnicodeError, OSError …: bytes the format readers did not
            # expect. One clear line naming the file and where, never a traceback (issue 14).
            self._abandon()
            offset = self.stats.bytes_read
            raise ReadError(f"unreadable input ({type(e).__name__}: {_one_line(e)})", self.source_id,
                            self.stats.records_seen + 1, offset) from e  # fmt: skip
        except BaseException:
            self._abandon()
            raise
        self.stats.records_yielded += batch.num_rows
        return batch

    def _abandon(self) -> None:
        self._done = True
        if self._close:
            self._close()

    def _finish(self) -> None:
        self._done = True
        if self._close:
            self._close()
        self.stats.check()

    def read_all(self) -> list[pa.RecordBatch]:
        """Consume the reader (convenience for tests and small files)."""
        return list(self)

    def to_pandas(self) -> Any:
        """The (remaining) data records as one ``pandas.DataFrame``; consumes the reader.

        Values stay strings: every field is a pandas ``string`` column (no type guessing, no
        lost leading zeros); ``_record`` is int64 and ``_source`` a string. Records of several
        types get the union of their fields (blank where a type has none) and a
        ``_record_type`` column. The whole file is held in memory: for big files, iterate the
        batches instead. Rejects, trailers and stats stay on the reader as usual.
        """
        import pandas as pd

        tables, types = [], []
        for b in self:
            rt = (b.schema.metadata or {}).get(b"record_type")
            t = pa.Table.from_batches([b.replace_schema_metadata(None)])
            types.append(rt.decode() if rt is not None else None)
            tables.append(t)
        if not tables:
            return pd.DataFrame(
                {"_record": pd.Series([], dtype="int64"), "_source": pd.Series([], dtype="string")}
            )
        if len(set(types)) > 1:
            tables = [t.append_column("_record_type", pa.array([rt] * t.num_rows, pa.string()))
                      for t, rt in zip(tables, types, strict=True)]  # fmt: skip
        table = pa.concat_tables(tables, promote_options="default")
        strings = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}
        df = table.to_pandas(types_mapper=strings.get)
        names = [c for c in df.columns if not c.startswith("_")]
        df[names] = df[names].fillna("")  # a field one record type lacks: blank, as the layouts say
        return df

    # -- used by the format readers ------------------------------------------------------
    def reject(self, record: int, offset: int, raw: bytes, code: str, reason: str,
               span: tuple[int, str] | None = None) -> None:  # fmt: skip
        """Record a bad record (policy reject) or raise (policy strict); ``span``: (size, SHA-256)
        of a skipped stretch whose ``raw`` is a preview."""
        if self.policy == "strict":
            raise _ERRORS.get(code, ReadError)(reason, self.source_id, record, offset, raw)
        r = Reject(self.source_id, record, offset, raw, code, reason, *(span or (None, "")))
        self.rejects.append(r)
        self.stats.records_rejected += 1
        if self.on_reject is not None:
            self.on_reject(r)

    def control(self, role: str, values: dict[str, Any]) -> None:
        """Keep a header / trailer / end record (values + ``_record``)."""
        self.stats.control_records += 1
        {"header": self.headers, "trailer": self.trailers}.get(role, self.ends).append(values)


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text[:200] + (" …" if len(text) > 200 else "")


def read(
    source: str | Path | BinaryIO,
    definition: FixedWidthDefinition | CsvDefinition,
    *,
    encoding: str | None = None,
    batch_size: int = 65536,
    policy: Policy = "reject",
    source_id: str | None = None,
    limit: int | None = None,
    on_reject: Callable[[Reject], Any] | None = None,
    trim_padding: bool = False,
    batch_bytes: int | None = None,
    csv_guard: bool = True,
    blank_hint: Sequence[str] = (),
) -> Reader:
    """Stream a legacy file as Arrow batches of strings (see the module docstring).

    ``encoding`` overrides the definition's (an explicit encoding always wins);
    ``limit`` stops after that many records (of any kind) have been seen.
    ``trim_padding`` (fixed width): text fields of DATA records come without trailing spaces,
    and their padding bytes are never decoded — for callers that trim anyway (an adapter
    source with ``trim: true``). Fields a trailer sums, control records and CSV are unchanged.
    ``batch_bytes`` (CSV): bytes per batch (default ``csv_reader.BATCH_BYTES``, 4 MiB).
    ``csv_guard=False`` (CSV): leave out the fast path's byte guard — only for bytes proven clean
    (``pipeline.csv_split.CsvScan.clean``), where it cannot trip. ``blank_hint`` (CSV): columns expected
    blank, read faster when they are (``readers.blank_columns``; the batches are the same without).
    """
    if policy not in ("strict", "reject"):
        raise ValueError(f"unknown policy {policy!r}; known: strict, reject")
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    if encoding is not None:
        definition = definition.model_copy(update={"encoding": encoding})
    check_encoding(definition)
    f, name, close = open_source(source)
    try:
        check_container(f, source_id or name)
    except BaseException:
        if close:
            close()
        raise
    reader = Reader(source_id or name, policy, on_reject, _close=close)
    counted = CountingReader(f, reader.stats)
    if isinstance(definition, CsvDefinition):
        from .csv_reader import BATCH_BYTES, iter_csv

        reader._batches = iter_csv(
            counted, definition, reader, batch_size, limit, batch_bytes or BATCH_BYTES, csv_guard, blank_hint
        )
    else:
        from .fixed_width import iter_fixed

        reader._batches = iter_fixed(counted, definition, reader, batch_size, limit, trim_padding)
    return reader
