"""Compare one bucket: the OLD and NEW records whose keys hash to it (a Grace hash join's second half).

Within a bucket (both sides' Arrow IPC spill files, memory-mapped; a record is one ``_row``
cell, see :mod:`.spill`):

1. duplicated keys on either side: every occurrence after the first (by file, record) is a
   ``duplicate_old`` / ``duplicate_new`` difference; the first occurrence takes part in the join;
2. the join of the unique keys (one lexsort over both sides' 128-bit codes): keys only in
   OLD (``only_old``), only in NEW (``only_new``), and matched pairs;
3. matched pairs compared as whole records (one vectorized ``equal`` on ``_row``); the pairs
   that differ are split into items and compared item by item; a differing cell that a declared equivalence accepts is counted as that equivalence, any other is a
   ``changed`` difference with its item and both values.

Difference rows go to a part file (header-less CSV, cells formula-guarded); the parent
concatenates the parts in layout × bucket order into ``differences.csv``. Values are
masked by item sensitivity unless ``unmask``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..findings import mask_value
from .equivalence import BLANKS, Equivalences
from .spill import split_items

COLUMNS = ["layout", "kind", "key", "item", "item_name", "old_value", "new_value",
           "old_file", "old_record", "new_file", "new_record"]  # fmt: skip
KINDS = ("only_old", "only_new", "duplicate_old", "duplicate_new", "changed")
_GUARD = r"^[=+\-@\t\r]"


@dataclass
class BucketTask:
    """Everything a worker needs to compare one bucket (picklable)."""

    layout: str
    bucket: int
    old_path: str | None
    new_path: str | None
    key: list[str]
    columns: list[str]  # every item of the layout, in the order of the ``_row`` cells
    items: list[str]  # the items compared (those both sides carry)
    dates: list[str]
    sensitivity: dict[str, str]
    item_names: dict[str, str]
    old_files: list[str]
    new_files: list[str]
    equiv: Equivalences
    unmask: bool
    max_samples: int
    part_path: str


@dataclass
class BucketResult:
    layout: str
    bucket: int
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_item: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    equivalences: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    samples: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    part_path: str | None = None


def _load(path: str | None) -> pa.Table | None:
    if path is None:
        return None
    with pa.memory_map(path) as src:
        return pa.ipc.open_stream(src).read_all()


def _dups(hi: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first-occurrence indices, extra-occurrence indices) of codes (arrival order kept per key)."""
    n = hi.size
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((np.arange(n), lo, hi))
    same = np.zeros(n, dtype=bool)
    same[1:] = (hi[order][1:] == hi[order][:-1]) & (lo[order][1:] == lo[order][:-1])
    return np.sort(order[~same]), np.sort(order[same])


def _join(oh: np.ndarray, ol: np.ndarray, nh: np.ndarray, nl: np.ndarray) -> tuple[np.ndarray, ...]:
    """(old idx, new idx) of matched keys, old-only idx, new-only idx (unique keys on each side)."""
    hi, lo = np.concatenate([oh, nh]), np.concatenate([ol, nl])
    side = np.concatenate([np.zeros(oh.size, np.int8), np.ones(nh.size, np.int8)])
    idx = np.concatenate([np.arange(oh.size), np.arange(nh.size)])
    order = np.lexsort((side, lo, hi))
    sh, sl = hi[order], lo[order]
    eq = np.flatnonzero((sh[1:] == sh[:-1]) & (sl[1:] == sl[:-1]))
    paired = np.zeros(order.size, dtype=bool)
    paired[eq] = paired[eq + 1] = True
    rest = order[~paired]
    return (idx[order[eq]], idx[order[eq + 1]], np.sort(idx[rest][side[rest] == 0]),
            np.sort(idx[rest][side[rest] == 1]))  # fmt: skip


class _Rows:
    """Difference rows of one bucket, as Arrow columns."""

    def __init__(self) -> None:
        self.parts: list[dict[str, pa.Array]] = []

    def add(self, n: int, **cols: Any) -> None:
        if n:
            self.parts.append({c: (cols[c] if isinstance(cols.get(c), pa.Array) else pa.array([cols.get(c, "")] * n, pa.string()))
                               for c in COLUMNS})  # fmt: skip

    def table(self) -> pa.Table | None:
        if not self.parts:
            return None
        return pa.Table.from_pydict(
            {c: pa.concat_arrays([p[c].cast(pa.string()) for p in self.parts]) for c in COLUMNS}
        )


def _masked(col: pa.Array, item: str, task: BucketTask) -> pa.Array:
    sens = task.sensitivity.get(item, "none")
    if task.unmask or sens == "none":
        return col
    return pa.array([mask_value(v, sens) for v in col.to_pylist()], pa.string())


def compare_bucket(task: BucketTask) -> BucketResult:
    """Compare one bucket and write its difference rows (see the module docstring)."""
    res = BucketResult(task.layout, task.bucket)
    old, new = _load(task.old_path), _load(task.new_path)
    empty = np.zeros(0, np.uint64)

    def codes(t: pa.Table | None) -> tuple[np.ndarray, np.ndarray]:
        if t is None:
            return empty, empty
        return t.column("_hi").to_numpy(), t.column("_lo").to_numpy()

    oh, ol = codes(old)
    nh, nl = codes(new)
    res.counts["old_records"] += oh.size
    res.counts["new_records"] += nh.size
    rows = _Rows()
    lay = task.layout
    at = {item: i for i, item in enumerate(task.columns)}
    key_at = [at[k] for k in task.key]

    def keys(t: pa.Table, idx: np.ndarray) -> pa.Array:
        cols = split_items(t.column("_row").take(pa.array(idx)), key_at)
        parts = [_masked(c, k, task) for c, k in zip(cols, task.key, strict=True)]
        return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "|")

    def refs(t: pa.Table, idx: np.ndarray, files: list[str]) -> tuple[pa.Array, pa.Array]:
        f = t.column("_file").take(pa.array(idx)).to_numpy()
        names = np.asarray(files, dtype=object)[f] if len(files) else np.zeros(0, object)
        return pa.array(names.tolist(), pa.string()), t.column("_record").take(pa.array(idx)).combine_chunks()

    o_first, o_extra = _dups(oh, ol)
    n_first, n_extra = _dups(nh, nl)
    for kind, t, extra, files, pre in (("duplicate_old", old, o_extra, task.old_files, "old"),
                                       ("duplicate_new", new, n_extra, task.new_files, "new")):  # fmt: skip
        if t is not None and extra.size:
            f, r = refs(t, extra, files)
            rows.add(
                extra.size,
                layout=lay,
                kind=kind,
                key=keys(t, extra),
                **{f"{pre}_file": f, f"{pre}_record": r},
            )
            res.counts[kind] += extra.size
    oi, ni, only_o, only_n = _join(oh[o_first], ol[o_first], nh[n_first], nl[n_first])
    oi, only_o = o_first[oi], o_first[only_o]
    ni, only_n = n_first[ni], n_first[only_n]
    for kind, t, idx, files, pre in (("only_old", old, only_o, task.old_files, "old"),
                                     ("only_new", new, only_n, task.new_files, "new")):  # fmt: skip
        if t is not None and idx.size:
            f, r = refs(t, idx, files)
            rows.add(
                idx.size, layout=lay, kind=kind, key=keys(t, idx), **{f"{pre}_file": f, f"{pre}_record": r}
            )
            res.counts[kind] += idx.size
    res.counts["matched"] += oi.size
    n_changed = 0
    if oi.size and old is not None and new is not None:
        # whole records first (one comparison per pair); only the pairs that differ are split
        # into items, so the cost of a bucket is one pass over its bytes plus its differences
        same = pc.equal(old.column("_row").take(pa.array(oi)), new.column("_row").take(pa.array(ni)))
        differ = np.flatnonzero(~np.asarray(same.to_numpy(), dtype=bool))
        if differ.size:
            n_changed = _changed(task, res, rows, old, new, oi[differ], ni[differ], at, keys, refs)
    res.counts["changed"] += n_changed
    res.counts["identical"] += int(oi.size - n_changed)
    table = rows.table()
    if table is not None:
        res.rows = table.num_rows
        res.samples = _samples(table, task.max_samples)
        guarded = pa.table({c: _guard(table.column(c).combine_chunks()) for c in COLUMNS})
        Path(task.part_path).parent.mkdir(parents=True, exist_ok=True)
        pacsv.write_csv(
            guarded, task.part_path, pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
        )
        res.part_path = task.part_path
    return res


def _changed(task: BucketTask, res: BucketResult, rows: _Rows, old: pa.Table, new: pa.Table, oi: np.ndarray,
             ni: np.ndarray, at: dict[str, int], keys: Any, refs: Any) -> int:  # fmt: skip
    """Item-level differences of the matched pairs ``oi``/``ni`` whose records differ; returns
    how many pairs differ in a compared item beyond the declared equivalences."""
    lay = task.layout
    pos_of = [at[i] for i in task.items]
    olds = split_items(old.column("_row").take(pa.array(oi)), pos_of)
    news = split_items(new.column("_row").take(pa.array(ni)), pos_of)
    of, orec = refs(old, oi, task.old_files)
    nf, nrec = refs(new, ni, task.new_files)
    changed_rows = np.zeros(oi.size, dtype=bool)
    names = task.equiv.names()
    for item, a, b in zip(task.items, olds, news, strict=True):
        diff = np.asarray(pc.not_equal(a, b).to_numpy(zero_copy_only=False), dtype=bool)
        if not diff.any():
            continue
        pos = np.flatnonzero(diff)
        real = np.ones(pos.size, dtype=bool)
        if names:
            ad, bd = a.take(pa.array(pos)), b.take(pa.array(pos))
            if "trailing_blanks" in names and len(names) == 1:  # the common case, vectorized
                same = pc.equal(pc.utf8_rtrim(ad, characters=BLANKS), pc.utf8_rtrim(bd, characters=BLANKS))
                real = ~np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)
                if (~real).any():
                    res.equivalences[(item, "trailing_blanks")] += int((~real).sum())
            else:
                av, bv = ad.to_pylist(), bd.to_pylist()
                nfl, nrl = nf.take(pa.array(pos)).to_pylist(), nrec.take(pa.array(pos)).to_pylist()
                is_date = item in task.dates
                for k in range(pos.size):
                    eq = task.equiv.classify(av[k], bv[k], item, is_date, ((nfl[k], nrl[k]),))
                    if eq is not None:
                        real[k] = False
                        res.equivalences[(item, eq)] += 1
        pos = pos[real]
        if not pos.size:
            continue
        changed_rows[pos] = True
        res.by_item[item] += pos.size
        p = pa.array(pos)
        rows.add(pos.size, layout=lay, kind="changed", key=keys(old, oi[pos]), item=item,
                 item_name=task.item_names.get(item, ""), old_value=_masked(a.take(p), item, task),
                 new_value=_masked(b.take(p), item, task), old_file=of.take(p), old_record=orec.take(p),
                 new_file=nf.take(p), new_record=nrec.take(p))  # fmt: skip
    return int(changed_rows.sum())


def _guard(col: pa.Array) -> pa.Array:
    """Spreadsheet formula-injection guard (as :func:`chukan_layout.files.guard_cell`), vectorized."""
    danger = pc.match_substring_regex(col, _GUARD)
    return pc.if_else(danger, pc.binary_join_element_wise("'", col, ""), col)


def _samples(table: pa.Table, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` rows per (kind, item) of this bucket."""
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = defaultdict(int)
    kinds = table.column("kind").to_pylist()
    items = table.column("item").to_pylist()
    take = []
    for i, (k, it) in enumerate(zip(kinds, items, strict=True)):
        if seen[(k, it)] < limit:
            seen[(k, it)] += 1
            take.append(i)
    if take:
        out = table.take(pa.array(take)).to_pylist()
    return out
