"""End-to-end benchmark against the peers: one run, same data, ratios and peak RSS.

    python benchmarks/run_all.py --quick         # 100k residents, minutes
    python benchmarks/run_all.py                 # 1M and 5M residents (make bench), run it rarely
    python benchmarks/run_all.py --write         # … and rewrite the "End to end and peers" section
    python benchmarks/run_all.py --render        # re-render RESULTS.md from the last saved run

Data: one synthetic municipality per size (``bench_e2e.prepare``: vendor A fixed-width cp932,
vendor B CSV, the golden standard 住民 file and a cp932 copy of it) under benchmarks/data/
(gitignored); generation is never timed. Every case then runs in a fresh interpreter
(``_measure.run_case``): wall seconds, CPU seconds (incl. worker processes), own peak RSS and
the peak of the process tree's summed RSS.

Peers (``peers.py``) validate the golden standard-layout 住民 CSV with checks derived from
the same layout; we run ``validate`` on the same CSV and ``convert`` end to end from the
vendor A and vendor B 住民 exports of the same residents (validation on). Ratios are
``peer seconds / our seconds`` over the same records (> 1 = we are faster).
frictionless is run at ≤ ``--frictionless-max`` records; above that its time is extrapolated
linearly from its two largest runs and marked ``~``. Above 1M residents (the 5M run, which
takes about an hour here) only the UTF-8 cases and the largest worker count are run: pandera,
our validate, convert A and B; Pydantic per row and the cp932 variants are not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import run_case  # noqa: E402

RESULTS_MD = HERE / "RESULTS.md"
BEGIN, END = "<!-- e2e:begin (benchmarks/run_all.py --write) -->", "<!-- e2e:end -->"
MIB = 2**20

# targets of issue 7 item 8
T_FRICTIONLESS, T_PANDERA, T_RATE, T_RSS = 20.0, 1.0, 500_000, 300.0


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _free(out_dir: str | None) -> None:
    """Delete a case's large outputs (standard CSVs, rejects) once measured; keep the reports."""
    if out_dir and Path(out_dir).is_dir():
        for q in Path(out_dir).iterdir():
            if q.is_file() and q.suffix == ".csv" and q.stat().st_size > 1 << 20 and q.name != "findings.csv":
                q.unlink()


FILTER: list[str] = []  # --cases: run only the cases whose label contains one of these


class _Skipped(RuntimeError):
    pass


def _case(label: str, target: str, records: int, nbytes: int, group: str, **kw: Any) -> dict[str, Any]:
    if FILTER and not any(f in label for f in FILTER):
        raise _Skipped(label)
    _log(f"  … {label}")
    r = run_case(target, timeout=6 * 3600, **kw)
    _free(kw.get("out_dir"))
    r.update(label=label, target=target, records=records, bytes=nbytes, group=group)
    _log(f"    {r['seconds']:.1f} s, {records / r['seconds']:,.0f} rec/s, peak RSS {r['peak_rss_mib']:.0f} MiB "
         f"(tree {r['peak_tree_rss_mib']:.0f}), load {r['load_before']:.1f}")  # fmt: skip
    return r


def _add(cases: list[dict[str, Any]], *args: Any, **kw: Any) -> None:
    """Run a case (see ``_case``) and keep its figures, unless ``--cases`` filters it out."""
    try:
        cases.append(_case(*args, **kw))
    except _Skipped:
        return


def run_size(residents: int, args: argparse.Namespace, fl_runs: dict[int, float]) -> dict[str, Any]:
    """All cases on one data set."""
    _log(f"[{residents:,} residents] preparing data (untimed)")
    prep = run_case("bench_e2e:prepare", timeout=6 * 3600, residents=residents, data_dir=args.data_dir)[
        "result"
    ]
    f, nb, n = prep["files"], prep["bytes"], prep["records"]
    out = Path(args.data_dir or HERE / "data") / f"out_{residents}"
    big = residents > 1_000_000
    cases: list[dict[str, Any]] = []
    g_utf, g_cp = f["golden_utf8"], f["golden_cp932"]
    ng = n["golden"]
    peers = args.only in (None, "peers")
    ours = args.only in (None, "ours")
    # peers on the golden standard CSV
    if peers and ng <= args.frictionless_max:
        _add(cases, "frictionless validate (UTF-8)", "peers:frictionless_validate", ng, nb["golden_utf8"],
                           "peer", csv_path=g_utf, layout_id="juki.jumin")  # fmt: skip
        if cases and cases[-1]["label"].startswith("frictionless"):
            fl_runs[ng] = cases[-1]["seconds"]
    if peers:
        _add(cases, "pandera over open_csv (UTF-8)", "peers:pandera_stream", ng, nb["golden_utf8"], "peer",
                           csv_path=g_utf, layout_id="juki.jumin")  # fmt: skip
    if peers and not big:
        _add(cases, "pandera over open_csv (cp932)", "peers:pandera_stream", ng, nb["golden_cp932"], "peer",
                           csv_path=g_cp, layout_id="juki.jumin", encoding="cp932")  # fmt: skip
    if peers and not big:
        _add(cases, "pandas + Pydantic per row (UTF-8)", "peers:pydantic_rows", ng, nb["golden_utf8"], "peer",
                           csv_path=g_utf, layout_id="juki.jumin")  # fmt: skip
    if not ours:
        return {"residents": residents, "prep": prep, "cases": cases}
    # ours on the same CSV
    _add(cases, "ours: validate (UTF-8)", "bench_e2e:ours_validate", ng, nb["golden_utf8"], "ours",
                       csv_path=g_utf, out_dir=str(out / "validate_utf8"))  # fmt: skip
    if not big:
        _add(cases, "ours: validate (cp932)", "bench_e2e:ours_validate", ng, nb["golden_cp932"], "ours",
                           csv_path=g_cp, encoding="cp932", out_dir=str(out / "validate_cp932"))  # fmt: skip
    # ours end to end from the vendor exports
    for vendor, label in (("vendor_a", "vendor A fixed-width cp932"), ("vendor_b", "vendor B CSV")):
        for w in [max(args.workers)] if big else args.workers:
            try:
                nrec = n[vendor] + n[f"{vendor}_setai"]
                nbytes = nb[vendor] + nb[f"{vendor}_setai"]
                _add(cases, f"ours: convert {label}, {w} worker{'s' if w > 1 else ''}",
                                   "bench_e2e:ours_convert", nrec, nbytes, "e2e", adapter=vendor,
                                   inputs=[f[vendor], f[f"{vendor}_setai"]], gaiji_tables=[f[f"{vendor}_gaiji"]],
                                   out_dir=str(out / f"{vendor}_{w}"), workers=w)  # fmt: skip
            except RuntimeError as e:
                _log(f"    skipped: {str(e).strip().splitlines()[-1]}")
    return {"residents": residents, "prep": prep, "cases": cases}


def frictionless_seconds(records: int, fl_runs: dict[int, float]) -> tuple[float | None, bool]:
    """frictionless time at ``records``: measured, or linear in records from the two largest runs."""
    if records in fl_runs:
        return fl_runs[records], False
    if not fl_runs:
        return None, False
    pts = sorted(fl_runs.items())[-2:]
    if len(pts) == 1:
        return pts[0][1] * records / pts[0][0], True
    (n1, s1), (n2, s2) = pts
    slope = (s2 - s1) / (n2 - n1)
    return s2 + slope * (records - n2), True


# --------------------------------------------------------------------------- rendering


def _peer(cases: list[dict[str, Any]], prefix: str) -> dict[str, Any] | None:
    return next((c for c in cases if c["label"].startswith(prefix)), None)


def table(run: dict[str, Any], fl_runs: dict[int, float]) -> list[str]:
    cases = run["cases"]
    ng = run["prep"]["records"]["golden"]
    fl, extrap = frictionless_seconds(ng, fl_runs)
    pandera = _peer(cases, "pandera over open_csv (UTF-8)")
    pandera_cp = _peer(cases, "pandera over open_csv (cp932)")
    rows = ["| case | records | input MB | seconds | records/s | MB/s | CPU s | peak RSS MiB (own / tree) "
            "| × frictionless | × pandera |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    if fl is not None and extrap:
        rows.append(f"| frictionless validate (UTF-8), ~extrapolated | {ng:,} | | ~{fl:,.0f} | "
                    f"~{ng / fl:,.0f} | | | | 1.0 | |")  # fmt: skip
    for c in cases:
        s, nrec, mb = c["seconds"], c["records"], c["bytes"] / 1e6
        cp932 = "cp932" in c["label"] and "vendor A" not in c["label"]
        p = pandera_cp if cp932 else pandera
        x_fl = f"{fl / s:,.1f}{'~' if extrap else ''}" if fl and not cp932 else ""
        x_pa = f"{p['seconds'] / s:,.2f}" if p is not None else ""
        rows.append(
            f"| {c['label']} | {nrec:,} | {mb:,.0f} | {s:,.1f} | {nrec / s:,.0f} | {mb / s:,.1f} | "
            f"{c['cpu_seconds']:,.1f} | {c['peak_rss_mib']:,.0f} / {c['peak_tree_rss_mib']:,.0f} | {x_fl} | {x_pa} |"
        )
    return rows


def summary(runs: list[dict[str, Any]], fl_runs: dict[int, float]) -> list[str]:
    """The targets of issue 7 item 8: target, measured, met?"""
    by_n = {r["residents"]: r for r in runs}
    main = by_n.get(1_000_000) or runs[0]
    cases = main["cases"]
    ng = main["prep"]["records"]["golden"]
    fl, extrap = frictionless_seconds(ng, fl_runs)
    pandera = _peer(cases, "pandera over open_csv (UTF-8)")
    e2e = [c for c in cases if c["group"] == "e2e"]
    best = {}
    for v in ("vendor A", "vendor B"):
        vs = [c for c in e2e if v in c["label"]]
        if vs:
            best[v] = min(vs, key=lambda c: c["seconds"])
    val = _peer(cases, "ours: validate (UTF-8)")
    ratio_cases = {**best, **({"validate only, same CSV": val} if val else {})}
    tag = f"{main['residents']:,} residents"
    rows = ["| target | measured | met? |", "|---|---|---|"]
    for v, c in ratio_cases.items():
        if fl:
            x = fl / c["seconds"]
            fc = next((p["cpu_seconds"] for p in cases if p["label"].startswith("frictionless")), None)
            cpu = f"; CPU-time ratio {fc / c['cpu_seconds']:,.1f}×" if fc else ""
            rows.append(f"| ≥ {T_FRICTIONLESS:.0f}× frictionless ({v}, {tag}) | {x:,.1f}×{' (extrapolated)' if extrap else ''}"
                        f"{cpu} | {'yes' if x >= T_FRICTIONLESS else 'no'} |")  # fmt: skip
    for v, c in ratio_cases.items():
        if pandera:
            x = pandera["seconds"] / c["seconds"]
            cpu = pandera["cpu_seconds"] / c["cpu_seconds"]
            rows.append(f"| ≥ {T_PANDERA:.0f}× pandera pipeline ({v}, {tag}) | {x:,.2f}×; CPU-time ratio {cpu:,.2f}× "
                        f"| {'yes' if x >= T_PANDERA else 'no'} |")  # fmt: skip
    for v, c in best.items():
        rate = c["records"] / c["seconds"]
        rows.append(f"| ≥ 500k records/s end to end, 2 cores ({v}) | {rate:,.0f}/s ({c['bytes'] / 1e6 / c['seconds']:,.1f}"
                    f" MB/s) | {'yes' if rate >= T_RATE else 'no'} |")  # fmt: skip
    for c in [*e2e, *[c for c in cases if c["label"].startswith("ours: validate")]]:
        peaks = [(r["residents"], x) for r in runs for x in r["cases"] if x["label"] == c["label"]]
        txt = ", ".join(f"{n // 1_000_000 or n / 1e6:g}M: {x['peak_rss_mib']:.0f} / {x['peak_tree_rss_mib']:.0f}"
                        for n, x in peaks)  # fmt: skip
        ok = all(x["peak_tree_rss_mib"] <= T_RSS for _, x in peaks)
        flat = ""
        if len(peaks) > 1:
            grow = peaks[-1][1]["peak_tree_rss_mib"] - peaks[0][1]["peak_tree_rss_mib"]
            flat = f"; {'flat' if grow < 30 else 'grows'} ({grow:+.0f} MiB)"
            ok = ok and grow < 30
        rows.append(f"| peak RSS ≤ 300 MiB and flat: {c['label'][6:]} | {txt} MiB (own / tree){flat} "
                    f"| {'yes' if ok else 'no'} |")  # fmt: skip
    return rows


def render(data: dict[str, Any]) -> str:
    fl_runs = {int(k): v for k, v in data["frictionless_runs"].items()}
    runs = data["runs"]
    m = data["machine"]
    lines = [BEGIN, "## End to end and peers", "",
             f"`benchmarks/run_all.py{' --quick' if data['quick'] else ''}` — {data['date']}, Python {m['python']}, "
             f"{m['cpus']} cores shared with other engineers' jobs; load average (1 min) "
             f"{m['load_start']:.1f} at the start, {m['load_end']:.1f} at the end, "
             f"{min(m['loads']):.1f}–{max(m['loads']):.1f} across cases. Each case in a fresh process; "
             "one pass each (no best-of), so figures carry the machine's noise (±25% seen between runs).", "",
             "### Summary of targets", "", *summary(runs, fl_runs), ""]  # fmt: skip
    for r in runs:
        p = r["prep"]
        ld = [c[k] for c in r["cases"] for k in ("load_before", "load_after")]
        lines += [f"### {r['residents']:,} residents", "", f"Load average during these cases: {min(ld):.1f}–{max(ld):.1f}.", "",
                  f"住民 records: {p['records']['golden']:,} (current + history rows). Inputs: golden standard CSV "
                  f"{p['bytes']['golden_utf8'] / 1e6:,.0f} MB UTF-8 / {p['bytes']['golden_cp932'] / 1e6:,.0f} MB cp932 "
                  f"({p['cp932_replaced_chars']:,} characters outside cp932 written as `?`), vendor A JUMIN.DAT "
                  f"{p['bytes']['vendor_a'] / 1e6:,.0f} MB ({p['bytes']['vendor_a'] / max(p['records']['vendor_a'], 1):,.0f} "
                  f"bytes/record), vendor B jumin.csv {p['bytes']['vendor_b'] / 1e6:,.0f} MB "
                  f"({p['bytes']['vendor_b'] / max(p['records']['vendor_b'], 1):,.0f} bytes/record).", "",
                  *table(r, fl_runs), ""]  # fmt: skip
        modes = sorted({str(c["result"].get("mode")) for c in r["cases"] if isinstance(c.get("result"), dict)
                        and c["result"].get("mode")})  # fmt: skip
        if modes:
            lines += [f"Our cases ran as: {'; '.join(modes)}.", ""]
        if r.get("remeasured"):
            lines += [f"Cases measured in two invocations on the same data: {r['remeasured']}.", ""]
    if fl_runs:
        lines += ["frictionless measured at: " + ", ".join(f"{n:,} records {s:,.1f} s" for n, s in sorted(fl_runs.items()))
                  + "; larger sizes are extrapolated linearly (marked ~).", ""]  # fmt: skip
    lines += [*data.get("notes", []), END]
    return "\n".join(lines) + "\n"


def write_results(text: str) -> None:
    md = RESULTS_MD.read_text("utf-8")
    if BEGIN in md and END in md:
        a, rest = md.split(BEGIN, 1)
        _, b = rest.split(END, 1)
        md = a + text.rstrip("\n") + b
    else:
        title, _, body = md.partition("\n")
        md = f"{title}\n\n{text}\n{body.lstrip(chr(10))}"
    RESULTS_MD.write_text(md, "utf-8")


# --------------------------------------------------------------------------- component scripts

COMPONENTS_QUICK = [["bench_validate.py", "--sizes", "100000"], ["bench_gaiji.py", "--rows", "100000",
                    "--convert-residents", "20000"], ["bench_adapt.py", "--adapt-rows", "100000", "--skip-e2e"]]  # fmt: skip
# issue 15: decode floor, start-up and validate against their floors and peers
COMPONENTS_QUICK.append(["bench_floor.py", "-n", "100000", "--frictionless-rows", "20000"])
COMPONENTS_FULL = [["bench_read.py"], ["bench_validate.py"], ["bench_gaiji.py"], ["bench_adapt.py"],
                   ["bench_generate.py"]]  # fmt: skip
COMPONENTS_FULL.append(["bench_floor.py", "-n", "1000000", "--write"])


def run_components(quick: bool) -> None:
    for cmd in COMPONENTS_QUICK if quick else COMPONENTS_FULL:
        _log(f"== {' '.join(cmd)}")
        subprocess.run([sys.executable, str(HERE / cmd[0]), *cmd[1:]], check=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="100k residents only")
    ap.add_argument(
        "--sizes", type=int, nargs="+", help="residents per data set (default 1M 5M; --quick 100k)"
    )
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument(
        "--frictionless-max",
        type=int,
        default=1_300_000,
        help="run frictionless only up to this many records (extrapolate above)",
    )
    ap.add_argument("--data-dir", default=None, help="default benchmarks/data")
    ap.add_argument("--write", action="store_true", help="rewrite the End to end section of RESULTS.md")
    ap.add_argument("--render", action="store_true", help="only re-render RESULTS.md from the last saved run")
    ap.add_argument("--components", action="store_true", help="also run the per-stage bench_*.py scripts")
    ap.add_argument("--note", action="append", default=[], help="a line to add under the tables")
    ap.add_argument(
        "--only",
        choices=["ours", "peers"],
        default=None,
        help="run only our cases (or only the peers); with --append the others are kept from the saved run",
    )
    ap.add_argument(
        "--cases", nargs="+", default=[], help="run only the cases whose label contains one of these"
    )
    ap.add_argument(
        "--append",
        action="store_true",
        help="add these sizes to the last saved run (e.g. 1M now, 5M later) instead of starting anew",
    )
    args = ap.parse_args()
    FILTER[:] = args.cases
    sizes = args.sizes or ([100_000] if args.quick else [1_000_000, 5_000_000])
    saved = Path(args.data_dir or HERE / "data") / f"run_all{'_quick' if args.quick else ''}.json"
    if args.render:
        data = json.loads(saved.read_text())
        data["notes"] = data.get("notes", []) + args.note
        print(render(data))
        if args.write:
            write_results(render(data))
        return
    saved.parent.mkdir(parents=True, exist_ok=True)
    load0 = os.getloadavg()[0]
    fl_runs: dict[int, float] = {}
    runs: list[dict[str, Any]] = []
    if args.append and saved.exists():
        old = json.loads(saved.read_text())
        fl_runs = {int(k): v for k, v in old["frictionless_runs"].items()}
        runs = [r for r in old["runs"] if r["residents"] not in sizes]
        kept = {r["residents"]: {"date": old["date"], **r} for r in old["runs"] if r["residents"] in sizes}
        load0 = old["machine"]["load_start"]
        args.note = old.get("notes", []) + args.note
    else:
        kept = {}
    for n in sizes:
        run = run_size(n, args, fl_runs)
        if (
            args.only or args.cases
        ) and n in kept:  # keep the other side's cases of the saved run, re-measured ones replaced
            mine = {c["label"] for c in run["cases"]}
            run["cases"] = [c for c in kept[n]["cases"] if c["label"] not in mine] + run["cases"]
            run["cases"].sort(key=lambda c: ("peer", "ours", "e2e").index(c["group"]))
            what = ", ".join(sorted(mine))
            run["remeasured"] = (
                run.get("remeasured", "")
                + f"{what} re-measured {time.strftime('%Y-%m-%d %H:%M')}; the others from the run "
                f"of {kept[n]['date']}. "
            )
        run["date"] = time.strftime("%Y-%m-%d %H:%M")
        runs.append(run)
        runs.sort(key=lambda r: r["residents"])
        data = {"quick": args.quick, "date": time.strftime("%Y-%m-%d %H:%M"), "runs": runs,
                "frictionless_runs": fl_runs, "notes": args.note,
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load_start": load0,
                            "load_end": os.getloadavg()[0],
                            "loads": [c[k] for r in runs for c in r["cases"] for k in ("load_before", "load_after")]}}  # fmt: skip
        saved.write_text(json.dumps(data, indent=1, default=str))  # keep partial results of a long run
    text = render(data)
    print(text)
    if args.write:
        write_results(text)
        _log(f"wrote {RESULTS_MD}")
    if args.components:
        run_components(args.quick)


if __name__ == "__main__":
    main()
