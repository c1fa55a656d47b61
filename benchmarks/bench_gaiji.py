"""外字 stage benchmark: the stage on 1M juki.jumin rows with 0.5% 外字, against a baseline pass.

    .venv/bin/python benchmarks/bench_gaiji.py [--rows 1000000] [--share 0.005] [--convert-residents 100000]

1. Rows: the golden 住民 file of a generated municipality (real-looking names, addresses, blanks;
   the generator's own variants 髙 﨑 𠮷 and IVS sequences included), repeated to ``--rows`` rows,
   in 65,536-row batches with all 132 items; ``--share`` of the records get a vendor PUA code in
   氏名 (90% of them mapped by the table, 10% unmapped).
2. Stage alone: ``GaijiStage.apply`` over every batch (46 text items: 40 ``mj``, others PUA-only),
   with and without the MJ index (with it, every IVS sequence is checked against MJ).
3. Baseline pass: writing the same batches as standard-layout CSV (``StandardCsvWriter``), the
   last and cheapest part of ``convert`` (a lower bound of convert time).
4. ``convert`` end to end (vendor A export of ``--convert-residents`` residents, all files) with and
   without the 外字 stage wired in (``GaijiConvertStage`` + its 外字対応表): the real overhead.
Figures go to stdout (copy them into benchmarks/RESULTS.md under "外字 stage").
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _batches(rows: int, share: float, workdir: Path) -> tuple[list[pa.RecordBatch], int]:
    from chukan_layout.readers.standard_csv import read_standard_csv
    from chukan_layout.spec.registry import load_layout
    from chukan_layout.synth.generate import generate

    gen = generate(workdir / "gen", vendors="standard", residents=5000, seed=7, layouts=["juki.jumin"])
    spec = load_layout("juki.jumin").spec
    base = pa.Table.from_batches(list(read_standard_csv(gen.golden["juki.jumin"], spec)))
    reps = -(-rows // base.num_rows)
    table = pa.concat_tables([base] * reps).slice(0, rows).combine_chunks()
    rng = np.random.default_rng(1)
    hit = np.flatnonzero(rng.random(rows) < share)
    codes = np.where(rng.random(hit.size) < 0.9, rng.integers(0, 20, hit.size), 1000)  # 1000 = unmapped
    shimei = table.column("shimei").to_pylist()
    for i, c in zip(hit.tolist(), codes.tolist(), strict=True):
        shimei[i] = chr(0xE000 + c) + shimei[i][1:]
    table = table.set_column(table.schema.get_field_index("shimei"), "shimei", pa.array(shimei, pa.string()))
    table = table.set_column(table.schema.get_field_index("_record"), "_record",
                             pa.array(np.arange(1, rows + 1), pa.int64()))  # fmt: skip
    return table.to_batches(max_chunksize=65536), int(hit.size)


def _table(path: Path) -> object:
    from chukan_layout.gaiji.table import load_table

    lines = ["source_system\tsource_code\ttarget\tmj_name\tstatus\tbasis\tnote"]
    variants = ["U+9AD9", "U+FA11", "U+20BB7", "U+845B U+E0104", "U+908A U+E0108"]
    for k in range(20):
        lines.append(f"bench\tU+{0xE000 + k:04X}\t{variants[k % len(variants)]}\t\texact\tsynthetic\t")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_table(path)


def stage_alone(batches: list[pa.RecordBatch], table: object, mj_index: object) -> tuple[float, dict]:
    from chukan_layout.findings import FindingSet
    from chukan_layout.gaiji.stage import GaijiStage
    from chukan_layout.spec.registry import load_layout

    st = GaijiStage(load_layout("juki.jumin"), [table], source_system="bench", mj_index=mj_index)  # type: ignore[list-item]
    st.apply(batches[0].slice(0, 10), FindingSet(), file="warmup")  # builds the target sets (cached)
    st = GaijiStage(load_layout("juki.jumin"), [table], source_system="bench", mj_index=mj_index)  # type: ignore[list-item]
    fs = FindingSet()
    t0, c0 = time.perf_counter(), time.process_time()
    side_rows = 0
    for b in batches:
        _, side = st.apply(b, fs, file="JUMIN.csv")
        side_rows += side.num_rows
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    s = st.summary()
    return secs, {
        "cpu_s": round(cpu, 2),
        "sidecar_rows": side_rows,
        "inspected": s["values_inspected"],
        "by_status": s["by_status"],
    }


def baseline_write(batches: list[pa.RecordBatch], out: Path) -> tuple[float, float]:
    from chukan_layout.spec.registry import load_layout
    from chukan_layout.write.standard_csv import StandardCsvWriter

    t0, c0 = time.perf_counter(), time.process_time()
    with StandardCsvWriter(out / "jumin.csv", load_layout("juki.jumin")) as w:
        for b in batches:
            w.write(b)
    return time.perf_counter() - t0, time.process_time() - c0


def convert_pair(residents: int, workdir: Path) -> dict[str, float]:
    from chukan_layout.gaiji.convert_stage import GaijiConvertStage
    from chukan_layout.gaiji.table import load_table
    from chukan_layout.pipeline import convert
    from chukan_layout.synth.generate import generate

    gen = generate(workdir / "gen_conv", vendors="a", residents=residents, seed=9)
    inputs = [p for p in gen.vendor_files["vendor_a"] if p.suffix.upper() == ".DAT"]
    table = load_table(gen.gaiji_tables["vendor_a"])
    times: dict[str, float] = {}
    for label in ("without", "with") * 3:  # alternate, three times each: the machine is shared
        t0, c0 = time.perf_counter(), time.process_time()
        if label == "with":
            with GaijiConvertStage([table], source_system="vendor_a", sidecar=workdir / "gaiji.csv") as g:
                inside = [0.0]

                def timed(layout, batch, findings, g=g, inside=inside):  # type: ignore[no-untyped-def]
                    c = time.process_time()
                    out = g(layout, batch, findings)
                    inside[0] += time.process_time() - c
                    return out

                convert("vendor_a", inputs, workdir / "out_with", stages=[timed], validate=False)
            times["inside"] = min(times.get("inside", 1e9), inside[0])
        else:
            convert("vendor_a", inputs, workdir / "out_without", validate=False)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        times[label] = min(times.get(label, 1e9), secs)
        times[label + "_cpu"] = min(times.get(label + "_cpu", 1e9), cpu)
    rows = sum(v for k, v in gen.records.items() if k.startswith("vendor_a/"))
    with open(workdir / "gaiji.csv", encoding="utf-8") as f:
        share = sum(1 for _ in f) - 1
    return {**times, "records": rows, "gaiji_occurrences": share}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--share", type=float, default=0.005)
    ap.add_argument("--convert-residents", type=int, default=100_000)
    args = ap.parse_args()
    from chukan_layout.gaiji.mj_index import MJIndex

    idx = MJIndex.load_cached()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
          f" pyarrow {pa.__version__}; MJ index cached: {idx is not None}")  # fmt: skip
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        if not args.rows:
            r = convert_pair(args.convert_residents, work)
            print(r)
            return
        batches, n_gaiji = _batches(args.rows, args.share, work)
        table = _table(work / "bench.tsv")
        n = sum(b.num_rows for b in batches)
        ivs = sum(pc.sum(pc.match_substring_regex(b.column("shimei"), "[\\x{E0100}-\\x{E01EF}]")).as_py() or 0
                  for b in batches)  # fmt: skip
        print(f"rows {n:,} in {len(batches)} batches, records with PUA 外字 {n_gaiji:,} ({n_gaiji / n:.2%}),"
              f" 氏名 with IVS {ivs:,}")  # fmt: skip
        base, base_cpu = min(baseline_write(batches, work) for _ in range(2))
        print(f"baseline (standard CSV write of the same rows): {base:.2f} s wall, {base_cpu:.2f} s CPU")
        for label, index in (("no MJ index", None), ("MJ index", idx)):
            if label == "MJ index" and idx is None:
                continue
            secs, info = min((stage_alone(batches, table, index) for _ in range(2)), key=lambda x: x[0])
            print(
                f"外字 stage alone ({label}): {secs:.2f} s wall = {secs / base:.1%} of the baseline pass "
                f"(CPU {info['cpu_s']:.2f} s = {info['cpu_s'] / base_cpu:.1%}); "
                f"{n / secs / 1000:,.0f}k rows/s; {info}"
            )
        if args.convert_residents:
            r = convert_pair(args.convert_residents, work)
            print(
                f"convert vendor A, {r['records']:,} records, {r['gaiji_occurrences']:,} 外字 occurrences "
                f"(best of 3): without stage {r['without']:.2f} s wall / {r['without_cpu']:.2f} s CPU, "
                f"with stage {r['with']:.2f} s / {r['with_cpu']:.2f} s CPU "
                f"(CPU +{(r['with_cpu'] - r['without_cpu']) / r['without_cpu']:.1%}); CPU spent inside the stage "
                f"{r['inside']:.2f} s = {r['inside'] / (r['with_cpu'] - r['inside']):.1%} of the rest of convert"
            )


if __name__ == "__main__":
    main()
