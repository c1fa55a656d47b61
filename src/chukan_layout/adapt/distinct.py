"""Run a value-wise step chain once per distinct value instead of once per row.

Many vendor columns repeat a few values (カナ 氏, 名, 町字, 続柄 …).  When every step of an item's
chain is *value-wise* — its output and its findings depend only on the value itself
(``Transform.value_wise``) — the engine may dictionary-encode the input, run the chain over the
distinct values and ``take`` the results back to the rows.  Findings are reported for the rows,
exactly as a row-wise run reports them: a value flagged in the dictionary flags every row that
holds it, with that row's record number, in row order.

It pays only for costly chains (``Transform.cost``) over columns with few distinct values; a
probe of the first rows decides before the whole column is encoded, so a column of unique values
(full names) costs a few µs extra, not a wasted hash of every row.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .transforms.base import Context, Transform, as_mask, as_str

MIN_ROWS = 8192  # below this the hash and take overheads are not recovered
PROBE_ROWS = 4096
MAX_DISTINCT = 0.35  # share of distinct values in the probe (and the column) up to which it pays
MIN_COST = 3  # summed Transform.cost of a chain worth running per distinct value


def worth_it(steps: list[Transform]) -> bool:
    """A chain the engine may run per distinct value."""
    return bool(steps) and all(st.value_wise for st in steps) and sum(st.cost for st in steps) >= MIN_COST


def encode(col: pa.Array) -> pa.DictionaryArray | None:
    """The column dictionary-encoded, or None when it has too many distinct values to gain."""
    n = len(col)
    if n < MIN_ROWS:
        return None
    probe = pc.dictionary_encode(col.slice(0, PROBE_ROWS))
    if len(probe.dictionary) > MAX_DISTINCT * PROBE_ROWS:
        return None
    enc = pc.dictionary_encode(col)
    return enc if len(enc.dictionary) <= MAX_DISTINCT * n else None


class DistinctContext(Context):
    """A :class:`Context` whose arrays are per distinct value; findings and side items go to rows."""

    def __init__(self, rows: Context, indices: np.ndarray) -> None:
        super().__init__(rows.file, rows.layout, rows.item, rows.records, rows.findings, rows.sensitivity)
        self.rows = rows
        self.indices = indices  # row → distinct value

    def finding(
        self,
        code: str,
        mask: np.ndarray | pa.Array,
        values: pa.Array | None = None,
        *,
        item: str | None = None,
        details: list[str | None] | None = None,
    ) -> int:
        m = as_mask(mask)
        if not m.any():
            return 0
        rows = np.flatnonzero(m[self.indices])
        row_details = None
        if details is not None:  # one detail per flagged distinct value, in dictionary order
            by_value = dict(zip(np.flatnonzero(m).tolist(), details, strict=True))
            row_details = [by_value[int(v)] for v in self.indices[rows]]
        return self.rows.report(
            code, rows, values, positions=self.indices[rows], item=item, details=row_details
        )

    def set_side(self, item: str, values: pa.Array) -> None:
        self.rows.set_side(item, as_str(values).take(pa.array(self.indices)))


def run_distinct(
    col: pa.Array, ctx: Context, chain: Callable[[pa.Array, Context], pa.Array]
) -> pa.Array | None:
    """``chain`` run on the distinct values of ``col`` and taken back to its rows (None: not worth it)."""
    enc = encode(col)
    if enc is None:
        return None
    indices = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    out = chain(as_str(enc.dictionary), DistinctContext(ctx, indices))
    return as_str(out).take(enc.indices)
