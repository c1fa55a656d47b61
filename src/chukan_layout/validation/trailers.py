"""``file.count_mismatch`` / ``file.total_mismatch``: trailer claims against what was read.

A vendor trailer record states how many data records precede it and, for some fields, their
sum (``ControlTotals`` of the record definition). The reader reports the trailer's values;
the pipeline counts the data records it read and sums the named fields with
:class:`TotalsAccumulator` (exact: Arrow ``decimal128`` over the decimal strings, Python
``Decimal`` across batches — never floats, no int64 overflow); :func:`reconcile` compares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..findings import FindingSet, Severity, register_code
from .base import STAGE
from .context import BatchContext
from .utf8 import as_string_array, buffers, to_bool

register_code(
    "file.count_mismatch",
    Severity.ERROR,
    "Trailer record count differs from the records read",
    "トレーラ件数と読込件数の不一致",
    stage=STAGE,
    doc="""\
The record count a trailer states differs from the number of data records read before it
(or is not a number). The finding points at the trailer record; the detail gives both counts.

Bad: trailer 件数 ``"001000"`` after 999 data records
Good: trailer 件数 ``"000999"``
""",
)
register_code(
    "file.total_mismatch",
    Severity.ERROR,
    "Trailer control total differs from the sum read",
    "トレーラ合計と読込データ合計の不一致",
    stage=STAGE,
    doc="""\
A control total in a trailer (e.g. 合計税額) differs from the exact sum of its data field over
the records read (or is not a number). Sums are exact decimals; blank values count as zero.

Bad: trailer 合計金額 ``"1234500"`` when the 税額 of the data records add up to ``1234000``
Good: trailer 合計金額 ``"1234000"``
""",
)

_NUMBER = r"\A-?[0-9]+(?:\.[0-9]+)?\z"


def parse_decimal(text: str | None) -> Decimal | None:
    """An exact decimal from trailer text (surrounding blanks allowed, leading ``+`` allowed)."""
    if text is None:
        return None
    t = text.strip()
    if not t or not all(c in "+-.0123456789" for c in t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def exact_sum(col: Any) -> tuple[Decimal, int]:
    """(exact sum of the numeric values, number of non-blank non-numeric values)."""
    col = as_string_array(col)
    ok = to_bool(pc.match_substring_regex(col, _NUMBER))
    nonblank = np.diff(buffers(col)[0]) > 0
    bad = int((nonblank & ~ok).sum())
    if not ok.any():
        return Decimal(0), bad
    nums = col.filter(pa.array(ok))
    dot = np.asarray(pc.find_substring(nums, ".").to_numpy(zero_copy_only=False), dtype=np.int64)
    lens = np.asarray(pc.utf8_length(nums).to_numpy(zero_copy_only=False), dtype=np.int64)
    scale = int(np.where(dot >= 0, lens - dot - 1, 0).max())
    int_digits = int(np.where(dot >= 0, dot, lens).max())
    if int_digits + scale > 30:  # beyond what decimal128 sums safely: exact Python fallback (rare)
        return sum((Decimal(v) for v in nums.to_pylist()), Decimal(0)), bad
    total = pc.sum(pc.cast(nums, pa.decimal128(38, scale))).as_py()
    return Decimal(total if total is not None else 0), bad


@dataclass
class TotalsAccumulator:
    """Counts data records and sums named fields of one file, batch by batch."""

    fields: Sequence[str]
    records: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)
    non_numeric: dict[str, int] = field(default_factory=dict)

    def add(self, batch: pa.RecordBatch | pa.Table) -> None:
        ctx = BatchContext(batch)
        self.records += ctx.n
        for f in self.fields:
            s, bad = exact_sum(ctx.col(f))
            self.sums[f] = self.sums.get(f, Decimal(0)) + s
            self.non_numeric[f] = self.non_numeric.get(f, 0) + bad


@dataclass(frozen=True)
class Trailer:
    """What a trailer record claims: record count and totals per *data* field (text as read)."""

    file: str
    record: int  # the trailer's record number
    count: str | None = None
    totals: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reconciliation:
    """One line of the report's reconciliation table."""

    file: str
    what: str  # "count" or the data field name
    claimed: str | None
    actual: str
    ok: bool


def compare(
    trailer: Trailer, counted_records: int, summed_fields: Mapping[str, Decimal]
) -> list[Reconciliation]:
    """Trailer claims against the counted records and the exact sums."""
    out: list[Reconciliation] = []
    if trailer.count is not None:
        claimed = parse_decimal(trailer.count)
        out.append(
            Reconciliation(
                trailer.file,
                "count",
                trailer.count,
                str(counted_records),
                claimed is not None and claimed == counted_records,
            )
        )
    for fld, text in trailer.totals.items():
        actual = summed_fields.get(fld, Decimal(0))
        claimed = parse_decimal(text)
        out.append(
            Reconciliation(trailer.file, fld, text, str(actual), claimed is not None and claimed == actual)
        )
    return out


def reconcile(
    trailers: Iterable[Trailer],
    counted_records: Mapping[str, int],
    summed_fields: Mapping[str, Mapping[str, Decimal]],
    findings: FindingSet | None = None,
) -> FindingSet:
    """Compare each file's trailer with its counts (``{file: n}``) and sums (``{file: {field: sum}}``).

    Mismatches are added to ``findings`` (a new set if None), pointing at the trailer record.
    """
    fs = findings if findings is not None else FindingSet()
    for t in trailers:
        for line in compare(t, counted_records.get(t.file, 0), summed_fields.get(t.file, {})):
            if line.ok:
                continue
            code = "file.count_mismatch" if line.what == "count" else "file.total_mismatch"
            item = "" if line.what == "count" else line.what
            fs.add(
                code,
                file=t.file,
                item=item,
                records=[t.record],
                values=[line.claimed],
                details=[f"trailer says {line.claimed!r}, read {line.actual}"],
            )
    return fs


def sums_before(batches: Iterable[pa.RecordBatch], fields: Sequence[str], bounds: Sequence[int]
                ) -> dict[int, dict[str, Decimal]]:  # fmt: skip
    """Exact sums of ``fields`` over the data records numbered below each bound (a trailer's record
    number): what a trailer in the middle of a file is reconciled against."""
    out = {b: {f: Decimal(0) for f in fields} for b in bounds}
    for batch in batches:
        if not batch.num_rows:
            continue
        recs = BatchContext(batch).records()
        for b in bounds:
            rows = np.flatnonzero(recs < b)
            if not len(rows):
                continue
            sub = batch if len(rows) == batch.num_rows else batch.take(pa.array(rows))
            for f in fields:
                if f in sub.schema.names:
                    out[b][f] += exact_sum(sub.column(f))[0]
    return out
