"""Where a ``convert`` run with N workers spends its time: a per-task timeline and the parent's CPU by phase.

    python benchmarks/trace_timeline.py --data data/town_1000000 --vendor a \\
        --workers 1,2 --executors processes,dask --scratch /tmp/trace

Each case runs in a fresh process (``_measure.run_case``). Inside it, ``run_partition`` is
wrapped (the wrapper is inherited by forked pool and Dask workers) to log for every task the
worker's pid, wall start/end, the task thread's CPU seconds, page faults and involuntary
context switches (a task that waited for a core), and the partition's bytes; the parent's
phases (adapter load, plan, merge of each part, cross-file checks, outputs, report, waiting
for the input hashes) are wrapped the same way, and a sampler records the CPU of every
parent thread (main, sha256 hasher, scan) and of the whole machine (/proc/stat) every 100 ms.

Printed per case: wall, CPU of the tree, the tail (from when the first worker ran out of tasks
to the last task's end), each worker's busy wall / CPU / waiting for a core, the parent's CPU
per phase and whether it ran during the workers or after them, and the machine's idle core
seconds while the tasks ran. ``--json FILE`` keeps the raw timelines.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import run_case  # noqa: E402

TOWN_FILES = {"a": ("JUMIN.DAT", "SETAI.DAT", "GAIJI_A.tsv"), "b": ("jumin.csv", "setai.csv", "gaiji_b.tsv"),
              "c": ("JUMIN.EBC", "SETAI.EBC", "GAIJI_C.tsv")}  # fmt: skip

_TRACE = os.environ.get("CHUKAN_TRACE_FILE", "")


def _emit(rec: dict[str, Any]) -> None:
    fd = os.open(_TRACE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (json.dumps(rec) + "\n").encode())
    finally:
        os.close(fd)


def timed_run_partition(st: Any, part: Any) -> Any:
    """``run_partition`` with a timeline record (module level: Dask pickles it by name)."""
    from chukan_layout.pipeline._worker import run_partition

    t0, c0, r0 = time.time(), time.thread_time(), resource.getrusage(resource.RUSAGE_THREAD)
    p0 = time.process_time()
    res = run_partition(st, part)
    r1 = resource.getrusage(resource.RUSAGE_THREAD)
    p1 = time.process_time()
    _emit({"kind": "task", "pid": os.getpid(), "tid": threading.get_native_id(), "index": part.index, "bytes": part.size, "file": part.file,
           "t0": t0, "t1": time.time(), "cpu": time.thread_time() - c0, "pcpu": p1 - p0, "minflt": r1.ru_minflt - r0.ru_minflt,
           "nivcsw": r1.ru_nivcsw - r0.ru_nivcsw})  # fmt: skip
    return res


def _phase(name: str, fn: Any) -> Any:
    @functools.wraps(fn)
    def wrapper(*a: Any, **kw: Any) -> Any:
        t0, c0 = time.time(), time.thread_time()
        try:
            return fn(*a, **kw)
        finally:
            _emit({"kind": "phase", "name": name, "pid": os.getpid(), "t0": t0, "t1": time.time(),
                   "cpu": time.thread_time() - c0, "thread": threading.current_thread().name})  # fmt: skip

    return wrapper


def _thread_ticks(pid: int) -> dict[int, tuple[int, int]]:
    """{tid: (utime + stime ticks, minor faults)} of every thread of ``pid`` (empty once it is gone)."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[int(tid)] = (int(fields[11]) + int(fields[12]), int(fields[7]))
        except (OSError, ValueError):
            pass
    return out


def _sampler(
    stop: threading.Event, samples: list[dict[str, Any]], desc: dict[str, Any] | None = None
) -> None:
    """Every 100 ms: CPU ticks of each thread of this process and of the machine; with ``desc``,
    the CPU of every thread of every descendant process (the list looked up every 0.5 s), the
    last value seen per ``pid/tid`` kept (a process that exits keeps its last sample)."""
    hz = os.sysconf("SC_CLK_TCK")
    kids: list[int] = []
    tick = 0
    while not stop.is_set():
        if desc is not None:
            if tick % 5 == 0:
                try:
                    import psutil

                    kids = [c.pid for c in psutil.Process().children(recursive=True)]
                except Exception:
                    kids = []
            for pid in kids:
                for tid, (t, _) in _thread_ticks(pid).items():
                    desc[f"{pid}/{tid}"] = t / hz
        tick += 1
        threads = {}
        for t in threading.enumerate():
            try:
                with open(f"/proc/self/task/{t.native_id}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                threads[t.name] = (int(fields[11]) + int(fields[12])) / hz
            except (OSError, TypeError):
                pass
        with open("/proc/stat") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        samples.append({"t": time.time(), "threads": threads, "proc": sum(os.times()[:2]),
                        "idle": (cpu[3] + cpu[4]) / hz, "total": sum(cpu[:8]) / hz})  # fmt: skip
        stop.wait(0.1)


def trace_case(adapter: str, inputs: list[str], out_dir: str, trace: str, workers: int = 1,
               executor: str = "processes", gaiji_tables: list[str] | None = None,
               partition_mib: int = 0) -> dict[str, Any]:  # fmt: skip
    """One ``convert`` with its phases wrapped (runs in a fresh process: the patches stay there)."""
    global _TRACE
    _TRACE = os.environ["CHUKAN_TRACE_FILE"] = trace
    from chukan_layout import pipeline
    from chukan_layout.pipeline import _merge, conversion

    conversion.run_partition = timed_run_partition
    conversion.load_adapter = _phase("load_adapter", conversion.load_adapter)
    conversion.ConvertPlan = _phase("plan", conversion.ConvertPlan)
    conversion.write_outputs = _phase("write_outputs", conversion.write_outputs)
    conversion.convert_report = _phase("report", conversion.convert_report)
    conversion.load_lookups = _phase("lookups", conversion.load_lookups)
    conversion.published = _phase("publish", conversion.published)
    conversion.shutil.rmtree = _phase("rmtree", conversion.shutil.rmtree)
    from concurrent.futures import ProcessPoolExecutor

    ProcessPoolExecutor.shutdown = _phase("pool_shutdown", ProcessPoolExecutor.shutdown)  # type: ignore[method-assign]
    _merge.Concat.commit = _phase("commit_outputs", _merge.Concat.commit)  # type: ignore[method-assign]
    _merge.RunMerger.add = _phase("merge_part", _merge.RunMerger.add)  # type: ignore[method-assign]
    _merge.RunMerger.finish = _phase("cross_checks", _merge.RunMerger.finish)  # type: ignore[method-assign]
    _merge.Concat.add = _phase("copy_part", _merge.Concat.add)  # type: ignore[method-assign]
    from chukan_layout.validation.session import ValidationRun

    ValidationRun.add_codes = _phase("fold_codes", ValidationRun.add_codes)  # type: ignore[method-assign]
    from chukan_layout import files

    # the thread hashing the inputs: conversion imports its class in older code (A/B runs), else input_hashes
    background: Any = getattr(conversion, "BackgroundHashes", None)
    if background is None:
        from chukan_layout.input_hashes import BackgroundHashes as background
    background.result = _phase("wait_hashes", background.result)
    files.sha256_file = _phase("sha256_input", files.sha256_file)  # Dask workers' WorkerHashes import it late
    # the inputs' hashes are in their own module since 12-07 (A/B runs with older code: in files)
    with contextlib.suppress(ImportError):
        from chukan_layout import input_hashes

        input_hashes.sha256_file = files.sha256_file
    from chukan_layout.pipeline import _dask, executors

    # Dask: the inputs' hashes and the parts' copies run on the workers; the parent waits for the
    # hashes and copies the last parts itself (those no task took along)
    if hasattr(_dask, "WorkerHashes"):  # (absent from code before 12-07 04:20: A/B runs use this script)
        _dask.WorkerHashes.result = _phase("wait_hashes", _dask.WorkerHashes.result)  # type: ignore[method-assign]
        executors.Chores.run_left = _phase("chores_left", executors.Chores.run_left)  # type: ignore[method-assign]
    shutil.rmtree(out_dir, ignore_errors=True)
    stop, samples = threading.Event(), []  # type: ignore[var-annotated]
    desc: dict[str, float] = {}
    th = threading.Thread(target=_sampler, args=(stop, samples, desc), name="sampler", daemon=True)
    th.start()
    opts = pipeline.ConvertOptions(workers=workers, executor=executor, gaiji_tables=tuple(gaiji_tables or ()),
                                   validate=True)  # fmt: skip
    if partition_mib:
        opts = opts.replace(partition_bytes=partition_mib << 20)
    from bench_memory import dask_phases

    t0 = time.time()
    with dask_phases() as phases:  # a Dask run's session timings (since the session began)
        res = pipeline.convert(adapter, [Path(p) for p in inputs], out_dir, opts)
    t1 = time.time()
    _emit(
        {"kind": "phase", "name": "end", "pid": os.getpid(), "t0": t1, "t1": t1, "cpu": 0.0, "thread": "main"}
    )
    stop.set()
    th.join()
    own = {t.native_id: t.name for t in threading.enumerate()}
    mine = {
        f"{os.getpid()}/{tid}": t / os.sysconf("SC_CLK_TCK")
        for tid, (t, _) in _thread_ticks(os.getpid()).items()
    }
    return {"t0": t0, "t1": t1, "samples": samples, "records_in": res.records_in, "desc_threads": desc, "dask": phases,
            "own_threads": {k: [own.get(int(k.split("/")[1]), "?"), v] for k, v in mine.items()},
            "sha256": {Path(p).name: sha for p, (_, sha) in sorted(res.hashes.items())}}  # fmt: skip


def analyse(case: dict[str, Any], recs: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of one case from its trace records and samples."""
    t0, t1 = case["t0"], case["t1"]
    tasks = sorted((r for r in recs if r["kind"] == "task"), key=lambda r: r["t0"])
    phases = [r for r in recs if r["kind"] == "phase"]
    by_pid: dict[int, list[dict[str, Any]]] = {}
    for r in tasks:
        by_pid.setdefault(r["pid"], []).append(r)
    first_task = min(r["t0"] for r in tasks)
    last_end = max(r["t1"] for r in tasks)
    first_idle = min(max(r["t1"] for r in rs) for rs in by_pid.values())
    workers = []
    for pid, rs in sorted(by_pid.items()):
        busy = sum(r["t1"] - r["t0"] for r in rs)
        cpu = sum(r["cpu"] for r in rs)
        workers.append({"pid": pid, "tasks": len(rs), "busy": round(busy, 2), "cpu": round(cpu, 2),
                        "waited": round(busy - cpu, 2), "start": round(min(r["t0"] for r in rs) - t0, 2),
                        "end": round(max(r["t1"] for r in rs) - t0, 2),
                        "gaps": round(max(r["t1"] for r in rs) - min(r["t0"] for r in rs) - busy, 2),
                        "pcpu": round(sum(r["pcpu"] for r in rs), 2),
                        "nivcsw": sum(r["nivcsw"] for r in rs), "minflt": sum(r["minflt"] for r in rs),
                        "mb_per_cpu_s": round(sum(r["bytes"] for r in rs) / 2**20 / cpu, 1)})  # fmt: skip
    ph: dict[str, dict[str, float]] = {}
    for p in phases:
        if p["name"] == "sha256_input":
            continue
        d = ph.setdefault(p["name"], {"n": 0, "cpu": 0.0, "wall": 0.0, "cpu_during": 0.0, "cpu_after": 0.0,
                                      "cpu_before": 0.0})  # fmt: skip
        d["n"] += 1
        d["cpu"] += p["cpu"]
        d["wall"] += p["t1"] - p["t0"]
        when = "cpu_before" if p["t1"] <= first_task else "cpu_after" if p["t0"] >= last_end else "cpu_during"
        d[when] += p["cpu"]
    samples = case["samples"]

    def thread_cpu(name_prefix: str, lo: float, hi: float) -> float:
        pts = [s for s in samples if lo <= s["t"] <= hi]
        if len(pts) < 2:
            return 0.0
        a = sum(v for k, v in pts[0]["threads"].items() if k.startswith(name_prefix))
        b = sum(v for k, v in pts[-1]["threads"].items() if k.startswith(name_prefix))
        return b - a

    def window(lo: float, hi: float) -> dict[str, float]:
        pts = [s for s in samples if lo <= s["t"] <= hi]
        if len(pts) < 2:
            return {}
        a, b = pts[0], pts[-1]
        wall = b["t"] - a["t"]
        idle = b["idle"] - a["idle"]
        return {"wall": round(wall, 2), "machine_idle_core_s": round(idle, 2),
                "parent_cpu": round(b["proc"] - a["proc"], 2)}  # fmt: skip

    # CPU of each descendant process: its task threads (the tids that ran tasks) and the rest
    task_tids = {f"{r['pid']}/{r.get('tid')}" for r in tasks}
    procs: dict[str, dict[str, float]] = {}
    for k, v in case.get("desc_threads", {}).items():
        pid, tid = k.split("/")
        d = procs.setdefault(pid, {"tasks": 0.0, "main": 0.0, "other": 0.0})
        d["tasks" if k in task_tids else "main" if pid == tid else "other"] += v
    return {
        "wall": round(t1 - t0, 2),
        "dask_phases": case.get("dask", {}),
        "descendants_cpu": {p: {kk: round(vv, 2) for kk, vv in d.items()} for p, d in procs.items()},
        "parent_threads_cpu": {
            v[0]: round(v[1], 2) for v in case.get("own_threads", {}).values() if v[1] >= 0.05
        },
        "first_task": round(first_task - t0, 2),
        "last_task_end": round(last_end - t0, 2),
        "after_tasks": round(t1 - last_end, 2),
        "tail": round(last_end - first_idle, 2),
        "tasks": len(tasks),
        "task_cpu": round(sum(r["cpu"] for r in tasks), 2),
        "task_pcpu": round(sum(r["pcpu"] for r in tasks), 2),
        "after_timeline": [
            (p["name"], round(p["t0"] - t0, 2), round(p["t1"] - t0, 2), round(p["cpu"], 2))
            for p in sorted(phases, key=lambda p: p["t0"])
            if p["t1"] >= last_end and p["name"] not in ("sha256_input", "copy_part", "fold_codes")
        ],
        "task_busy": round(sum(r["t1"] - r["t0"] for r in tasks), 2),
        "per_worker": workers,
        "phases": {k: {kk: round(vv, 2) for kk, vv in v.items()} for k, v in ph.items()},
        "hash_thread_cpu": round(sum(p["cpu"] for p in phases if p["name"] == "sha256_input"), 2),
        "hash_during_tasks": round(
            sum(p["cpu"] for p in phases if p["name"] == "sha256_input" and p["t0"] < last_end), 2
        ),
        "main_thread_cpu_during_tasks": round(thread_cpu("MainThread", first_task, last_end), 2),
        "other_parent_threads_during_tasks": {
            k: round(thread_cpu(k, first_task, last_end), 2)
            for k in {n for s in samples for n in s["threads"]}
            if k not in ("MainThread", "sampler")
        },
        "before": window(t0, first_task),
        "during": window(first_task, last_end),
        "after": window(last_end, t1),
    }


def brief(a: dict[str, Any]) -> str:
    """One line of a case: wall, before the first task, after the last, the parent's CPU by
    window, and the steps after the last task (name: seconds from the last task's end to the
    step's end, its thread CPU) — the serial head and tail of a run."""
    tail = {}
    for name, _t0, t1, cpu in a["after_timeline"]:
        if name in ("end", "rmtree", "commit_outputs"):
            continue
        end, c = tail.get(name, (0.0, 0.0))
        tail[name] = (max(end, round(t1 - a["last_task_end"], 2)), round(c + cpu, 2))
    d = a.get("dask_phases") or {}
    head = (f" dask: imported {d.get('imported')} scheduler {d.get('scheduler_up')} workers up {d.get('cluster_up')} "
            f"first task {d.get('first_task')} close {d.get('close')}" if d else "")  # fmt: skip
    return (f"{a['executor']} {a['workers']}: wall {a['wall']} cpu {a['cpu_tree']} load {a['load']} | first task "
            f"{a['first_task']} | after last task {a['after_tasks']} s: "
            + ", ".join(f"{k} {v[0]} ({v[1]})" for k, v in tail.items())
            + f" | parent cpu before {a['before'].get('parent_cpu')} during {a['during'].get('parent_cpu')} "
            f"after {a['after'].get('parent_cpu')}" + head)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="a generated town folder (town_1000000)")
    ap.add_argument("--vendor", default="a")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--executors", default="processes")
    ap.add_argument("--scratch", default="/tmp/chukan_trace")
    ap.add_argument("--partition-mib", default="0", help="partition sizes to try (0: the default)")
    ap.add_argument("--repeat", type=int, default=1, help="run the cases this many times, alternating")
    ap.add_argument("--json", help="write the raw records and figures here")
    ap.add_argument("--tasks", action="store_true", help="print every task of every case")
    ap.add_argument("--brief", action="store_true", help="one line per case: the serial head and tail")
    args = ap.parse_args(argv)
    town = Path(args.data)
    jumin, setai, table = (town / f"vendor_{args.vendor}" / n for n in TOWN_FILES[args.vendor])
    scratch = Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    out: list[dict[str, Any]] = []
    for rep in range(args.repeat):
        for ex in args.executors.split(","):
            for w, pm in (
                (int(x), int(m)) for x in args.workers.split(",") for m in args.partition_mib.split(",")
            ):
                trace = scratch / f"trace_{os.getpid()}_{ex}_{w}_{rep}.jsonl"
                trace.unlink(missing_ok=True)
                od = scratch / f"out_{os.getpid()}_{ex}_{w}"
                try:
                    r = run_case("trace_timeline:trace_case", adapter=f"vendor_{args.vendor}",
                                 inputs=[str(jumin), str(setai)], out_dir=str(od), trace=str(trace), workers=w,
                                 executor=ex, gaiji_tables=[str(table)], partition_mib=pm)  # fmt: skip
                finally:
                    shutil.rmtree(od, ignore_errors=True)
                recs = [json.loads(x) for x in trace.read_text().splitlines()]
                trace.unlink()
                a = analyse(r["result"], recs)
                a.update(executor=ex, workers=w, partition_mib=pm, cpu_tree=round(r["cpu_seconds"], 2),
                         wall_measured=round(r["seconds"], 2), load=f"{r['load_before']:.1f}→{r['load_after']:.1f}",
                         sha256=r["result"]["sha256"])  # fmt: skip
                if args.brief:
                    print(brief(a), flush=True)
                else:
                    print(
                        json.dumps({k: v for k, v in a.items() if k != "sha256"}, ensure_ascii=False),
                        flush=True,
                    )
                if args.tasks:
                    t0 = r["result"]["t0"]
                    for x in sorted((x for x in recs if x["kind"] == "task"), key=lambda x: x["index"]):
                        print(f"  task {x['index']:4d} pid {x['pid']} {x['t0'] - t0:7.2f}–{x['t1'] - t0:7.2f} "
                              f"cpu {x['cpu']:.2f} {x['bytes'] / 2**20:6.1f} MiB {x['file']} ivcsw {x['nivcsw']}")  # fmt: skip
                out.append({**a, "records": recs if args.json else None})
    hashes = {json.dumps(o["sha256"], sort_keys=True) for o in out}
    print(f"outputs byte-identical across {len(out)} runs: {len(hashes) == 1}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
