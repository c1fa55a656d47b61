"""findings.csv: UTF-8 BOM, CRLF, one summary row per key plus sample rows, formula-safe."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.report import Report, render_csv
from chukan_layout.report.render_csv import BOM, COLUMNS, guard_cell

from .conftest import HOSTILE

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def rows(report: Report) -> list[dict[str, str]]:
    text = render_csv(report)
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_bom_crlf_and_header(report: Report) -> None:
    data = render_csv(report).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") >= len(report.findings) + 1
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ",".join(COLUMNS)


def test_shape_one_summary_per_key_then_samples(report: Report) -> None:
    out = rows(report)
    summaries = [r for r in out if r["row_type"] == "summary"]
    assert [(r["code"], r["file"], r["item"], r["count"]) for r in summaries] == [
        (f.code, f.file, f.item, str(f.count)) for f in report.findings
    ]
    samples = [r for r in out if r["row_type"] == "sample"]
    assert len(samples) == sum(len(f.samples) for f in report.findings)
    cd = [r for r in samples if r["code"] == "rpt.check_digit"]
    assert cd[0]["record"] == "100" and cd[0]["value"] == "********00" and cd[0]["count"] == ""
    assert {r["item_name"] for r in cd} == {"宛名番号"}


def test_hostile_values_are_guarded(report: Report) -> None:
    values = [r["value"] for r in rows(report) if r["code"] == "rpt.charset" and r["row_type"] == "sample"]
    expected = ["'" + v if v.startswith(DANGEROUS) else v for v in HOSTILE]
    assert values == expected
    assert '\'=HYPERLINK("http://evil.example/","click")' in values
    assert "'+81-3-1234-5678" in values and "'-1" in values and "'@SUM(A1:A9)" in values
    assert "'\tTAB" in values and "'\rCR" in values
    assert "髙橋　﨑子" in values  # harmless text untouched


def test_every_text_cell_is_safe(report: Report) -> None:
    for r in rows(report):
        for col, cell in r.items():
            if col in ("count", "record"):
                assert cell == "" or cell.isdigit()
            else:
                assert not cell.startswith(DANGEROUS), (col, cell)


def test_numbers_are_not_mangled() -> None:
    assert guard_cell(0) == "0" and guard_cell(12345) == "12345" and guard_cell(-1) == "-1"
    assert guard_cell("-1") == "'-1" and guard_cell(None) == ""


@given(st.text(max_size=30))
def test_guard_property(value: str) -> None:
    g = guard_cell(value)
    assert not g.startswith(DANGEROUS)
    assert g in (value, "'" + value)
    assert (g != value) == value.startswith(DANGEROUS)
