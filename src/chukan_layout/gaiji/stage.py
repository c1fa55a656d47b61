"""The 外字 stage: map vendor 外字 through the 外字対応表, flag what the receiver cannot store.

Runs in ``convert`` after the adapt stage, on standard-layout batches::

    stage = GaijiStage(layout, [load_table("gaiji/vendor_a.tsv")], source_system="vendor_a")
    batch, sidecar = stage.apply(batch, findings, file="JUMIN.DAT")   # append sidecar to gaiji.csv

Detection is one RE2 pass per text item (:mod:`.detect`); only the few values that hold a PUA
code or a character outside the item's charset are handled in Python, and only those rows are
rewritten (``pc.replace_with_mask``). Names are never NFC/NFKC-normalized: a character changes
only through a table entry or an explicit ``degrade`` / ``replace`` policy, and the CJK
compatibility ideographs U+F900–FAFF pass through untouched unless a table maps them.

Every occurrence produces one sidecar row ``(file, record, item, position, source_code, result,
status)`` — position is the 1-based code-point index in the original value, codes are
``U+XXXX`` notation — so the original code is never lost, whatever the policy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..findings import FindingSet, Sensitivity, register_code
from ..spec.model import ItemType, Layout
from .detect import suspicious_rows_many, tokens
from .mj_index import MJIndex
from .policy import GETA, Action, Policy, parse_policies
from .summary import GaijiSummary
from .table import MappingEntry, MappingTable, Status, format_code_points
from .targets import TargetSet, is_pua, is_vs, target_set

register_code(
    "gaiji.unmapped",
    "error",
    "外字 without a usable mapping; original code kept",
    "外字の対応先がない（元のコードのまま）",
    stage="gaiji",
    doc="A PUA 外字 has no entry (or an `unmapped` one) in the 外字対応表, or the item's policy is `error`.\n"
    "Bad: 氏名 `山\\ue000` with no table entry for U+E000. Good: the table maps U+E000 → 髙 (U+9AD9).",
)
register_code(
    "gaiji.degraded",
    "warning",
    "外字 replaced by a substitute (代替)",
    "外字を代替文字に置き換えた",
    stage="gaiji",
    doc="A `degraded` table entry, a degrade fallback or a dropped IVS selector changed the character.\n"
    "Bad: U+E002 → 高 for 髙 (a different glyph, flagged). Good: an exact entry U+E002 → 髙.",
)
register_code(
    "gaiji.replaced",
    "warning",
    "外字 replaced by 〓 (policy replace)",
    "外字を〓に置き換えた",
    stage="gaiji",
    doc="The item's policy is `replace`: every 外字 became 〓 U+3013.\n"
    "Bad: 備考 `\\ue000号棟` → `〓号棟`. Good: map the code through the table instead.",
)
register_code(
    "gaiji.not_in_target", "warning", "character the receiving charset cannot store",
    "受入側の文字集合で保持できない文字",
    stage="gaiji",
    doc="A character (or IVS sequence) of the output value is outside the item's charset.\n"
    "Bad: 髙 in an item with charset jis_x0213. Good: 高 there, or charset mj / cp932.",
)  # fmt: skip

SIDECAR_SCHEMA = pa.schema(
    [  # type: ignore[arg-type]
        pa.field("file", pa.string()),
        pa.field("record", pa.int64()),
        pa.field("item", pa.string()),
        pa.field("position", pa.int32()),
        pa.field("source_code", pa.string()),
        pa.field("result", pa.string()),
        pa.field("status", pa.string()),
    ]
)
STATUS_CODE = {"unmapped": "gaiji.unmapped", "degraded": "gaiji.degraded", "replaced": "gaiji.replaced",
               "not_in_target": "gaiji.not_in_target"}  # fmt: skip
_TARGETED = ("jis_x0208", "jis_x0213", "cp932", "mj")
VendorCodes = Mapping[str, str] | Callable[[str], str | None]
# one unstorable token of a value: position, token, result, status, detail, source code and
# result in U+ notation, finding code (or None)
_Hit = tuple[int, str, str, str, str, str, str, str | None]
_VALUE_CACHE = 50_000  # distinct suspicious values remembered per layout


def _spec(layout: Any) -> Layout:
    if isinstance(layout, Layout):
        return layout
    for attr in ("spec", "layout"):
        inner = getattr(layout, attr, None)
        if isinstance(inner, Layout):
            return inner
    raise TypeError(f"expected a Layout or LoadedLayout, got {type(layout).__name__}")


class _Item:
    __slots__ = ("charset", "id", "policy", "sensitivity", "target")

    def __init__(
        self, item_id: str, target: TargetSet, policy: Policy, sensitivity: Sensitivity, charset: str
    ):
        self.id, self.target, self.policy, self.sensitivity, self.charset = (
            item_id, target, policy, sensitivity, charset)  # fmt: skip


class GaijiStage:
    """Apply 外字 policies to the text items of one layout (see module docstring).

    ``tables`` are consulted for ``source_system`` only; a later table overrides an earlier
    one for the same code (so a reviewed table can be layered over a vendor table).
    ``vendor_codes`` resolves ``X'hex'`` source codes to the text the reader decoded them to.
    """

    def __init__(
        self,
        layout: Any,
        tables: list[MappingTable],
        *,
        source_system: str,
        policies: Mapping[str, Policy | str] | None = None,
        default_policy: Policy | str = Action.MAP,
        mj_index: MJIndex | None = None,
        vendor_codes: VendorCodes | None = None,
    ) -> None:
        self.layout = _spec(layout)
        self.source_system = source_system
        self.mj_index = mj_index
        pol = parse_policies(policies)
        unknown = set(pol) - set(self.layout.item_ids)
        if unknown:
            from ..errors import GaijiError

            raise GaijiError(f"policy for unknown item(s) {', '.join(sorted(unknown))} in {self.layout.id}")
        default = Policy.parse(default_policy)
        self.items: list[_Item] = []
        for it in self.layout.items:
            if it.type is not ItemType.TEXT and it.id not in pol:
                continue
            cs = str(it.charset.value) if it.charset.value in _TARGETED else "any"
            self.items.append(_Item(it.id, target_set(cs if cs != "any" else None, mj_index),
                                    pol.get(it.id, default), it.sensitivity, cs))  # fmt: skip
        self.lookup: dict[str, MappingEntry] = {}
        self.unresolved: list[MappingEntry] = []
        for table in tables:
            for e in table.for_system(source_system):
                key = e.key
                if key is None and vendor_codes is not None:
                    key = (
                        vendor_codes(e.source_code)
                        if callable(vendor_codes)
                        else vendor_codes.get(e.source_code)
                    )
                if key is None:
                    self.unresolved.append(e)
                else:
                    self.lookup[key] = e
        self._summary = GaijiSummary()
        self._values: dict[tuple[str, str], tuple[str | None, list[_Hit]]] = {}

    # -- per value ------------------------------------------------------------------------
    def _resolve(self, tok: str, item: _Item) -> tuple[str, str, str]:
        """(result text, status, detail) for one unstorable token under the item's policy."""
        pol, target = item.policy, item.target
        pua = any(is_pua(ord(c)) for c in tok)
        compat = 0xF900 <= ord(tok[0]) <= 0xFAFF
        if pol.action is Action.ERROR:
            return tok, ("unmapped" if pua else "not_in_target"), "policy error"
        if pol.action is Action.REPLACE:
            if pua or not compat:
                return GETA, "replaced", "policy replace"
            return tok, "not_in_target", item.charset
        entry = self.lookup.get(tok) or (self.lookup.get(tok[0]) if len(tok) > 1 and pua else None)
        if entry is not None and entry.status is not Status.UNMAPPED:
            result, status = entry.target, str(entry.status)
            if len(tok) > 1 and entry.key == tok[0]:
                result += tok[1:]  # keep a selector that followed the PUA code
            if not all(target.storable(t) for _, t in tokens(result)):
                if pol.action is Action.DEGRADE:
                    base = "".join(c for c in result if not is_vs(ord(c)))
                    if base and all(target.storable(t) for _, t in tokens(base)):
                        return base, "degraded", f"variation selector dropped for {item.charset}"
                    return pol.fallback, "degraded", f"mapped target not storable in {item.charset}"
                return result, status, f"not_storable:{item.charset}"
            return result, status, entry.basis
        if pua:
            if pol.action is Action.DEGRADE:
                return pol.fallback, "degraded", "no mapping: fallback"
            return tok, "unmapped", "no mapping" if entry is None else "table: unmapped"
        return tok, "not_in_target", item.charset

    # -- per batch ------------------------------------------------------------------------
    def apply(
        self, batch: pa.RecordBatch, findings: FindingSet, *, file: str
    ) -> tuple[pa.RecordBatch, pa.Table]:
        """Map one batch. Returns the mapped batch and its sidecar rows (:data:`SIDECAR_SCHEMA`)."""
        records = batch.column("_record").to_numpy(zero_copy_only=False) if "_record" in batch.schema.names \
            else np.arange(1, batch.num_rows + 1, dtype=np.int64)  # fmt: skip
        columns = list(batch.columns)
        side: dict[str, list[Any]] = {f.name: [] for f in SIDECAR_SCHEMA}
        # finding events per (code, item): records, original values, details
        events: dict[tuple[str, str], tuple[list[int], list[str], list[str]]] = {}
        self._summary.records += batch.num_rows
        for item, col_i, idx in self._detect(batch):
            arr = columns[col_i]
            self._summary.values_inspected += int(idx.size)
            originals = arr.take(pa.array(idx)).to_pylist()
            changed_idx: list[int] = []
            changed_val: list[str] = []
            for row, value in zip(idx.tolist(), originals, strict=True):
                if value is None:
                    continue
                rec = int(records[row])
                new_value, hits = self._value(item, value)
                for pos, tok, result, status, detail, code, result_code, fcode in hits:
                    for k, v in (("file", file), ("record", rec), ("item", item.id), ("position", pos),
                                 ("source_code", code), ("result", result_code), ("status", status)):  # fmt: skip
                        side[k].append(v)
                    self._count(item, status, code, result, detail)
                    if fcode:
                        ev = events.setdefault((fcode, item.id), ([], [], []))
                        ev[0].append(rec)
                        ev[1].append(value)
                        ev[2].append(f"{code}→{result_code}" if result != tok else code)
                if new_value is not None:
                    changed_idx.append(row)
                    changed_val.append(new_value)
            if changed_idx:
                mask = np.zeros(len(arr), dtype=bool)
                mask[changed_idx] = True
                columns[col_i] = pc.replace_with_mask(
                    arr, pa.array(mask), pa.array(changed_val, type=arr.type)
                )
        sens = {it.id: it.sensitivity for it in self.items}
        for (fcode, item_id), (recs, vals, details) in sorted(events.items()):
            findings.add(fcode, file=file, item=item_id, records=np.asarray(recs, dtype=np.int64),
                         values=vals, details=details, sensitivity=sens[item_id])  # fmt: skip
        out_batch = pa.RecordBatch.from_arrays(columns, schema=batch.schema)
        return out_batch, pa.table(side, schema=SIDECAR_SCHEMA)

    def _value(self, item: _Item, value: str) -> tuple[str | None, list[_Hit]]:
        """(the mapped value, ``None`` when unchanged; its unstorable tokens) of one suspicious
        value of an item, computed once per distinct (item, value) of the run.

        Names repeat (the same 外字 surname in every member of a household, in 氏名 and 氏):
        the tokens, table look-ups and notation are worked out the first time only."""
        key = (item.id, value)
        got = self._values.get(key)
        if got is not None:
            return got
        out: list[str] = []
        hits: list[_Hit] = []
        changed = False
        for pos, tok in tokens(value):
            if item.target.storable(tok):
                out.append(tok)
                continue
            result, status, detail = self._resolve(tok, item)
            changed |= result != tok
            out.append(result)
            fcode = STATUS_CODE.get(status)
            if detail.startswith("not_storable:") and fcode is None:
                fcode = "gaiji.not_in_target"
            hits.append((pos, tok, result, status, detail, format_code_points(tok),
                         format_code_points(result), fcode))  # fmt: skip
        got = ("".join(out) if changed else None, hits)
        if len(self._values) >= _VALUE_CACHE:  # memory stays flat on a run of distinct names
            self._values.clear()
        self._values[key] = got
        return got

    def _detect(self, batch: pa.RecordBatch) -> list[tuple[_Item, int, np.ndarray]]:
        """Suspicious row indices per item: one two-pass RE2 scan per target set per batch."""
        names = batch.schema.names
        groups: dict[int, list[tuple[_Item, int]]] = {}
        for item in self.items:
            if item.id in names:
                groups.setdefault(id(item.target), []).append((item, names.index(item.id)))
        out: list[tuple[_Item, int, np.ndarray]] = []
        for members in groups.values():
            hits = suspicious_rows_many([batch.column(i) for _, i in members], members[0][0].target)
            out += [(item, col_i, h) for (item, col_i), h in zip(members, hits, strict=True) if h.size]
        return out

    def _count(self, item: _Item, status: str, code: str, result: str, detail: str) -> None:
        s = self._summary
        s.by_status[status] += 1
        s.by_item[item.id] += 1
        if status == "unmapped" and code.startswith("U+") and is_pua(int(code.split()[0][2:], 16)):
            s.unmapped[code] += 1
            s.unmapped_items[code].add(item.id)
        elif status == "not_in_target" or detail.startswith("not_storable:"):
            key = (item.charset, format_code_points(result))
            s.not_storable[key] += 1
            s.not_storable_items[key].add(item.id)

    # -- results --------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Counts by status, top unmapped codes, unstorable characters (see :mod:`.summary`)."""
        return self._summary.as_dict()

    @property
    def counters(self) -> GaijiSummary:
        """The mergeable counters behind :meth:`summary` (workers merge these)."""
        return self._summary


def error_records(sidecar: pa.Table, findings: FindingSet | None = None) -> np.ndarray:
    """Sorted unique record numbers whose sidecar status maps to an error-severity finding code.

    With the default severities that is every ``unmapped`` occurrence; the caller rejects those
    records when errors reject. Per file: filter ``sidecar`` by ``file`` first when mixing files.
    """
    fs = findings or FindingSet()
    bad = [s for s, code in STATUS_CODE.items() if str(fs.severity(code)) == "error"]
    if sidecar.num_rows == 0 or not bad:
        return np.empty(0, dtype=np.int64)
    mask = pc.is_in(sidecar.column("status"), value_set=pa.array(bad))
    return np.unique(sidecar.filter(mask).column("record").to_numpy())
