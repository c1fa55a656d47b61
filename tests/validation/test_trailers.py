"""Trailer reconciliation: record counts and exact control totals."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.findings import FindingSet
from chukan_layout.validation.trailers import (
    TotalsAccumulator,
    Trailer,
    compare,
    exact_sum,
    parse_decimal,
    reconcile,
)


def test_exact_sum_of_decimal_strings() -> None:
    total, bad = exact_sum(pa.array(["12.50", "-0.5", "", "3", "1,000", "9" * 25]))
    assert total == Decimal("12.50") - Decimal("0.5") + 3 + Decimal("9" * 25)
    assert bad == 1


@given(st.lists(st.decimals(min_value=-(10**17), max_value=10**17, places=2, allow_nan=False), max_size=50))
def test_exact_sum_matches_python_decimal(values: list[Decimal]) -> None:
    texts = [format(v, "f") for v in values]
    total, bad = exact_sum(pa.array(texts, pa.string()))
    assert bad == 0 and total == sum(values, Decimal(0))


def test_no_int64_overflow_across_batches() -> None:
    acc = TotalsAccumulator(["zei"])
    big = str(2**62)
    for _ in range(5):
        acc.add(pa.RecordBatch.from_pydict({"zei": pa.array([big, big])}))
    assert acc.records == 10 and acc.sums["zei"] == Decimal(10 * 2**62)


def test_reconcile_reports_mismatches_at_the_trailer() -> None:
    acc = TotalsAccumulator(["zei"])
    acc.add(pa.RecordBatch.from_pydict({"zei": pa.array(["1000", "2500", ""])}))
    good = Trailer("a.dat", 5, count="000003", totals={"zei": "0003500"})
    bad = Trailer("b.dat", 9, count="000004", totals={"zei": "3499"})
    fs = reconcile([good, bad], {"a.dat": acc.records, "b.dat": 3}, {"a.dat": acc.sums, "b.dat": acc.sums})
    assert fs.records_of() == {
        ("b.dat", 9, "", "file.count_mismatch"),
        ("b.dat", 9, "zei", "file.total_mismatch"),
    }
    assert fs.samples[("file.count_mismatch", "b.dat", "")][0].detail == "trailer says '000004', read 3"
    assert all(line.ok for line in compare(good, 3, acc.sums))


def test_unreadable_trailer_numbers_mismatch() -> None:
    assert parse_decimal(" +12 ") == 12 and parse_decimal("１２") is None and parse_decimal("") is None
    fs = reconcile([Trailer("c", 2, count="ABC")], {"c": 1}, {}, FindingSet())
    assert fs.counts == {("file.count_mismatch", "c", ""): 1}
