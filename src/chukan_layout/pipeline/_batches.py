"""Batch sizes of a partition's stages, and the reader's batches joined for them (:func:`coalesce`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from ..readers.definition import FixedWidthDefinition

# raw bytes per reader batch: wide fixed-width records get fewer rows. 8 MiB rather than the CSV
# reader's 4 MiB blocks: a 住民 record is ~78% padding, trimmed before decoding, so the batch's
# values are small, and every later stage pays a fixed cost per item and batch (vendor A
# partition CPU −10% against 4 MiB batches joined in twos; peak RSS +3 MB at 50k residents)
BATCH_BYTES = 8 << 20
STAGE_BYTES = 8 << 20  # raw bytes behind one batch of the later stages (see coalesce)


def batch_rows(batch_size: int, d: Any) -> int:
    """Rows per batch: ``batch_size``, fewer for wide fixed-width records (memory stays flat)."""
    if isinstance(d, FixedWidthDefinition):
        width = max(rt.record_length for rt in d.record_types)
        return max(1024, min(batch_size, BATCH_BYTES // width))
    return batch_size


def stage_rows(batch_size: int, d: Any) -> int | None:
    """Rows per batch of the stages after reading (adapt, 外字, validate, write), or ``None``
    to keep the reader's batches (CSV: its blocks already hold ``batch_size`` rows or more text).

    The raw matrix of a wide fixed-width record is mostly padding: the reader's batches stay
    small (:data:`BATCH_BYTES`), but their trimmed, decoded values are a fraction of that, and
    every later stage pays a fixed cost per item and batch. Decoded batches are therefore
    joined up to the rows of :data:`STAGE_BYTES` of raw records (never beyond ``batch_size``)."""
    if isinstance(d, FixedWidthDefinition):
        width = max(rt.record_length for rt in d.record_types)
        return max(1024, min(batch_size, STAGE_BYTES // width))
    return None


def coalesce(reader: Any, rows: int | None) -> Iterator[tuple[pa.RecordBatch, bool]]:
    """The reader's batches joined into batches of at least ``rows`` rows (the last may be
    short), in record order, each with whether a header record had been read when its
    batches were.

    Only batches of one schema (same record type) are joined, and a header record read in
    between ends the group: each batch sees the header values it saw unjoined."""
    if rows is None:
        for batch in reader:
            yield batch, bool(reader.headers)
        return
    group: list[pa.RecordBatch] = []
    n = 0
    headers = len(reader.headers)

    def joined() -> pa.RecordBatch:
        if len(group) == 1 or n == 0:
            return group[0]
        return pa.concat_batches(group)

    for batch in reader:
        if group and (len(reader.headers) != headers or not batch.schema.equals(group[0].schema, True)):
            yield joined(), headers > 0
            group, n = [], 0
        headers = len(reader.headers)
        group.append(batch)
        n += batch.num_rows
        if n >= rows:
            yield joined(), headers > 0
            group, n = [], 0
    if group:
        yield joined(), headers > 0
