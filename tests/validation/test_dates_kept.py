"""Dates the calendar lacks are kept when the item says so; era-boundary dates are valid (住民記録 §1.1.8)."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from chukan_layout.findings import FindingSet
from chukan_layout.spec import wareki
from chukan_layout.spec.model import Item, Layout
from chukan_layout.spec.records import ItemChecker
from chukan_layout.spec.registry import load_layout
from chukan_layout.validation.compile import compile_layout

M = {"status": "modelled"}


def _layout() -> Layout:
    items = [
        Item.model_validate(
            {"id": "kept", "name": "生年月日", "type": "date", "nonexistent": "keep", "provenance": M}
        ),
        Item.model_validate({"id": "strict", "name": "届出日", "type": "date", "provenance": M}),
    ]
    return Layout.model_validate(
        {
            "id": "test.dates",
            "gyomu": "住民基本台帳",
            "gyomu_id": "test",
            "file_name": "D.csv",
            "title": {"ja": "日付", "en": "Dates"},
            "spec_version": "test",
            "record_key": ["kept"],
            "items": [i.model_dump(by_alias=True, exclude_none=True) for i in items],
            "provenance": M,
        }
    )


VALUES = [
    "1923-02-29",
    "2021-02-30",
    "2021-04-31",
    "2024-02-29",
    "1912-07-30",
    "1926-12-25",
    "2021-02-32",
    "2021-13-01",
]
KEPT = {"1923-02-29": ["item.date_nonexistent"], "2021-02-30": ["item.date_nonexistent"],
        "2021-04-31": ["item.date_nonexistent"], "2021-02-32": ["item.date"], "2021-13-01": ["item.date"]}  # fmt: skip
STRICT = {"1923-02-29": ["item.date"], "2021-02-30": ["item.date"], "2021-04-31": ["item.date"],
          "2021-02-32": ["item.date"], "2021-13-01": ["item.date"]}  # fmt: skip


def test_keep_reports_a_warning_reject_an_error() -> None:
    layout = _layout()
    checker = compile_layout(layout, {})
    batch = pa.RecordBatch.from_pydict(
        {"kept": VALUES, "strict": VALUES, "_record": pa.array(range(1, len(VALUES) + 1), pa.int64())}
    )
    rows = checker.record_verdicts(batch)
    for v, got in zip(VALUES, rows, strict=True):
        assert sorted(got.get("kept", set())) == KEPT.get(v, []), v
        assert sorted(got.get("strict", set())) == STRICT.get(v, []), v
    fs = FindingSet()
    bad = checker.check(batch, fs, file="D.csv")
    assert fs.severity("item.date_nonexistent") == "warning"
    assert fs.counts[("item.date_nonexistent", "D.csv", "kept")] == 3
    # the kept rows are not rejected for the kept item (the strict item still rejects them)
    assert bad.tolist() == [True, True, True, False, False, False, True, True]


@pytest.mark.parametrize("v", VALUES)
def test_the_pydantic_oracle_agrees(v: str) -> None:
    layout = _layout()
    for item, want in ((layout.items[0], KEPT), (layout.items[1], STRICT)):
        assert sorted(ItemChecker(item).check(v, {})) == want.get(v, []), (item.id, v)


def test_reference_layouts_keep_birth_and_change_dates() -> None:
    jumin = {i.id: i for i in load_layout("juki.jumin").spec.items}
    setai = {i.id: i for i in load_layout("juki.setai").spec.items}
    assert jumin["seinengappi"].nonexistent == "keep" and jumin["ido_ymd"].nonexistent == "keep"
    assert setai["ido_ymd"].nonexistent == "keep"
    assert jumin["ido_todokede_ymd"].nonexistent is None  # others stay strict


def test_era_boundary_days_belong_to_both_eras() -> None:
    assert wareki.to_seireki("明治", 45, 7, 30) == (1912, 7, 30, False)
    assert wareki.to_seireki("大正", 1, 7, 30) == (1912, 7, 30, False)
    assert wareki.to_seireki("大正", 15, 12, 25) == (1926, 12, 25, False)
    assert wareki.to_seireki("昭和", 1, 12, 25) == (1926, 12, 25, False)
    assert wareki.to_seireki("明治", 45, 7, 31).out_of_era
    assert wareki.to_seireki("昭和", 64, 1, 8).out_of_era  # 昭和→平成 changed the next day
    assert [e.name for e in wareki.eras_of(date(1912, 7, 30))] == ["明治", "大正"]
    assert [e.name for e in wareki.eras_of(date(1989, 1, 7))] == ["昭和"]


def test_era_mismatch_accepts_the_old_name_on_a_shared_day() -> None:
    spec = load_layout("juki.jumin")
    checker = compile_layout(spec)
    codes = {e.name: wareki.era_code(e.name) for e in wareki.ERAS}
    n = 4
    cols = {i.id: [""] * n for i in spec.spec.items}
    cols["seinengappi"] = ["1912-07-30", "1912-07-30", "1926-12-25", "1912-07-31"]
    cols["seinengappi_gengo"] = [codes["明治"], codes["大正"], codes["大正"], codes["明治"]]
    batch = pa.RecordBatch.from_pydict({**cols, "_record": pa.array(range(1, n + 1), pa.int64())})
    fired = [
        ("item.era_mismatch" in r.get("seinengappi_gengo", set())) for r in checker.record_verdicts(batch)
    ]
    assert fired == [False, False, False, True]
