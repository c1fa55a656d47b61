"""The convert orchestration: read → adapt → 外字 → validate → write, with accounting and a report.

:func:`convert` is the library form of ``chukan-layout convert``; :func:`validate` (in
:mod:`.standard`) the one of ``chukan-layout validate``. Both take their options as one frozen
object (:class:`~.options.ConvertOptions`, :class:`~.options.ValidateOptions`) or as keywords
that build it. The flow of convert::

    plan partitions (whole files; big fixed-width files split at k × record length — an LF/CRLF
    range whose worker finds a line of another length reads on to the end of the file instead,
    and the ranges after it are void; big CSV files at proven record boundaries, the ranges
    handed out while the scan goes on — a file it cannot prove voids them and stays whole)
      → per partition, on an executor (worker.run_partition):
          read → AdaptEngine.adapt → 外字 stage → stages (hooks) → CompiledLayout.check
          → standard CSV rows placed in the outputs (._place) or part files; rejects rows,
            gaiji.csv rows; key/reference codes
      → the parent, in partition order: findings merged, accounting summed, codes into the
        key / reference indexes, trailers reconciled, placed rows hashed, parts concatenated
        into the outputs
      → report.json / report.html / findings.csv

Here the run's outline (:func:`_convert`: options, inputs, :func:`_merge_partitions`,
:func:`_finish`); its parts: the options resolved (:mod:`._convert_options`), the inputs named and
hashed (:mod:`._convert_inputs`), where the partitions run and with what state
(:mod:`._convert_workers`), the plan (:mod:`._convert_plan`), the ordered merge and the rows'
placement (:mod:`._convert_merge`).

Nothing is lost: per file, records seen == records written + rejected (read, adapt or
validation) + control records (header / trailer / end), or :class:`AccountingError`. On
any exception (or Ctrl-C) every output is abandoned: no half-written file appears under its
name. With ``workers=N`` the outputs are byte-identical to ``workers=1`` (the partition plan
does not depend on N, parts are canonical and merged in order).

Errors: with ``on_error="reject"`` (default) a record with an error-severity finding of
the item checks, row rules, adapt or 外字 stage goes to ``rejects.csv`` (converted values
and reasons), not to the output; ``"keep"`` writes it and only reports. Cross-record
findings (duplicate keys, orphans, trailer mismatches) are known only at the end of the run:
they are reported but never move already written records.
"""

from __future__ import annotations

import contextlib
import gc
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import pyarrow as pa

from ..adapt.engine import AdaptEngine, LookupTable
from ..adapt.loader import Adapter, LayoutProvider, load_adapter
from ..findings import FindingSet
from ..input_hashes import ForkedHashes
from ..spec.model import Layout
from ..write.rejects import redact_rejects
from ._convert_inputs import RunHashes, RunInputs
from ._convert_merge import OrderedMerge, run_placement
from ._convert_options import report_extra, run_findings, worker_options
from ._convert_plan import ConvertPlan
from ._convert_workers import StateFactory, parent_state, pool_size, stays_local
from ._lookups import load_lookups
from ._memory import steady_heap, use_lean_pool
from ._merge import RunMerger, convert_report
from ._outputs import GAIJI_NAME, REJECTS_NAME, SUMMARY_NAME, sinks, write_outputs
from ._probes import pandas_unprobed
from ._rejects import RejectSink
from ._result import ConvertResult, FileAccounting, OutputFile
from ._source_reads import csv_columns, header_values, rereader
from ._worker import run_partition
from ._worker_state import PartResult, RunConfig, WorkerState, gaiji_tables
from .executors import Background, Chores, Job, executor_session, ordered_map
from .options import ConvertOptions, Hooks, Progress
from .plan import Partition
from .publish import Publication, published
from .structure import warn_unchecked_trailers

if TYPE_CHECKING:
    from ._dask import DaskSession


class BatchStage(Protocol):
    """A stage between adapt and write (the seam for extra 外字 mapping or checks).

    Called once per standard-layout batch; returns the (possibly rewritten) batch, same rows.
    """

    def __call__(self, layout: Layout, batch: pa.RecordBatch, findings: FindingSet) -> pa.RecordBatch: ...


def convert(
    adapter: str | Path | Adapter,
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    options: ConvertOptions | None = None,
    *,
    findings: FindingSet | None = None,
    progress: Progress | None = None,
    stages: Sequence[BatchStage] = (),
    layouts: LayoutProvider | None = None,
    hashes: ForkedHashes | None = None,
    **changes: Any,
) -> ConvertResult:
    """Convert vendor export files into standard-layout CSV files under ``out_dir``.

    ``adapter`` is a shipped/plugin adapter name, a path, or a loaded :class:`Adapter`.
    ``options`` (:class:`~.options.ConvertOptions`, the CLI's defaults when omitted) say how;
    keyword ``changes`` (e.g. ``validate=False, workers=2``) are applied to them once, here.
    By default the run validates: every record against its layout (``on_error`` reject |
    keep), the cross-record checks and trailers, and the report written to ``report_dir``
    (default ``out_dir``). Hooks: ``findings`` collects the run's findings; ``progress(n)``
    hears about input bytes done; ``stages`` run on each layout batch before validation and
    ``layouts`` provides the adapter's layouts — both keep the work in this process; ``hashes``:
    the inputs' SHA-256 already under way (:class:`~chukan_layout.input_hashes.ForkedHashes`, started by
    the command before its imports), taken instead of hashing them beside the workers.
    """
    opts = ConvertOptions.of(options, **changes)
    hooks = Hooks(progress=progress, stages=tuple(stages), layouts=layouts, hashes=hashes)
    # pyarrow's own probes for pandas (≈ 0.2–0.4 s of imports in the run's serial start) find none,
    # as under the command line: a run hands pyarrow no pandas objects (pipeline._probes)
    with _young_collections(), pandas_unprobed():
        return _convert_published(adapter, inputs, out_dir, opts, findings, hooks)


# The collector's young generation while a run converts, as the CLI sets it for its commands
# (cli._COMMAND_GC): with the default 700 the parent of a vendor A 1M run made ~275 collections
# (0.15 s CPU, two of them full ones walking the adapter's ~10⁵ objects) and each forked worker
# ~80 (0.035 s); with 10,000, 24 (0.08 s) and 4 (0.009 s). Cycles are still collected (memory
# stays bounded). The caller's thresholds are restored when the run ends.
_RUN_GC_YOUNG = 10_000


@contextmanager
def _young_collections() -> Iterator[None]:
    previous = gc.get_threshold()
    if previous[0] < _RUN_GC_YOUNG:
        gc.set_threshold(_RUN_GC_YOUNG, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _convert_published(adapter: str | Path | Adapter, inputs: Sequence[str | Path], out_dir: str | Path,
                       opts: ConvertOptions, findings: FindingSet | None, hooks: Hooks) -> ConvertResult:  # fmt: skip
    # the run writes into a staging folder, published in one step with its run.json (issue 14)
    # with Dask, the cluster starts now, while this process loads the adapter and plans
    early = opts.executor if not hooks.local else "processes"
    with opts.extra_layouts(), Publication(out_dir, opts.report_dir, command="convert", inputs=inputs,
                                           may_produce=(REJECTS_NAME, GAIJI_NAME, SUMMARY_NAME)) as pub, \
            executor_session(early, opts.workers, opts.scheduler) as session:  # fmt: skip
        result = _convert(adapter, list(inputs), pub.out, opts.replace(report_dir=pub.report_dir), hooks,
                          findings, pub.place, session)  # fmt: skip
        return published(pub, result)


def _convert(adapter: str | Path | Adapter, inputs: list[str | Path], out: Path, opts: ConvertOptions, hooks: Hooks,
             findings: FindingSet | None, place: Callable[[Path], Path] = Path,
             session: DaskSession | None = None) -> ConvertResult:  # fmt: skip
    use_lean_pool()  # before the first batch: this process and the workers it forks
    steady_heap()  # numpy's batch temporaries: heap pages reused, not faulted in again per array
    ad = adapter if isinstance(adapter, Adapter) else load_adapter(adapter, hooks.layouts)
    warn_unchecked_trailers(ad)
    ref = (str(ad.path) if ad.path is not None else None) if isinstance(adapter, Adapter) else str(adapter)
    out.mkdir(parents=True, exist_ok=True)
    fs = run_findings(ad, opts, findings)
    tables = gaiji_tables(ad.name, opts.gaiji_tables) if opts.runs_gaiji else []
    run_opts = worker_options(opts, fs, tables)
    assigned = ad.assign(inputs)
    hashes = RunHashes(assigned, session, hooks.hashes, validate=opts.validate)
    run = _Run(ad, out, opts, fs, hashes, session, Path(tempfile.mkdtemp(prefix=".chukan-parts-", dir=out)))
    try:
        named = RunInputs.named(ad, assigned, run.parts_dir, fs)
        lookups = _load_lookups(run, named)
        lookup_files = {s: [str(p) for p in ps] for s, ps in named.lookup_paths.items()}
        cfg = RunConfig(run_opts, ref, str(run.parts_dir), lookup_files)
        partitions, engine = _merge_partitions(run, named, cfg, lookups, hooks)
        return _finish(run, named.files, engine, partitions, tables, place)
    finally:
        run.close()


@dataclass
class _Run:
    """What the steps of one convert run share, and what its end undoes (:meth:`close`)."""

    ad: Adapter
    out: Path
    opts: ConvertOptions
    fs: FindingSet
    hashes: RunHashes
    session: DaskSession | None
    parts_dir: Path  # the workers' part files, the aliases of repeated input names
    lookup_sink: RejectSink = field(default_factory=RejectSink)  # the lookup sources' rejects
    accounts: dict[str, FileAccounting] = field(default_factory=dict)  # per input file
    chores: Chores | None = None
    merger: RunMerger | None = None
    tail: Background | None = None

    def close(self) -> None:
        """The end of the run, whatever happened: uncommitted outputs and parts removed."""
        if self.tail is not None:  # an error during the checks: the copies end before the outputs go
            with contextlib.suppress(Exception):
                self.tail.join()
        if self.merger is not None:
            self.merger.abort()  # outputs not committed (an error): removed
        shutil.rmtree(self.parts_dir, ignore_errors=True)
        self.hashes.close()


def _load_lookups(run: _Run, named: RunInputs) -> dict[str, LookupTable]:
    """The lookup sources' tables, by source id (their files' accounting into the run's)."""
    opts = run.opts
    lookups: dict[str, LookupTable] = {}
    for sid, paths in named.lookup_paths.items():
        lookups[sid], accs = load_lookups(run.ad.sources[sid], paths, run.lookup_sink, run.fs, opts.encoding,
                                          opts.batch_size, opts.policy, named.aliases)  # fmt: skip
        run.accounts.update({a.file: a for a in accs})
    return lookups


def _merge_partitions(run: _Run, named: RunInputs, cfg: RunConfig, lookups: dict[str, LookupTable],
                      hooks: Hooks) -> tuple[ConvertPlan, AdaptEngine]:  # fmt: skip
    """The data files converted, partition by partition, and merged in order: the workers' state,
    the plan, the outputs opened, the results merged as they come in."""
    ad, opts, session = run.ad, run.opts, run.session
    local = stays_local(hooks, cfg.adapter_ref, opts.executor)
    state = parent_state(cfg, ad, hooks, lookups, opts.executor, session)
    job: Job[WorkerState, Partition, PartResult] = Job(
        run_partition, state, make_state=StateFactory(cfg), child=WorkerState.in_child, key=str(run.parts_dir)
    )
    if session is not None:  # the Dask workers build their state while this process plans
        session.warm(job)
    engine = AdaptEngine(ad, lookups)
    # big CSV files: the first ranges are proven here, the rest by a thread while the workers run
    partitions = ConvertPlan(named.files, partition_bytes=opts.partition_bytes, split=opts.limit is None,
                             header_of=lambda s, p: header_values(ad, s, p, opts.encoding),
                             columns_of=lambda s, p: csv_columns(ad, s, p, opts.encoding),
                             encoding=opts.encoding)  # fmt: skip
    # with Dask, this process hashes the parts as it merges them and the workers copy them into
    # the outputs, with their next tasks (on a cluster: no output byte is written from here)
    run.chores = Chores() if opts.executor == "dask" and not local else None
    merger = run.merger = _run_merger(run)
    placement = run_placement(ad, merger, state, opts.executor)

    def started() -> None:
        partitions.start()
        run.hashes.start()  # after the workers are forked: no extra thread while forking

    n = pool_size(local, opts, partitions)
    # the plan is sized (an estimate) and iterable, all the executors use of a task sequence
    tasks = cast(Sequence[Partition], partitions)
    # workers elsewhere report progress per partition, through the parent
    pooled = opts.executor == "dask" or (n or 1) > 1
    ordered = OrderedMerge(partitions, merger, run.accounts, named.aliases, placement,
                           hooks.progress if pooled else None)  # fmt: skip
    ordered.take(ordered_map(job, tasks, workers=n, executor=opts.executor, scheduler=opts.scheduler,
                             started=started, session=session, chores=run.chores))  # fmt: skip
    ordered.drain()
    return partitions, engine


def _run_merger(run: _Run) -> RunMerger:
    """The run's merger, its outputs opened in ``run.out`` (with Dask, their copies are chores)."""
    opts, chores = run.opts, run.chores
    merger = RunMerger(run.ad, run.fs, validate=opts.validate, spill_dir=str(run.parts_dir),
                       output_encoding=opts.output_encoding, raw_values=opts.raw_values,
                       sink=sinks(run.ad, run.out, opts.output_encoding, run.lookup_sink,
                                  remote=chores.put if chores is not None else None))  # fmt: skip
    merger.limited = opts.limit is not None  # a trial run stops early: no trailer expected
    merger.encoding = opts.encoding
    return merger


def _finish(run: _Run, files: list[tuple[str, Path, Any]], engine: AdaptEngine, partitions: ConvertPlan,
            tables: Sequence[Path], place: Callable[[Path], Path]) -> ConvertResult:  # fmt: skip
    """The serial end of the run, once every partition is merged: the accounting and cross-record
    checks, the outputs completed, the rejects redacted, the report."""
    ad, opts, out, merger, chores = run.ad, run.opts, run.out, run.merger, run.chores
    assert merger is not None
    # the serial end of the run, on the core the workers left idle: the copies of the last
    # parts merged (no task left to take them; kernel copies) and then the outputs' sync to
    # disk go on in a thread while this one runs the cross-record checks; joined before the
    # outputs are completed
    run.tail = Background(lambda: _last_copies(chores, merger), name="chukan-last-copies")
    notes = partitions.notes
    run.hashes.start()  # started already unless no partition ran
    if run.session is not None:  # the Dask workers are done: they close while this process finishes,
        # once they have hashed the inputs (done early in the run) — waited for by the closing thread
        run.session.release(after=run.hashes.release_after)
    for acc in run.accounts.values():
        acc.check()
    if opts.validate:
        merger.finish(files, lambda: rereader(ad, engine, files, opts.encoding, opts.batch_size))
    run.tail.join()  # the copies' errors are the run's
    run.tail = None
    result = write_outputs(ad, out, merger, run.lookup_sink, run.accounts, run.fs, opts.runs_gaiji,
                           opts.write_summary)  # fmt: skip
    if opts.redact_rejects and result.rejects_path:  # before the report hashes it
        result.hashes[str(result.rejects_path)] = redact_rejects(result.rejects_path)
    if opts.validate:
        result.report, result.report_paths = convert_report(
            ad, result, merger, files, run.hashes.digests(), opts.report_dir or out,
            encoding=opts.encoding, thresholds=opts.thresholds, raw_values=opts.raw_values,
            extra=report_extra(opts, tables, notes), place=place,
        )  # fmt: skip
    return result


def _last_copies(chores: Chores | None, merger: RunMerger) -> None:
    if chores is not None:
        chores.run_left()
    merger.sync()  # the outputs go to disk while the cross-record checks run


def validate(inputs: Sequence[str | Path], options: Any = None, **kwargs: Any) -> Any:
    """Validate standard-layout CSV files; returns the :class:`~chukan_layout.report.Report`.

    ``options`` (:class:`~.options.ValidateOptions`) and keywords as
    :func:`chukan_layout.pipeline.standard.validate_files`.
    """
    from .standard import validate_files

    return validate_files(inputs, options, **kwargs).report


__all__ = [
    "GAIJI_NAME",
    "REJECTS_NAME",
    "SUMMARY_NAME",
    "BatchStage",
    "ConvertResult",
    "FileAccounting",
    "OutputFile",
    "convert",
    "validate",
]
