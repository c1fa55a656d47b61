from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.findings import FindingSet, Severity, register_code

register_code("test.bad", Severity.ERROR, "a test finding", "テスト用", stage="test")
register_code("test.warn", Severity.WARNING, "a test warning", "テスト警告", stage="test")


def _fs(pairs: list[tuple[int, int]], cap: int | None = 3) -> FindingSet:
    fs = FindingSet(max_samples=cap)
    for item, rec in pairs:
        fs.add("test.bad", file="f", item=f"i{item}", records=[rec], values=[str(rec)])
    return fs


pairs = st.lists(st.tuples(st.integers(0, 2), st.integers(1, 50)), max_size=30)


@given(pairs, pairs, pairs)
def test_merge_is_associative_and_commutative(a, b, c):
    left = _fs(a).merge(_fs(b)).merge(_fs(c))
    right = _fs(a).merge(_fs(b).merge(_fs(c)))
    swapped = _fs(c).merge(_fs(a)).merge(_fs(b))
    assert left.counts == right.counts == swapped.counts
    assert left.samples == right.samples == swapped.samples


@given(pairs)
def test_merge_equals_single_pass(a):
    whole = _fs(a)
    split = _fs(a[: len(a) // 2]).merge(_fs(a[len(a) // 2 :]))
    assert whole.counts == split.counts and whole.samples == split.samples


def test_samples_keep_lowest_records_and_mask():
    fs = FindingSet(max_samples=2)
    fs.add(
        "test.bad",
        file="住民.csv",
        item="kojin_bango",
        records=[9, 3, 5],
        values=["123456789018", "983205673214", "111111111118"],
        sensitivity="personal_id",
    )
    (row,) = list(fs.rows())
    assert row["count"] == 3
    assert [s["record"] for s in row["samples"]] == [3, 5]
    assert row["samples"][0]["value"] == "**********14"
    assert fs.has_errors() and fs.total(Severity.WARNING) == 0


def test_severity_override():
    fs = FindingSet(severity_overrides={"test.bad": Severity.WARNING})
    fs.add("test.bad", file="f", records=[1])
    assert not fs.has_errors()


def test_key_severity_reports_a_rule_warning_as_warning():
    fs = FindingSet()
    fs.add("test.bad", file="f", item="rule:a", records=[1], severity="warning")
    fs.add("test.bad", file="f", item="rule:b", records=[2])
    sev = {r["item"]: r["severity"] for r in fs.rows()}
    assert sev == {"rule:a": "warning", "rule:b": "error"}
    assert fs.total("warning") == 1 and fs.total("error") == 1
    merged = FindingSet().merge(fs)
    assert merged.total("warning") == 1
    forced = FindingSet(severity_overrides={"test.bad": Severity.INFO}).merge(fs)
    assert forced.total("info") == 2


def test_to_pandas_one_row_per_code_file_item() -> None:
    fs = FindingSet(severity_overrides={"test.bad": Severity.WARNING})
    fs.add("test.bad", file="a.csv", item="shimei", records=[3, 1, 2])
    fs.add("test.bad", file="b.csv", item="shimei", records=[5])
    df = fs.to_pandas()
    assert list(df.columns) == ["code", "severity", "file", "item", "count"]
    assert df.to_dict("records") == [
        {"code": "test.bad", "severity": "warning", "file": "a.csv", "item": "shimei", "count": 3},
        {"code": "test.bad", "severity": "warning", "file": "b.csv", "item": "shimei", "count": 1},
    ]
    assert FindingSet().to_pandas().empty


@given(
    st.lists(st.integers(1, 400), max_size=60, unique=True),
    st.lists(st.integers(0, 60), max_size=8),
    st.sampled_from([None, 0, 1, 3, 20]),
)
def test_report_counting_without_samples_once_full_keeps_the_same_findings(
    records: list[int], cuts: list[int], cap: int | None
) -> None:
    """Batches reported one after another (samples skipped once ``cap`` lower records are held) give
    the counts and samples of one ``add`` of every record (a record is in one batch only, any order)."""
    import numpy as np

    from chukan_layout.validation.base import report

    got, want = FindingSet(max_samples=cap), FindingSet(max_samples=cap)
    bounds = [0, *sorted(cuts), len(records)]
    for lo, hi in itertools.pairwise(bounds):
        arr = np.array(records[lo:hi], dtype=np.int64)

        def values(k: np.ndarray, arr: np.ndarray = arr) -> list[str | None]:
            return [f"v{r}" for r in arr[k].tolist()]

        report(got, "test.bad", file="f", item="i", records=arr, values=values, details="d")
    want.add("test.bad", file="f", item="i", records=records, values=[f"v{r}" for r in records],
             details=["d"] * len(records))  # fmt: skip
    assert got.counts == want.counts and got.samples == want.samples
