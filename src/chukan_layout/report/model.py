"""The sign-off report as data: Pydantic models, schema version ``1.0``.

``report.json`` is the source of truth (docs/design.md §5); ``report.html`` and ``findings.csv``
are renderings of it and can be re-rendered from the JSON alone
(``chukan-layout report REPORT.json -o DIR``). Every field the renderers show is here, so
the JSON needs no code registry, layout or input file to be rendered again.

Conventions:

* Counts are non-negative integers; control totals are exact decimal *strings*.
* Maps (``rejected_by_reason``, ``by_status``, ``severity_overrides``) are stored with
  sorted keys and lists in a fixed order, so the same inputs give byte-identical JSON.
* ``generated_at`` is UTC ISO 8601 (``…Z``) and honours ``SOURCE_DATE_EPOCH``.
* Sample values are masked unless ``options.masking`` is false (docs/design.md §4.8).

The JSON Schema exported from :class:`Report` is committed as ``docs/report.schema.json``
(see :mod:`chukan_layout.report.schema`).
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION: Final = "1.0"

GAIJI_STATUSES: tuple[str, ...] = ("exact", "identified", "degraded", "unmapped", "replaced", "not_in_target")
"""外字 outcome per occurrence (as counted by the 外字 stage, :mod:`chukan_layout.gaiji.summary`):
exact (Unicode as is), identified (mapped by a reviewed table), degraded (replaced by a reviewed
simpler form), unmapped (no mapping: kept as PUA / flagged), replaced (substituted by a placeholder
such as ＿ or 〓), not_in_target (left in the output although the target charset cannot store it)."""

Outcome = Literal["ok", "warning", "fail"]
VerdictStatus = Literal["pass", "pass_with_warnings", "fail"]
EncodingSource = Literal["flag", "adapter", "detected", "bom", "default"]
FigureKind = Literal["record_count", "control_total"]
NonNegInt = Annotated[int, Field(ge=0)]


def _sorted_map(d: dict[str, int]) -> dict[str, int]:
    return dict(sorted(d.items()))


def _sorted_str_map(d: dict[str, str]) -> dict[str, str]:
    return dict(sorted(d.items()))


SortedCounts = Annotated[dict[str, NonNegInt], AfterValidator(_sorted_map)]
SortedStrMap = Annotated[dict[str, str], AfterValidator(_sorted_str_map)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ToolInfo(_Model):
    """The program that produced the report."""

    name: str = "chukan-layout"
    version: str


class LayoutRef(_Model):
    """A standard layout used in the run, pinned by the content hash of its file."""

    id: str
    title_ja: str = ""
    spec_version: str
    path: str | None = None
    sha256: Sha256 | None = None


class AdapterRef(_Model):
    """The vendor adapter that mapped the source records (absent for ``validate``)."""

    id: str
    version: str | None = None


class Thresholds(_Model):
    """Limits of the verdict. Above a limit → 不合格 / FAIL; a non-zero value within it → 条件付き合格.

    ``None`` means "no limit": a non-zero value only makes the verdict conditional.
    ``max_reject_rate`` is a fraction of data records (0.001 = 0.1 %).
    """

    max_error_findings: NonNegInt | None = 0
    max_warning_findings: NonNegInt | None = None
    max_reject_rate: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    max_unmapped_gaiji: NonNegInt | None = None
    require_balanced: bool = True
    require_reconciled: bool = True


class RunOptions(_Model):
    """How the run was configured (everything that changes the outcome)."""

    severity_overrides: SortedStrMap = {}
    thresholds: Thresholds = Thresholds()
    masking: bool = True
    max_samples: NonNegInt | None = 20
    extra: SortedStrMap = {}


class EncodingVerdict(_Model):
    """How an input's encoding was decided: flag, adapter or detection, with evidence."""

    encoding: str
    source: EncodingSource = "detected"
    evidence: str = ""


class InputFile(_Model):
    """One input file, pinned by size and SHA-256."""

    path: str
    file_id: str
    role: str = "source"
    size: NonNegInt
    sha256: Sha256
    encoding: EncodingVerdict | None = None
    framing: str = ""


class OutputFile(_Model):
    """One file written by the run."""

    path: str
    role: str = "standard"
    layout_id: str | None = None
    records: NonNegInt
    size: NonNegInt
    sha256: Sha256


class FileAccounting(_Model):
    """Records of one source file: read = written + rejected + control (header/trailer)."""

    file: str
    layout_id: str | None = None
    records_read: NonNegInt
    control_records: NonNegInt = 0
    written: NonNegInt
    rejected: NonNegInt
    rejected_by_reason: SortedCounts = {}
    balanced: bool

    @model_validator(mode="after")
    def _balanced_is_true(self) -> FileAccounting:
        actual = self.records_read == self.written + self.rejected + self.control_records
        if self.balanced != actual:
            raise ValueError(f"{self.file}: 'balanced' is {self.balanced} but the counts say {actual}")
        return self


class Reconciliation(_Model):
    """A header/trailer figure compared with what was counted or summed."""

    file: str
    kind: FigureKind
    field: str
    label_ja: str = ""
    declared: str
    counted: str
    ok: bool


class Sample(_Model):
    """One kept example: 1-based record number (0 = file level), masked value, detail."""

    record: NonNegInt
    value: str | None = None
    detail: str | None = None


class FindingRow(_Model):
    """Findings of one (code, file, item): count and the lowest-numbered samples."""

    code: str
    severity: Literal["error", "warning", "info"]
    file: str
    item: str = ""
    item_name: str = ""
    summary_ja: str = ""
    summary_en: str = ""
    count: Annotated[int, Field(ge=1)]
    samples: list[Sample] = []


class CodeCount(_Model):
    """An unmapped 外字 code (``U+E0A5`` for PUA, or the source system's hex) and its occurrences."""

    code: str
    char: str = ""
    count: Annotated[int, Field(ge=1)]
    items: list[str] = []


class CharCount(_Model):
    """A character (possibly with an IVS) that the target charset cannot store."""

    char: str
    codepoints: str
    charset: str = ""
    count: Annotated[int, Field(ge=1)]
    items: list[str] = []


class GaijiSummary(_Model):
    """外字 outcome: occurrences by status and by item, top unmapped codes, characters not storable."""

    target_charset: str | None = None
    by_status: SortedCounts = {s: 0 for s in GAIJI_STATUSES}
    by_item: SortedCounts = {}
    unmapped_distinct: NonNegInt = 0
    top_unmapped: list[CodeCount] = []
    not_storable_total: NonNegInt = 0
    not_storable: list[CharCount] = []


class Totals(_Model):
    """Run-wide figures the verdict uses."""

    records_read: NonNegInt
    control_records: NonNegInt
    written: NonNegInt
    rejected: NonNegInt
    findings_by_severity: SortedCounts


class VerdictCheck(_Model):
    """One criterion of the verdict with its actual value, its limit and the outcome."""

    id: str
    label_ja: str
    label_en: str
    actual: str
    limit: str
    outcome: Outcome


class Verdict(_Model):
    """合格 / 条件付き合格 / 不合格 with the criteria behind it."""

    status: VerdictStatus
    label_ja: str
    label_en: str
    checks: list[VerdictCheck]


class SignOffRole(_Model):
    """One line of the 確認欄: left empty to be signed and stamped on paper."""

    role_ja: str
    role_en: str


DEFAULT_SIGNOFF: tuple[SignOffRole, ...] = (
    SignOffRole(role_ja="担当者", role_en="Prepared by"),
    SignOffRole(role_ja="確認者", role_en="Checked by"),
    SignOffRole(role_ja="承認者", role_en="Approved by"),
)


class Report(_Model):
    """The whole sign-off report (``report.json``)."""

    schema_version: Literal["1.0"] = "1.0"
    title: str = "移行データ検証報告書"
    municipality: str | None = None
    generated_at: str
    tool: ToolInfo
    layouts: list[LayoutRef] = []
    adapter: AdapterRef | None = None
    options: RunOptions = RunOptions()
    verdict: Verdict
    totals: Totals
    inputs: list[InputFile] = []
    outputs: list[OutputFile] = []
    accounting: list[FileAccounting] = []
    reconciliation: list[Reconciliation] = []
    findings: list[FindingRow] = []
    gaiji: GaijiSummary = GaijiSummary()
    signoff: list[SignOffRole] = list(DEFAULT_SIGNOFF)
