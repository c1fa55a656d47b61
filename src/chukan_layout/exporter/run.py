"""``export``: standard-layout files → a vendor's import format, with the run discipline of convert.

    result = chukan_layout.export("vendor_a", ["out/juki_jumin.csv", ...], "import/",
                                  gaiji_tables=["GAIJI_A.tsv"])
    result.exit_code, result.report          # 0 pass / 1 FAIL, the sign-off report

Each input's layout is recognised from its header row (項目名称); each output file of the plan
takes the inputs of its layouts. Output files are independent, so ``workers > 1`` renders them
in parallel processes. Every file is written atomically (a temporary sibling renamed into place)
into a staging folder, and the run is published in one step by ``pipeline.publish.RunFolder``
(``run.json`` written last, under a lock; a failed run leaves the folder as it was). Accounting
per standard file: read = written + rejected, or :class:`AccountingError`. Beside the vendor files: ``unencodable.csv`` (every character that
could not be carried: rejected or replaced), ``rejects.csv`` (records not written and why),
``report.json`` / ``report.html`` / ``findings.csv`` with the export's verdict.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import AccountingError, ExportError
from ..files import atomic_output, guard_cell, sha256_file
from ..findings import FindingSet, merge_all
from ..pipeline.publish import REPORT_NAMES, RunFolder
from ..pipeline.standard import detect_layout
from ..readers.api import Reject
from ..readers.standard_csv import read_standard_csv
from ..report import FileCounts, InputInfo, LayoutInfo, OutputInfo, Report, build_report, write_reports
from . import codes  # noqa: F401  (registers the export finding codes)
from ._outcome import FileOutcome, Sidecar
from .engine import FileExporter
from .format import Unencodable
from .gaiji_reverse import Evidence, load_evidence, load_reverse
from .profile import ExportPlan, load_plan

_PLANS: dict[tuple[str, str], ExportPlan] = {}
_EVIDENCE: dict[tuple[str, ...], Evidence] = {}  # the last gaiji.csv set read, per process
SIDECARS = frozenset({"findings.csv", "gaiji.csv", "rejects.csv", "unencodable.csv", "differences.csv"})


@dataclass
class ExportResult:
    """What an export run produced."""

    report: Report
    outputs: dict[str, Path]
    report_paths: dict[str, Path]
    findings: FindingSet
    files: list[FileCounts] = field(default_factory=list)
    plan_notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.report.verdict.status == "fail" else 0


def _batches(layout_id: str, paths: list[Path], batch_size: int,
             on_reject: Callable[[str, Reject], None]) -> Iterator[tuple[str, pa.RecordBatch]]:  # fmt: skip
    from ..spec.registry import load_layout

    layout = load_layout(layout_id).spec
    for p in paths:

        def rejected(r: Reject, name: str = p.name) -> None:
            on_reject(name, r)

        for b in read_standard_csv(p, layout, batch_size=batch_size, on_reject=rejected):
            yield p.name, b


def _one_file(profile: str, unencodable: Unencodable, name: str, by_layout: dict[str, list[Path]],
              out_dir: Path, gaiji_tables: list[str], evidence: list[str], batch_size: int,
              raw_values: bool, max_samples: int | None) -> tuple[FileOutcome, FindingSet, tuple[int, str]]:  # fmt: skip
    """Render one output file (runs in a worker process when ``workers > 1``)."""
    key = (profile, unencodable.model_dump_json())
    if key not in _PLANS:  # one load per process (a plan is read-only: compiled steps, definitions)
        _PLANS[key] = load_plan(profile, unencodable)
    plan = _PLANS[key]
    fp = next(f for f in plan.files if f.name == name)
    gaiji = load_reverse(list(gaiji_tables)) if gaiji_tables else None
    fs = FindingSet(max_samples=max_samples)
    ekey = tuple(evidence)
    if evidence and ekey not in _EVIDENCE:
        _EVIDENCE.clear()
        _EVIDENCE[ekey] = load_evidence(list(evidence))
    ev = _EVIDENCE.get(ekey) if evidence else None
    ex = FileExporter(fp, plan.unencodable, gaiji, fs, raw_values, ev)
    batches = {lid: _batches(lid, paths, batch_size, ex.read_reject) for lid, paths in by_layout.items()}
    with atomic_output(out_dir / name) as sink:
        outcome = ex.write(sink, batches)
        digest = (sink.bytes_written, sink.sha256)
    return outcome, fs, digest


def _write_sidecar(path: Path, rows: Sequence[Sidecar], columns: list[str]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    w.writerow(columns)
    for r in sorted(rows, key=lambda r: (r.output, r.file, r.record, r.field, r.position)):
        w.writerow([guard_cell(getattr(r, c)) for c in columns])
    with atomic_output(path) as f:
        f.write(buf.getvalue().encode("utf-8"))
    return path


def export(
    profile: str | Path,
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    gaiji_tables: Sequence[str | Path] = (),
    gaiji_evidence: Sequence[str | Path] = (),
    unencodable: str | None = None,
    substitute: str | None = None,
    workers: int = 1,
    batch_size: int = 65536,
    raw_values: bool = False,
    layouts: dict[str, str] | None = None,
    max_samples: int | None = 20,
) -> ExportResult:
    """Export standard-layout CSV files to a vendor import format (see the module docstring).

    ``profile``: an export profile file, a shipped profile, or a reversible adapter's name.
    ``gaiji_tables``: 外字対応表 read backwards; ``gaiji_evidence``: convert's ``gaiji.csv`` — with it a
    vendor code is restored exactly where the original file had one and the character is written
    natively elsewhere (the table then serves only characters the target cannot carry).
    ``unencodable`` / ``substitute`` override the profile's policy (``error`` or ``replace``).
    ``layouts``: file name → layout id for inputs whose header row is not recognised;
    ``max_samples``: samples kept per finding (None: every record, e.g. to list every lossy one).
    """
    policy = None
    if unencodable is not None or substitute is not None:
        try:
            policy = Unencodable.model_validate(
                {"policy": unencodable or ("replace" if substitute else "error"), "substitute": substitute}
            )
        except ValueError as e:  # pydantic's ValidationError: one line, exit 2
            raise ExportError(
                f"--unencodable: {e.errors()[0]['msg'] if hasattr(e, 'errors') else e}"
            ) from None
    plan = load_plan(profile, policy)
    _PLANS[(str(profile), plan.unencodable.model_dump_json())] = plan
    out = Path(out_dir)
    given = [Path(p) for p in inputs]
    # convert's own sidecars sit next to the standard files (`export out/*.csv` is the natural call)
    paths = [p for p in given if p.name not in SIDECARS]
    for p in paths:
        if not p.is_file():
            raise ExportError(f"input not found: {p}")
        if p.resolve().parent == out.resolve():
            raise ExportError(f"{p.name}: the output folder holds the input; give another -o")
    ids = {p: (layouts or {}).get(p.name) or detect_layout(p) for p in paths}
    wanted = set(plan.layouts())
    unused = [p.name for p, lid in ids.items() if lid not in wanted]
    if unused:
        raise ExportError(f"inputs of layouts the profile {plan.name} does not export: {', '.join(unused)} "
                          f"(it exports {', '.join(sorted(wanted))})")  # fmt: skip
    jobs = []
    for fp in plan.files:
        by_layout = {r.layout.id: [p for p in paths if ids[p] == r.layout.id] for r in fp.records}
        if any(by_layout.values()):
            jobs.append((fp.name, by_layout))
    if not jobs:
        raise ExportError("no input belongs to any file of the profile")
    out.mkdir(parents=True, exist_ok=True)
    names = {fp.name for fp in plan.files} | {"unencodable.csv", "rejects.csv", *REPORT_NAMES}
    # run-level publish (pipeline.publish): everything is written into a staging folder and moved
    # into `out` in one step with run.json last; a failed or interrupted run leaves `out` as it was
    with RunFolder(out, may_produce=names, command="export", inputs=paths) as run:
        stage = run.staging
        args = [(str(profile), plan.unencodable, name, bl, stage, [str(t) for t in gaiji_tables],
                 [str(e) for e in gaiji_evidence], batch_size, raw_values, max_samples)
                for name, bl in jobs]  # fmt: skip
        if workers > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
                results = list(pool.map(_one_file, *zip(*args, strict=True)))
        else:
            results = [_one_file(*a) for a in args]
        result = _finish(plan, paths, ids, results, stage, out, raw_values, workers, max_samples)
        run.publish()
    return result


def _finish(plan: ExportPlan, paths: list[Path], ids: dict[Path, str], results: list[Any], stage: Path, out: Path,
            raw_values: bool, workers: int, max_samples: int | None) -> ExportResult:  # fmt: skip
    from ..spec.registry import load_layout

    fs = merge_all([r[1] for r in results], max_samples=max_samples)
    counts: list[FileCounts] = []
    outputs: list[OutputInfo] = []
    out_paths: dict[str, Path] = {}
    unenc: list[Sidecar] = []
    rejects: list[Sidecar] = []
    for outcome, _fs, (size, sha) in results:
        out_paths[outcome.name] = out / outcome.name
        outputs.append(
            OutputInfo(str(out / outcome.name), outcome.records, role="vendor", size=size, sha256=sha)
        )
        unenc += outcome.unencodable
        rejects += outcome.rejects
        for file, n in outcome.read.items():
            w, r = outcome.written.get(file, 0), outcome.rejected.get(file, 0)
            if n != w + r:
                raise AccountingError(f"{file}: read {n} != written {w} + rejected {r}")
            counts.append(FileCounts(file, n, w, r, layout_id=outcome.layout_of.get(file),
                                     rejected_by_reason=_reasons(outcome.rejects, file)))  # fmt: skip
    seen = {c.file for c in counts}
    for p in paths:  # an empty standard file is still accounted for
        if p.name not in seen:
            counts.append(FileCounts(p.name, 0, 0, 0, layout_id=ids[p]))
    cols = [f.name for f in fields(Sidecar)]
    for name, rows in (("unencodable.csv", unenc), ("rejects.csv", rejects)):
        size, sha = sha256_file(_write_sidecar(stage / name, rows, cols))
        out_paths[name] = out / name
        outputs.append(OutputInfo(str(out / name), len(rows), role="sidecar", size=size, sha256=sha))
    inputs = []
    for p in paths:
        size, sha = sha256_file(p)
        inputs.append(InputInfo(str(p), role="standard", file_id=p.name, encoding="utf-8",
                                encoding_source="default", framing="CSV, header row", size=size, sha256=sha))  # fmt: skip
    layouts = [LayoutInfo.of(load_layout(lid)) for lid in sorted(set(ids.values()))]
    gaiji_restored = sum(r[0].gaiji_restored for r in results)
    extra = {"mode": "export (standard layout → vendor import format)", "profile": plan.name,
             "unencodable": plan.unencodable.policy + (f" → {plan.unencodable.substitute}" if plan.unencodable.substitute else ""),
             "gaiji restored to vendor codes": str(gaiji_restored), "workers": str(workers),
             "unencodable characters": str(len(unenc)), "not reversible / no source": "; ".join(plan.notes) or "none"}  # fmt: skip
    for o in results:
        for k, v in o[0].trailer.items():
            extra[f"trailer {o[0].name} {k}"] = v
    report = build_report(fs, files=counts, inputs=inputs, outputs=outputs, layouts=layouts,
                          adapter=(plan.adapter, None) if plan.adapter else None, masking=not raw_values,
                          extra_options=extra, title="移行データ出力報告書 / Export report")  # fmt: skip
    written = {k: out / p.name for k, p in write_reports(report, stage).items()}
    return ExportResult(report, out_paths, written, fs, counts, plan.notes)


def _reasons(rejects: list[Sidecar], file: str) -> dict[str, int]:
    out: dict[str, int] = {}
    seen: set[tuple[int, str]] = set()
    for r in rejects:
        if r.file == file and (r.record, r.code) not in seen:
            seen.add((r.record, r.code))
            out[r.code] = out.get(r.code, 0) + 1
    return out
