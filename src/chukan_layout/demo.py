"""``python -m chukan_layout.demo`` (``make demo``): a small town's migration, end to end.

1. generate a vendor-A export (fixed width, cp932, 和暦, half-width kana, 外字 in the user
   area, a few injected faults) of about 20,000 residents into ``out/demo/input``;
2. convert and validate it with the shipped ``vendor_a`` adapter and the vendor's 外字対応表
   into ``out/demo`` (standard CSV files, rejects.csv, gaiji.csv, the report);
3. print the report's path, the per-file accounting and the verdict;
4. reconcile (突合) the town as the old system holds it (the golden standard files) with the
   same town as a new system re-exports it after loading (``generate --vendor migrated``: a few
   migration defects, one of two split files missing) into ``out/demo/reconcile``; print the
   照合表 lines that differ and the path of ``reconcile.html``.

``--residents N`` (or ``CHUKAN_DEMO_RESIDENTS``) changes the size; the seed is fixed, so the
demo gives the same files every time (``SOURCE_DATE_EPOCH`` pins the report's timestamp).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

RESIDENTS = 20_000
SEED = 2025


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m chukan_layout.demo", description=__doc__.split("\n\n")[0])
    ap.add_argument("--residents", type=int, default=int(os.environ.get("CHUKAN_DEMO_RESIDENTS", RESIDENTS)))
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("CHUKAN_DEMO_OUT", "out/demo")))
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    ap.add_argument("--faults", type=float, default=0.001)
    ap.add_argument("--gaiji-share", type=float, default=0.01)
    args = ap.parse_args(argv)

    from .findings import FindingSet
    from .pipeline import convert
    from .report import Thresholds
    from .synth.generate import generate

    out: Path = args.out
    t0 = time.perf_counter()
    print(f"generating a vendor-A export of {args.residents:,} residents (seed {SEED}) → {out / 'input'}")
    gen = generate(out / "input", vendors="a,migrated", residents=args.residents, faults=args.faults, seed=SEED,
                   gaiji_share=args.gaiji_share)  # fmt: skip
    t1 = time.perf_counter()
    table = gen.gaiji_tables["vendor_a"]
    files = [p for p in gen.vendor_files["vendor_a"] if p != table]
    print(f"  {gen.municipality}: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB, "
          f"{len(gen.faults())} injected faults ({t1 - t0:.1f} s)")  # fmt: skip
    print(f"converting + validating with adapter vendor_a and {table.name} → {out}")
    res = convert("vendor_a", files, out, validate=True, gaiji_tables=[table], workers=args.workers,
                  findings=FindingSet(max_samples=20), thresholds=Thresholds(max_error_findings=None,
                  max_reject_rate=0.01))  # fmt: skip
    t2 = time.perf_counter()
    rep = res.report
    n = sum(a.records_read - a.control_records for a in rep.accounting)
    print(f"  {n:,} data records in {t2 - t1:.1f} s ({n / max(t2 - t1, 1e-9):,.0f} records/s)")
    print(f"  {'file ファイル':<16} {'read 読込':>10} {'written 出力':>12} {'rejected 不備':>13} {'control 制御':>12}  "
          "balanced 件数一致")  # fmt: skip
    for a in rep.accounting:
        print(f"  {a.file:<16} {a.records_read:>10,} {a.written:>12,} {a.rejected:>13,} {a.control_records:>12,}  "
              f"{'yes 一致' if a.balanced else 'NO 不一致'}")  # fmt: skip
    for r in rep.reconciliation:
        print(f"  trailer トレーラ {r.file} {r.field}: declared {r.declared}, counted {r.counted} "
              f"({'ok 一致' if r.ok else 'mismatch 不一致'})")  # fmt: skip
    sev = rep.totals.findings_by_severity
    g = rep.gaiji.by_status
    print(f"  findings 検出事項: {sev['error']} error, {sev['warning']} warning, {sev['info']} info; "
          f"外字: {g.get('exact', 0) + g.get('identified', 0)} mapped, {g.get('unmapped', 0)} unmapped")  # fmt: skip
    print(f"report 報告書: {res.report_paths['html'].resolve()}")
    print(f"verdict 判定: {rep.verdict.label_ja} / {rep.verdict.label_en}  (total {t2 - t0:.1f} s)")
    from .reconciliation import reconcile
    from .reconciliation.summary import summary_lines

    print(
        f"reconciling 突合 {out / 'input' / 'golden'} (old system) with {out / 'input' / 'migrated'} (new system)"
    )
    rec = reconcile(out / "input" / "golden", out / "input" / "migrated", out / "reconcile", workers=args.workers,
                    gaiji_evidence=out / "input" / "migrated" / "gaiji.csv")  # fmt: skip
    for line in summary_lines(rec.report, only_differing_totals=True):
        print("  " + line)
    print(f"  ({time.perf_counter() - t2:.1f} s; every line of the 照合表 is in the report)")
    print(f"reconcile report 照合結果報告書: {rec.paths['html'].resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
