"""A vendor field over a batch of standard records: an export profile's compiled item, evaluated
with the adapter engine's conditions and steps."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..adapt.engine import evaluate
from ..adapt.loader import CompiledItem, CompiledMapping
from ..adapt.transforms.base import Context, as_str, const_array


class Cols:
    """Standard item columns of a batch (the ``cols`` the adapter's ``evaluate`` expects)."""

    def __init__(self, batch: pa.RecordBatch) -> None:
        self.batch, self.n = batch, batch.num_rows

    def get(self, name: str) -> pa.Array:
        return as_str(self.batch.column(name))


def _run(m: CompiledMapping, cols: Cols, ctx: Context) -> pa.Array:
    if m.const is not None:
        return const_array(m.const, cols.n)
    inputs = [cols.get(i) for i in m.inputs]
    if not m.steps:
        return inputs[0]
    out = m.steps[0].apply(inputs, ctx)
    for st in m.steps[1:]:
        out = st.apply([out], ctx)
    return as_str(out)


def compute(ci: CompiledItem, cols: Cols, ctx: Context) -> pa.Array:
    """A vendor field over a batch: the first branch whose ``when`` holds, else ``otherwise``."""
    if len(ci.branches) == 1 and ci.branches[0].when is None:
        return _run(ci.branches[0], cols, ctx)
    out = const_array(ci.otherwise, cols.n)
    remaining = np.ones(cols.n, bool)
    for br in ci.branches:
        sel = remaining & (evaluate(br.when, cols) if br.when is not None else True)  # type: ignore[arg-type]
        if sel.any():
            out = pc.if_else(pa.array(sel), _run(br, cols, ctx), out)
            remaining &= ~sel
    return as_str(out)
