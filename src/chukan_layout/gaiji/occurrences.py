"""The 外字 occurrences of one item in one batch: distinct values worked out once, spread over rows.

Detection (:mod:`.detect`) names the rows of an item holding a suspicious character. Names
repeat — the same 外字 surname in every member of a household, in 氏名, 氏, 世帯主氏名 and
筆頭者 — so the stage answers each *distinct* suspicious value once (its tokens, table look-ups
and ``U+`` notation: ``GaijiStage._value``), and :func:`spread` turns those answers into the
per-row results with numpy and Arrow takes, no Python loop over rows:

- the rows whose value changes and their new values (for ``pc.replace_with_mask``);
- the sidecar rows, one per occurrence in row order, then position order within the value;
- per distinct hit, how many rows hold it (the stage's counters add these weights);
- the finding events per finding code: record numbers, original values, details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..readers.fixed_width import constant_strings, int64_array

# one unstorable token of a value: position, token, result, status, detail, source code and
# result in U+ notation, finding code (or None)
Hit = tuple[int, str, str, str, str, str, str, str | None]
Answer = tuple[str | None, list[Hit]]  # (the mapped value or None when unchanged, its hits)


@dataclass
class Spread:
    """What one item's suspicious rows of a batch come to (see the module docstring)."""

    changed_rows: np.ndarray  # batch rows whose value changes (ascending)
    changed_values: pa.Array | None  # their new values, same order
    sidecar: dict[str, pa.Array]  # the sidecar columns but ``file`` and ``item``
    hits: list[Hit]  # the distinct hits …
    weights: np.ndarray  # … and how many occurrences each stands for
    events: dict[str, tuple[np.ndarray, list[str], list[str]]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.sidecar["record"])


def _take(values: list[Any], typ: pa.DataType, at: np.ndarray) -> pa.Array:
    return pa.array(values, typ).take(int64_array(at))


def spread(arr: pa.Array, idx: np.ndarray, records: np.ndarray, answer: Callable[[str], Answer]) -> Spread:
    """The occurrences of the suspicious rows ``idx`` of ``arr`` (``answer``: one distinct value)."""
    sub = arr.take(int64_array(idx))
    if sub.null_count:  # a null holds no character
        valid = np.asarray(sub.is_valid())
        idx, sub = idx[valid], sub.filter(pa.array(valid))
    enc = pc.dictionary_encode(sub)
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    answers = [answer(v) for v in enc.dictionary.to_pylist()]
    n_hits = np.fromiter((len(h) for _, h in answers), np.int64, len(answers))
    flat: list[Hit] = [h for _, hs in answers for h in hs]
    first_hit = np.cumsum(n_hits) - n_hits
    # occurrences: each row repeated once per hit of its value, hits in position order
    per_row = n_hits[codes]
    occ_row = np.repeat(np.arange(len(codes), dtype=np.int64), per_row)
    k = np.arange(occ_row.size, dtype=np.int64) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    occ_hit = first_hit[codes][occ_row] + k
    weights = np.bincount(occ_hit, minlength=len(flat)).astype(np.int64)
    recs = records[idx][occ_row]
    sidecar = {
        "record": int64_array(recs),
        "position": _take([h[0] for h in flat], pa.int32(), occ_hit),
        "source_code": _take([h[5] for h in flat], pa.string(), occ_hit),
        "result": _take([h[6] for h in flat], pa.string(), occ_hit),
        "status": _take([h[3] for h in flat], pa.string(), occ_hit),
    }
    new = [a[0] for a in answers]
    changes = np.fromiter((v is not None for v in new), bool, len(new))[codes]
    changed_values = None
    if changes.any():
        changed_values = _take([v if v is not None else "" for v in new], arr.type, codes[changes])
    out = Spread(idx[changes], changed_values, sidecar, flat, weights)
    fcodes = sorted({h[7] for h in flat if h[7]})
    if fcodes:
        details = [f"{h[5]}→{h[6]}" if h[2] != h[1] else h[5] for h in flat]
        for fc in fcodes:
            sel = np.fromiter((h[7] == fc for h in flat), bool, len(flat))[occ_hit]
            rows = occ_row[sel]
            out.events[fc] = (
                recs[sel],
                sub.take(int64_array(rows)).to_pylist(),
                _take(details, pa.string(), occ_hit[sel]).to_pylist(),
            )
    return out


def sidecar_table(s: Spread, schema: pa.Schema, file: str, item: str) -> pa.Table:
    """The sidecar rows of one :class:`Spread` (``schema``: the stage's sidecar schema)."""
    n = s.size
    cols = dict(s.sidecar, file=constant_strings(file, n), item=constant_strings(item, n))
    return pa.table([cols[f.name] for f in schema], schema=schema)
