"""Value-wise chains run once per distinct value give exactly the row-wise results and findings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chukan_layout.adapt import distinct
from chukan_layout.adapt.transforms.base import Context, Transform, builtin_transforms
from chukan_layout.findings import FindingSet

T = builtin_transforms()


def step(name: str, **args: object) -> Transform:
    return T[name](T[name].Args(**args))


CHAINS = {
    "kana": [
        step("small_kana_flag", level="any", report=True),
        step("kana", to="zenkaku"),
        step("alnum", to="zenkaku", digits=False, letters=False, space=True),
    ],
    "codes": [step("trim"), step("map", table={"1": "男", "2": "女", "": ""})],
    "check_digit": [step("zfill", width=9), step("check_digit", algorithm="atena_mod11", mode="append")],
}
VOCAB = {
    "kana": ["ｷﾖｳｺ", "ﾀﾅｶ ﾀﾛｳ", "ﾔﾏﾀﾞ ﾊﾅｺ", "ｼﾞｮｰ", "ﾃﾞｨｰ", "", "ﾊﾟｰｸ ﾎﾃﾙ", "ｳｲﾘｱﾑ", "髙橋"],
    "codes": ["1", "2", " 1 ", "9", "", "x", "2 "],
    "check_digit": ["123", "", "12a", "99999999", "1"],
}


def run(chain: list[Transform], col: pa.Array, ctx: Context) -> pa.Array:
    out = col
    for st_ in chain:
        out = st_.apply([out], ctx)
    return out


def ctx(n: int) -> Context:
    return Context("f", "l", "item", pa.array(np.arange(1, n + 1), pa.int64()), FindingSet(max_samples=None))


def check(chain: list[Transform], values: list[str]) -> None:
    col = pa.array(values, pa.string())
    rows, dist = ctx(len(values)), ctx(len(values))
    out = distinct.run_distinct(col, dist, lambda c, cx: run(chain, c, cx))
    assert out is not None  # few distinct values: the distinct route is taken
    assert out.to_pylist() == run(chain, col, rows).to_pylist()
    assert rows.findings.total() > 0 and dist.findings.counts == rows.findings.counts
    assert dist.findings.samples == rows.findings.samples  # same records, values, order


@settings(max_examples=15)
@given(st.sampled_from(sorted(CHAINS)), st.integers(0, 2**32 - 1))
def test_distinct_route_equals_row_route(name: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    vocab = VOCAB[name]
    check(CHAINS[name], [vocab[i] for i in rng.integers(0, len(vocab), distinct.MIN_ROWS + 100)])


def test_unique_columns_are_left_to_the_row_route() -> None:
    col = pa.array([f"ﾀﾛｳ{i}" for i in range(distinct.MIN_ROWS)])
    assert distinct.run_distinct(col, ctx(len(col)), lambda c, cx: c) is None
    assert distinct.encode(col.slice(0, 100)) is None  # short batches too


def test_only_value_wise_costly_chains_qualify() -> None:
    assert distinct.worth_it(CHAINS["kana"])
    assert not distinct.worth_it([step("trim")])  # too cheap to pay for the hash
    assert not distinct.worth_it([step("wareki", eras={"3": "昭和"}), step("kana")])  # sets a side item
    assert not distinct.worth_it([])


def test_finding_takes_only_the_kept_samples_out_of_arrow() -> None:
    """100 flagged rows, 3 samples kept: the 3 lowest records with their own values, count 100."""
    recs = pa.array(np.arange(200, 0, -1), pa.int64())  # descending: the lowest records are last
    c = Context("f", "l", "item", recs, FindingSet(max_samples=3))
    vals = pa.array([f"v{i}" for i in range(200)])
    mask = np.zeros(200, bool)
    mask[100:] = True
    assert c.finding("adapt.small_kana", mask, vals) == 100
    key = ("adapt.small_kana", "f", "item")
    assert c.findings.counts[key] == 100
    assert [(s.record, s.value) for s in c.findings.samples[key]] == [(1, "v199"), (2, "v198"), (3, "v197")]
