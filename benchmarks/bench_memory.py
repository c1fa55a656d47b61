"""Peak RSS of ``convert`` and ``validate`` as the input grows (issue 15 point 5: nothing grows with N).

    python benchmarks/bench_memory.py --data data/town_1000000 data/town_5000000 \\
        --vendors a,b,c --workers 1,2 --executors processes,dask --validate
    python benchmarks/bench_memory.py --sizes 50000 200000        # generate small towns (bench_e2e)

A data folder is a ``chukan-layout generate`` town (vendor_a/JUMIN.DAT + SETAI.DAT + GAIJI_A.tsv,
vendor_b/jumin.csv + setai.csv, vendor_c/JUMIN.EBC + SETAI.EBC, golden/juki_jumin.csv). Each
case — vendor × executor × workers, and ``validate`` of the 住民 standard CSV — runs end to end
(validation, 外字 table, report) in a fresh process (``_measure.run_case``); its outputs are
deleted afterwards (disk). Printed per case: records, wall and CPU seconds, peak RSS of the
parent (``own``: its ``ru_maxrss``), of the largest other process of the tree (``worker``:
pool worker, Dask worker or nanny, sampled every 50 ms with psutil), of the whole tree
(``tree``: the sampled sum, pages shared after fork counted once per process), and the load
average. "Flat" means the same peak per process at every size: compare rows of one case
across sizes. The summary also gives each process's sampled RSS median / 99th percentile: a peak
is the maximum of a level that moves with every batch, and a longer run meets more of its highs.
``--results`` writes the table as a Markdown block to a file.

``--repeat K`` runs the cases of each vendor K times, alternated (with ``--workers 1,2
--executors processes,dask``: processes 1, 2, dask 1, 2, then again), and measures the host's
parallel capacity before each round and after the last: on a shared machine one pair of walls
moves with the others' jobs, so the summary gives per executor each round's 2-vs-1 ratio (the
two runs of one round, minutes apart at most), their median, and the capacity around each round.
Every run is a row of the table: none is dropped.

    python benchmarks/bench_memory.py --data data/town_1000000 --vendors a --workers 1,2 \
        --executors processes,dask --repeat 3 --scratch DIR
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import run_case  # noqa: E402

# vendor → (住民 file, 世帯 file, 外字 table) in a generated town
TOWN_FILES = {
    "vendor_a": ("JUMIN.DAT", "SETAI.DAT", "GAIJI_A.tsv"),
    "vendor_b": ("jumin.csv", "setai.csv", "gaiji_b.tsv"),
    "vendor_c": ("JUMIN.EBC", "SETAI.EBC", "GAIJI_C.tsv"),
}
LIMIT_MIB = 300


def convert_case(adapter: str, inputs: list[str], out_dir: str, workers: int = 1, executor: str = "processes",
                 gaiji_tables: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    """``convert`` end to end (validation on, 外字 tables, reports); the outputs' SHA-256 returned."""
    from chukan_layout import pipeline

    shutil.rmtree(out_dir, ignore_errors=True)
    opts = pipeline.ConvertOptions(workers=workers, executor=executor, gaiji_tables=tuple(gaiji_tables or ()),
                                   validate=True)  # fmt: skip
    with dask_phases() as phases:
        res = pipeline.convert(adapter, [Path(p) for p in inputs], out_dir, opts)
    return {
        "phases": phases,
        "records_in": res.records_in,
        "records_out": res.records_out,
        "rejects": res.rejects,
        "bytes_in": sum(Path(p).stat().st_size for p in inputs),
        "sha256": {Path(p).name: sha for p, (_, sha) in sorted(res.hashes.items())},
    }


@contextmanager
def dask_phases() -> Iterator[dict[str, float]]:
    """The phases of a Dask run (``DaskSession.timings``: seconds since the session started),
    as the executor logs them when it closes; empty with the process executor."""
    phases: dict[str, float] = {}

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            phases.update({k: round(v, 2) for k, v in getattr(record, "phases", {}).items()})

    lg, h = logging.getLogger("chukan_layout.pipeline._dask"), Keep()
    lg.setLevel(logging.INFO)
    lg.addHandler(h)
    try:
        yield phases
    finally:
        lg.removeHandler(h)


def validate_case(
    inputs: list[str], report_dir: str, workers: int = 1, executor: str = "processes"
) -> dict[str, Any]:
    """``validate`` of standard CSV files (layout recognised from the header row)."""
    from chukan_layout.pipeline.standard import validate_files

    shutil.rmtree(report_dir, ignore_errors=True)
    with dask_phases() as phases:
        res = validate_files([Path(p) for p in inputs], layouts_auto=True, workers=workers, executor=executor,
                             report_dir=report_dir)  # fmt: skip
    return {
        "records_in": res.report.totals.records_read,
        "records_out": res.report.totals.records_read,
        "rejects": 0,
        "bytes_in": sum(Path(p).stat().st_size for p in inputs),
        "sha256": {},
        "phases": phases,
    }


def town_cases(town: Path, vendors: list[str], workers: list[int], executors: list[str], validate: bool,
               scratch: Path) -> list[dict[str, Any]]:  # fmt: skip
    """The cases of one town folder, as ``run_case`` keyword arguments plus a label."""
    cases = []
    for v in vendors:
        vendor = f"vendor_{v}"
        jumin, setai, table = (town / vendor / n for n in TOWN_FILES[vendor])
        for ex in executors:
            for w in workers:
                cases.append({"label": (vendor, ex, w), "target": "bench_memory:convert_case",
                              "kwargs": {"adapter": vendor, "inputs": [str(jumin), str(setai)], "workers": w,
                                         "executor": ex, "gaiji_tables": [str(table)],
                                         "out_dir": str(scratch / f"mem{os.getpid()}_{vendor}_{ex}_{w}")}})  # fmt: skip
    if validate:
        std = town / "golden" / "juki_jumin.csv"
        for ex in executors:
            for w in workers:
                cases.append({"label": ("validate 住民", ex, w), "target": "bench_memory:validate_case",
                              "kwargs": {"inputs": [str(std)], "workers": w, "executor": ex,
                                         "report_dir": str(scratch / f"mem{os.getpid()}_validate_{ex}_{w}")}})  # fmt: skip
    return cases


def residents_of(town: Path) -> int:
    try:
        return int(json.loads((town / "manifest.json").read_text())["params"]["residents"])
    except (OSError, KeyError, ValueError):  # a town still being written (.town_N.tmp): N from the name
        m = re.search(r"_(\d+)", town.name)
        return int(m.group(1)) if m else 0


def table(rows: list[dict[str, Any]]) -> str:
    rounds = any(r.get("round", 1) > 1 for r in rows)  # a round column only with --repeat
    head = ("| residents | case | executor | workers | records | wall s | cpu s | own MiB | worker MiB "
            "| tree MiB | ≤ 300/process | load |") + (" round |" if rounds else "")  # fmt: skip
    lines = [head, "|" + "---|" * (13 if rounds else 12)]
    for r in rows:
        per = max(r["own"], r["worker"])
        lines.append(f"| {r['residents']:,} | {r['case']} | {r['executor']} | {r['workers']} | {r['records']:,} "
                     f"| {r['seconds']} | {r['cpu']} | {r['own']} | {r['worker'] or '-'} | {r['tree']} "
                     f"| {'yes' if per <= LIMIT_MIB else 'NO'} | {r['load']} |"
                     + (f" {r.get('round', 1)} |" if rounds else ""))  # fmt: skip
    return "\n".join(lines)


def parallel_capacity() -> float:
    """What a second process gets here now: the time of one CPU-bound process ÷ that of two at once, × 2.

    2.0 on an idle 2-core machine; ~1.0 when other jobs already fill the second core (then no
    executor can show a 2-worker speed-up). Measured in the same invocation as the cases."""
    import subprocess
    import time

    cmd = [sys.executable, "-c", "sum(range(6 * 10**7))"]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    procs = [subprocess.Popen(cmd) for _ in range(2)]
    for pr in procs:
        pr.wait()
    two = time.perf_counter() - t0
    return 2 * one / two


def ratios(rows: list[dict[str, Any]]) -> dict[str, list[tuple[int, float, float, float, float | None]]]:
    """Per executor, per round: (round, wall with the fewest workers, with the most, their ratio, the
    parallel capacity measured before the round); rows of one size and case. A round missing either
    run gives no ratio (its rows stay in the table)."""
    out: dict[str, list[tuple[int, float, float, float, float | None]]] = {}
    for ex in dict.fromkeys(r["executor"] for r in rows):
        for rnd in sorted({r.get("round", 1) for r in rows if r["executor"] == ex}):
            rs = [r for r in rows if r["executor"] == ex and r.get("round", 1) == rnd]
            by_w = {r["workers"]: r.get("wall", r["seconds"]) for r in rs}
            lo, hi = min(by_w), max(by_w)
            if hi > lo and by_w[hi] > 0:
                out.setdefault(ex, []).append(
                    (rnd, by_w[lo], by_w[hi], by_w[lo] / by_w[hi], rs[0].get("capacity"))
                )
    return out


def busy_inflation(rows: list[dict[str, Any]], executor: str) -> dict[int, float]:
    """Per round of a Dask case: the workers' summed task time with the most workers ÷ with the
    fewest (the ``busy`` phase). 1.0 when two workers at once run their tasks as fast as one alone;
    above it, the cores slowed each other down (a shared host, caches, memory): the share of a
    low 2-vs-1 ratio that no scheduling can win back."""
    out: dict[int, float] = {}
    for rnd in {r.get("round", 1) for r in rows if r["executor"] == executor}:
        busy = {r["workers"]: (r.get("phases") or {}).get("busy") for r in rows
                if r["executor"] == executor and r.get("round", 1) == rnd}  # fmt: skip
        lo, hi = min(busy), max(busy)
        one, most = busy[lo], busy[hi]
        if hi > lo and one and most:
            out[rnd] = float(most) / float(one)
    return out


def summary(rows: list[dict[str, Any]]) -> str:
    """Per size and case: speed-up of the most workers over 1 per executor (same invocation; with
    several rounds each round's ratio, the median and the parallel capacity measured before each
    round), and whether every output is byte-identical (SHA-256) across executors, worker counts
    and rounds."""
    out = []
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["residents"], r["case"]), []).append(r)
    for (n, case), rs in groups.items():
        parts = []
        for ex, rr in ratios(rs).items():
            ws = sorted({r["workers"] for r in rs if r["executor"] == ex})
            lo, hi = ws[0], ws[-1]
            if len(rr) == 1:
                parts.append(f"{ex} {hi} vs {lo} workers {rr[0][3]:.2f}×")
                continue
            infl = busy_inflation(rs, ex)
            each = ", ".join(f"{a:.1f} → {b:.1f} s = {x:.2f}× (capacity {c:.2f}×"
                             + (f", task time ×{infl[rnd]:.2f}" if rnd in infl else "") + ")"
                             for rnd, a, b, x, c in rr)  # fmt: skip
            parts.append(f"{ex} {hi} vs {lo} workers median **{statistics.median(x for _, _, _, x, _ in rr):.2f}×** "
                         f"of {len(rr)} rounds [{each}]")  # fmt: skip
        hashes = [json.dumps(r["sha256"], sort_keys=True) for r in rs if r["sha256"]]
        same = "outputs byte-identical across all" if hashes and len(set(hashes)) == 1 else (
            "outputs DIFFER" if hashes else "no outputs")  # fmt: skip
        out.append(f"- {n:,} {case}: {'; '.join(parts) or '-'}; {same} {len(hashes)} runs")
        levels = "; ".join(
            f"{r['executor']} {r['workers']}: own {r['own_p50_p99'][0]}/{r['own_p50_p99'][1]}"
            + (f", worker {r['worker_p50_p99'][0]}/{r['worker_p50_p99'][1]}" if r["worker"] else "")
            for r in rs
            if r.get("own_p50_p99") and r.get("round", 1) == 1
        )
        if levels:  # the level the peak rides on (sampled every 50 ms): median / 99th percentile, MiB
            out.append(f"  - RSS median/p99 MiB: {levels}")
        for r in rs:  # where a Dask run's wall time went (seconds since the cluster began to start)
            p = r.get("phases") or {}
            if p:
                out.append(f"  - dask {r['workers']} workers{_round_label(r)}: cluster up {p.get('cluster_up')}, planned "
                           f"{p.get('planned')}, states built {p.get('states_built')}, first task "
                           f"{p.get('first_task')}, last task ended {p.get('last_task')} of {r['seconds']} s "
                           f"(workers busy {p.get('busy')} s, close {p.get('close')} s)")  # fmt: skip
    return "\n".join(out)


def _round_label(r: dict[str, Any]) -> str:
    return f" (round {r['round']})" if r.get("round", 1) > 1 or r.get("rounds", 1) > 1 else ""


def in_rounds(cases: list[dict[str, Any]], repeat: int) -> list[tuple[int, list[dict[str, Any]]]]:
    """The cases of one town as ``repeat`` rounds, each of every case in the given order: with
    cases (vendor, executor, workers), one vendor's rounds follow each other (a 1 / 2 worker pair is
    never further apart than one round), then the next vendor's; validate cases likewise."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in cases:
        groups.setdefault(c["label"][0], []).append(c)
    return [(rnd, cs) for cs in groups.values() for rnd in range(1, repeat + 1)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", nargs="*", default=[], help="generated town folders (town_1000000 …)")
    ap.add_argument(
        "--sizes", type=int, nargs="*", default=[], help="generate towns of these sizes (vendors a, b)"
    )
    ap.add_argument("--vendors", default="a,b,c")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--executors", default="processes", help="processes, dask or both (comma-separated)")
    ap.add_argument("--validate", action="store_true", help="also validate golden/juki_jumin.csv")
    ap.add_argument(
        "--scratch", default=str(HERE / "data"), help="where outputs go (deleted after each case)"
    )
    ap.add_argument("--results", help="append the Markdown table to this file")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run each vendor's cases this many rounds, alternated (1, 2, 1, 2 …): a ratio per round")  # fmt: skip
    args = ap.parse_args(argv)
    scratch = Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    workers = [int(x) for x in args.workers.split(",")]
    executors = args.executors.split(",")
    vendors = [v for v in args.vendors.split(",") if v]  # --vendors "" with --validate: validate only
    towns: list[tuple[int, list[dict[str, Any]]]] = []
    for d in args.data:
        towns.append((residents_of(Path(d)), town_cases(Path(d), vendors, workers, executors, args.validate,
                                                        scratch)))  # fmt: skip
    for n in args.sizes:  # small generated towns (vendors a and b only, juki.jumin)
        from bench_e2e import prepare

        info = prepare(n)
        root = Path(info["files"]["vendor_a"]).parent.parent
        towns.append(
            (n, town_cases(root, [v for v in vendors if v in "ab"], workers, executors, False, scratch))
        )
    repeat = max(1, args.repeat)
    cap = parallel_capacity()
    print(f"load {os.getloadavg()}; parallel capacity of the machine now {cap:.2f}× (2.0 = two free cores)",
          flush=True)  # fmt: skip
    rows = []
    caps: list[float] = [cap]  # before each round (with --repeat), then after the last
    for n, cases in towns:
        for rnd, round_cases in in_rounds(cases, repeat):
            if repeat > 1:
                if rows:  # the first round of the invocation has `cap`
                    caps.append(parallel_capacity())
                print(
                    f"round {rnd}: load {os.getloadavg()[0]:.1f}, parallel capacity {caps[-1]:.2f}×",
                    flush=True,
                )
            for c in round_cases:
                rows.append(_run(n, c, rnd, repeat, caps[-1]))
    cap_end = parallel_capacity()
    caps.append(cap_end)
    md = (table(rows) + "\n\n" + summary(rows)
          + f"\n- parallel capacity of the machine (one CPU-bound process ÷ two at once, × 2): {cap:.2f}× before, "
          + (f"{', '.join(f'{c:.2f}' for c in caps[1:-1])} between rounds, " if len(caps) > 2 else "")
          + f"{cap_end:.2f}× after")  # fmt: skip
    print(md)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as f:
            f.write(md + "\n")
    return 0


def warm_inputs(paths: list[str]) -> None:
    """Read the inputs once, untimed, right before a run: every run starts with them in the page cache.

    This host's page cache loses pages of idle files within a minute (seen with ``fincore``: 1.9 GB
    of vendor A's JUMIN.DAT 1.6–1.8 GB resident at 18 GB free), so the first run of an invocation —
    the 1-worker one — read hundreds of MB from disk that the runs after it did not: its wall was
    2–5 s longer than the later rounds' 1-worker runs (the 2-worker run's summed task time was
    ×0.87–1.06 of its task time, ×1.05–1.22 in the later rounds), which raised that round's 2-vs-1
    ratio (four invocations: round 1 1.78–2.06×, rounds 2–3 1.58–1.77×)."""
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            while f.read(4 << 20):
                pass


def _run(n: int, c: dict[str, Any], rnd: int, repeat: int, capacity: float) -> dict[str, Any]:
    """One case in a fresh process, its inputs read just before (:func:`warm_inputs`); its row
    (printed as a JSON line at once)."""
    out = c["kwargs"].get("out_dir") or c["kwargs"].get("report_dir")
    warm_inputs([*c["kwargs"].get("inputs", ()), *c["kwargs"].get("gaiji_tables", ())])
    try:
        r = run_case(c["target"], **c["kwargs"])
    finally:
        shutil.rmtree(out, ignore_errors=True)
    case, ex, w = c["label"]
    row = {"residents": n, "case": case, "executor": ex, "workers": w, "records": r["result"]["records_in"],
                   "seconds": round(r["seconds"], 1), "cpu": round(r["cpu_seconds"], 1),
                   "own": round(r["peak_rss_mib"]), "worker": round(r.get("peak_desc_rss_mib", 0)),
                   "own_p50_p99": (round(r.get("rss_p50_mib", 0)), round(r.get("rss_p99_mib", 0))),
                   "worker_p50_p99": (round(r.get("desc_rss_p50_mib", 0)), round(r.get("desc_rss_p99_mib", 0))),
                   "tree": round(r["peak_tree_rss_mib"]),
                   "load": f"{r['load_before']:.1f}→{r['load_after']:.1f}", "sha256": r["result"]["sha256"],
           "phases": r["result"].get("phases", {}), "round": rnd, "rounds": repeat, "capacity": capacity,
           "wall": r["seconds"]}  # fmt: skip
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


if __name__ == "__main__":
    raise SystemExit(main())
