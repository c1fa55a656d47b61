"""The parent's half of a run: merge partition results in order, concatenate parts, build the report.

- :class:`RunMerger` folds each :class:`~._worker_state.PartResult` (in partition order)
  into the per-file accounting, the run's findings, the 外字 counters, the key / reference
  indexes and the trailer sums.
- :class:`~._concat.Concat` (its own module) writes one final file as header + parts (byte
  concatenation), hashing it, to a temporary sibling renamed into place only when every output is complete.
- :func:`convert_report` turns the merged run into the sign-off report and writes it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..findings import FindingSet
from ..readers.definition import CsvDefinition, FixedWidthDefinition
from ..report import FileCounts, InputInfo, OutputInfo, Thresholds, TrailerCheck, write_reports
from ..spec.model import Layout
from ..validation.control_records import check_control_records
from ..validation.session import ValidationRun
from ..validation.trailers import sums_before
from ._concat import Concat
from ._report import make_report, trailer_checks
from ._spool import read_spool
from .plan import Partition
from .structure import check_structure


class RunMerger:
    """Everything the parent learns from the partitions, merged in partition order."""

    def __init__(self, adapter: Any, findings: FindingSet, *, validate: bool, spill_dir: str | None,
                 output_encoding: str = "utf-8", sink: Callable[[str], Concat] | None = None,
                 raw_values: bool = False) -> None:  # fmt: skip
        """``sink(kind)`` (kind: a layout id, ``"rejects"`` or ``"gaiji"``) opens the output a kind's
        parts are appended to as they arrive; without it the part paths are collected in
        ``parts`` / ``rejects_parts`` / ``gaiji_parts``."""
        self.adapter = adapter
        self._sink = sink
        self.sinks: dict[str, Concat] = {}
        self.findings = findings
        self.output_encoding = output_encoding
        self.layouts: dict[str, Layout] = {t.layout.id: t.layout for t in adapter.targets}
        self.parts: dict[str, list[str]] = {}
        self.written: dict[str, int] = {}
        self.rejects_parts: list[str] = []
        self.rejects = 0
        self.gaiji_parts: list[str] = []
        self.gaiji_rows = 0
        self.gaiji: Any = None
        self.accounts: dict[str, Any] = {}
        self.trailers: dict[str, list[dict[str, Any]]] = {}
        self.headers: dict[str, list[dict[str, Any]]] = {}
        self.encoding: str | None = None  # the run's --input-encoding (a second read of a file uses it)
        self.limited = False  # set by a --limit run: files are read only in part
        self.sums: dict[str, dict[str, Decimal]] = {}
        self.trailer_checks: list[TrailerCheck] = []
        # the run's one ValidationRun: the workers check, this one folds their codes and finishes
        self.run = (ValidationRun(list(self.layouts.values()), findings, raw_values=raw_values, spill_dir=spill_dir)
                    if validate else None)  # fmt: skip

    def layouts_of_source(self, source: str) -> list[Layout]:
        return [t.layout for t in self.adapter.targets if t.source == source]

    def add(self, part: Partition, res: Any, acc: Any) -> None:
        """Fold one partition's result into the run (call in partition order)."""
        self.accounts[part.file] = acc
        acc.records_in += res.records_seen
        acc.control += res.control
        acc.read_rejected += res.read_rejected
        acc.adapt_rejected += res.adapt_rejected
        acc.validate_rejected += res.validate_rejected
        acc.records_out += res.records_out
        for lid, n in res.written.items():
            acc.written[lid] = acc.written.get(lid, 0) + n
            self.written[lid] = self.written.get(lid, 0) + n
        for code, n in res.rejected_by_reason.items():
            acc.rejected_by_reason[code] = acc.rejected_by_reason.get(code, 0) + n
        self.findings.merge(res.findings)
        for lid, p in res.parts.items():
            self._part(lid, p, self.parts.setdefault(lid, []))
        for lid, (offset, size) in res.placed.items():  # written into the output by the worker
            self.sink(lid).add_placed(offset, size)
        if res.rejects_part:
            self._part("rejects", res.rejects_part, self.rejects_parts)
            self.rejects += res.rejects
        if res.gaiji_part:
            self._part("gaiji", res.gaiji_part, self.gaiji_parts)
            self.gaiji_rows += res.gaiji_rows
        if res.gaiji is not None:
            self.gaiji = res.gaiji if self.gaiji is None else self.gaiji.merge(res.gaiji)
        if res.codes_part is not None:
            for chunk in read_spool(res.codes_part):  # removes the part file
                if self.run is not None:
                    self.run.add_codes(chunk, res.file)
        self.trailers.setdefault(part.file, []).extend(res.trailers)
        self.headers.setdefault(part.file, []).extend(res.headers)
        sums = self.sums.setdefault(part.file, {})
        for f, v in res.sums.items():
            sums[f] = sums.get(f, Decimal(0)) + v

    def _sums_before(self, path: Path, d: Any, fields: list[str], bound: int) -> dict[str, Decimal]:
        """Exact sums of ``fields`` over the data records before record ``bound`` (a second read of
        the file: only for a trailer in the middle of a file, which is rare and a finding)."""
        from ..readers import read

        with open(path, "rb") as f:
            return sums_before(
                read(f, d, encoding=self.encoding, source_id=Path(path).name), fields, [bound]
            )[bound]

    def _part(self, kind: str, path: str, collected: list[str]) -> None:
        if self._sink is None:
            collected.append(path)
        else:
            self.sink(kind).add(path)

    def sink(self, kind: str) -> Concat:
        """The output of ``kind`` (opened on first use)."""
        assert self._sink is not None
        c = self.sinks.get(kind)
        if c is None:
            c = self.sinks[kind] = self._sink(kind)
        return c

    def sync(self) -> None:
        """Every part is in: start writing the outputs to disk while the run finishes its checks."""
        for c in self.sinks.values():
            c.sync()

    def abort(self) -> None:
        """Remove every output opened so far (not yet committed)."""
        for c in self.sinks.values():
            c.abort()

    def finish(self, files: Sequence[tuple[str, Path, Any]], make_reread: Callable[[], Any]) -> None:
        """Cross-record checks (duplicate keys, orphans) and trailer reconciliation, into the findings."""
        if self.run is not None:
            self.run.finish(reread=make_reread() if self.run.needs_reread else None)
        for _, path, d in files:
            file = Path(path).name
            acc = self.accounts.get(file)
            if acc is None:
                continue
            counted = acc.records_in - acc.control
            trailers = self.trailers.get(file, [])
            before = check_control_records(file, self.headers.get(file, []), trailers, acc.records_in,
                                           acc.control, self.findings)  # fmt: skip
            for t in sorted(trailers, key=lambda t: int(t["_record"])):  # each against the records before it
                n, sums = before.get(int(t["_record"]), counted), self.sums.get(file, {})
                if n != counted and sums:  # a trailer in the middle: its totals need the sums before it
                    sums = self._sums_before(path, d, list(sums), int(t["_record"]))
                self.trailer_checks += trailer_checks(file, d, [t], n, sums, self.findings)
            check_structure(
                file, d, self.trailers.get(file, []), counted, self.findings, limited=self.limited
            )


def _framing(d: Any) -> str:
    if isinstance(d, CsvDefinition):
        return f"CSV ({'header row' if d.header else 'no header'}, delimiter {d.delimiter!r})"
    if isinstance(d, FixedWidthDefinition):
        lengths = sorted({rt.record_length for rt in d.record_types})
        roles = sorted({rt.role.value for rt in d.record_types} - {"data"})
        return (f"fixed {'/'.join(map(str, lengths))} bytes, {d.framing.value}"
                + (f", {'/'.join(roles)}" if roles else ""))  # fmt: skip
    return ""


def _rel(path: str | Path, base: Path) -> str:
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return str(path)


def convert_report(
    ad: Any, result: Any, merger: RunMerger, files: Sequence[tuple[str, Path, Any]], hashes: Mapping[str, tuple[int, str]],
    report_dir: Path, *, encoding: str | None, thresholds: Thresholds | None, raw_values: bool,
    extra: Mapping[str, str], place: Callable[[Path], Path] = Path,
) -> tuple[Any, dict[str, Path]]:  # fmt: skip
    """Build and write the report of a convert run; (Report, format → path)."""
    sources = {f.file: f.source for f in result.files}
    counts = []
    for f in result.files:
        lays = merger.layouts_of_source(f.source)
        counts.append(FileCounts(f.file, records_read=f.records_in, written=f.records_out, rejected=f.rejected,
                                 control_records=f.control, rejected_by_reason=dict(f.rejected_by_reason),
                                 layout_id=lays[0].id if lays else None))  # fmt: skip
    inputs = []
    for f in result.files:
        d = ad.sources[f.source].definition
        size, sha = hashes.get(f.path) or hashes.get(str(Path(f.path))) or (None, None)
        inputs.append(InputInfo(f.path, role="source" if f.role == "data" else "lookup", file_id=f.file,
                                encoding=encoding or d.encoding, encoding_source="flag" if encoding else "adapter",
                                framing=_framing(d), size=size, sha256=sha))  # fmt: skip

    def info(path: str, records: int, **kw: Any) -> OutputInfo:
        size, sha = result.hashes[str(path)]
        # paths as they will be once published (the run writes into a staging folder)
        return OutputInfo(
            _rel(place(Path(path)), place(report_dir)), records=records, size=size, sha256=sha, **kw
        )

    outputs = [info(o.path, o.records, layout_id=o.layout) for o in result.outputs.values()]
    if result.rejects_path:
        outputs.append(info(result.rejects_path, result.rejects, role="rejects"))
    if result.gaiji_path:
        outputs.append(info(result.gaiji_path, merger.gaiji_rows, role="gaiji"))
    by_file = {f: merger.layouts_of_source(s) for f, s in sources.items()}
    extra = {
        **extra,
        "cross_record_checks": "reported only (duplicate keys / orphans do not move written records)",
    }
    report = make_report(
        result.findings, files=counts, inputs=inputs, outputs=outputs, layouts=list(merger.layouts.values()),
        trailers=merger.trailer_checks, gaiji=merger.gaiji, layouts_by_file=by_file, thresholds=thresholds,
        adapter=(ad.name, str(getattr(ad.model, "version", "")) or None), raw_values=raw_values, extra=extra,
    )  # fmt: skip
    return report, write_reports(report, report_dir)
