"""``validate``: check standard-layout CSV files someone else produced, and write the same report.

    report = chukan_layout.validate(["住民.csv", "世帯.csv"], layouts_auto=True, report_dir="report/")

Each file is streamed through the reader's CSV path (header row of 項目名称 or item ids,
UTF-8 or ``encoding="cp932"``), checked batch by batch by the compiled layout (item checks,
row rules), and its record keys / references feed the cross-file checks among the given
files. Record numbers are 1-based *data rows* (the header row is not counted). Nothing is
written but the report: ``rejected`` in its accounting counts the records that carry an
error-severity finding (those a converting run would reject).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ..errors import OptionsError, ValidationRunError
from ..findings import FindingSet, check_rule_names
from ..input_hashes import BackgroundHashes, ForkedHashes, complete_digests
from ..readers.standard_csv import header_names, read_standard_csv
from ..report import FileCounts, InputInfo, write_reports
from ..validation.session import ValidationRun
from ..validation.structure import check_columns, check_data_present
from ._memory import DECAY_MS, steady_heap, use_lean_pool
from ._report import make_report
from ._spool import read_spool
from ._standard_worker import StdConfig, StdPart, StdResult, StdState, StdStateFactory, validate_part
from ._std_plan import StdPlan
from .executors import Job, n_workers, ordered_map
from .options import ValidateOptions
from .publish import REPORT_NAMES, RunFolder
from .structure import alias_duplicates


@dataclass
class ValidateResult:
    """What a validate run produced."""

    report: Any
    report_paths: dict[str, Path]
    findings: FindingSet
    files: list[FileCounts] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.report.verdict.status == "fail" else 0


def detect_layout(path: str | Path, encoding: str = "utf-8") -> str:
    """The layout of a standard CSV file: by its header row (項目名称 or ids), else its file name."""
    from ..spec.registry import list_layouts

    p = Path(path)
    header = header_names(p, encoding)
    layouts = [la.spec for la in list_layouts()]
    for lay in layouts:
        if header and (header == [it.name for it in lay.items] or header == lay.item_ids):
            return lay.id
    for lay in layouts:
        if p.name == lay.file_name:
            return lay.id
    raise ValidationRunError(f"{p.name}: cannot recognise its layout from the header row or the file name; "
                             "give --layout ID")  # fmt: skip


def validate_files(
    inputs: Sequence[str | Path],
    options: ValidateOptions | None = None,
    *,
    findings: FindingSet | None = None,
    progress: Callable[[int], None] | None = None,
    hashes: ForkedHashes | None = None,
    **changes: Any,
) -> ValidateResult:
    """Validate standard-layout CSV files (see the module docstring).

    ``options`` (:class:`~.options.ValidateOptions`, all defaults when omitted) with keyword
    ``changes`` applied once, here. The layout of each file is ``layouts[file name]``, else
    ``layout``, else (``layouts_auto`` or neither given) recognised from its header row or
    file name. The report goes to ``report_dir`` (not written when None). Hooks: ``findings``
    collects the findings, ``progress(n)`` hears about input bytes done; ``hashes``: the inputs'
    SHA-256 already under way (:class:`~chukan_layout.input_hashes.ForkedHashes`, started by the command
    before its imports), taken instead of hashing them in the split scan.
    """
    opts = ValidateOptions.of(options, **changes)
    paths = [Path(p) for p in inputs]
    with opts.extra_layouts():
        if opts.report_dir is None:
            return _validate_files(paths, opts, findings, progress, hashes)
        # the report folder is staged and published in one step with its run.json (issue 14)
        with RunFolder(opts.report_dir, may_produce=REPORT_NAMES, command="validate", inputs=paths) as run:
            res = _validate_files(paths, opts.replace(report_dir=run.staging), findings, progress, hashes)
            run.publish()
            res.report_paths = {k: run.final_path(v) for k, v in res.report_paths.items()}
            return res


def _validate_files(paths: list[Path], opts: ValidateOptions, findings: FindingSet | None,
                    progress: Callable[[int], None] | None, early: ForkedHashes | None) -> ValidateResult:  # fmt: skip
    from ..spec.registry import load_layout

    use_lean_pool(DECAY_MS)  # before the first batch: this process and the workers it forks
    steady_heap()  # the checks' batch temporaries: heap pages reused (worker CPU −5%, page faults ÷2)
    encoding, raw_values = opts.encoding, opts.raw_values
    fs = findings if findings is not None else FindingSet(max_samples=opts.max_samples)
    fs.set_overrides(opts.severity_overrides)
    ids: list[str] = []
    for p in paths:
        lid = opts.layouts.get(p.name) or (None if opts.layouts_auto else opts.layout)
        ids.append(lid or detect_layout(p, encoding))
    loaded = {lid: load_layout(lid) for lid in dict.fromkeys(ids)}
    specs = {lid: la.spec for lid, la in loaded.items()}
    try:
        check_rule_names(
            [*fs.severity_overrides, *fs.disabled], [r.id for s in specs.values() for r in s.rules]
        )
    except ValueError as e:
        raise OptionsError(f"--severity: {e}") from None
    spool_dir = tempfile.mkdtemp(prefix="chukan-validate-", dir=opts.report_dir)
    # a file given twice, or two of one name: separate rows, the later read as "NAME (2)" (issue 14)
    aliased, aliases = alias_duplicates([(lid, p, None) for p, lid in zip(paths, ids, strict=True)],
                                        Path(spool_dir), fs)  # fmt: skip
    paths = [Path(p) for _, p, _ in aliased]
    for p, lid in zip(paths, ids, strict=True):  # a whole column missing from the header (issue 14)
        check_columns(specs[lid], header_names(p, encoding), p.name, fs)
    # SHA-256 of the inputs (for the report): a file the split scan reads is hashed in its reads
    # (StdPlan.digests); the others in a thread while the partitions run (hashlib releases the GIL),
    # started once the workers exist: no extra thread while forking
    # (a file the command's forked child hashes is neither: its digest is taken at the end)
    hashes = BackgroundHashes()
    forked = set(early.paths) if early is not None else set()

    def start_hashing() -> None:
        hashes.start(p for p in paths if str(p) not in forked and not plan.scan_hashes(p))

    try:
        # the run's one ValidationRun: partitions check and ship codes, this one folds and finishes
        run = ValidationRun(list(loaded.values()), fs, raw_values=raw_values, spill_dir=spool_dir)
        plan = StdPlan(paths, ids, opts, unhashed=forked)
        counts = _run_parts(plan, run, opts, StdConfig(opts, tuple(loaded), spool_dir), list(loaded.values()),
                            progress, start_hashing)  # fmt: skip
        notes = {"partitions": "; ".join(f"{k}: {v}" for k, v in sorted(plan.notes.items()))} if plan.notes else {}  # fmt: skip
        start_hashing()
        for c in counts:  # empty or header-only files are findings, not a PASS
            check_data_present(c.file, c.records_read - c.control_records, fs,
                               what="no data row (empty file or header row only)")  # fmt: skip
        _finish(run, paths, ids, specs, opts)
        # a file none of them hashed (a scan that did not run to its end; a child that failed): now
        digests = complete_digests(
            paths, hashes.result(), plan.digests, early.result() if early is not None else {}
        )
    finally:
        hashes.close()
        shutil.rmtree(spool_dir, ignore_errors=True)
    inputs_info = []
    for p in paths:
        size, sha = digests[str(p)]
        inputs_info.append(InputInfo(aliases.get(str(p), str(p)), file_id=p.name, encoding=encoding,
                                     encoding_source="flag" if encoding != "utf-8" else "default",
                                     framing="CSV, header row", size=size, sha256=sha))  # fmt: skip
    report = make_report(
        fs, files=counts, inputs=inputs_info, outputs=[], layouts=list(specs.values()), trailers=[], gaiji=None,
        layouts_by_file={p.name: [specs[lid]] for p, lid in zip(paths, ids, strict=True)}, thresholds=opts.thresholds,
        adapter=None, raw_values=raw_values,
        extra={"mode": "validate (standard-layout files; nothing written)", "encoding": encoding,
               "rejected": "records with error-severity findings", **notes},
    )  # fmt: skip
    written = write_reports(report, opts.report_dir) if opts.report_dir is not None else {}
    return ValidateResult(report, written, fs, counts)


def _run_parts(plan: StdPlan, run: ValidationRun, opts: ValidateOptions, cfg: StdConfig, loaded: list[Any],
               progress: Callable[[int], None] | None, started: Callable[[], None]) -> list[FileCounts]:  # fmt: skip
    """Every partition on the run's executor, folded in order into ``run`` and per-file counts.

    Results of a file whose split scan still runs wait (in order) until it is over; those of
    void ranges are dropped (:mod:`._scan_plan`)."""
    small = n_workers(opts.workers, len(plan), plan.size) == 1  # one part, or tiny input
    n = 1 if small and opts.executor == "processes" else opts.workers
    state = StdState(cfg, loaded)
    local = opts.executor == "processes" and n_workers(n, len(plan)) == 1
    if local:
        state.progress = progress
    job: Job[StdState, StdPart, StdResult] = Job(validate_part, state, make_state=StdStateFactory(cfg),
                                                 child=StdState.in_child, key=cfg.spool_dir)  # fmt: skip
    acc: dict[str, dict[str, Any]] = {}  # file → counters (FileCounts is built once at the end)

    def fold(res: StdResult) -> None:
        part = plan.part(res.index)
        if plan.is_void(res.index):
            if res.codes_part is not None:
                Path(res.codes_part).unlink(missing_ok=True)
            return
        run.findings.merge(res.findings)
        if res.codes_part is not None:
            for chunk in read_spool(res.codes_part):
                run.add_codes(chunk, part.file)
        a = acc.setdefault(part.file, {"read": 0, "control": 0, "written": 0, "rejected": 0, "why": {},
                                       "layout": part.layout_id})  # fmt: skip
        a["read"] += res.records_seen
        a["control"] += res.control
        a["written"] += res.yielded - res.bad_rows
        a["rejected"] += res.bad_rows + sum(res.read_rejected.values())
        why: dict[str, int] = a["why"]
        if res.bad_rows:
            why["error findings"] = why.get("error findings", 0) + res.bad_rows
        for code, k in res.read_rejected.items():
            why[code] = why.get(code, 0) + k
        if not local and progress is not None:
            progress(part.size)

    def start() -> None:
        plan.start()
        started()

    held: deque[StdResult] = deque()  # in order, waiting for their file's scan to end
    try:
        # the plan is sized (an estimate) and iterable, all the executors use of a task sequence
        tasks = cast(Sequence[StdPart], plan)
        for res in ordered_map(job, tasks, workers=n, executor=opts.executor, scheduler=opts.scheduler,
                               started=start):  # fmt: skip
            held.append(res)
            while held and plan.settled(held[0].file):
                fold(held.popleft())
    finally:
        plan.stop()
    for res in held:  # every scan is over once the last part was handed out
        fold(res)
    return [FileCounts(f, records_read=a["read"], written=a["written"], rejected=a["rejected"],
                       control_records=a["control"], rejected_by_reason=a["why"], layout_id=a["layout"])
            for f, a in acc.items()]  # fmt: skip


def _finish(
    run: ValidationRun, paths: list[Path], ids: list[str], specs: dict[str, Any], opts: ValidateOptions
) -> None:
    """Duplicate keys and orphans (hash collisions re-checked by reading the files again)."""
    file_of = {p.name: (p, lid) for p, lid in zip(paths, ids, strict=True)}

    def reread(lid: str) -> Callable[[str], Any]:
        def batches(file: str) -> Any:
            path, _ = file_of[file]
            yield from read_standard_csv(path, specs[lid], encoding=opts.encoding, batch_size=opts.batch_size)

        return batches

    run.finish(reread=reread)
