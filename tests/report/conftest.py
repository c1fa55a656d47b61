"""A realistic, hostile report for the report tests (own finding codes: no clash with stages)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from chukan_layout.findings import FindingSet, register_code
from chukan_layout.report import (
    FileCounts,
    GaijiCounts,
    InputInfo,
    LayoutInfo,
    OutputInfo,
    Report,
    Thresholds,
    TrailerCheck,
    build_report,
)

# Test-only codes (the real stages register item.required & co. with their own texts).
register_code("rpt.required", "error", "Required item is blank", "必須項目が空欄", stage="report-test")
register_code("rpt.check_digit", "error", "Check digit is wrong", "検査数字の誤り", stage="report-test")
register_code(
    "rpt.charset", "warning", "Character outside the item's charset", "文字種の誤り", stage="report-test"
)
register_code("rpt.gaiji", "warning", "外字 without a mapping", "未対応外字", stage="report-test")
register_code("rpt.note", "info", "Informational <note> & more", "情報「注記」", stage="report-test")

HOSTILE = [
    "<script>alert(1)</script>",
    "髙橋　﨑子",
    '=HYPERLINK("http://evil.example/","click")',
    "+81-3-1234-5678",
    "-1",
    "@SUM(A1:A9)",
    "\tTAB",
    "\rCR",
]
ITEM_NAMES = {"shimei": "氏名", "atena_no": "宛名番号", "jusho": "住所 <&>", "seinengappi": "生年月日"}


def make_findings() -> FindingSet:
    fs = FindingSet(max_samples=20, severity_overrides={})
    fs.add(
        "rpt.required",
        file="JUMIN.DAT",
        item="seinengappi",
        records=np.array([17, 3, 2040]),
        values=["", "", ""],
        sensitivity="birth_date",
    )
    fs.add(
        "rpt.check_digit",
        file="JUMIN.DAT",
        item="atena_no",
        records=np.arange(100, 130),
        values=[f"00012345{i:02d}" for i in range(30)],
        sensitivity="personal_id",
    )
    fs.add(
        "rpt.charset",
        file="JUMIN.DAT",
        item="shimei",
        records=np.arange(1, len(HOSTILE) + 1),
        values=HOSTILE,
        raw=True,
        details=["x" for _ in HOSTILE],
    )
    fs.add(
        "rpt.gaiji",
        file="a&b<c>.csv",
        item="jusho",
        records=np.array([5, 6]),
        values=["葛\U000e0100飾区\ue000町", "\x1b[31m赤"],
        raw=True,
    )
    fs.add("rpt.note", file="JUMIN.DAT", records=np.array([0]), count=1, details=["trailer has a <comment>"])
    return fs


def make_report(tmp: Path, *, now: datetime | None = None, thresholds: Thresholds | None = None) -> Report:
    src = tmp / "JUMIN.DAT"
    if not src.exists():
        src.write_bytes(b"\x82\xa0" * 500)
        (tmp / "a&b<c>.csv").write_bytes("宛名番号,住所\r\n".encode())
        (tmp / "住民.csv").write_bytes("氏名\r\n山田\r\n".encode())
        (tmp / "juki.jumin.yaml").write_text("id: juki.jumin\n", encoding="utf-8")
    return build_report(
        make_findings(),
        files=[
            FileCounts(
                "JUMIN.DAT",
                records_read=20_002,
                written=19_960,
                rejected=40,
                control_records=2,
                rejected_by_reason={"rpt.required": 3, "rpt.check_digit": 30, "rpt.charset": 8},
                layout_id="juki.jumin",
            ),
            FileCounts("a&b<c>.csv", records_read=10, written=10, rejected=0, layout_id="juki.setai"),
        ],
        inputs=[
            InputInfo(
                src,
                file_id="JUMIN.DAT",
                encoding="cp932",
                encoding_source="adapter",
                encoding_evidence="strict cp932 ok; utf-8 fails at byte 0",
                framing="fixed 320 bytes + CRLF",
            ),
            InputInfo(tmp / "a&b<c>.csv", encoding="utf-8", encoding_source="detected"),
        ],
        outputs=[OutputInfo(tmp / "住民.csv", records=19_960, layout_id="juki.jumin")],
        layouts=[
            LayoutInfo(
                "juki.jumin", "reference-2026.1 (modelled after V2.7)", "住民", tmp / "juki.jumin.yaml"
            )
        ],
        trailers=[
            TrailerCheck("JUMIN.DAT", "record_count", declared=20_000, counted=20_000, label_ja="データ件数"),
            TrailerCheck(
                "JUMIN.DAT",
                "zeigaku_total",
                declared="123456789",
                counted="123456789.00",
                kind="control_total",
                label_ja="税額合計",
            ),
        ],
        gaiji=GaijiCounts(
            by_status={"exact": 812, "identified": 40, "degraded": 3, "unmapped": 2},
            unmapped={"F040": 1, "F1A2": 1},
            not_storable={"葛\U000e0100": 4, "𠮷": 2},
            target_charset="cp932",
        ),
        item_names=ITEM_NAMES,
        thresholds=thresholds or Thresholds(max_error_findings=100, max_reject_rate=0.01),
        adapter=("vendor_a", "1.0"),
        extra_options={"encoding": "cp932"},
        municipality="テスト県 サンプル町 (999997)",
        now=now or datetime(2026, 4, 1, 3, 0, tzinfo=UTC),
    )


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return make_report(tmp_path)
