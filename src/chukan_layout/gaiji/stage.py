"""The 外字 stage: map vendor 外字 through the 外字対応表, flag what the receiver cannot store.

Runs in ``convert`` after the adapt stage, on standard-layout batches::

    stage = GaijiStage(layout, [load_table("gaiji/vendor_a.tsv")], source_system="vendor_a")
    batch, sidecar = stage.apply(batch, findings, file="JUMIN.DAT")   # append sidecar to gaiji.csv

Detection is one numpy pass over each text item's UTF-8 bytes (:mod:`.detect`); only the
*distinct* values that hold a PUA code or a character outside the item's charset are handled in
Python, once per run and item profile, and spread back over their rows with Arrow takes
(:mod:`.occurrences`); only those rows are rewritten (a ``take`` over the column and their new
values). Names are never NFC/NFKC-normalized: a character changes only through a table entry or an explicit ``degrade`` / ``replace`` policy, and the CJK
compatibility ideographs U+F900–FAFF pass through untouched unless a table maps them.

Every occurrence produces one sidecar row ``(file, record, item, position, source_code, result,
status)`` — position is the 1-based code-point index in the original value, codes are
``U+XXXX`` notation — so the original code is never lost, whatever the policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from ..findings import FindingSet, Sensitivity
from ..readers.fixed_width import int64_array
from ..spec.model import ItemType, Layout
from .detect import suspicious_rows_many, tokens
from .mj_index import MJIndex
from .occurrences import Hit, sidecar_table, spread
from .outcomes import SIDECAR_SCHEMA, STATUS_CODE, error_records  # noqa: F401  (error_records: re-exported)
from .policy import GETA, Action, Policy, parse_policies
from .summary import GaijiSummary
from .table import MappingEntry, MappingTable, Status, format_code_points
from .targets import JIS_COMBINING, VS_RANGES, TargetSet, is_pua, is_vs, target_set

_TARGETED = ("jis_x0208", "jis_x0213", "cp932", "mj")
VendorCodes = Mapping[str, str] | Callable[[str], str | None]
_Hit = Hit
_VALUE_CACHE = 4096  # distinct suspicious values remembered per layout (≈ 570 B each: 50,000 grew a
# worker by ≈ 20 MiB between 1M and 5M residents; 4,096 keeps it flat at no CPU cost, RESULTS.md D)
_TOKEN_CACHE = 100_000  # distinct tokens remembered per item profile (a few thousand kanji in practice)
_Token = tuple[str, str, str, str, str, str | None]  # result, status, detail, code, result code, finding code
_UNKNOWN = object()
_JOINER = re.compile(
    "[" + "".join(f"\\U{a:08X}-\\U{b:08X}" for a, b in VS_RANGES) + "".join(f"\\U{c:08X}" for c in sorted(JIS_COMBINING)) + "]"
)  # fmt: skip


def _spec(layout: Any) -> Layout:
    if isinstance(layout, Layout):
        return layout
    for attr in ("spec", "layout"):
        inner = getattr(layout, attr, None)
        if isinstance(inner, Layout):
            return inner
    raise TypeError(f"expected a Layout or LoadedLayout, got {type(layout).__name__}")


class _Item:
    __slots__ = ("charset", "id", "policy", "profile", "sensitivity", "target")

    def __init__(
        self, item_id: str, target: TargetSet, policy: Policy, sensitivity: Sensitivity, charset: str
    ):
        self.id, self.target, self.policy, self.sensitivity, self.charset = (
            item_id, target, policy, sensitivity, charset)  # fmt: skip
        self.profile = 0  # items with the same target set, policy and charset share one (GaijiStage)


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
        profiles: dict[tuple[int, Policy, str], int] = {}  # same answers for 氏名, 世帯主氏名, 筆頭者 …
        for item in self.items:
            item.profile = profiles.setdefault((id(item.target), item.policy, item.charset), len(profiles))
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
        self._values: dict[tuple[int, str], tuple[str | None, list[_Hit]]] = {}
        self._tokens: dict[int, dict[str, _Token | None]] = {}  # per profile; None: storable as it is

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
        """Map one batch. Returns the mapped batch and its sidecar rows (:data:`SIDECAR_SCHEMA`).

        Each distinct suspicious value of an item is worked out once (:meth:`_value`) and
        spread over its rows by :func:`.occurrences.spread` (no Python loop over rows)."""
        records = batch.column("_record").to_numpy(zero_copy_only=False) if "_record" in batch.schema.names \
            else np.arange(1, batch.num_rows + 1, dtype=np.int64)  # fmt: skip
        columns = list(batch.columns)
        sides: list[pa.Table] = []
        # finding events per (code, item): records, original values, details
        events: dict[tuple[str, str], tuple[np.ndarray, list[str], list[str]]] = {}
        self._summary.records += batch.num_rows
        for item, col_i, idx in self._detect(batch):
            arr = columns[col_i]
            self._summary.values_inspected += int(idx.size)
            sp = spread(arr, idx, records, lambda v, it=item: self._value(it, v))  # type: ignore[misc]
            if sp.size:
                sides.append(sidecar_table(sp, SIDECAR_SCHEMA, file, item.id))
            counts: dict[tuple[str, str, str, str], int] = {}  # one _count per kind of hit, not per hit
            for hit, weight in zip(sp.hits, sp.weights.tolist(), strict=True):
                if weight:
                    key = (hit[3], hit[5], hit[2], hit[4])
                    counts[key] = counts.get(key, 0) + weight
            for (status, code, result, detail), weight in counts.items():
                self._count(item, status, code, result, detail, weight)
            for fcode, ev in sp.events.items():
                events[(fcode, item.id)] = ev
            if sp.changed_values is not None:  # the new values appended, taken in place of the old
                # (2.5× cheaper than ``pc.replace_with_mask`` on a string column, measured)
                at = np.arange(len(arr), dtype=np.int64)
                at[sp.changed_rows] = len(arr) + np.arange(sp.changed_rows.size, dtype=np.int64)
                columns[col_i] = pa.concat_arrays([arr, sp.changed_values]).take(int64_array(at))
        sens = {it.id: it.sensitivity for it in self.items}
        for (fcode, item_id), (recs, vals, details) in sorted(events.items(), key=lambda kv: kv[0]):
            findings.add(fcode, file=file, item=item_id, records=recs, values=vals, details=details,
                         sensitivity=sens[item_id])  # fmt: skip
        out_batch = pa.RecordBatch.from_arrays(columns, schema=batch.schema)
        if not sides:
            return out_batch, SIDECAR_SCHEMA.empty_table()
        return out_batch, sides[0] if len(sides) == 1 else pa.concat_tables(sides)

    def _value(self, item: _Item, value: str) -> tuple[str | None, list[_Hit]]:
        """(the mapped value, ``None`` when unchanged; its unstorable tokens) of one suspicious
        value of an item, computed once per distinct (item profile, value) of the run.

        Names repeat (the same 外字 surname in every member of a household, in 氏名, 氏,
        世帯主氏名 and 筆頭者, items that share target set, policy and charset): the tokens,
        table look-ups and notation are worked out the first time only, and each token's answer
        once per profile (:meth:`_token`)."""
        key = (item.profile, value)
        got = self._values.get(key)
        if got is not None:
            return got
        out: list[str] = []
        hits: list[_Hit] = []
        changed = False
        answers = self._tokens.get(item.profile)
        if answers is None:
            answers = self._tokens[item.profile] = {}
        # without a selector or combining mark every character is a token of its own
        toks = enumerate(value, 1) if _JOINER.search(value) is None else tokens(value)
        for pos, tok in toks:
            ans = answers.get(tok, _UNKNOWN)
            if ans is _UNKNOWN:
                if len(answers) >= _TOKEN_CACHE:
                    answers.clear()
                ans = answers[tok] = self._token(tok, item)
            if ans is None:
                out.append(tok)
                continue
            assert isinstance(ans, tuple)
            result, status, detail, code, result_code, fcode = ans
            changed |= result != tok
            out.append(result)
            hits.append((pos, tok, result, status, detail, code, result_code, fcode))
        got = ("".join(out) if changed else None, hits)
        if len(self._values) >= _VALUE_CACHE:  # memory stays flat on a run of distinct names
            self._values.clear()
        self._values[key] = got
        return got

    def _token(self, tok: str, item: _Item) -> _Token | None:
        """None when the item's target stores ``tok``; else its result, status, detail, ``U+``
        notations and finding code."""
        if item.target.storable(tok):
            return None
        result, status, detail = self._resolve(tok, item)
        fcode = STATUS_CODE.get(status)
        if detail.startswith("not_storable:") and fcode is None:
            fcode = "gaiji.not_in_target"
        return result, status, detail, format_code_points(tok), format_code_points(result), fcode

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

    def _count(self, item: _Item, status: str, code: str, result: str, detail: str, n: int = 1) -> None:
        """Count ``n`` occurrences of one hit."""
        s = self._summary
        s.by_status[status] += n
        s.by_item[item.id] += n
        if status == "unmapped" and code.startswith("U+") and is_pua(int(code.split()[0][2:], 16)):
            s.unmapped[code] += n
            s.unmapped_items[code].add(item.id)
        elif status == "not_in_target" or detail.startswith("not_storable:"):
            key = (item.charset, format_code_points(result))
            s.not_storable[key] += n
            s.not_storable_items[key].add(item.id)

    # -- results --------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Counts by status, top unmapped codes, unstorable characters (see :mod:`.summary`)."""
        return self._summary.as_dict()

    @property
    def counters(self) -> GaijiSummary:
        """The mergeable counters behind :meth:`summary` (workers merge these)."""
        return self._summary
