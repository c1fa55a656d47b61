"""CompiledLayout.check: findings counts, capped masked samples, error mask, severity overrides."""

from __future__ import annotations

import numpy as np
import pytest

from chukan_layout.findings import FindingSet, Severity, merge_all
from chukan_layout.validation.compile import CompiledLayout

from .fixtures.records import GOOD, batch_of, with_

# the compiled kernels on, then off (conftest.both_routes): the numpy route stays tested
pytestmark = pytest.mark.usefixtures("both_routes")


def test_counts_samples_and_error_mask(jumin: CompiledLayout) -> None:
    rows = [GOOD] * 30 + [with_(kojin_bango="123456789012")] * 25 + [with_(zeigaku="-5")]
    b = batch_of(jumin.layout, rows, first_record=101)
    fs = FindingSet(max_samples=5)
    bad = jumin.check(b, fs, file="JUMIN.csv")
    assert fs.counts == {
        ("item.check_digit", "JUMIN.csv", "kojin_bango"): 25,
        ("row.rule", "JUMIN.csv", "rule:zeigaku_nonnegative"): 1,
    }
    samples = fs.samples[("item.check_digit", "JUMIN.csv", "kojin_bango")]
    assert [s.record for s in samples] == [131, 132, 133, 134, 135]  # the lowest record numbers
    assert samples[0].value == "**********12"  # 個人番号 masked
    # the warning-severity rule does not reject its row; the check-digit errors do
    assert bad.tolist() == [False] * 30 + [True] * 25 + [False]
    rule = fs.samples[("row.rule", "JUMIN.csv", "rule:zeigaku_nonnegative")][0]
    assert rule.detail == "税額は0以上" and rule.value is None


def test_raw_values_flag(jumin: CompiledLayout) -> None:
    fs = FindingSet()
    jumin.check(batch_of(jumin.layout, [with_(shimei="高橋　一郎\ue000")]), fs, file="f", raw_values=True)
    assert fs.samples[("item.charset", "f", "shimei")][0].value == "高橋　一郎\ue000"
    fs = FindingSet()
    jumin.check(batch_of(jumin.layout, [with_(shimei="高橋　一郎\ue000")]), fs, file="f")
    assert fs.samples[("item.charset", "f", "shimei")][0].value == "高＊＊＊＊＊"


def test_severity_overrides_change_the_reject_mask(jumin: CompiledLayout) -> None:
    b = batch_of(jumin.layout, [with_(kojin_bango="123456789012"), with_(zeigaku="-5")])
    fs = FindingSet(severity_overrides={"item.check_digit": Severity.WARNING, "row.rule": Severity.ERROR})
    assert jumin.check(b, fs, file="f").tolist() == [False, True]
    assert {r["code"]: r["severity"] for r in fs.rows()} == {
        "item.check_digit": "warning",
        "row.rule": "error",
    }


def test_findings_merge_across_batches_like_one_pass(jumin: CompiledLayout) -> None:
    rows = [with_(seibetsu="3") if i % 3 == 0 else GOOD for i in range(90)]
    whole = FindingSet(max_samples=4)
    jumin.check(batch_of(jumin.layout, rows), whole, file="f")
    parts = []
    for lo in range(0, 90, 25):
        fs = FindingSet(max_samples=4)
        jumin.check(batch_of(jumin.layout, rows[lo : lo + 25], first_record=lo + 1), fs, file="f")
        parts.append(fs)
    merged = merge_all(reversed(parts), max_samples=4)
    assert merged.counts == whole.counts and merged.samples == whole.samples


def test_missing_columns_read_as_blank(jumin: CompiledLayout) -> None:
    import pyarrow as pa

    b = pa.RecordBatch.from_pydict(
        {"atena_no": pa.array(["0000012343"]), "_record": pa.array([7], pa.int64())}
    )
    fs = FindingSet(max_samples=None)
    assert jumin.check(b, fs, file="f").tolist() == [True]
    assert ("f", 7, "seibetsu", "item.required") in fs.records_of()


def test_item_verdicts_shape(jumin: CompiledLayout) -> None:
    v = jumin.item_verdicts(batch_of(jumin.layout, [GOOD, with_(seibetsu="")]))
    assert v["seibetsu"]["item.required"].tolist() == [False, True]
    assert all(isinstance(m, np.ndarray) and m.dtype == bool for codes in v.values() for m in codes.values())
