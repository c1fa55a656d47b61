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

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..errors import ValidationRunError
from ..findings import FindingSet, Severity
from ..readers.api import Reject, read
from ..readers.definition import CsvDefinition
from ..report import FileCounts, InputInfo, sha256_file, write_reports
from ..spec.model import Layout
from ..validation.session import ValidationRun
from .options import ValidateOptions
from .report import make_report


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


def _header_names(path: Path, encoding: str) -> list[str]:
    from ..readers.codecs import whole_file_name

    with open(path, encoding=whole_file_name(encoding), errors="replace", newline="") as f:
        row = next(csv.reader(io.StringIO(f.readline())), [])
    return [row[0].lstrip("\ufeff"), *row[1:]] if row else []


def detect_layout(path: str | Path, encoding: str = "utf-8") -> str:
    """The layout of a standard CSV file: by its header row (項目名称 or ids), else its file name."""
    from ..spec.registry import list_layouts

    p = Path(path)
    header = _header_names(p, encoding)
    layouts = [la.spec for la in list_layouts()]
    for lay in layouts:
        if header and (header == [it.name for it in lay.items] or header == lay.item_ids):
            return lay.id
    for lay in layouts:
        if p.name == lay.file_name:
            return lay.id
    raise ValidationRunError(f"{p.name}: cannot recognise its layout from the header row or the file name; "
                             "give --layout ID")  # fmt: skip


def _columns(layout: Layout, names: list[str], file: str) -> dict[str, str]:
    by = {it.name: it.id for it in layout.items} | {it.id: it.id for it in layout.items}
    unknown = [n for n in names if n not in by]
    if unknown:
        raise ValidationRunError(f"{file}: columns not in layout {layout.id}: {', '.join(unknown[:5])}")
    return {n: by[n] for n in names}


def _validate_file(run: ValidationRun, path: Path, lid: str, *, encoding: str, batch_size: int,
                   progress: Callable[[int], None] | None) -> FileCounts:  # fmt: skip
    layout = run.layouts[lid]
    fs = run.findings
    file = path.name
    bad_rows = 0
    read_rejected: dict[str, int] = {}

    def on_reject(r: Reject) -> None:
        fs.add(r.code, file=file, records=[r.record - 1], details=[r.reason])
        read_rejected[r.code] = read_rejected.get(r.code, 0) + 1

    d = CsvDefinition(encoding=encoding, header=True)
    reader = read(path, d, batch_size=batch_size, source_id=file, on_reject=on_reject)
    mapping: dict[str, str] | None = None
    seen = 0
    by_reason: dict[str, int] = {}
    for batch in reader:
        if mapping is None:
            mapping = _columns(layout, [n for n in batch.schema.names if not n.startswith("_")], file)
        b = _to_layout(batch, layout, mapping)
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
    with opts.extra_layouts():
        return _validate_files([Path(p) for p in inputs], opts, findings, progress)


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
            yield from _standard_batches(specs[lid], path, encoding, batch_size)

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


def _standard_batches(layout: Layout, path: Path, encoding: str, batch_size: int) -> Any:
    """Item-id batches of a standard CSV (for the exact re-check of hashed keys)."""
    reader = read(
        path, CsvDefinition(encoding=encoding, header=True), batch_size=batch_size, source_id=path.name
    )
    mapping: dict[str, str] | None = None
    for batch in reader:
        if mapping is None:
            mapping = _columns(layout, [n for n in batch.schema.names if not n.startswith("_")], path.name)
        yield _to_layout(batch, layout, mapping)


def _to_layout(batch: pa.RecordBatch, layout: Layout, mapping: dict[str, str]) -> pa.RecordBatch:
    """A reader batch (columns named by the header) → item-id columns in layout order, data-row numbers."""
    cols = {mapping[n]: batch.column(n) for n in batch.schema.names if n in mapping}
    blank = pa.array([""] * batch.num_rows, pa.string())
    recs = pa.array(np.asarray(batch.column("_record").to_numpy(), dtype=np.int64) - 1)
    arrays = [cols.get(i, blank) for i in layout.item_ids] + [recs, batch.column("_source")]
    return pa.RecordBatch.from_arrays(arrays, names=[*layout.item_ids, "_record", "_source"])
