"""The order of records in a file of several record types (``interleave``: KOKUHO.DAT's 国保世帯 and
被保険者 records grouped by 国保世帯番号): by the key's first appearance, then record type, then row."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def interleave_order(keys: list[pa.Array], inverse: bool = False) -> np.ndarray:
    """Rows of all record types (concatenated in plan order) sorted by: the key's first appearance
    (the first layout's order leads), then record type, then row. ``inverse``: each row's position."""
    order_keys = pc.unique(pa.concat_arrays(keys))
    g = np.concatenate(
        [np.asarray(pc.index_in(k, value_set=order_keys).to_numpy(zero_copy_only=False)) for k in keys]
    )
    t = np.concatenate([np.full(len(k), i) for i, k in enumerate(keys)])
    r = np.concatenate([np.arange(len(k)) for k in keys])
    order = np.lexsort((r, t, g))
    if not inverse:
        return order
    pos = np.empty(len(order), np.int64)
    pos[order] = np.arange(len(order), dtype=np.int64)
    return pos
