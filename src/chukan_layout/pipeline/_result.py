"""What a convert run produced: per-file accounting, the outputs, findings, rejects and the report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AccountingError
from ..findings import FindingSet


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
