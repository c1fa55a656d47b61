"""``reconcile()``: OLD vs NEW, keyed, in bounded memory, with the 照合表 — the run from end to end.

1. resolve both sides to standard-layout files per layout (:mod:`.sources`; a vendor
   export goes through the adapter's convert pipeline first);
2. spill: each (side, layout) is read once and hash-partitioned on its key into bucket files,
   the totals accumulated on the way (:mod:`.spill`);
3. compare: bucket by bucket (:mod:`.compare`), on ``workers`` processes;
4. assemble ``reconcile.json`` / ``reconcile.html`` (:mod:`chukan_layout.report`) and
   ``differences.csv`` (the bucket parts concatenated in layout × bucket order).

Workers: the pipeline's executor API (:func:`chukan_layout.pipeline.executors.ordered_map`)
runs the spill jobs (one per side × layout) and then the buckets on ``workers`` processes,
results in task order (so outputs do not depend on the worker count).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ..errors import OptionsError, ReconcileError
from ..files import atomic_output, sha256_file
from ..spec.model import ItemType, Layout
from .assemble import build_report
from .compare import COLUMNS, BucketResult, BucketTask, compare_bucket
from .equivalence import DEFAULT_EQUIVALENCES, VALUE_EQUIVALENCES, Equivalences, load_code_map, load_evidence
from .result import ReconcileResult
from .sources import Side, adapted_side, digest_inputs, standard_side
from .spill import LayoutSpill, spill_layout

T = TypeVar("T")
BUCKET_BYTES = (
    64 << 20
)  # CSV bytes (both sides) per bucket: a bucket pair of ``_row`` cells and the matched copies ≈ 130 MB
MAX_PARTITIONS = 1024
BATCH_ROWS = 32768  # rows per reader batch: a 住民 row is ~1.6 kB, so ≈ 50 MB


def _paths(x: str | Path | Sequence[str | Path]) -> list[Path]:
    return [Path(x)] if isinstance(x, str | Path) else [Path(p) for p in x]


def partitions_for(nbytes: int, bucket_bytes: int = BUCKET_BYTES) -> int:
    """Buckets for ``nbytes`` of CSV (both sides): a power of two, 1 when everything fits one bucket."""
    p = 1
    while p * bucket_bytes < nbytes and p < MAX_PARTITIONS:
        p *= 2
    return p


def _resolve_keys(layout: Layout, given: list[str] | None) -> list[str]:
    if not given:
        return list(layout.record_key)
    by = {it.name: it.id for it in layout.items} | {i: i for i in layout.item_ids}
    bad = [k for k in given if k not in by]
    if bad:
        raise ReconcileError(f"--key: {', '.join(bad)} not an item of {layout.id}")
    return [by[k] for k in given]


def _no_state() -> int:
    return 0  # the jobs need no per-process state; a Dask worker builds this one


def _give_back() -> None:
    """Return the freed memory of a finished job to the system: Arrow's pool and the C heap.

    One process runs the spill jobs and the buckets one after another; without this, what
    one job freed stays in the allocators and the next job's peak lands on top of it."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    global _TRIM
    if _TRIM is None:
        import ctypes

        try:  # glibc only; elsewhere a no-op (no find_library: it runs ldconfig in a subprocess)
            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM: Any = None


def _spill_job(_state: int, task: tuple[Any, ...]) -> LayoutSpill:
    try:
        return spill_layout(*task)
    finally:
        _give_back()


def _compare_job(_state: int, task: BucketTask) -> BucketResult:
    try:
        return compare_bucket(task)
    finally:
        _give_back()


def _run(run: Callable[[int, Any], T], tasks: Sequence[Any], workers: int, executor: str,
         scheduler: str | None, started: Callable[[], None] | None = None) -> list[T]:  # fmt: skip
    from ..pipeline.executors import Job, ordered_map

    job = Job(run=run, state=0, make_state=_no_state, key=f"reconcile-{run.__name__}")
    return list(ordered_map(job, tasks, workers=workers, executor=executor, scheduler=scheduler,
                            started=started))  # fmt: skip


def reconcile(
    old: str | Path | Sequence[str | Path],
    new: str | Path | Sequence[str | Path],
    out_dir: str | Path | None = None,
    *,
    old_adapter: str | None = None,
    new_adapter: str | None = None,
    gaiji_tables: Sequence[str | Path] = (),
    layout: str | None = None,
    layouts: dict[str, str] | None = None,
    keys: dict[str, list[str]] | None = None,
    equivalences: Sequence[str] = DEFAULT_EQUIVALENCES,
    code_map: str | Path | None = None,
    gaiji_evidence: str | Path | None = None,
    unmask: bool = False,
    workers: int | None = 1,
    executor: str = "processes",
    scheduler: str | None = None,
    max_samples: int = 20,
    encoding: str = "utf-8",
    batch_size: int = BATCH_ROWS,
    bucket_bytes: int = BUCKET_BYTES,
    spill_dir: str | Path | None = None,
    totals: str | Path | None = None,
) -> ReconcileResult:
    """Compare OLD with NEW (standard-layout CSV folders/files, or vendor exports through adapters).

    ``keys`` maps a layout id (or ``"*"``: every layout carrying the items) to key items
    (ids or 項目名称; default: the layout's ``record_key``). ``equivalences`` are the value
    equivalences accepted and reported (``trailing_blanks``, ``kana_width``,
    ``date_notation``); ``code_map`` and ``gaiji_evidence`` add the other two. Writes
    ``reconcile.json``, ``reconcile.html`` and ``differences.csv`` into ``out_dir`` (not
    written when None) and returns a :class:`ReconcileResult` (``exit_code`` 0 match, 1 not).
    ``executor`` (``processes`` or ``dask``; ``scheduler``: a running ``dask.distributed``
    scheduler's address) says where the spill and bucket jobs run, as for ``convert``: the
    outputs are byte-identical whatever the executor and the number of workers.
    """
    from ..spec.registry import load_layout

    bad = [e for e in equivalences if e not in VALUE_EQUIVALENCES]
    if bad:
        raise ReconcileError(f"unknown equivalence {bad[0]!r}; valid: {', '.join(VALUE_EQUIVALENCES)}")
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if executor not in ("processes", "dask"):
        raise OptionsError(f"executor must be one of processes, dask, got {executor!r}")
    if scheduler is not None and executor != "dask":
        raise OptionsError("a scheduler address needs executor='dask'")
    work = Path(tempfile.mkdtemp(prefix=".chukan-reconcile-", dir=spill_dir))
    hashing = ThreadPoolExecutor(1, thread_name_prefix="reconcile-sha256")
    try:
        sides: list[Side] = []
        for name, given, adapter in (("old", old, old_adapter), ("new", new, new_adapter)):
            if adapter:
                sides.append(adapted_side(name, _paths(given), adapter, work, gaiji_tables=[Path(g) for g in gaiji_tables],
                                          workers=n_workers, executor=executor, scheduler=scheduler))  # fmt: skip
            else:
                sides.append(standard_side(name, _paths(given), layout=layout, layouts=layouts,
                                           encoding=encoding, digest=False))  # fmt: skip
        lids = sorted(set(sides[0].files) | set(sides[1].files))
        loaded = {lid: load_layout(lid) for lid in lids}
        if totals is not None:
            loaded = _with_totals(loaded, Path(totals))
        specs = {lid: loaded[lid].spec for lid in lids}
        equiv = Equivalences(tuple(equivalences))
        if code_map is not None:
            equiv.code_map, equiv.code_map_file = load_code_map(code_map, specs.values()), str(code_map)
        if gaiji_evidence is not None:
            equiv.evidence, equiv.evidence_file = load_evidence(gaiji_evidence), str(gaiji_evidence)
        key_of: dict[str, list[str]] = {}
        for lid in lids:
            key_of[lid] = _resolve_keys(specs[lid], (keys or {}).get(lid) or (keys or {}).get("*"))
        parts = {
            lid: partitions_for(
                sum(p.stat().st_size for s in sides for p in s.files.get(lid, [])), bucket_bytes
            )
            for lid in lids
        }
        jobs = [
            (s, specs[lid], key_of[lid], parts[lid], work / "buckets", equiv, batch_size)
            for lid in lids
            for s in sides
        ]
        # the inputs' SHA-256 (a second read of every file) on a thread beside the spill jobs,
        # started once the worker processes exist (never fork a process with a running thread)
        digested: list[Future[None]] = []
        spilled: list[LayoutSpill] = _run(_spill_job, jobs, n_workers, executor, scheduler,
                                          lambda: digested.append(hashing.submit(digest_inputs, sides)))  # fmt: skip
        by = {(sp.side, sp.layout): sp for sp in spilled}
        tasks: list[BucketTask] = []
        for lid in lids:
            lay, o, n = specs[lid], by[("old", lid)], by[("new", lid)]
            missing = set(o.missing_items) | set(n.missing_items)
            for b in range(parts[lid]):
                tasks.append(BucketTask(
                    lid, b, o.buckets[b] if o.buckets else None, n.buckets[b] if n.buckets else None,
                    key_of[lid], list(lay.item_ids), [i for i in lay.item_ids if i not in missing],
                    [it.id for it in lay.items if it.type is ItemType.DATE],
                    {it.id: it.sensitivity.value for it in lay.items}, {it.id: it.name for it in lay.items},
                    o.files, n.files, equiv, unmask, max_samples, str(work / "parts" / f"{lid}.{b:04d}.csv"),
                ))  # fmt: skip
        for d in digested:  # done long before the spill (which reads and parses the same bytes)
            d.result()
        results: list[BucketResult] = _run(_compare_job, tasks, n_workers, executor, scheduler)
        extra = {} if totals is None else {"totals_profile": f"{totals} (SHA-256 {sha256_file(totals)[1]})"}
        report = build_report(sides, loaded, key_of, parts, by, results, equiv, unmask=unmask,
                              max_samples=max_samples, workers=n_workers, extra=extra)  # fmt: skip
        written: dict[str, Path] = {}
        if out_dir is not None:
            from ..report.reconcile_write import write_reconcile_reports

            out = Path(out_dir)
            written = write_reconcile_reports(report, out)
            written["csv"] = _differences_csv(out / "differences.csv", results)
        return ReconcileResult(report, written)
    finally:
        hashing.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(work, ignore_errors=True)


def _with_totals(loaded: dict[str, Any], path: Path) -> dict[str, Any]:
    """The layouts with the 照合表 of a totals profile (YAML: layout id → ``reconcile:`` section)."""
    import dataclasses

    import yaml
    from pydantic import ValidationError

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ReconcileError(f"{path}: cannot read the totals profile: {e}") from None
    if not isinstance(doc, dict):
        raise ReconcileError(f"{path}: a totals profile maps layout ids to reconcile: sections")
    out = dict(loaded)
    for lid, section in doc.items():
        if lid not in out:
            continue  # a profile may cover layouts this run does not compare
        spec = out[lid].spec
        try:
            new = type(spec).model_validate(
                {**spec.model_dump(mode="json", by_alias=True), "reconcile": section}
            )
        except ValidationError as e:
            first = e.errors()[0]
            raise ReconcileError(
                f"{path}: {lid}: {'.'.join(map(str, first['loc']))}: {first['msg']}"
            ) from None
        out[lid] = dataclasses.replace(out[lid], spec=new)
    return out


def _differences_csv(path: Path, results: list[BucketResult]) -> Path:
    """Header + every bucket's part, in layout × bucket order (the parts are already guarded)."""
    with atomic_output(path) as out:
        out.write((",".join(f'"{c}"' for c in COLUMNS) + "\n").encode("utf-8"))
        for r in results:
            if r.part_path:
                with open(r.part_path, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 20)  # type: ignore[misc]
    return path
