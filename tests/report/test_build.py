"""build_report: accounting, reconciliation, 外字 summary, verdict thresholds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from chukan_layout.findings import FindingSet
from chukan_layout.gaiji.summary import GaijiSummary as StageGaijiSummary
from chukan_layout.report import (
    FileCounts,
    GaijiCounts,
    InputInfo,
    LayoutInfo,
    Thresholds,
    TrailerCheck,
    build_report,
)
from chukan_layout.report.build import clean_text, gaiji_summary, item_names_for

from .conftest import make_findings


def _clean(**kw: object) -> dict[str, object]:
    return {
        "files": [FileCounts("JUMIN.DAT", records_read=1002, written=1000, rejected=0, control_records=2)]
    } | kw


def _status(fs: FindingSet | None = None, **kw: object) -> str:
    return build_report(fs or FindingSet(), **_clean(**kw)).verdict.status  # type: ignore[arg-type]


def test_clean_run_passes() -> None:
    r = build_report(FindingSet(), **_clean())  # type: ignore[arg-type]
    assert (r.verdict.status, r.verdict.label_ja, r.verdict.label_en) == ("pass", "合格", "PASS")
    assert {c.outcome for c in r.verdict.checks} == {"ok"}
    assert r.totals.records_read == 1002 and r.accounting[0].balanced


def test_no_files_fails() -> None:
    assert build_report(FindingSet(), files=[]).verdict.status == "fail"


def test_errors_over_limit_fail_within_limit_warn() -> None:
    fs = make_findings()  # 33 errors, 10 warnings, 1 info
    assert _status(fs) == "fail"
    assert _status(fs, thresholds=Thresholds(max_error_findings=33)) == "pass_with_warnings"
    r = build_report(fs, **_clean(thresholds=Thresholds(max_error_findings=None, max_warning_findings=9)))  # type: ignore[arg-type]
    failed = [c.id for c in r.verdict.checks if c.outcome == "fail"]
    assert failed == ["warning_findings"]


def test_severity_override_changes_the_verdict() -> None:
    fs = make_findings()
    fs.severity_overrides = {"rpt.required": "warning", "rpt.check_digit": "info"}  # type: ignore[dict-item]
    r = build_report(fs, **_clean())  # type: ignore[arg-type]
    assert r.totals.findings_by_severity == {"error": 0, "info": 31, "warning": 13}
    assert r.options.severity_overrides == {"rpt.check_digit": "info", "rpt.required": "warning"}
    assert r.verdict.status == "pass_with_warnings"


def test_reject_rate_against_threshold() -> None:
    files = [FileCounts("A", records_read=1001, written=990, rejected=10, control_records=1)]
    assert _status(files=files) == "fail"  # default max 0 %
    r = build_report(FindingSet(), files=files, thresholds=Thresholds(max_reject_rate=0.01))
    check = next(c for c in r.verdict.checks if c.id == "reject_rate")
    assert (check.outcome, check.actual, check.limit) == ("warning", "1.000% (10/1000)", "≤ 1.000%")
    assert r.verdict.status == "pass_with_warnings"


def test_unbalanced_file_fails_and_is_named() -> None:
    files = [FileCounts("B", records_read=100, written=98, rejected=1), FileCounts("A", 5, 5, 0)]
    r = build_report(FindingSet(), files=files, thresholds=Thresholds(max_reject_rate=0.5))
    assert [a.file for a in r.accounting] == ["A", "B"]
    assert not r.accounting[1].balanced
    assert r.verdict.status == "fail"
    assert "B" in next(c.actual for c in r.verdict.checks if c.id == "balanced")
    relaxed = build_report(
        FindingSet(), files=files, thresholds=Thresholds(max_reject_rate=0.5, require_balanced=False)
    )
    assert relaxed.verdict.status == "pass_with_warnings"


def test_trailer_reconciliation_compares_exact_numbers() -> None:
    trailers = [
        TrailerCheck("A", "record_count", 1000, "1000"),
        TrailerCheck("A", "zeigaku", "123456789.10", "123456789.1", kind="control_total"),
        TrailerCheck("A", "kingaku", "100", "99", kind="control_total", label_ja="金額合計"),
    ]
    r = build_report(FindingSet(), **_clean(trailers=trailers))  # type: ignore[arg-type]
    assert [(x.field, x.ok) for x in r.reconciliation] == [
        ("kingaku", False),
        ("zeigaku", True),
        ("record_count", True),
    ]
    assert r.verdict.status == "fail"
    assert "A:kingaku" in next(c.actual for c in r.verdict.checks if c.id == "reconciled")


def test_findings_rows_carry_item_names_and_summaries() -> None:
    names = {("JUMIN.DAT", "shimei"): "氏名"}
    r = build_report(make_findings(), **_clean(item_names=lambda f, i: names.get((f, i))))  # type: ignore[arg-type]
    row = next(f for f in r.findings if f.code == "rpt.charset")
    assert (row.item_name, row.summary_ja, row.count) == ("氏名", "文字種の誤り", 8)
    masked = next(f for f in r.findings if f.code == "rpt.check_digit")
    assert masked.samples[0].value == "********00" and masked.samples[0].record == 100
    assert len(masked.samples) == 20  # the FindingSet cap


def test_inputs_are_hashed_and_sorted(tmp_path: Path) -> None:
    a, b = tmp_path / "b.dat", tmp_path / "a.dat"
    a.write_bytes(b"\x82\xa0" * 10)
    b.write_bytes(b"")
    r = build_report(FindingSet(), **_clean(inputs=[InputInfo(a, encoding="cp932"), InputInfo(b)]))  # type: ignore[arg-type]
    assert [i.file_id for i in r.inputs] == ["a.dat", "b.dat"]
    assert r.inputs[1].sha256 == hashlib.sha256(b"\x82\xa0" * 10).hexdigest() and r.inputs[1].size == 20
    assert r.inputs[0].sha256 == hashlib.sha256(b"").hexdigest()


def test_gaiji_summary_from_the_gaiji_stage_counters() -> None:
    s = StageGaijiSummary()
    s.by_status.update({"exact": 10, "unmapped": 3, "not_in_target": 2})
    s.unmapped.update({"U+E0A5": 2, "U+E001": 1})
    s.unmapped_items["U+E0A5"].add("shimei")
    s.not_storable.update({("cp932", "U+845B U+E0100"): 2})
    s.by_item.update({"shimei": 15})
    g = gaiji_summary(GaijiCounts.from_stage(s, target_charset="cp932"))
    assert g.by_status["unmapped"] == 3 and g.by_status["replaced"] == 0
    assert [(c.code, c.char, c.count, c.items) for c in g.top_unmapped] == [
        ("U+E0A5", "\ue0a5", 2, ["shimei"]),
        ("U+E001", "\ue001", 1, []),
    ]
    assert g.unmapped_distinct == 2 and g.not_storable_total == 2
    ns = g.not_storable[0]
    assert (ns.char, ns.codepoints, ns.charset) == ("葛\U000e0100", "U+845B U+E0100", "cp932")
    assert gaiji_summary(GaijiCounts.from_stage(s.as_dict())) == gaiji_summary(GaijiCounts.from_stage(s))


def test_gaiji_unmapped_limit_and_unknown_status() -> None:
    g = GaijiCounts(by_status={"unmapped": 5}, unmapped={"F040": 5})
    assert _status(gaiji=g) == "pass_with_warnings"
    assert _status(gaiji=g, thresholds=Thresholds(max_unmapped_gaiji=4)) == "fail"
    with pytest.raises(ValueError, match="unknown 外字 status"):
        gaiji_summary(GaijiCounts(by_status={"fine": 1}))


def test_top_unmapped_is_capped_and_ordered() -> None:
    unmapped = {f"F{i:03X}": (i % 7) + 1 for i in range(50)}
    g = gaiji_summary(GaijiCounts(unmapped=unmapped))
    assert g.unmapped_distinct == 50 and len(g.top_unmapped) == 20
    counts = [c.count for c in g.top_unmapped]
    assert counts == sorted(counts, reverse=True)


def test_undecodable_bytes_in_samples_stay_visible() -> None:
    assert clean_text("ab\udc82\udca0") == "ab[0x82][0xA0]"
    assert clean_text("髙") == "髙" and clean_text(None) is None
    fs = FindingSet()
    fs.add("rpt.charset", file="X", item="shimei", records=np.array([1]), values=["A\udcff"], raw=True)
    r = build_report(fs, **_clean())  # type: ignore[arg-type]
    assert r.findings[0].samples[0].value == "A[0xFF]"


def test_item_names_from_a_real_layout() -> None:
    from chukan_layout.spec.registry import load_layout

    loaded = load_layout("juki.jumin")
    layout = loaded.spec
    names = item_names_for({"住民.csv": loaded})
    first = layout.items[0]
    assert names("住民.csv", first.id) == first.name
    assert names("other.csv", first.id) is None
    if layout.rules:
        assert names("住民.csv", f"rule:{layout.rules[0].id}") == layout.rules[0].message
    assert names("住民.csv", "no_such_item") is None
    info = LayoutInfo.of(loaded)
    ref = build_report(FindingSet(), **_clean(layouts=[info])).layouts[0]  # type: ignore[arg-type]
    assert (ref.id, ref.spec_version, ref.title_ja) == ("juki.jumin", layout.spec_version, layout.title.ja)
    assert ref.sha256 == hashlib.sha256(loaded.path.read_bytes()).hexdigest()
