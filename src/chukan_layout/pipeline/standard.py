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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ValidationRunError
from ..findings import FindingSet, Severity
from ..readers.api import Reject
from ..readers.standard_csv import header_names, read_standard_csv
from ..report import FileCounts, InputInfo, sha256_file, write_reports
from ..validation.session import ValidationRun
from ._report import make_report
from .options import ValidateOptions
from .publish import REPORT_NAMES, RunFolder


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


def _validate_file(run: ValidationRun, path: Path, lid: str, *, encoding: str, batch_size: int,
                   progress: Callable[[int], None] | None) -> FileCounts:  # fmt: skip
    layout = run.layouts[lid]
    fs = run.findings
    file = path.name
    bad_rows = 0
    read_rejected: dict[str, int] = {}

    def on_reject(r: Reject) -> None:  # record: the data row
        fs.add(r.code, file=file, records=[r.record], details=[r.reason])
        read_rejected[r.code] = read_rejected.get(r.code, 0) + 1

    std = read_standard_csv(path, layout, encoding=encoding, batch_size=batch_size, on_reject=on_reject)
    reader = std.reader
    seen = 0
    by_reason: dict[str, int] = {}
    for b in std:
        # checks, then the batch's codes into the (spilling) stores: collecting a file's codes first
        # grew the process by ~140 bytes per record (codes, record numbers and their concatenation)
        mask = run.check(lid, b, file=file)
        n_bad = int(mask.sum())
        bad_rows += n_bad
        if n_bad:
            by_reason["error findings"] = by_reason.get("error findings", 0) + n_bad
        if progress is not None:
            progress(reader.stats.bytes_read - seen)
            seen = reader.stats.bytes_read
    s = reader.stats
    by_reason.update(read_rejected)
    return FileCounts(file, records_read=s.records_seen, written=s.records_yielded - bad_rows,
                      rejected=bad_rows + s.records_rejected, control_records=s.control_records,
                      rejected_by_reason=by_reason, layout_id=lid)  # fmt: skip


def validate_files(
    inputs: Sequence[str | Path],
    options: ValidateOptions | None = None,
    *,
    findings: FindingSet | None = None,
    progress: Callable[[int], None] | None = None,
    **changes: Any,
) -> ValidateResult:
    """Validate standard-layout CSV files (see the module docstring).

    ``options`` (:class:`~.options.ValidateOptions`, all defaults when omitted) with keyword
    ``changes`` applied once, here. The layout of each file is ``layouts[file name]``, else
    ``layout``, else (``layouts_auto`` or neither given) recognised from its header row or
    file name. The report goes to ``report_dir`` (not written when None). Hooks: ``findings``
    collects the findings, ``progress(n)`` hears about input bytes done.
    """
    opts = ValidateOptions.of(options, **changes)
    paths = [Path(p) for p in inputs]
    with opts.extra_layouts():
        if opts.report_dir is None:
            return _validate_files(paths, opts, findings, progress)
        # the report folder is staged and published in one step with its run.json (issue 14)
        with RunFolder(opts.report_dir, may_produce=REPORT_NAMES, command="validate", inputs=paths) as run:
            res = _validate_files(paths, opts.replace(report_dir=run.staging), findings, progress)
            run.publish()
            res.report_paths = {k: run.final_path(v) for k, v in res.report_paths.items()}
            return res


def _validate_files(paths: list[Path], opts: ValidateOptions, findings: FindingSet | None,
                    progress: Callable[[int], None] | None) -> ValidateResult:  # fmt: skip
    from ..spec.registry import load_layout

    encoding, batch_size, raw_values = opts.encoding, opts.batch_size, opts.raw_values
    fs = findings if findings is not None else FindingSet(max_samples=opts.max_samples)
    fs.severity_overrides.update({k: Severity(v) for k, v in opts.severity_overrides.items()})
    ids: list[str] = []
    for p in paths:
        lid = opts.layouts.get(p.name) or (None if opts.layouts_auto else opts.layout)
        ids.append(lid or detect_layout(p, encoding))
    loaded = {lid: load_layout(lid) for lid in dict.fromkeys(ids)}
    specs = {lid: la.spec for lid, la in loaded.items()}
    run = ValidationRun(list(loaded.values()), fs, raw_values=raw_values)
    counts: list[FileCounts] = []
    for p, lid in zip(paths, ids, strict=True):
        counts.append(
            _validate_file(run, p, lid, encoding=encoding, batch_size=batch_size, progress=progress)
        )
    file_of = {p.name: (p, lid) for p, lid in zip(paths, ids, strict=True)}

    def reread(lid: str) -> Callable[[str], Any]:
        def batches(file: str) -> Any:
            path, _ = file_of[file]
            yield from read_standard_csv(path, specs[lid], encoding=encoding, batch_size=batch_size)

        return batches

    run.finish(reread=reread)
    inputs_info = []
    for p in paths:
        size, sha = sha256_file(p)
        inputs_info.append(InputInfo(str(p), file_id=p.name, encoding=encoding,
                                     encoding_source="flag" if encoding != "utf-8" else "default",
                                     framing="CSV, header row", size=size, sha256=sha))  # fmt: skip
    report = make_report(
        fs, files=counts, inputs=inputs_info, outputs=[], layouts=list(specs.values()), trailers=[], gaiji=None,
        layouts_by_file={p.name: [specs[lid]] for p, lid in zip(paths, ids, strict=True)}, thresholds=opts.thresholds,
        adapter=None, raw_values=raw_values,
        extra={"mode": "validate (standard-layout files; nothing written)", "encoding": encoding,
               "rejected": "records with error-severity findings"},
    )  # fmt: skip
    written = write_reports(report, opts.report_dir) if opts.report_dir is not None else {}
    return ValidateResult(report, written, fs, counts)
