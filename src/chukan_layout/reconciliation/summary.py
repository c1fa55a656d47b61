"""The console summary of a reconcile run: the 照合表 and the per-layout counts (CLI and demo)."""

from __future__ import annotations

from ..report.reconcile_model import ReconcileReport


def summary_lines(rep: ReconcileReport, *, only_differing_totals: bool = False) -> list[str]:
    """Lines to print: every 照合表 line (✔/✘, old / new / diff), cross-layout totals, counts, verdict."""
    out = ["照合表 control totals (old / new / diff):"]
    shown = [t for t in rep.totals if not (only_differing_totals and t.ok)]
    for t in shown:
        diff = "—" if t.diff is None else f"{t.diff:+,}"
        old = "—" if t.old is None else f"{t.old:,}"
        new = "—" if t.new is None else f"{t.new:,}"
        group = f" [{t.group}]" if t.group else ""
        out.append(f"  {'✔' if t.ok else '✘'} {t.layout_id} {t.label}{group}: {old} / {new} / {diff}")
    if len(shown) < len(rep.totals):
        out.append(f"  ✔ {len(rep.totals) - len(shown)} more lines match")
    for c in rep.cross:
        out.append(f"  {'✔' if c.ok else '✘'} {c.label} ({c.side}): {c.value} = {c.other_value}")
    out.append("records 件数 (old / new; only-old, only-new, duplicates, changed):")
    for la in rep.layouts:
        out.append(f"  {la.layout_id}: {la.old_records:,} / {la.new_records:,}; {la.only_old:,}, {la.only_new:,}, "
                   f"{la.duplicate_old + la.duplicate_new:,}, {la.changed:,}")  # fmt: skip
    out.append(f"verdict 判定: {rep.verdict.label_ja} / {rep.verdict.label_en}")
    return out
