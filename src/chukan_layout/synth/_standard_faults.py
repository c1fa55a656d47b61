"""Golden-side faults written straight into the standard layout (``--vendor standard``, for validator tests).

Per chunk and layout, the kinds of ``VENDOR_KINDS["standard"]`` the layout has a target item for
are planned like the vendor faults (:func:`~chukan_layout.synth.faults.plan`) and written into a
copy of the golden batch: a corrupted value (:func:`~chukan_layout.synth.faults.corrupt`), a 外字
left in the private use area, 半角カナ, or 平成 beside a date of 令和. Each lands in the manifest
with the finding the validator must raise; the golden files stay clean.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrow_util import patch
from .faults import KINDS, TARGETS, VENDOR_KINDS, ManifestRow, corrupt, plan
from .world import World


def standard_faults(
    w: World,
    lid: str,
    batch: pa.RecordBatch,
    rate: float,
    rng: np.random.Generator,
    first: bool,
    base: int,
    manifest: list[ManifestRow],
) -> pa.RecordBatch:
    """Golden-side faults written straight into the standard layout (for validator tests)."""
    targets = TARGETS.get(lid, {})
    kinds = [k for k in VENDOR_KINDS["standard"] if k in targets]
    if rate <= 0 or not kinds:
        return batch

    def mask(x: pa.Array) -> np.ndarray:
        return np.asarray(x.to_numpy(zero_copy_only=False), dtype=bool)

    eligible = {}
    for k in kinds:
        v = batch.column(targets[k])
        ok = mask(pc.not_equal(v, ""))
        if k == "duplicate_key":
            ok &= mask(pc.not_equal(v, "1" if targets[k] == "rireki_no" else "2024"))
        if k == "unmapped_gaiji":
            ok &= mask(pc.match_substring_regex(v, "^[\u4e00-\u9fff]"))
        if k == "out_of_era":
            ok &= mask(pc.greater_equal(v, "2019-05-01"))
        eligible[k] = ok
    chosen = plan(rng, batch.num_rows, rate, kinds, eligible, first)
    cols = {n: batch.column(n) for n in batch.schema.names}
    mut: dict[str, dict[int, str]] = {}
    layout = w.layouts[lid]
    for row, kind in chosen:
        item = targets[kind]
        if kind == "out_of_era":
            era_item = next((it.id for it in layout.items if it.era_of == item), None)
            if era_item is None:
                continue
            item = era_item
        old = cols[item][row].as_py()
        if kind == "unmapped_gaiji":
            new = "\ue757" + old[1:]
        elif kind == "hankaku_kana":
            from .encode import hankaku

            new = hankaku(pa.array([old]))[0].as_py()
        elif kind == "out_of_era":
            new = w.code("gengo", "平成")
        else:
            new = corrupt(kind, old, w, row, layout.item(item))
        mut.setdefault(item, {})[row] = new
        expected = {"out_of_era": "item.era_mismatch", "unmapped_gaiji": "item.charset"}.get(
            kind, KINDS[kind]
        )
        manifest.append(
            ManifestRow(
                "standard",
                layout.file_name,
                base + row + 1,
                item,
                lid,
                item,
                layout.file_name,
                base + row + 1,
                kind,
                expected,
                f"{old} → {new}",
            )
        )
    for item, changes in mut.items():
        cols[item] = patch(cols[item], np.fromiter(changes, np.int64, len(changes)), list(changes.values()))
    return pa.RecordBatch.from_arrays([cols[n] for n in batch.schema.names], names=batch.schema.names)
