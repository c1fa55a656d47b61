"""A vendor file's fields from the golden rows: each item in its vendor encoding, with value faults.

Per chunk and record map, :meth:`VendorFields.columns` plans the chunk's value faults
(:func:`~chukan_layout.synth.faults.plan`), patches those that live in the standard value into
the golden columns (:func:`~chukan_layout.synth.faults.corrupt`), encodes every vendor field as
the profile says (:mod:`.encode`), then patches the faults that live in the vendor encoding
(unmapped 外字, 半角カナ, a 元号 past its end, the mark for undecodable bytes). The bytes of an
undecodable field are the renderer's (:class:`~chukan_layout.synth.vendors.VendorFileWriter`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import encode
from .arrow_util import const, patch
from .faults import TARGETS, VENDOR_KINDS, corrupt, plan
from .golden import GAIJI_ITEMS
from .profile import RecordMap, VendorProfile
from .world import World

UNDECODABLE_MARK = "◆◇UNDEC◇◆"  # CSV: replaced by undecodable bytes after encoding (never in data)
Fault = tuple[int, str, str, str, str]  # (row, kind, vendor field, item, detail)


@dataclass
class VendorFields:
    """Derives one vendor file's fields, chunk by chunk; ``rng`` is the file's fault stream."""

    w: World
    profile: VendorProfile
    rate: float
    fixed: bool  # fixed-width file (an undecodable field is patched in its bytes, not marked)
    rng: np.random.Generator

    def columns(
        self, rm: RecordMap, batch: pa.RecordBatch, vform: dict[str, pa.Array], first: bool, memo_from: int
    ) -> tuple[dict[str, pa.Array], list[Fault]]:
        """Vendor columns of one record map, with value faults applied. Faults: (row, kind, field, item, detail).

        ``vform``: the vendor forms of the 外字 items; ``memo_from``: data records written before."""
        n = batch.num_rows
        g = {name: batch.column(name) for name in batch.schema.names}
        field_of: dict[str, str] = {}  # item → first vendor field carrying it
        for fname in rm.map:
            src = rm.source(fname)
            if src.item:
                field_of.setdefault(src.item, fname)
        targets = TARGETS.get(rm.layout, {})
        faults, golden_mut, vendor_mut = self._value_faults(rm, g, field_of, targets, n, first)
        cols = self._encode(rm, g, vform, golden_mut, n, memo_from)
        self._vendor_faults(cols, g, vendor_mut, field_of, targets)
        for fname in rm.map:
            src = rm.source(fname)
            if src.enc == "hankaku" and src.item:
                rows = np.flatnonzero(encode.has_small_kana(g[src.item]))
                values = g[src.item].take(rows).to_pylist()
                faults.extend(
                    (int(r), "small_kana", fname, src.item, v) for r, v in zip(rows, values, strict=True)
                )
        return cols, faults

    def _value_faults(
        self,
        rm: RecordMap,
        g: dict[str, pa.Array],
        field_of: dict[str, str],
        targets: dict[str, str],
        n: int,
        first: bool,
    ) -> tuple[list[Fault], dict[str, dict[int, str]], dict[str, tuple[int, str]]]:
        """Plan this chunk's faults; those in the standard values are patched into ``g`` here.

        Returns the faults, the patched items (item → {row: value}) and the faults left for the
        vendor encoding (:meth:`_vendor_faults`)."""
        kinds = [k for k in VENDOR_KINDS[self.profile.vendor] if k in targets and targets[k] in field_of]
        eligible = {k: _eligible(k, g[targets[k]], targets[k]) for k in kinds}
        chosen = plan(self.rng, n, self.rate, kinds, eligible, first)
        faults: list[Fault] = []
        golden_mut: dict[str, dict[int, str]] = {}  # item → {row: corrupted value}
        vendor_mut: dict[str, tuple[int, str]] = {}
        for row, kind in chosen:
            item = targets[kind]
            old = g[item][row].as_py()
            if kind in ("unmapped_gaiji", "undecodable_bytes", "hankaku_kana", "out_of_era"):
                vendor_mut[f"{row}:{item}"] = (row, kind)
                new = old
            else:
                new = corrupt(kind, old, self.w, row, self.w.layouts[rm.layout].item(item))
                golden_mut.setdefault(item, {})[row] = new
            faults.append((row, kind, field_of[item], item, f"{old} → {new}" if new != old else ""))
            if kind == "duplicate_key" and item == "kazei_nendo" and "shotoku_nen" in g:
                golden_mut.setdefault("shotoku_nen", {})[row] = str(int(new) - 1)
        for item, changes in golden_mut.items():  # a few rows per chunk: patched, not rebuilt
            g[item] = patch(g[item], np.fromiter(changes, np.int64, len(changes)), list(changes.values()))
        return faults, golden_mut, vendor_mut

    def _encode(
        self,
        rm: RecordMap,
        g: dict[str, pa.Array],
        vform: dict[str, pa.Array],
        golden_mut: dict[str, dict[int, str]],
        n: int,
        memo_from: int,
    ) -> dict[str, pa.Array]:
        """Each vendor field in its vendor form (a faulted 外字 item keeps its standard value)."""
        gaiji_items = GAIJI_ITEMS.get(rm.layout, ())
        cols: dict[str, pa.Array] = {}
        for fname in rm.map:
            src = rm.source(fname)
            if src.enc == "const":
                cols[fname] = const(src.value or "", n)
                continue
            if src.enc == "memo":
                cols[fname] = encode.memo(np.arange(memo_from, memo_from + n))
                continue
            assert src.item is not None
            v = (
                vform.get(src.item, g[src.item])
                if src.item in gaiji_items and src.item not in golden_mut
                else g[src.item]
            )
            if src.enc == "hankaku":
                v = encode.hankaku(v)
            elif src.enc == "wareki":
                eras = self._era_names(rm, src.item, g)
                v = encode.wareki(v, self.profile.era_codes, eras)
            elif src.enc == "slash":
                v = encode.slash(v)
            elif src.enc == "compact":
                v = encode.compact(v)
            cols[fname] = v
        return cols

    def _vendor_faults(
        self,
        cols: dict[str, pa.Array],
        g: dict[str, pa.Array],
        vendor_mut: dict[str, tuple[int, str]],
        field_of: dict[str, str],
        targets: dict[str, str],
    ) -> None:
        """Patch the faults that live in the vendor encoding into ``cols``."""
        vchanges: dict[str, dict[int, str]] = {}
        for row, kind in vendor_mut.values():
            item = targets[kind]
            fname = field_of[item]
            cur = cols[fname][row].as_py()
            if kind == "unmapped_gaiji":
                cur = self.w.gaiji.unmapped_code(self.profile.vendor) + cur[1:]
            elif kind == "hankaku_kana":
                cur = encode.hankaku(pa.array([cur])).to_pylist()[0]
            elif kind == "undecodable_bytes" and not self.fixed:
                cur = UNDECODABLE_MARK + cur
            elif kind == "out_of_era":
                cur = encode.wareki_forced(pa.array([g[item][row].as_py()]), self.profile.era_codes, "平成")[
                    0
                ].as_py()
            vchanges.setdefault(fname, {})[row] = cur
        for fname, changes in vchanges.items():
            cols[fname] = patch(
                cols[fname], np.fromiter(changes, np.int64, len(changes)), list(changes.values())
            )

    def _era_names(self, rm: RecordMap, item: str, g: dict[str, pa.Array]) -> pa.Array | None:
        """Golden 元号 names for a date item that has an ``era_of`` companion (keeps 不詳 births' era)."""
        layout = self.w.layouts[rm.layout]
        for it in layout.items:
            if it.era_of == item and it.id in g:
                values = self.w.codes[it.codes].values if it.codes else []
                codes = pa.array([v.code for v in values], pa.string())
                names = pa.array([v.name for v in values] + [""], pa.string())
                idx = pc.fill_null(pc.index_in(g[it.id], value_set=codes), len(values))  # unknown code → ""
                return names.take(idx)
        return None


def _eligible(kind: str, v: pa.Array, item: str) -> np.ndarray:
    """Rows of ``v`` (the values of ``item``) a fault of ``kind`` can go to."""
    nonblank = np.asarray(pc.not_equal(v, "").to_numpy(zero_copy_only=False), dtype=bool)
    if kind == "out_of_era":
        return nonblank & np.asarray(
            pc.greater_equal(v, "2019-05-01").to_numpy(zero_copy_only=False), dtype=bool
        )
    if kind == "unmapped_gaiji" or kind == "undecodable_bytes":
        kanji = np.asarray(
            pc.match_substring_regex(v, "^[\u4e00-\u9fff]").to_numpy(zero_copy_only=False), dtype=bool
        )
        return nonblank & kanji
    if kind == "duplicate_key" and item == "rireki_no":
        return np.asarray(pc.not_equal(v, "1").to_numpy(zero_copy_only=False), dtype=bool)
    if kind == "duplicate_key" and item == "kazei_nendo":
        return np.asarray(pc.equal(v, "2025").to_numpy(zero_copy_only=False), dtype=bool)
    if kind == "hankaku_kana":
        return nonblank & np.asarray(
            pc.match_substring_regex(v, "^[\u30a1-\u30fa]").to_numpy(zero_copy_only=False), dtype=bool
        )
    return nonblank
