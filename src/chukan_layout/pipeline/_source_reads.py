"""What the parent of a convert run reads of the sources itself: the header record and the CSV
column names a later partition of a split file needs, and the layout batches of a file again for
the exact re-check of hashed keys (:meth:`~chukan_layout.validation.session.ValidationRun.finish`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..adapt.engine import RESERVED, AdaptEngine
from ..adapt.loader import Adapter
from ..findings import FindingSet
from ..readers.api import read
from ._batches import batch_rows


def header_values(ad: Adapter, source: str, path: str | Path, encoding: str | None) -> dict[str, str]:
    """The header record of a file (for the partitions after the first one)."""
    # a few records per batch: the default batch of a wide fixed-width file would be read whole
    r = read(path, ad.sources[source].definition, encoding=encoding, limit=1, batch_size=16)
    for _ in r:
        pass
    return {k: str(v) for k, v in r.headers[0].items() if k not in RESERVED} if r.headers else {}


def csv_columns(ad: Adapter, source: str, path: str | Path, encoding: str | None) -> list[str]:
    """The column names of a CSV file as the reader makes them from its header row."""
    r = read(path, ad.sources[source].definition, encoding=encoding, limit=1, batch_size=16)
    for _ in r:
        pass
    return list(r.headers[0]["columns"]) if r.headers else []


def rereader(ad: Adapter, engine: AdaptEngine, files: list[tuple[str, Path, Any]], encoding: str | None,
              batch_size: int) -> Callable[[str], Callable[[str], Iterator[pa.RecordBatch]]]:  # fmt: skip
    """``reread(layout_id)(file)``: the layout batches of one source file again (exact re-check of hashed keys)."""
    by_file = {Path(p).name: (s, p) for s, p, _ in files}

    def for_layout(lid: str) -> Callable[[str], Iterator[pa.RecordBatch]]:
        def reread(file: str) -> Iterator[pa.RecordBatch]:
            sid, path = by_file[file]
            d = ad.sources[sid].definition
            r = read(path, d, encoding=encoding, batch_size=batch_rows(batch_size, d), source_id=file)
            for b in r:
                if r.headers:
                    engine.header_values = {k: str(v) for k, v in r.headers[0].items() if k not in RESERVED}
                rt = (b.schema.metadata or {}).get(b"record_type")
                res = engine.adapt(
                    sid, b, FindingSet(max_samples=0), record_type=rt.decode() if rt else None, file=file
                )
                if lid in res.outputs:
                    yield res.outputs[lid]

        return reread

    return for_layout
