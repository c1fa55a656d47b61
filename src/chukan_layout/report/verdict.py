"""The verdict: 合格 / 条件付き合格 / 不合格 from the run's figures and the thresholds.

Each criterion yields ``ok``, ``warning`` (non-zero but within its limit, or a limit that
is not enforced) or ``fail`` (above its limit). Any fail → 不合格 / FAIL; otherwise any
warning → 条件付き合格 / PASS WITH WARNINGS; otherwise 合格 / PASS.

| id                 | fails when                                           | warns when                       |
|--------------------|------------------------------------------------------|----------------------------------|
| files_present      | no file was accounted                                | –                                |
| error_findings     | error findings > max_error_findings                  | 0 < errors ≤ limit (or no limit) |
| warning_findings   | warning findings > max_warning_findings              | 0 < warnings ≤ limit             |
| reject_rate        | rejected / data records > max_reject_rate            | 0 < rate ≤ limit                 |
| balanced           | a file's read ≠ written + rejected + control         | same, with require_balanced off  |
| reconciled         | a trailer figure ≠ counted                           | same, with require_reconciled off|
| gaiji_unmapped     | unmapped 外字 > max_unmapped_gaiji                   | 0 < unmapped ≤ limit             |
| gaiji_not_storable | –                                                    | characters not storable > 0      |
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import (
    FileAccounting,
    GaijiSummary,
    Outcome,
    Reconciliation,
    Thresholds,
    Totals,
    Verdict,
    VerdictCheck,
    VerdictStatus,
)

LABELS: dict[str, tuple[str, str]] = {
    "pass": ("合格", "PASS"),
    "pass_with_warnings": ("条件付き合格", "PASS WITH WARNINGS"),
    "fail": ("不合格", "FAIL"),
}


def _limit(value: int | None) -> str:
    return "—" if value is None else str(value)


def _count_outcome(actual: int, limit: int | None) -> Outcome:
    if actual == 0:
        return "ok"
    if limit is not None and actual > limit:
        return "fail"
    return "warning"


def format_rate(rate: float) -> str:
    """A fraction as a percentage with three decimals (deterministic text)."""
    return f"{rate * 100:.3f}%"


def compute_verdict(
    totals: Totals,
    accounting: Sequence[FileAccounting],
    reconciliation: Sequence[Reconciliation],
    gaiji: GaijiSummary,
    thresholds: Thresholds,
) -> Verdict:
    """Evaluate every criterion and combine them into the verdict."""
    checks: list[VerdictCheck] = []

    def add(id_: str, ja: str, en: str, actual: str, limit: str, outcome: Outcome) -> None:
        checks.append(
            VerdictCheck(id=id_, label_ja=ja, label_en=en, actual=actual, limit=limit, outcome=outcome)
        )

    add(
        "files_present",
        "対象ファイル",
        "Files accounted",
        str(len(accounting)),
        "≥ 1",
        "ok" if accounting else "fail",
    )

    errors = totals.findings_by_severity.get("error", 0)
    add(
        "error_findings",
        "エラー件数",
        "Error findings",
        str(errors),
        _limit(thresholds.max_error_findings),
        _count_outcome(errors, thresholds.max_error_findings),
    )
    warnings = totals.findings_by_severity.get("warning", 0)
    add(
        "warning_findings",
        "警告件数",
        "Warning findings",
        str(warnings),
        _limit(thresholds.max_warning_findings),
        _count_outcome(warnings, thresholds.max_warning_findings),
    )

    data_records = totals.records_read - totals.control_records
    rate = totals.rejected / data_records if data_records > 0 else 0.0
    rate_outcome: Outcome = (
        "ok" if totals.rejected == 0 else ("fail" if rate > thresholds.max_reject_rate else "warning")
    )
    add(
        "reject_rate",
        "不備率（不備件数 ÷ データ件数）",
        "Reject rate (rejected ÷ data records)",
        f"{format_rate(rate)} ({totals.rejected}/{data_records})",
        f"≤ {format_rate(thresholds.max_reject_rate)}",
        rate_outcome,
    )

    unbalanced = [a.file for a in accounting if not a.balanced]
    add(
        "balanced",
        "件数一致（読込 = 出力 + 不備 + 制御）",
        "Counts balance (read = written + rejected + control)",
        "一致 / all balanced" if not unbalanced else "不一致 / unbalanced: " + ", ".join(unbalanced),
        "必須 / required" if thresholds.require_balanced else "任意 / not enforced",
        "ok" if not unbalanced else ("fail" if thresholds.require_balanced else "warning"),
    )

    mismatched = sorted({f"{r.file}:{r.field}" for r in reconciliation if not r.ok})
    recon_actual = (
        "対象なし / none"
        if not reconciliation
        else ("一致 / all reconciled" if not mismatched else "不一致 / mismatch: " + ", ".join(mismatched))
    )
    add(
        "reconciled",
        "トレーラ照合",
        "Trailer reconciliation",
        recon_actual,
        "必須 / required" if thresholds.require_reconciled else "任意 / not enforced",
        "ok" if not mismatched else ("fail" if thresholds.require_reconciled else "warning"),
    )

    unmapped = gaiji.by_status.get("unmapped", 0)
    add(
        "gaiji_unmapped",
        "未対応外字",
        "Unmapped 外字",
        str(unmapped),
        _limit(thresholds.max_unmapped_gaiji),
        _count_outcome(unmapped, thresholds.max_unmapped_gaiji),
    )
    add(
        "gaiji_not_storable",
        "移行先文字集合に格納不可の文字",
        "Characters not storable in target charset",
        str(gaiji.not_storable_total),
        "—",
        "ok" if gaiji.not_storable_total == 0 else "warning",
    )

    outcomes = {c.outcome for c in checks}
    status: VerdictStatus = (
        "fail" if "fail" in outcomes else ("pass_with_warnings" if "warning" in outcomes else "pass")
    )
    ja, en = LABELS[status]
    return Verdict(status=status, label_ja=ja, label_en=en, checks=checks)
