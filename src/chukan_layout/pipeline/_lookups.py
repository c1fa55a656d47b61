"""Lookup sources (code tables a vendor ships beside its data): loaded whole, accounted like data.

The parent loads each lookup source once (:func:`load_lookups`, with accounting and rejects);
a process that rebuilds the run's stages loads only the data (:func:`load_lookup_table`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..adapt.engine import LookupTable
from ..adapt.loader import SourceSpec
from ..errors import AccountingError
from ..findings import FindingSet
from ..readers.api import Reader, Reject, read
from ._rejects import reject_unrouted
from ._result import FileAccounting


def open_reader(
    path: str | Path, src: SourceSpec, rejects: Any, fs: FindingSet, acc: FileAccounting,
    encoding: str | None, batch_size: int, policy: str, limit: int | None,
) -> Reader:  # fmt: skip
    """A reader of one file whose read rejects go to ``rejects``, ``fs`` and ``acc``."""

    def on_reject(r: Reject) -> None:
        rejects.add(source=r.source, record=r.record, offset=r.offset, stage="read", code=r.code,
                    reason=r.reason, raw=r.raw)  # fmt: skip
        fs.add(r.code, file=r.source, records=[r.record])
        acc.read_rejected += 1
        acc.rejected_by_reason[r.code] = acc.rejected_by_reason.get(r.code, 0) + 1

    return read(path, src.definition, encoding=encoding, batch_size=batch_size, policy=policy,  # type: ignore[arg-type]
                source_id=acc.file, limit=limit, on_reject=on_reject)  # fmt: skip


def close_account(reader: Reader, acc: FileAccounting) -> None:
    """Fill ``acc`` from the reader's counts; :class:`AccountingError` when a record went missing."""
    st = reader.stats
    acc.records_in = st.records_seen
    acc.control = st.control_records
    if st.records_rejected != acc.read_rejected:
        raise AccountingError(
            f"{acc.file}: reader rejected {st.records_rejected}, rejects file got {acc.read_rejected}"
        )
    if st.records_yielded != acc.records_out + acc.adapt_rejected:
        raise AccountingError(
            f"{acc.file}: records read {st.records_yielded} != routed {acc.records_out} + unrouted {acc.adapt_rejected}"
        )
    acc.check()


def load_lookups(
    src: SourceSpec, paths: list[Path], rejects: Any, fs: FindingSet, encoding: str | None,
    batch_size: int, policy: str, aliases: dict[str, str] | None = None,
) -> tuple[LookupTable, list[FileAccounting]]:  # fmt: skip
    """A lookup source's table and the accounting of its files (the parent's half); ``aliases``
    maps a file read under a name of its own (``NAME (2)``) to the path it stands for."""
    batches: list[pa.RecordBatch] = []
    accs = []
    for path in paths:
        acc = FileAccounting(Path(path).name, (aliases or {}).get(str(path), str(path)), src.id, "lookup")
        reader = open_reader(path, src, rejects, fs, acc, encoding, batch_size, policy, None)
        for b in reader:
            rt = (b.schema.metadata or {}).get(b"record_type")
            if src.record_type is None or rt is None or rt.decode() == src.record_type:
                batches.append(b)
                acc.records_out += b.num_rows
            else:
                reject_unrouted(b, np.arange(b.num_rows), acc, rejects, fs)
        close_account(reader, acc)
        accs.append(acc)
    return LookupTable.from_batches(src, batches), accs


def load_lookup_table(
    src: SourceSpec, paths: list[str], encoding: str | None, batch_size: int
) -> LookupTable:
    """A lookup source's table (the parent accounts for its records; workers only need the data)."""
    batches: list[pa.RecordBatch] = []
    for p in paths:
        for b in read(p, src.definition, encoding=encoding, batch_size=batch_size, source_id=Path(p).name):
            rt = (b.schema.metadata or {}).get(b"record_type")
            if src.record_type is None or rt is None or rt.decode() == src.record_type:
                batches.append(b)
    return LookupTable.from_batches(src, batches)
