"""Fold the spill and bucket results into the :class:`~chukan_layout.report.reconcile_model.ReconcileReport`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .. import __version__
from ..files import sha256_file
from ..report.build import generated_at
from ..report.model import ToolInfo
from ..report.reconcile_model import (
    DIFFERENCE_KINDS,
    CrossRow,
    EquivalenceCount,
    FindingChange,
    ItemDifference,
    LayoutResult,
    ReconcileOptions,
    ReconcileReport,
    ReconcileVerdict,
    Sample,
    SideFile,
    SideInfo,
    TotalRow,
)
from .compare import BucketResult
from .equivalence import Equivalences
from .sources import Side
from .spill import LayoutSpill
from .totals import Group, total_value


def _side_info(s: Side) -> SideInfo:
    files = [SideFile(path=f.path, role=f.role, size=f.size, sha256=f.sha256, layout_id=f.layout_id)  # type: ignore[arg-type]
             for f in s.inputs]  # fmt: skip
    return SideInfo(name=s.name, adapter=s.adapter, files=files, conversion=s.conversion)  # type: ignore[arg-type]


def _group_label(group: Group, by: list[str], codes: dict[str, dict[str, str]]) -> str:
    out = []
    for i, v in enumerate(group):
        item = by[i] if i < len(by) else None
        name = codes.get(item, {}).get(v) if item else None
        out.append(f"{v}（{name}）" if name else (v if v != "" else "（空白）"))
    return " / ".join(out)


def _totals(
    lid: str, loaded: Any, o: LayoutSpill, n: LayoutSpill, o_has: bool, n_has: bool
) -> list[TotalRow]:
    spec = loaded.spec
    if spec.reconcile is None:
        return []
    code_names = {it.id: {v.code: v.name for v in loaded.codes[it.codes].values}
                  for it in spec.items if it.codes and it.codes in loaded.codes}  # fmt: skip
    rows = []
    for t in spec.reconcile.totals:
        ov: dict[Group, int] = o.totals.get(t.id, {})
        nv: dict[Group, int] = n.totals.get(t.id, {})
        groups = sorted(set(ov) | set(nv)) or [()]
        for g in groups:
            a = ov.get(g, 0) if o_has else None
            b = nv.get(g, 0) if n_has else None
            rows.append(TotalRow(layout_id=lid, total_id=t.id, label=t.label, label_en=t.label_en or "", kind=t.kind,
                                 group=_group_label(g, t.by, code_names), old=a, new=b, ok=a == b))  # fmt: skip
    return rows


def _cross(
    loaded: dict[str, Any], by: dict[tuple[str, str], LayoutSpill], sides: list[Side]
) -> list[CrossRow]:
    rows = []
    for lid, ll in loaded.items():
        if ll.spec.reconcile is None:
            continue
        for c in ll.spec.reconcile.cross:
            for s in sides:
                this = by.get((s.name, lid))
                other = by.get((s.name, c.layout))
                a = total_value(this.totals[c.total]) if this and this.files else None
                b = (
                    total_value(other.totals[c.other])
                    if other and other.files and c.other in other.totals
                    else None
                )
                rows.append(CrossRow(id=c.id, label=c.label, side=s.name, layout_id=lid, value=a,  # type: ignore[arg-type]
                                     other_layout_id=c.layout, other_value=b, ok=a is not None and a == b))  # fmt: skip
    return rows


def _findings_diff(sides: list[Side]) -> list[FindingChange] | None:
    if sides[0].report_json is None or sides[1].report_json is None:
        return None
    from ..report import load_report

    counts = []
    for s in sides:
        rep = load_report(s.report_json)  # type: ignore[arg-type]
        c: dict[tuple[str, str, str], int] = defaultdict(int)
        for f in rep.findings:
            c[(f.code, f.file, f.item)] += f.count
        counts.append(c)
    out = []
    for k in sorted(set(counts[0]) | set(counts[1])):
        a, b = counts[0].get(k, 0), counts[1].get(k, 0)
        if a != b:
            change = "appeared" if a == 0 else "disappeared" if b == 0 else "changed"
            out.append(FindingChange(code=k[0], file=k[1], item=k[2], old=a, new=b, change=change))  # type: ignore[arg-type]
    return out


def build_report(sides: list[Side], loaded: dict[str, Any], key_of: dict[str, list[str]], parts: dict[str, int],
                 by: dict[tuple[str, str], LayoutSpill], results: list[BucketResult], equiv: Equivalences, *,
                 unmask: bool, max_samples: int, workers: int, extra: dict[str, str] | None = None) -> ReconcileReport:  # fmt: skip
    """The report of a run (see :mod:`.engine`)."""
    per: dict[str, list[BucketResult]] = defaultdict(list)
    for r in results:
        per[r.layout].append(r)
    layouts, totals, samples = [], [], []
    for lid, ll in loaded.items():
        spec, o, n = ll.spec, by[("old", lid)], by[("new", lid)]
        counts: dict[str, int] = defaultdict(int)
        items: dict[str, int] = defaultdict(int)
        eqs: dict[tuple[str, str], int] = defaultdict(int)
        taken: dict[tuple[str, str], int] = defaultdict(int)
        for r in sorted(per[lid], key=lambda r: r.bucket):
            for k, v in r.counts.items():
                counts[k] += v
            for k2, v in r.by_item.items():
                items[k2] += v
            for k3, v in r.equivalences.items():
                eqs[k3] += v
            for s in r.samples:
                if taken[(s["kind"], s["item"])] < max_samples:
                    taken[(s["kind"], s["item"])] += 1
                    samples.append(
                        Sample.model_validate({k: ("" if v is None else str(v)) for k, v in s.items()})
                    )
        names = {it.id: it.name for it in spec.items}
        layouts.append(LayoutResult(
            layout_id=lid, title_ja=spec.title.ja, spec_version=spec.spec_version,
            layout_sha256=sha256_file(ll.path)[1] if ll.path else None, key=key_of[lid], partitions=parts[lid],
            old_files=o.files, new_files=n.files, old_records=o.records, new_records=n.records,
            old_read_rejected=o.read_rejected, new_read_rejected=n.read_rejected, matched=counts["matched"],
            identical=counts["identical"], only_old=counts["only_old"], only_new=counts["only_new"],
            duplicate_old=counts["duplicate_old"], duplicate_new=counts["duplicate_new"], changed=counts["changed"],
            items_not_compared=sorted(set(o.missing_items) | set(n.missing_items)),
            by_item=[ItemDifference(item=i, item_name=names.get(i, ""), changed=c) for i, c in
                     sorted(items.items(), key=lambda x: spec.item_ids.index(x[0]))],
            equivalences=[EquivalenceCount(item=i, item_name=names.get(i, ""), equivalence=e, count=c)
                          for (i, e), c in sorted(eqs.items())],
        ))  # fmt: skip
        totals += _totals(lid, ll, o, n, bool(o.files), bool(n.files))
    cross = _cross(loaded, by, sides)
    by_kind = {k: sum(getattr(la, k) for la in layouts) for k in DIFFERENCE_KINDS}
    reasons = [
        f"{la.layout_id}: {k} {getattr(la, k):,}"
        for la in layouts
        for k in DIFFERENCE_KINDS
        if getattr(la, k)
    ]
    reasons += [f"{la.layout_id}: {la.old_read_rejected + la.new_read_rejected:,} unreadable rows"
                for la in layouts if la.old_read_rejected or la.new_read_rejected]  # fmt: skip
    bad_totals = [t for t in totals if not t.ok]
    if bad_totals:
        reasons.append(f"照合表: {len(bad_totals)} of {len(totals)} lines differ")
    reasons += [f"cross-layout {c.id} ({c.side}): {c.value} vs {c.other_value}" for c in cross if not c.ok]
    for sd in sides:
        if sd.conversion.get("rejected"):
            reasons.append(f"{sd.name}: {sd.conversion['rejected']:,} records rejected by the conversion")
    verdict = ReconcileVerdict(status="mismatch" if reasons else "match", label_ja="不一致" if reasons else "一致",
                               label_en="mismatch" if reasons else "match", reasons=reasons)  # fmt: skip
    options = ReconcileOptions(equivalences=equiv.names(), code_map=equiv.code_map_file,
                               gaiji_evidence=equiv.evidence_file, keys=key_of, masking=not unmask,
                               max_samples=max_samples, workers=workers, extra=extra or {})  # fmt: skip
    return ReconcileReport(generated_at=generated_at(), tool=ToolInfo(version=__version__), verdict=verdict,
                           old=_side_info(sides[0]), new=_side_info(sides[1]), layouts=layouts, totals=totals,
                           cross=cross, samples=samples, findings_diff=_findings_diff(sides),
                           differences_total=sum(by_kind.values()), differences_by_kind=by_kind, options=options)  # fmt: skip
