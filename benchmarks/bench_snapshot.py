"""Snapshot benchmark (issue 13): ``snapshot create`` against copying the same files, one invocation.

    .venv/bin/python benchmarks/bench_snapshot.py --data data/town_1000000/standard
    .venv/bin/python benchmarks/bench_snapshot.py --residents 100000      # generates a town first

Cases, on the standard-layout CSV files of one folder, each timed once (wall, and CPU of this
process + its children):

- ``copy``: ``shutil.copyfile`` of every file (Linux: ``copy_file_range``/``sendfile``, in the kernel);
- ``cp``: ``cp`` of the same files (one process);
- ``hash``: SHA-256 of every file (read + hash, one process; the snapshot's own floor);
- ``copy + SHA-256 (tee)``: both in one user-space read per file (the Parquet path's tee), 2 processes;
- ``kernel copy + SHA-256 of the copy``: ``copy_file_range`` on one thread, the copy hashed from a
  mapping on another (:mod:`chukan_layout.snapshots.kernelcopy`), 2 processes: what an unchanged
  file costs with ``--base``, the floor of the reuse cases and of ``snapshot create``;
- ``snapshot create``: without Parquet (one pass per file: copy + SHA-256 + record count behind
  the CSV reader's byte guard; 2 files at a time);
- ``create --parquet (from CSV)``: the same pass also parsing every file into typed zstd Parquet —
  the from-scratch figure; its output is kept as the base of the next two cases;
- ``create --parquet --base: reuse all``: a snapshot of the same files with that base: every file
  is copied and hashed, none parsed (count and Parquet reused, hard-linked);
- ``create --parquet --base: N changed``: the base holds other bytes for the ``--changed`` files
  (default ``juki_jumin.csv,juki_setai.csv``, the 住基 files that change with every 異動: one value of
  their last record differs; built untimed from the first base by hard links): those are parsed
  again, the rest reused — a periodic snapshot of a live system.

Each case runs **cold** (the input files' pages, and the base's Parquet files', dropped first with
``posix_fadvise(DONTNEED)``, only those files, nothing machine-wide) and **warm** (the input files
just read). Outputs are deleted and ``sync`` is called between cases (not timed) so one case's dirty
pages do not slow the next. Target: ``snapshot create --parquet`` ≤ 1.2× the copy — the from-CSV
and the reuse figures are printed as separate cases. Ratios are printed; load
(``/proc/loadavg``) before and after.

Then, once (warm): ``snapshot verify --no-validate`` and ``snapshot verify`` (hashes, record
counts, Parquet hashes, re-validation) of the from-CSV snapshot, and ``snapshot restore --profile
vendor_a`` (verify + re-validation + export of the layouts vendor A has) with the 外字 table from
``DATA/../vendor_a/*.tsv`` (``--gaiji-table``); ``--no-verify`` skips these.

``--floor``: the ways to copy and hash, alternated over ``--rounds`` rounds in one invocation (warm):
``shutil.copyfile``; the one-read tee; kernel copy + SHA-256 of the copy (mapping; ``readinto``; steps
of 2/8/32 MiB); kernel copy + SHA-256 of the *source* on another thread; the same + record count.

``--breakdown``: where the CPU of one ``--parquet`` pass goes, stage by stage, in this process
(one file at a time, warm cache; CPU seconds of all threads, ns per input byte), each stage
adding to the one before: read + SHA-256; + copy (the old user-space tee); the kernel copy read and
hashed behind (what ``--parquet`` does now); + byte-level record count (no Parquet: the whole pass);
guarded CSV parse instead of the count; + typed-column checks; + Parquet encoding (zstd) = the whole
``--parquet`` pass.

``--ab OLD_SRC``: ``create --parquet`` with another tree's ``src/`` (a worktree of an older commit:
``git worktree add /tmp/old COMMIT``) and with this tree's, alternated over ``--rounds`` rounds, cold
and warm (``--only``), each in a fresh process; CPU = user + system of that process and its pool
(``wait4``). On a loaded machine the CPU seconds of alternated runs are what to compare.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), os.times()
    fn()
    c1 = os.times()
    cpu = (c1.user - c0.user) + (c1.system - c0.system) + (c1.children_user - c0.children_user) + (
        c1.children_system - c0.children_system)  # fmt: skip
    return time.perf_counter() - t0, cpu


def drop_cache(paths: list[Path]) -> None:
    """Evict these files' pages from the page cache (clean pages only: call after ``sync``)."""
    os.sync()
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="folder of standard-layout CSV files")
    ap.add_argument("--residents", "-n", type=int, default=100_000, help="without --data: town size")
    ap.add_argument("--workers", "-j", type=int, default=2, help="files at a time in snapshot create")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    ap.add_argument("--only", default="cold,warm", help="cold, warm or both (comma-separated)")
    ap.add_argument("--breakdown", action="store_true", help="CPU per stage of the pass instead")
    ap.add_argument("--floor", action="store_true", help="the ways to copy + hash, alternated, instead")
    ap.add_argument(
        "--ab",
        type=Path,
        default=None,
        metavar="OLD_SRC",
        help="A/B instead: create --parquet with another tree's src/ (e.g. a worktree of an older commit) "
        "and this one, alternated over --rounds, cold and warm, each a fresh process",
    )
    ap.add_argument("--rounds", type=int, default=3, help="rounds of --floor")
    ap.add_argument(
        "--changed",
        default="juki_jumin.csv,juki_setai.csv",
        help="files that differ from the base in the 'N changed' reuse case (comma-separated)",
    )
    ap.add_argument("--no-verify", action="store_true", help="skip the verify / restore timings")
    ap.add_argument(
        "--restore-profile", default="vendor_a", help="export profile of the restore timing ('': skip)"
    )
    ap.add_argument(
        "--gaiji-table",
        action="append",
        default=None,
        help="外字 table for the restore (default: DATA/../vendor_a/*.tsv)",
    )
    a = ap.parse_args(argv)

    from chukan_layout.snapshots import create_snapshot
    from chukan_layout.snapshots.create import standard_inputs

    work = a.work or Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {_load()}; {os.cpu_count()} cores")
    src = a.data
    if src is None:
        from chukan_layout.synth.generate import generate

        t = time.perf_counter()
        generate(work / "town", vendors="standard", residents=a.residents, faults=0.0, seed=3)
        src = work / "town" / "standard"
        print(f"generate {a.residents:,} residents: {time.perf_counter() - t:.1f} s (not timed below)")
    files = [p for p, _ in standard_inputs(src)]
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} standard files, {size / 1e6:,.0f} MB, in {src}")

    def copy() -> None:
        (work / "copy").mkdir()
        for p in files:
            shutil.copyfile(p, work / "copy" / p.name)

    def cp() -> None:
        (work / "copy").mkdir()
        subprocess.run(["cp", *map(str, files), str(work / "copy")], check=True)

    def copy_hash() -> None:
        from concurrent.futures import ProcessPoolExecutor

        (work / "copy").mkdir()
        big_first = sorted(files, key=lambda p: -p.stat().st_size)
        with ProcessPoolExecutor(a.workers) as ex:
            list(ex.map(_tee, [(str(p), str(work / "copy" / p.name)) for p in big_first]))

    def kernel_copy_hash() -> None:
        from concurrent.futures import ProcessPoolExecutor

        (work / "copy").mkdir()
        big_first = sorted(files, key=lambda p: -p.stat().st_size)
        with ProcessPoolExecutor(a.workers) as ex:
            list(ex.map(_kernel, [(str(p), str(work / "copy" / p.name)) for p in big_first]))

    def hash_only() -> None:
        for p in files:
            h = hashlib.sha256()
            with open(p, "rb") as f:
                while block := f.read(1 << 20):
                    h.update(block)

    if a.ab is not None:
        ab(src, files, work, a.ab, a.rounds, a.workers, a.only.split(","))
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    if a.floor:
        copy_ways(files, work, a.rounds)
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    if a.breakdown:
        breakdown(src, work)
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
        return 0

    from chukan_layout.snapshots import restore_snapshot, verify_snapshot

    base, changed_base = work / "base", work / "base_changed"
    changed = [n for n in a.changed.split(",") if n]

    def create(parquet: bool = False, base_dir: Path | None = None) -> Callable[[], Any]:
        return lambda: create_snapshot(src, work / "snap", parquet=parquet, workers=a.workers, base=base_dir)

    cases: dict[str, Callable[[], Any]] = {
        "copy (shutil.copyfile)": copy,
        "cp": cp,
        "SHA-256 only (read + hash)": hash_only,
        f"copy + SHA-256 (tee), {a.workers} processes": copy_hash,
        f"kernel copy + SHA-256 of copy, {a.workers} pr.": kernel_copy_hash,
        "snapshot create": create(),
        "create --parquet (from CSV)": create(True),
        "create --parquet --base: reuse all": create(True, base),
        f"create --parquet --base: {len(changed)} changed": create(True, changed_base),
    }
    rows: list[tuple[str, str, float, float]] = []
    for cache in a.only.split(","):
        for name, fn in cases.items():
            if "--base" in name and not base.exists():
                continue
            if name.endswith("changed") and not changed_base.exists():
                make_changed_base(base, src, changed, work, a.workers)
            for d in ("copy", "snap"):
                shutil.rmtree(work / d, ignore_errors=True)
            if cache == "cold":  # the base snapshot too: last month's files are not in the page cache
                drop_cache(
                    files + [p for b in (base, changed_base) if b.exists() for p in b.rglob("*.parquet")]
                )
            else:
                os.sync()
                hash_only()  # the files in the page cache
            w, c = timed(fn)
            rows.append((cache, name, w, c))
            print(f"  {cache:<5} {name:<36} {w:8.2f} s wall {c:8.2f} s CPU  (load {_load()})", flush=True)
            if name.endswith("(from CSV)") and not base.exists():
                (work / "snap").rename(base)  # the base of the reuse cases (and what verify / restore read)
    for d in ("copy", "snap"):
        shutil.rmtree(work / d, ignore_errors=True)

    print(f"\n{'cache':<6} {'case':<36} {'wall s':>8} {'CPU s':>8} {'MB/s':>7} {'÷ copy':>7}")
    for cache, name, w, c in rows:
        floor = next(r[2] for r in rows if r[0] == cache and r[1].startswith("copy"))
        print(f"{cache:<6} {name:<36} {w:>8.2f} {c:>8.2f} {size / 1e6 / w:>7.0f} {w / floor:>6.2f}×")
    print("target: snapshot create --parquet ≤ 1.2× the copy (from CSV and with reuse are different cases: "
          "a reuse figure is not the from-scratch figure)")  # fmt: skip
    if changed:
        share = sum((src / n).stat().st_size for n in changed) / size
        print(
            f"changed files ({', '.join(changed)}): {share:.1%} of the bytes, parsed again; the rest reused"
        )

    if base.exists() and not a.no_verify:
        os.sync()
        print(f"\nverify / restore of the --parquet snapshot (from CSV), warm, load {_load()}")
        found: dict[bool, Any] = {}
        for name, validate in (("snapshot verify --no-validate", False), ("snapshot verify", True)):

            def verify(v: bool = validate) -> None:
                found[v] = verify_snapshot(base, validate=v, workers=a.workers)

            w, c = timed(verify)
            print(f"  {name:<36} {w:8.2f} s wall {c:8.2f} s CPU  {size / 1e6 / w:6.0f} MB/s  (load {_load()})",
                  flush=True)  # fmt: skip
        problems = found[True].problems
        print(f"  verify: {problems or 'verified'}")
        tables = a.gaiji_table or [str(p) for p in (src.parent / "vendor_a").glob("*.tsv")]
        if a.restore_profile and not tables:
            print(f"  restore skipped: no 外字 table (--gaiji-table, or {src.parent / 'vendor_a'}/*.tsv)")
        elif a.restore_profile:
            out: dict[str, Any] = {}

            def restore() -> None:
                out["r"] = restore_snapshot(base, a.restore_profile, work / "restored", gaiji_tables=tables,
                                            workers=a.workers, force=bool(problems))  # fmt: skip

            w, c = timed(restore)
            _, exp = out["r"]
            print(f"  {'snapshot restore --profile ' + a.restore_profile:<36} {w:8.2f} s wall {c:8.2f} s CPU  "
                  f"(verify + re-validation + export{'; FORCED: verify failed' if problems else ''}; "
                  f"export exit {exp.exit_code}; load {_load()})")  # fmt: skip
            shutil.rmtree(work / "restored", ignore_errors=True)
    for b in (base, changed_base, work / "changed_src", work / "changed_snap"):
        shutil.rmtree(b, ignore_errors=True)
    print(f"load average at end: {_load()}")
    if a.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _tee(task: tuple[str, str]) -> tuple[int, str]:
    """Copy + SHA-256 of one file in one read (what a reused file costs: the floor of ``--base``)."""
    from chukan_layout.snapshots.tee import TeeReader

    return TeeReader(task[0], task[1]).finish()


def _kernel(task: tuple[str, str]) -> tuple[int, str]:
    """Kernel copy + SHA-256 of the copy on another thread (what a reused file costs now)."""
    from chukan_layout.snapshots.kernelcopy import copy_hashed

    return copy_hashed(task[0], task[1])


def ab(
    src: Path, files: list[Path], work: Path, old: Path, rounds: int, workers: int, caches: list[str]
) -> None:
    """``create --parquet`` of ``old`` (a ``src/`` folder) and of this tree, alternated round by round,
    cold and warm, each in a fresh process (its CPU from ``wait4``: user + system of it and its pool)."""
    import statistics

    this = Path(__file__).resolve().parents[1] / "src"
    size = sum(p.stat().st_size for p in files)
    out = work / "ab_snap"
    seen: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    print(f"A/B create --parquet, {rounds} rounds, {workers} workers: old = {old}, new = {this}")
    for cache in caches:
        for r in range(rounds):
            for name, tree in (("old", old), ("new", this)):
                shutil.rmtree(out, ignore_errors=True)
                if cache == "cold":
                    drop_cache(files)
                else:
                    os.sync()
                    for p in files:  # the files in the page cache
                        with open(p, "rb") as f:
                            while f.read(1 << 22):
                                pass
                code = (f"import sys; sys.path.insert(0, {str(tree)!r}); from chukan_layout.snapshots import "
                        f"create_snapshot; create_snapshot({str(src)!r}, {str(out)!r}, parquet=True, workers={workers})")  # fmt: skip
                load = _load()
                t0 = time.perf_counter()
                proc = subprocess.Popen([sys.executable, "-c", code])
                _, status, ru = os.wait4(proc.pid, 0)
                w = time.perf_counter() - t0
                if status:
                    raise SystemExit(f"{name}: exit status {status}")
                seen.setdefault((cache, name), []).append((w, ru.ru_utime, ru.ru_stime))
                print(f"  {cache:<5} {r + 1} {name:<4} {w:7.2f} s wall {ru.ru_utime + ru.ru_stime:7.2f} s CPU "
                      f"(user {ru.ru_utime:6.2f}, sys {ru.ru_stime:5.2f})  load {load} → {_load()}", flush=True)  # fmt: skip
    shutil.rmtree(out, ignore_errors=True)
    print(
        f"\n{'cache':<6} {'tree':<5} {'wall s (median, min)':>22} {'CPU s (median, min)':>22} {'sys s':>7} {'CPU ns/B':>9}"
    )
    for (cache, name), runs in seen.items():
        ws, cs = [w for w, _, _ in runs], [u + s for _, u, s in runs]
        sys_s = statistics.median(s for *_, s in runs)
        print(f"{cache:<6} {name:<5} {statistics.median(ws):>13.2f} {min(ws):>8.2f} {statistics.median(cs):>13.2f} "
              f"{min(cs):>8.2f} {sys_s:>7.2f} {statistics.median(cs) * 1e9 / size:>9.2f}")  # fmt: skip
    print(f"load average at end: {_load()}")


def copy_ways(files: list[Path], work: Path, rounds: int) -> None:
    """The ways to copy + hash the files, alternated ``rounds`` times (warm; see the module docstring)."""
    import mmap
    import threading

    from chukan_layout.snapshots import kernelcopy
    from chukan_layout.snapshots.count import LineCounter
    from chukan_layout.snapshots.kernelcopy import copy_hashed
    from chukan_layout.snapshots.tee import TeeReader

    size = sum(p.stat().st_size for p in files)
    out = work / "floor"

    def readinto_copy(p: Path) -> None:  # kernel copy, then the copy hashed through readinto (no overlap)
        h = hashlib.sha256()
        buf = bytearray(4 << 20)
        copy_hashed(p, out / p.name, hashing=False)
        with open(out / p.name, "rb") as f:
            while n := f.readinto(buf):
                h.update(memoryview(buf)[:n])

    def hash_source(p: Path) -> None:  # kernel copy on this thread, the SOURCE hashed on another
        h = hashlib.sha256()

        def run() -> None:
            with open(p, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                h.update(mm)

        t = threading.Thread(target=run)
        t.start()
        copy_hashed(p, out / p.name, hashing=False)
        t.join()

    def stepped(step: int) -> Callable[[Path], Any]:
        def run(p: Path) -> Any:
            kernelcopy.STEP, old = step, kernelcopy.STEP
            try:
                return copy_hashed(p, out / p.name)
            finally:
                kernelcopy.STEP = old

        return run

    variants: list[tuple[str, Callable[[Path], Any]]] = [
        ("shutil.copyfile", lambda p: shutil.copyfile(p, out / p.name)),
        ("tee: read, hash, write (1 MiB)", lambda p: TeeReader(p, out / p.name).finish()),
        ("kernel copy + hash copy (mmap, 8 MiB)", lambda p: copy_hashed(p, out / p.name)),
        ("kernel copy, then hash copy (readinto)", readinto_copy),
        ("kernel copy + hash SOURCE (mmap)", hash_source),
        ("kernel copy + hash copy, 2 MiB steps", stepped(2 << 20)),
        ("kernel copy + hash copy, 32 MiB steps", stepped(32 << 20)),
        ("kernel copy + hash + count the copy", lambda p: copy_hashed(p, out / p.name, LineCounter().feed)),
    ]
    print(
        f"\nthe ways to copy + hash, one process, warm, {size / 1e6:,.0f} MB, {rounds} rounds (load {_load()})"
    )
    seen: dict[str, list[tuple[float, float]]] = {}
    for r in range(rounds):
        for name, fn in variants:
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            os.sync()
            for p in files:  # warm
                copy_hashed(p, None, hashing=False)
            w, c = timed(lambda fn=fn: [fn(p) for p in files])
            seen.setdefault(name, []).append((w, c))
            print(f"  {r + 1} {name:<40} {w:7.2f} s wall {c:7.2f} s CPU {c * 1e9 / size:5.2f} ns/byte  "
                  f"(load {_load()})", flush=True)  # fmt: skip
    shutil.rmtree(out, ignore_errors=True)
    base = seen["shutil.copyfile"]
    print(f"\n{'variant':<40} {'wall ÷ copy (per round)':>28} {'CPU ns/byte (min–max)':>24}")
    for name, runs in seen.items():
        ratios = " ".join(f"{w / b[0]:.2f}" for (w, _), b in zip(runs, base, strict=True))
        cpus = [c * 1e9 / size for _, c in runs]
        print(f"{name:<40} {ratios:>28} {min(cpus):>11.2f}–{max(cpus):.2f}")
    print(f"load average at end: {_load()}")


def make_changed_base(base: Path, src: Path, changed: list[str], work: Path, workers: int) -> None:
    """A base snapshot in which the ``changed`` files hold other bytes than ``src`` (one value of their
    last record differs), the others being ``base``'s (hard links): last month's snapshot as it would
    be if only these files changed since. Not timed."""
    import json

    from chukan_layout.snapshots import create_snapshot
    from chukan_layout.snapshots.manifest import Snapshot

    mod, snap, changed_base = work / "changed_src", work / "changed_snap", work / "base_changed"
    mod.mkdir()
    for n in changed:
        data = bytearray((src / n).read_bytes())
        i = data.rindex(b'"', 0, len(data) - 3) - 1
        while data[i] == 0x22:
            i -= 1
        data[i] = 0x30 if data[i] != 0x30 else 0x31
        (mod / n).write_bytes(bytes(data))
    entries = {Path(f.path).name: f for f in create_snapshot(mod, snap, parquet=True, workers=workers).files}
    m = Snapshot.model_validate(json.loads((base / "snapshot.json").read_text("utf-8")))
    files = []
    for f in m.files:
        f = entries.get(Path(f.path).name, f)
        root = snap if Path(f.path).name in entries else base
        for rel in [f.path] + ([f.parquet.path] if f.parquet else []):
            (changed_base / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(root / rel, changed_base / rel)
        files.append(f)
    for e in m.extras:
        (changed_base / e.path).parent.mkdir(parents=True, exist_ok=True)
        os.link(base / e.path, changed_base / e.path)
    m.files = files
    m.write(changed_base)


def breakdown(src: Path, work: Path) -> None:
    """CPU seconds per stage of the snapshot pass (see the module docstring)."""

    from chukan_layout.readers.standard_csv import read_standard_csv
    from chukan_layout.snapshots.copyread import CopyReader
    from chukan_layout.snapshots.create import standard_inputs
    from chukan_layout.snapshots.filecopy import _parse, copy_file
    from chukan_layout.snapshots.tee import TeeReader
    from chukan_layout.snapshots.typed import Lossy
    from chukan_layout.snapshots.typed import parquet_types as _wanted
    from chukan_layout.snapshots.typed import typed as _typed
    from chukan_layout.spec.registry import load_layout

    inputs = standard_inputs(src)
    layouts = {lid: load_layout(lid).spec for _, lid in inputs}
    size = sum(p.stat().st_size for p, _ in inputs)

    def typed(p: Path, lid: str) -> None:
        lay = layouts[lid]
        wanted = _wanted(lay)
        for b in read_standard_csv(p, lay):
            for i in list(wanted):
                try:
                    _typed(b.column(i), wanted[i], i)
                except Lossy:
                    del wanted[i]

    stages: list[tuple[str, Callable[[Path, str], Any]]] = [
        ("read + SHA-256", lambda p, lid: TeeReader(p).finish()),
        (
            "+ copy (tee: user-space write, the pass before 2026-12-07)",
            lambda p, lid: TeeReader(p, work / "b.csv").finish(),
        ),
        (
            "kernel copy + read & SHA-256 of the copy (CopyReader)",
            lambda p, lid: CopyReader(p, work / "b.csv").finish(),
        ),
        (
            "+ record count (the pass without Parquet)",
            lambda p, lid: copy_file(p, work / "b.csv", layouts[lid]),
        ),
        ("read + SHA-256 + guarded CSV parse", lambda p, lid: _parse(p, None, layouts[lid], None)),
        ("guarded CSV parse + typed-column checks (no hash)", typed),
        (
            "the whole --parquet pass",
            lambda p, lid: copy_file(p, work / "b.csv", layouts[lid], work / "b.pq"),
        ),
    ]
    for p, _ in inputs:  # warm the page cache
        TeeReader(p).finish()
    print(f"\nCPU per stage, one process, warm cache, {size / 1e6:,.0f} MB (load {_load()})")
    for name, fn in stages:
        c0 = time.process_time()
        for p, lid in inputs:
            fn(p, lid)
        c = time.process_time() - c0
        print(f"  {name:<52} {c:8.2f} s CPU  {c * 1e9 / size:6.1f} ns/byte", flush=True)
    for f in ("b.csv", "b.pq"):
        (work / f).unlink(missing_ok=True)
    print(f"load average at end: {_load()}")


if __name__ == "__main__":
    sys.exit(main())
