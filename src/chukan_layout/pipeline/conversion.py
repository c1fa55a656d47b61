"""The convert orchestration: read → adapt → 外字 → validate → write, with accounting and a report.

:func:`convert` is the library form of ``chukan-layout convert``; :func:`validate` (in
:mod:`.standard`) the one of ``chukan-layout validate``. The flow of convert::

    plan partitions (whole files; big fixed-width files split at k × record length)
      → per partition, in a worker process (worker.run_partition):
          read → AdaptEngine.adapt → 外字 stage → stages (seam) → CompiledLayout.check
          → part files: standard CSV rows, rejects rows, gaiji.csv rows; key/reference codes
      → the parent, in partition order: findings merged, accounting summed, codes into the
        key / reference indexes, trailers reconciled, parts concatenated into the outputs
      → report.json / report.html / findings.csv

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

import itertools
import json
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from ..adapt.engine import RESERVED, AdaptEngine, LookupTable
from ..adapt.loader import Adapter, LayoutProvider, SourceSpec, load_adapter
from ..errors import AccountingError, ChukanError
from ..files import atomic_output
from ..findings import FindingSet, Severity
from ..readers.api import Reader, Reject, read
from ..spec.model import Layout
from ..write.rejects import COLUMNS as REJECT_COLUMNS
from .merge import Concat, sidecar_header, standard_header
from .plan import PARTITION_BYTES, Partition, plan
from .worker import (
    PartResult,
    RunConfig,
    WorkerState,
    _reject_unrouted,
    _RejectSink,
    batch_rows,
    run_partition,
)

SUMMARY_NAME = "summary.json"
REJECTS_NAME = "rejects.csv"
GAIJI_NAME = "gaiji.csv"


class BatchStage(Protocol):
    """A stage between adapt and write (the seam for extra 外字 mapping or checks).

    Called once per standard-layout batch; returns the (possibly rewritten) batch, same rows.
    """

    def __call__(self, layout: Layout, batch: pa.RecordBatch, findings: FindingSet) -> pa.RecordBatch: ...


@dataclass
class FileAccounting:
    """What became of every record of one input file."""

    file: str
    path: str
    source: str  # adapter source id
    role: str  # data | lookup
    records_in: int = 0  # records seen in the file (data + control + unreadable)
    control: int = 0  # header / trailer / end records
    read_rejected: int = 0
    adapt_rejected: int = 0  # data records that reached no target
    records_out: int = 0  # data records written to ≥ 1 layout (lookup rows: loaded)
    written: dict[str, int] = field(default_factory=dict)  # layout id → rows written from this file
    validate_rejected: int = 0  # records with an error finding (on_error=reject)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return self.read_rejected + self.adapt_rejected + self.validate_rejected

    @property
    def balanced(self) -> bool:
        return self.records_in == self.records_out + self.rejected + self.control

    def check(self) -> None:
        if not self.balanced:
            raise AccountingError(
                f"{self.file}: records in {self.records_in} != out {self.records_out} + rejected "
                f"{self.rejected} + control {self.control}"
            )


@dataclass
class OutputFile:
    layout: str
    path: str
    records: int
    sha256: str


@dataclass
class ConvertResult:
    """Everything a convert run produced: accounting, outputs, findings, rejects, report."""

    adapter: str
    out_dir: str
    files: list[FileAccounting]
    outputs: dict[str, OutputFile]
    findings: FindingSet
    rejects_path: str | None
    rejects: int
    summary_path: str | None = None
    gaiji_path: str | None = None
    report: Any = None  # chukan_layout.report.Report (validate=True)
    report_paths: dict[str, Path] = field(default_factory=dict)
    hashes: dict[str, tuple[int, str]] = field(
        default_factory=dict, repr=False
    )  # output path → (size, sha256)

    @property
    def records_in(self) -> int:
        return sum(f.records_in for f in self.files)

    @property
    def records_out(self) -> int:
        return sum(f.records_out for f in self.files)

    @property
    def exit_code(self) -> int:
        """0 clean, 1 error findings (a failed verdict when there is a report)."""
        if self.report is not None:
            return 1 if self.report.verdict.status == "fail" else 0
        return 1 if self.findings.has_errors() or self.rejects else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "adapter": self.adapter,
            "files": [
                {
                    **asdict(f),
                    "rejected_by_reason": dict(sorted(f.rejected_by_reason.items())),
                    "rejected": f.rejected,
                    "balanced": f.balanced,
                }
                for f in self.files
            ],
            # output paths relative to the output folder: the summary does not depend on where it was written
            "outputs": {k: {**asdict(v), "path": Path(v.path).name} for k, v in self.outputs.items()},
            "rejects": {"path": self.rejects_path and Path(self.rejects_path).name, "records": self.rejects},
            "totals": {
                "records_in": self.records_in,
                "records_out": self.records_out,
                "rejected": sum(f.rejected for f in self.files),
                "control": sum(f.control for f in self.files),
                "written": sum(o.records for o in self.outputs.values()),
            },
            "findings": [{k: v for k, v in r.items() if k != "samples"} for r in self.findings.rows()],
        }


Progress = Callable[[int], None]  # called with the number of bytes read since the last call


def convert(
    adapter: str | Path | Adapter,
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    encoding: str | None = None,
    output_encoding: str = "utf-8",
    limit: int | None = None,
    batch_size: int = 65536,
    policy: str = "reject",
    layouts: LayoutProvider | None = None,
    stages: Sequence[BatchStage] = (),
    findings: FindingSet | None = None,
    progress: Progress | None = None,
    write_summary: bool = True,
    validate: bool = False,
    on_error: str = "reject",
    gaiji: bool | None = None,
    gaiji_tables: Sequence[str | Path] = (),
    gaiji_policies: dict[str, str] | None = None,
    gaiji_source_system: str | None = None,
    mj_index: bool = False,
    workers: int | None = 1,
    partition_bytes: int = PARTITION_BYTES,
    report_dir: str | Path | None = None,
    thresholds: Any = None,
    raw_values: bool = False,
    severity_overrides: dict[str, str] | None = None,
) -> ConvertResult:
    """Convert vendor export files into standard-layout CSV files under ``out_dir``.

    ``adapter`` is a shipped/plugin adapter name, a path, or a loaded :class:`Adapter`;
    ``encoding`` overrides the adapter's input encoding; ``limit`` reads at most that many
    records per file (a quick trial); ``stages`` run on each layout batch before validation.

    ``validate=True`` checks every record against its layout (``on_error`` reject | keep),
    runs the cross-record checks and the trailer reconciliation and writes the report
    (``report_dir``, default ``out_dir``) with ``thresholds`` (:class:`~chukan_layout.report.Thresholds`).
    The 外字 stage runs when ``gaiji`` is true (default: when validating or given tables);
    its tables are the shipped ``gaiji/<adapter>.tsv`` (if any) and ``gaiji_tables``.
    ``workers`` processes (``None``: one per core) share the partitions; custom ``stages`` or a
    custom ``layouts`` provider keep the run in this process.
    """
    if on_error not in ("reject", "keep"):
        raise ChukanError(f"on_error must be reject or keep, got {on_error!r}")
    ad = adapter if isinstance(adapter, Adapter) else load_adapter(adapter, layouts)
    ref = (str(ad.path) if ad.path is not None else None) if isinstance(adapter, Adapter) else str(adapter)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fs = findings if findings is not None else FindingSet()
    fs.severity_overrides.update({k: Severity(v) for k, v in (severity_overrides or {}).items()})
    do_gaiji = gaiji if gaiji is not None else (validate or bool(gaiji_tables))
    tables = _gaiji_tables(ad.name, gaiji_tables) if do_gaiji else []
    assigned = ad.assign(list(inputs))
    hashes: _Hasher | None = None
    merger: Any = None
    parts_dir = Path(tempfile.mkdtemp(prefix=".chukan-parts-", dir=out))
    try:
        lookup_sink = _RejectSink()
        lookups: dict[str, LookupTable] = {}
        accounts: dict[str, FileAccounting] = {}
        for src in ad.sources.values():
            if src.role == "lookup":
                lookups[src.id], accs = _load_lookup(src, assigned[src.id], lookup_sink, fs, encoding, batch_size,
                                                     policy)  # fmt: skip
                accounts.update({a.file: a for a in accs})
        cfg = RunConfig(
            adapter_ref=ref, parts_dir=str(parts_dir),
            lookup_files={s: [str(p) for p in assigned[s]] for s in lookups}, encoding=encoding,
            output_encoding=output_encoding, limit=limit, batch_size=batch_size, policy=policy, validate=validate,
            on_error=on_error if validate or do_gaiji else "keep", raw_values=raw_values,
            max_samples=fs.max_samples, severities={k: str(v) for k, v in fs.severity_overrides.items()},
            gaiji=do_gaiji, gaiji_tables=tuple(str(t) for t in tables), gaiji_source_system=gaiji_source_system,
            gaiji_policies=dict(gaiji_policies or {}), mj_index=mj_index,
        )  # fmt: skip
        files = [(src.id, p, src.definition) for src in ad.data_sources() for p in assigned[src.id]]
        engine = AdaptEngine(ad, lookups)
        partitions = plan(files, partition_bytes=partition_bytes, split=limit is None,
                          header_of=lambda s, p: _header_values(ad, s, p, encoding))  # fmt: skip
        n = _n_workers(workers, len(partitions), bool(stages) or (ref is None and not _CAN_FORK))
        # built once here; forked workers inherit it (spawned ones rebuild it from cfg)
        state = WorkerState(cfg, adapter=ad, layouts=layouts, lookups=lookups, stages=stages)
        from .merge import RunMerger

        merger = RunMerger(ad, fs, validate=validate, spill_dir=str(parts_dir), output_encoding=output_encoding,
                           sink=_sinks(ad, out, output_encoding, lookup_sink))  # fmt: skip

        def start_hashing() -> None:  # after the workers are forked: no extra thread while forking
            nonlocal hashes
            if validate and hashes is None:
                hashes = _Hasher([p for ps in assigned.values() for p in ps])

        results = _results(partitions, n, cfg, state, progress, start_hashing)
        for part, res in zip(partitions, results, strict=True):
            acc = accounts.get(part.file)
            if acc is None:
                acc = accounts[part.file] = FileAccounting(part.file, part.path, part.source, "data")
            merger.add(part, res, acc)
            if n > 1 and progress is not None:
                progress(part.size)
        start_hashing()
        for acc in accounts.values():
            acc.check()
        if validate:
            merger.finish(
                files, lambda: _rereader(ad, engine, files, encoding, batch_size), raw_values=raw_values
            )
        result = _write_outputs(ad, out, merger, lookup_sink, accounts, fs, do_gaiji, write_summary)
        if validate:
            from .merge import convert_report

            assert hashes is not None
            result.report, result.report_paths = convert_report(
                ad, result, merger, files, hashes.result(), Path(report_dir) if report_dir else out,
                encoding=encoding, thresholds=thresholds, raw_values=raw_values,
                extra={"on_error": on_error, "output_encoding": output_encoding,
                       "gaiji_tables": ", ".join(Path(t).name for t in tables) or "-",
                       "gaiji_policies": ", ".join(f"{k}={v}" for k, v in sorted((gaiji_policies or {}).items())) or "-",
                       "limit": str(limit) if limit else "-"},
            )  # fmt: skip
        return result
    finally:
        if merger is not None:
            merger.abort()  # outputs not committed (an error): removed
        shutil.rmtree(parts_dir, ignore_errors=True)
        if hashes is not None:
            hashes.close()


def _n_workers(workers: int | None, n_parts: int, local: bool) -> int:
    if local or n_parts <= 1:
        return 1
    n = (os.cpu_count() or 1) if workers is None else workers
    return max(1, min(n, n_parts))


_STATE: WorkerState | None = None
_CAN_FORK = "fork" in __import__("multiprocessing").get_all_start_methods()


def _init_worker(cfg: RunConfig | None) -> None:
    global _STATE
    if cfg is not None:  # spawned: rebuild the stages (forked workers inherit the parent's _STATE)
        _STATE = WorkerState(cfg)


def _work(part: Partition) -> PartResult:
    assert _STATE is not None
    return run_partition(_STATE, part)


def _results(partitions: list[Partition], n: int, cfg: RunConfig, state: WorkerState,
             progress: Progress | None, started: Callable[[], None]) -> Iterator[PartResult]:  # fmt: skip
    """Partition results in partition order (this process, or a pool of ``n`` worker processes).

    Workers are forked where the platform allows (they inherit the compiled stages: layouts,
    charset tables and the adapter take seconds to build), spawned elsewhere.
    """
    global _STATE
    if n <= 1:
        started()
        for p in partitions:
            yield run_partition(state, p, progress)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if _CAN_FORK else "spawn")
    _STATE = state
    ex = ProcessPoolExecutor(
        n, mp_context=ctx, initializer=_init_worker, initargs=(None if _CAN_FORK else cfg,)
    )
    try:
        # A window of 2n partitions in flight, not all of them: finished results (key codes, findings)
        # wait in this process until merged in order, and a parent slower than its workers piled up
        # the whole run's results (peak RSS growing with the input).
        todo = iter(partitions)
        window: deque[Future[PartResult]] = deque(ex.submit(_work, p) for p in itertools.islice(todo, 2 * n))
        started()
        while window:
            f = window.popleft()
            res = f.result()
            del f  # a done future holds its result: let it go once merged
            nxt = next(todo, None)
            if nxt is not None:
                window.append(ex.submit(_work, nxt))
            yield res
            del res
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
        _STATE = None


class _Hasher:
    """SHA-256 of the inputs in a background thread while the run goes on (hashlib releases the GIL)."""

    def __init__(self, paths: list[Path]) -> None:
        from ..files import sha256_file

        self._pool = ThreadPoolExecutor(1)
        self._futures: dict[str, Future[tuple[int, str]]] = {
            str(p): self._pool.submit(sha256_file, p) for p in paths
        }

    def result(self) -> dict[str, tuple[int, str]]:
        return {p: f.result() for p, f in self._futures.items()}

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _gaiji_tables(adapter_name: str, given: Sequence[str | Path]) -> list[Path]:
    """The shipped table named after the adapter (if any), then the given ones (paths or shipped names)."""
    from ..resources import gaiji_tables_dir

    out: list[Path] = []
    try:
        shipped = gaiji_tables_dir() / f"{adapter_name}.tsv"
        if shipped.is_file():
            out.append(shipped)
    except FileNotFoundError:
        pass
    for t in given:
        p = Path(t)
        if not p.exists():
            cand = gaiji_tables_dir() / f"{t}.tsv"
            if not cand.is_file():
                raise ChukanError(f"外字 table {t}: no such file (nor a shipped table {cand.name})")
            p = cand
        out.append(p)
    return out


def _header_values(ad: Adapter, source: str, path: str | Path, encoding: str | None) -> dict[str, str]:
    """The header record of a file (for the partitions after the first one)."""
    # a few records per batch: the default batch of a wide fixed-width file would be read whole
    r = read(path, ad.sources[source].definition, encoding=encoding, limit=1, batch_size=16)
    for _ in r:
        pass
    return {k: str(v) for k, v in r.headers[0].items() if k not in RESERVED} if r.headers else {}


def _rereader(ad: Adapter, engine: AdaptEngine, files: list[tuple[str, Path, Any]], encoding: str | None,
              batch_size: int) -> Callable[[str], Callable[[str], Iterator[pa.RecordBatch]]]:  # fmt: skip
    """``reread(layout_id)(file)``: the layout batches of one source file again (exact re-check of hashed keys)."""
    by_file = {Path(p).name: (s, p) for s, p, _ in files}

    def for_layout(lid: str) -> Callable[[str], Iterator[pa.RecordBatch]]:
        def reread(file: str) -> Iterator[pa.RecordBatch]:
            sid, path = by_file[file]
            d = ad.sources[sid].definition
            r = read(path, d, encoding=encoding, batch_size=batch_rows(batch_size, d), source_id=file)
            for b in r:
                if r.headers:
                    engine.header_values = {k: str(v) for k, v in r.headers[0].items() if k not in RESERVED}
                rt = (b.schema.metadata or {}).get(b"record_type")
                res = engine.adapt(
                    sid, b, FindingSet(max_samples=0), record_type=rt.decode() if rt else None, file=file
                )
                if lid in res.outputs:
                    yield res.outputs[lid]

        return reread

    return for_layout


def _sinks(ad: Adapter, out: Path, output_encoding: str, lookup_sink: _RejectSink) -> Callable[[str], Concat]:
    """The run's outputs by kind (layout id, ``rejects``, ``gaiji``), each opened with its header row."""
    names: dict[str, tuple[str, Layout]] = {}
    for t in ad.targets:
        names.setdefault(t.layout.id, (t.output_name, t.layout))

    def open_sink(kind: str) -> Concat:
        if kind == "rejects":
            return Concat(out / REJECTS_NAME, _reject_header() + lookup_sink.to_bytes(), remove_parts=True)
        if kind == "gaiji":
            return Concat(out / GAIJI_NAME, sidecar_header(), remove_parts=True)
        name, layout = names[kind]
        return Concat(out / name, standard_header(layout, output_encoding), remove_parts=True)

    return open_sink


def _write_outputs(ad: Adapter, out: Path, merger: Any, lookup_sink: _RejectSink, accounts: dict[str, FileAccounting],
                   fs: FindingSet, do_gaiji: bool, write_summary: bool) -> ConvertResult:  # fmt: skip
    """Complete the outputs the parts were appended to (all renamed into place only when all are complete)."""
    concats: list[Concat] = []
    outputs: dict[str, OutputFile] = {}
    try:
        for t in ad.targets:
            lid = t.layout.id
            if lid in outputs:
                continue
            c = merger.sink(lid)
            c.close()
            concats.append(c)
            outputs[lid] = OutputFile(lid, str(c.path), merger.written.get(lid, 0), c.sha256)
        n_rejects = len(lookup_sink.rows) + merger.rejects
        rejects_path = None
        if n_rejects:
            c = merger.sink("rejects")
            c.close()
            concats.append(c)
            rejects_path = str(c.path)
        gaiji_path = None
        if do_gaiji:
            c = merger.sink("gaiji")
            c.close()
            concats.append(c)
            gaiji_path = str(c.path)
        result = ConvertResult(ad.name, str(out), list(accounts.values()), outputs, fs, rejects_path, n_rejects,
                               gaiji_path=gaiji_path)  # fmt: skip
        summary = None
        if write_summary:
            summary = out / SUMMARY_NAME
            result.summary_path = str(summary)
        result.hashes = {str(c.path): (c.size, c.sha256) for c in concats}
        for c in concats:
            c.commit()
        if summary is not None:
            with atomic_output(summary) as f:
                f.write((json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        return result
    finally:
        for c in concats:
            c.abort()


def _reject_header() -> bytes:
    return (",".join(REJECT_COLUMNS) + "\r\n").encode("utf-8")


def _open_reader(
    path: str | Path, src: SourceSpec, rejects: Any, fs: FindingSet, acc: FileAccounting,
    encoding: str | None, batch_size: int, policy: str, limit: int | None,
) -> Reader:  # fmt: skip
    def on_reject(r: Reject) -> None:
        rejects.add(source=r.source, record=r.record, offset=r.offset, stage="read", code=r.code,
                    reason=r.reason, raw=r.raw)  # fmt: skip
        fs.add(r.code, file=r.source, records=[r.record])
        acc.read_rejected += 1
        acc.rejected_by_reason[r.code] = acc.rejected_by_reason.get(r.code, 0) + 1

    return read(path, src.definition, encoding=encoding, batch_size=batch_size, policy=policy,  # type: ignore[arg-type]
                source_id=acc.file, limit=limit, on_reject=on_reject)  # fmt: skip


def _close_account(reader: Reader, acc: FileAccounting) -> None:
    st = reader.stats
    acc.records_in = st.records_seen
    acc.control = st.control_records
    if st.records_rejected != acc.read_rejected:
        raise AccountingError(
            f"{acc.file}: reader rejected {st.records_rejected}, rejects file got {acc.read_rejected}"
        )
    if st.records_yielded != acc.records_out + acc.adapt_rejected:
        raise AccountingError(
            f"{acc.file}: records read {st.records_yielded} != routed {acc.records_out} + unrouted {acc.adapt_rejected}"
        )
    acc.check()


def _load_lookup(
    src: SourceSpec, paths: list[Path], rejects: Any, fs: FindingSet, encoding: str | None,
    batch_size: int, policy: str,
) -> tuple[LookupTable, list[FileAccounting]]:  # fmt: skip
    batches: list[pa.RecordBatch] = []
    accs = []
    for path in paths:
        acc = FileAccounting(Path(path).name, str(path), src.id, "lookup")
        reader = _open_reader(path, src, rejects, fs, acc, encoding, batch_size, policy, None)
        for b in reader:
            rt = (b.schema.metadata or {}).get(b"record_type")
            if src.record_type is None or rt is None or rt.decode() == src.record_type:
                batches.append(b)
                acc.records_out += b.num_rows
            else:
                _reject_unrouted(b, np.arange(b.num_rows), acc, rejects, fs)
        _close_account(reader, acc)
        accs.append(acc)
    return LookupTable.from_batches(src, batches), accs


def validate(inputs: Sequence[str | Path], **kwargs: Any) -> Any:
    """Validate standard-layout CSV files; returns the :class:`~chukan_layout.report.Report`.

    See :func:`chukan_layout.standard.validate_files` for the options.
    """
    from .standard import validate_files

    return validate_files(inputs, **kwargs).report


__all__ = ["BatchStage", "ConvertResult", "FileAccounting", "OutputFile", "convert", "validate"]
