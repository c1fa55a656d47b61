"""Executors: results in task order, state built once per process; Dask on a real LocalCluster
(2 worker processes) gives byte-identical outputs to the process executor."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from chukan_layout import pipeline
from chukan_layout.adapt.loader import load_adapter
from chukan_layout.errors import OptionsError
from chukan_layout.input_hashes import BackgroundHashes
from chukan_layout.pipeline._convert_plan import ConvertPlan
from chukan_layout.pipeline.executors import (
    CAN_FORK,
    SMALL_INPUT_BYTES,
    Job,
    executor_session,
    n_workers,
    ordered_map,
)
from chukan_layout.pipeline.standard import validate_files
from chukan_layout.synth.generate import GenerateResult, generate


def _state() -> dict[str, int]:
    return {"pid": os.getpid(), "built": 1}


def _square(state: dict[str, int], x: int) -> tuple[int, int, int]:
    return x * x, state["pid"], os.getpid()  # where the state was built, where the task ran


_SET_IN_PARENT: list[int] = []  # set by the test before the workers start: a forked worker sees it


def _probe(state: dict[str, int], x: int) -> tuple[int, int, int, list[int], tuple[str | None, str | None]]:
    env = (os.environ.get("MALLOC_TRIM_THRESHOLD_"), os.environ.get("MALLOC_ARENA_MAX"))
    return x * x, state["pid"], os.getpid(), list(_SET_IN_PARENT), env


def test_ordered_map_keeps_task_order_on_every_executor() -> None:
    tasks = list(range(12))
    me = os.getpid()
    local = list(ordered_map(Job(_square, make_state=_state), tasks, workers=1))
    assert [r for r, *_ in local] == [t * t for t in tasks] and {(s, w) for _, s, w in local} == {(me, me)}
    pooled = list(ordered_map(Job(_square, _state(), make_state=_state), tasks, workers=2))
    assert [r for r, *_ in pooled] == [t * t for t in tasks]
    # the state built here is inherited by the forked workers (not rebuilt); the tasks ran there
    assert {s for _, s, _ in pooled} == {me} and me not in {w for *_, w in pooled}
    assert n_workers(None, 1) == 1 and n_workers(8, 3) == 3
    # a tiny run without a worker count stays in this process; an explicit count is obeyed
    assert n_workers(None, 3, input_bytes=10 * 1683) == 1 and n_workers(2, 3, input_bytes=10 * 1683) == 2
    assert n_workers(None, 3, input_bytes=SMALL_INPUT_BYTES) == min(3, os.cpu_count() or 1)
    with pytest.raises(OptionsError):
        list(ordered_map(Job(_square, make_state=_state), tasks, executor="ray"))
    # Dask without a scheduler address: a LocalCluster of 2 worker processes, started in the
    # background by the session (the caller plans meanwhile) and closed with it
    _SET_IN_PARENT[:] = [me]
    busy = socket.socket()  # another cluster's dashboard port: ours neither tries it nor warns about it
    with contextlib.suppress(OSError):
        busy.bind(("127.0.0.1", 8787))
        busy.listen(1)
    with busy, warnings.catch_warnings(record=True) as caught, executor_session("dask", 2) as session:
        warnings.simplefilter("always")
        assert session is not None
        job = Job(_probe, make_state=_state, key="probe")
        session.warm(job)  # asked before the cluster is up: the connecting thread warms the workers
        dsk = list(ordered_map(job, tasks, workers=2, executor="dask", session=session))
    assert [r for r, *_ in dsk] == [t * t for t in tasks]
    # the states were built in the workers, and each task ran where its state was built
    assert {s for _, s, *_ in dsk} == {w for _, _, w, *_ in dsk} and me not in {w for _, _, w, *_ in dsk}
    # where this process can fork, the LocalCluster's workers are forked from it (no imports
    # to repeat) and keep its environment; spawned elsewhere, with no 64 KiB glibc trim
    # threshold (+15% CPU) and one malloc arena
    trim, arenas = os.environ.get("MALLOC_TRIM_THRESHOLD_"), os.environ.get("MALLOC_ARENA_MAX")
    assert session.forks == CAN_FORK
    if CAN_FORK:
        assert {(tuple(p), e) for *_, p, e in dsk} == {((me,), (trim, arenas))}
    else:
        assert {(tuple(p), e) for *_, p, e in dsk} == {((), (trim, arenas or "1"))}
    # the phases of the run, the warm-ups' and the close (in the background, joined on exit) included
    assert {"cluster_up", "planned", "first_task", "last_task", "busy", "states_built", "close"} <= set(
        session.timings
    )
    assert not [w for w in caught if "8787" in str(w.message)]
    with executor_session("dask", 2) as unused:  # closed unused: forked workers were never started
        pass
    assert unused is not None and (not unused.forks or "cluster_up" not in unused.timings)
    with executor_session("processes") as none:
        assert none is None  # the process pool forks later, on its own


def test_forked_dask_workers_inherit_a_state_built_here() -> None:
    """A job whose state is built before its session forks the workers: they use that state
    (no rebuild), and this process lets it go once they are forked."""
    from chukan_layout.pipeline import _dask_tasks

    me, tasks = os.getpid(), list(range(50))  # the first ones go in groups (group_size), in order
    frozen_here = gc.get_freeze_count()
    with executor_session("dask", 2) as session:
        assert session is not None
        job = Job(_square, _state(), make_state=_state, key="seeded")
        session.warm(job)
        assert job.state is None and "seeded" not in _dask_tasks.STATES  # not kept in this process
        dsk = list(ordered_map(job, tasks, workers=2, executor="dask", session=session))
        # the heap was frozen while the workers forked (they never walk it), not here afterwards
        assert gc.get_freeze_count() == frozen_here
        if CAN_FORK:
            assert all(n > 0 for n in session.client().run(gc.get_freeze_count).values())
    assert [r for r, *_ in dsk] == [t * t for t in tasks] and me not in {w for *_, w in dsk}
    # forked: the state built here (its pid) in every worker; spawned: each built its own
    assert {s for _, s, _ in dsk} == ({me} if CAN_FORK else {w for *_, w in dsk})
    # groups of up to MAX_GROUP while many tasks remain, one by one for the last GROUP_TAIL per worker
    sizes = [_dask_tasks.group_size(r, 2) for r in (50, 32, 31, 16, 15, 8, 7, 1, 0)]
    assert sizes == [6, 4, 3, 2, 1, 1, 1, 1, 1]
    assert _dask_tasks.group_size(10_000, 2) == _dask_tasks.MAX_GROUP


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A real dask.distributed LocalCluster with 2 worker processes, shared by the tests below."""
    import logging

    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster:  # fmt: skip
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(tmp_path_factory.mktemp("exp"), vendors="a,b", residents=250, faults=0.02, seed=5,
                    gaiji_share=0.05)  # fmt: skip


def _digest(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


@pytest.mark.parametrize("vendor", ["vendor_a", "vendor_b"])  # fixed-width splits and CSV byte ranges
def test_dask_local_cluster_matches_the_process_executor(
    vendor: str, export: GenerateResult, scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    table = export.gaiji_tables[vendor]
    files = [p for p in export.vendor_files[vendor] if p != table]
    opts = pipeline.ConvertOptions(gaiji_tables=(str(table),), partition_bytes=1 << 16)
    ref = pipeline.convert(vendor, files, tmp_path / "proc1", opts.replace(workers=1))
    pipeline.convert(vendor, files, tmp_path / "proc2", opts.replace(workers=2))
    seen: list[int] = []

    def refuse(self: BackgroundHashes, paths: object) -> None:
        raise AssertionError("the client hashed the inputs")

    with monkeypatch.context() as m:  # the inputs' SHA-256 in the report come from the Dask workers
        m.setattr(BackgroundHashes, "start", refuse)
        dsk = pipeline.convert(vendor, files, tmp_path / "dask", opts.replace(executor="dask", scheduler=scheduler),
                               progress=seen.append)  # fmt: skip
    assert {Path(i.path).name: i.sha256 for i in dsk.report.inputs} == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }
    assert max(p.stat().st_size for p in files) > 2 * (1 << 16)  # several partitions per file
    if vendor == "vendor_b":  # the CSV files were split into byte ranges, not read whole
        assert "byte ranges at record boundaries" in ref.report.options.extra["partitions"]
    # every output, byte for byte: 1 and 2 local processes, 2 Dask worker processes
    a, b, c = _digest(tmp_path / "proc1"), _digest(tmp_path / "proc2"), _digest(tmp_path / "dask")
    assert {"report.json", "rejects.csv", "gaiji.csv", "summary.json", "juki_jumin.csv"} <= set(a)
    assert a == b == c
    assert ref.report == dsk.report and sum(seen) == sum(p.stat().st_size for p in files)
    assert ref.rejects > 0 and ref.records_out > 250  # faults reached the rejects; records were written
    if vendor != "vendor_a":
        return
    # a LocalCluster started for the run, its workers forked with the state built here
    own = pipeline.convert(vendor, files, tmp_path / "own", opts.replace(executor="dask", workers=2))
    assert _digest(tmp_path / "own") == a and own.report == ref.report
    # validate of the standard files on the same executors: the same report
    std = [Path(o.path) for o in ref.outputs.values()]
    v1 = validate_files(std, layouts_auto=True, workers=1, report_dir=tmp_path / "v1")
    v2 = validate_files(
        std, layouts_auto=True, executor="dask", scheduler=scheduler, report_dir=tmp_path / "v2"
    )
    v3 = validate_files(std, layouts_auto=True, workers=2, report_dir=tmp_path / "v3")
    assert v1.report == v2.report == v3.report and v1.report.totals.records_read > 250


def test_the_plan_counts_the_partitions_of_fixed_width_files(export: GenerateResult) -> None:
    """The Dask executor groups partitions into tasks by the plan's length: a fixed-width file
    counts as the partitions it is cut into, not as one (vendor A 1M: 135 Dask tasks, not 36)."""
    ad = load_adapter("vendor_a")
    files = [p for p in export.vendor_files["vendor_a"] if p != export.gaiji_tables["vendor_a"]]
    assigned = ad.assign(files)
    triples = [(s.id, p, s.definition) for s in ad.data_sources() for p in assigned[s.id]]
    lazy = ConvertPlan(triples, partition_bytes=1 << 14, header_of=lambda s, p: {})
    assert len(lazy) == len(list(lazy)) > len(files)
    assert len(ConvertPlan(triples, partition_bytes=1 << 14, split=False)) == len(files)


def test_dask_refuses_what_cannot_leave_the_process(export: GenerateResult, tmp_path: Path) -> None:
    files = [p for p in export.vendor_files["vendor_a"] if p != export.gaiji_tables["vendor_a"]]
    with pytest.raises(OptionsError, match="custom stages"):
        pipeline.convert("vendor_a", files, tmp_path, executor="dask", stages=[lambda la, b, fs: b])
    with pytest.raises(OptionsError, match="scheduler address needs executor='dask'"):
        pipeline.ConvertOptions(scheduler="tcp://127.0.0.1:1")


def test_convert_collects_the_young_generation_less_often(export: GenerateResult, tmp_path: Path) -> None:
    """While a run converts, the collector's young generation is 10,000 objects (as the CLI's
    commands set it: the parent and its forked workers collect ~12× less often); the caller's
    thresholds come back when the run ends."""
    table = export.gaiji_tables["vendor_a"]
    files = [p for p in export.vendor_files["vendor_a"] if p != table]
    seen: list[tuple[int, ...]] = []

    def stage(layout: object, batch: object, findings: object) -> object:
        seen.append(gc.get_threshold())
        return batch

    previous = gc.get_threshold()
    gc.set_threshold(700, 9, 8)
    try:
        pipeline.convert("vendor_a", files, tmp_path, gaiji_tables=(str(table),), stages=[stage])  # type: ignore[list-item]
        assert seen and set(seen) == {(10_000, 9, 8)}
        assert gc.get_threshold() == (700, 9, 8)
    finally:
        gc.set_threshold(*previous)
