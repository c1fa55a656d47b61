"""Same inputs → byte-identical report.json / report.html / findings.csv (SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chukan_layout.findings import merge_all
from chukan_layout.report import FileCounts, build_report, generated_at, write_reports

from .conftest import make_findings, make_report


def _bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_source_date_epoch_makes_outputs_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    a = make_report(tmp_path, now=datetime(2026, 4, 1, tzinfo=UTC))
    b = make_report(tmp_path, now=datetime(2027, 9, 9, 9, 9, tzinfo=UTC))  # wall clock differs
    assert a.generated_at == b.generated_at == "2026-01-01T00:00:00Z"
    first = _bytes(next(iter(write_reports(a, tmp_path / "a").values())).parent)
    second = _bytes(next(iter(write_reports(b, tmp_path / "b").values())).parent)
    assert set(first) == {"report.json", "report.html", "findings.csv"}
    assert first == second
    assert "2026年01月01日 09:00 JST" in first["report.html"].decode()


def test_without_epoch_the_clock_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert generated_at(datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC)) == "2026-03-31T23:59:59Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert generated_at() == "1970-01-01T00:00:00Z"


def test_worker_order_does_not_matter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings merged in any order and accounting listed in any order give the same bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    base = make_report(tmp_path)
    parts = [make_findings() for _ in range(3)]
    rng = random.Random(7)
    outputs = set()
    for n in range(3):
        rng.shuffle(parts)
        files = [
            FileCounts(
                a.file,
                a.records_read * 3,
                a.written * 3,
                a.rejected * 3,
                a.control_records * 3,
                dict(reversed(list(a.rejected_by_reason.items()))),
                a.layout_id,
            )
            for a in rng.sample(base.accounting, len(base.accounting))
        ]
        r = build_report(merge_all(parts), files=files)
        out = write_reports(r, tmp_path / f"o{n}")
        outputs.add(tuple(p.read_bytes() for p in out.values()))
    assert len(outputs) == 1
