"""The 照合表: control totals declared in a layout's ``reconcile:`` section, accumulated batch by batch.

Each total (:class:`chukan_layout.spec.model.Total`) is a map *group → integer*:

- ``count``: records per group of the ``by`` items;
- ``distinct``: distinct values of ``item`` per group — exact, in bounded memory: the
  values' key codes (:mod:`chukan_layout.validation.hashing`; exact for digit values) go to
  a spilling :class:`~chukan_layout.validation.store.CodeStore` per group and are counted
  bucket by bucket;
- ``sum``: the sum of the integer ``item`` per group (Python integers: no overflow, no float);
  non-blank values that are not integers are counted apart (group ``(数値以外)``);
- ``age_bands``: records per age band (``bands`` cut points, age on ``as_of`` from the
  ``YYYY-MM-DD`` date ``item``); a date with 不詳 month or day is band ``不詳``.

``where`` selects records with the layout expression language (:mod:`chukan_layout.spec.expr`).
Totals see the values as the enabled equivalences normalize them (trailing blanks, date
notation; OLD codes through the code map), so an equivalence does not move a total.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..spec import expr
from ..spec.model import Layout, Total
from ..validation._code_sets import same_as_previous
from ..validation.context import BatchContext
from ..validation.hashing import key_codes
from ..validation.store import CodeStore, share_budget
from .equivalence import Equivalences

NOT_INTEGER = "(数値以外)"
UNKNOWN_AGE = "不詳"
DISTINCT_BUDGET = 4 << 20  # codes buffered by the distinct totals of one side × layout (then spilled)
Group = tuple[str, ...]


def band_labels(bands: list[int]) -> list[str]:
    """``[0, 15, 65]`` → ``["0–14", "15–64", "65–"]``."""
    out = []
    for i, lo in enumerate(bands):
        hi = bands[i + 1] - 1 if i + 1 < len(bands) else None
        out.append(f"{lo}–{hi}" if hi is not None else f"{lo}–")
    return out


class TotalsAccumulator:
    """Accumulates every total of one layout on one side."""

    def __init__(self, layout: Layout, equiv: Equivalences, side: str) -> None:
        self.layout = layout
        self.equiv = equiv
        self.side = side
        self.totals: list[Total] = list(layout.reconcile.totals) if layout.reconcile else []
        ids = layout.item_ids
        self.where = {
            t.id: expr.to_arrow(expr.compile_condition(t.where, ids)) for t in self.totals if t.where
        }
        self.used = sorted(
            {i for t in self.totals for i in [t.item, *t.by] if i}
            | {n for t in self.totals if t.where for n in expr.names(expr.parse(t.where))}
        )
        self.values: dict[str, dict[Group, int]] = {t.id: defaultdict(int) for t in self.totals}
        self.stores: dict[str, dict[Group, CodeStore]] = {
            t.id: {} for t in self.totals if t.kind == "distinct"
        }

    def add(self, batch: pa.RecordBatch, dates: set[str]) -> None:
        if not self.totals or batch.num_rows == 0:
            return
        cols = {i: self.equiv.normalize_column(batch.column(i), i, i in dates, self.side) for i in self.used}
        table = pa.table(cols) if cols else pa.table({"_n": pa.nulls(batch.num_rows)})
        selected: dict[str | None, pa.Table] = {None: table}  # one filter per distinct where, per batch
        for t in self.totals:
            sel = selected.get(t.where)
            if sel is None:
                sel = selected[t.where] = table.filter(self.where[t.id])
            if sel.num_rows:
                getattr(self, f"_{t.kind}")(t, sel)

    # -- per kind ---------------------------------------------------------------------
    def _groups(
        self, t: Total, sel: pa.Table, extra: list[pa.Array] | None = None
    ) -> tuple[list[Group], np.ndarray]:
        """Distinct group tuples of ``sel`` (``by`` columns + ``extra``) and each row's group index."""
        cols = [sel.column(b).combine_chunks() for b in t.by] + list(extra or [])
        if not cols:
            return [()], np.zeros(sel.num_rows, dtype=np.int64)
        joined = cols[0] if len(cols) == 1 else pc.binary_join_element_wise(*cols, "\x1f")
        enc = pc.dictionary_encode(joined)
        groups = [tuple(str(g).split("\x1f")) for g in enc.dictionary.to_pylist()]
        return groups, np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)

    def _count(self, t: Total, sel: pa.Table) -> None:
        groups, idx = self._groups(t, sel)
        for g, k in zip(groups, np.bincount(idx, minlength=len(groups)).tolist(), strict=True):
            self.values[t.id][g] += k

    def _sum(self, t: Total, sel: pa.Table) -> None:
        assert t.item
        v = sel.column(t.item).combine_chunks()
        ok = np.asarray(
            pc.match_substring_regex(v, r"^-?[0-9]{1,18}$").to_numpy(zero_copy_only=False), dtype=bool
        )
        blank = np.asarray(pc.equal(v, "").to_numpy(zero_copy_only=False), dtype=bool)
        ints = np.zeros(len(v), dtype=np.int64)
        if ok.any():
            ints[ok] = pc.cast(v.filter(pa.array(ok)), pa.int64()).to_numpy()
        groups, idx = self._groups(t, sel)
        for g_i, g in enumerate(groups):
            rows = idx == g_i
            self.values[t.id][g] += int(ints[rows].sum(dtype=np.int64))
            bad = int((rows & ~ok & ~blank).sum())
            if bad:
                self.values[t.id][(*g, NOT_INTEGER)] += bad

    def _distinct(self, t: Total, sel: pa.Table) -> None:
        assert t.item
        groups, idx = self._groups(t, sel)
        codes, complete = key_codes(BatchContext(sel.select([t.item])), [t.item])
        stores = self.stores[t.id]
        for g_i, g in enumerate(groups):
            rows = (idx == g_i) & complete
            if rows.any():
                st = stores.get(g)
                if st is None:
                    st = stores[g] = CodeStore(partitions=16)
                    share_budget([s for per in self.stores.values() for s in per.values()], DISTINCT_BUDGET)
                pos = np.flatnonzero(rows)
                st.append(codes[pos], pos + 1, "")

    def _age_bands(self, t: Total, sel: pa.Table) -> None:
        assert t.item and t.as_of
        v = sel.column(t.item).combine_chunks()
        ok = np.asarray(
            pc.match_substring_regex(v, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$").to_numpy(zero_copy_only=False),
            dtype=bool,
        )
        y = np.zeros(len(v), np.int64)
        md = np.zeros(len(v), np.int64)
        if ok.any():
            good = v.filter(pa.array(ok))
            y[ok] = pc.cast(pc.utf8_slice_codeunits(good, 0, 4), pa.int64()).to_numpy()
            m = pc.cast(pc.utf8_slice_codeunits(good, 5, 7), pa.int64()).to_numpy()
            d = pc.cast(pc.utf8_slice_codeunits(good, 8, 10), pa.int64()).to_numpy()
            md[ok] = m * 100 + d
            ok[np.flatnonzero(ok)[(m == 0) | (d == 0)]] = False
        ay, am, ad = (int(x) for x in t.as_of.split("-"))
        age = ay - y - (md > am * 100 + ad)
        labels = band_labels(t.bands)
        band = np.searchsorted(np.asarray(t.bands), age, side="right") - 1
        names = np.array([*labels, UNKNOWN_AGE], dtype=object)
        which = np.where(ok & (band >= 0), band, len(labels))
        groups, idx = self._groups(t, sel, [pa.array(names[which].tolist(), pa.string())])
        for g, k in zip(groups, np.bincount(idx, minlength=len(groups)).tolist(), strict=True):
            self.values[t.id][g] += k

    def result(self) -> dict[str, dict[Group, int]]:
        """total id → group → value (distinct totals counted now; their stores are closed)."""
        for tid, per in self.stores.items():
            for g, st in per.items():
                k = 0
                st.refine()  # no bucket over the store's bound however many codes (validation.store)
                for _p, pairs in st.iter_partitions():
                    if pairs.size:
                        order = np.lexsort((pairs["lo"], pairs["hi"]))
                        k += 1 + int((~same_as_previous(pairs["hi"][order], pairs["lo"][order])).sum())
                self.values[tid][g] = k
                st.close()
        return {tid: dict(v) for tid, v in self.values.items()}


def total_value(values: dict[Group, int]) -> int:
    """The ungrouped value of a total (sum over groups; the not-integer counts excluded)."""
    return sum(v for g, v in values.items() if NOT_INTEGER not in g)


def as_rows(values: dict[str, Any]) -> dict[str, dict[str, int]]:
    """JSON-friendly: group tuples joined by `` / ``."""
    return {tid: {" / ".join(g): v for g, v in sorted(per.items())} for tid, per in values.items()}
