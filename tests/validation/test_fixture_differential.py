"""Differential test on the fixture layout: vectorized verdict == the scalar oracle's verdict.

Values are drawn from alphabets aimed at the edges of each check family (class boundaries,
IVS selectors, 半角カナ, leap days, 00 parts, era boundaries, near-valid check digits),
many records per example, compared per record and item (spec.records.verdict).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.spec.checkdigits import make_valid
from chukan_layout.spec.records import RecordChecker
from chukan_layout.validation.compile import CompiledLayout

from .fixtures.layouts import code_tables
from .fixtures.layouts import jumin_layout as GOOD_LAYOUT
from .fixtures.records import GOOD, batch_of

# Characters at and around every class boundary, plus typical Japanese text.
EDGE_CHARS = (
    "09AZaz \t~\x7f\x00-.@¥‾"  # ASCII edges, controls, JIS X 0201 Roman
    "ｱﾞﾟｰ｡ｿ\uff60\uffa0"  # 半角カナ range U+FF61–FF9F and its neighbours
    "ァヶヷヺ・ーヽヾ\u30a0\u30ff\u3000あ"  # 全角カナ range edges
    "高髙﨑𠮷葛辻辻〜～①ⅰ∑¬㈱"  # JIS X 0208 / 0213 / cp932 differences
    "\ue000\ue757\ue758\uf8ff"  # user area (外字) edges
    "\U000e0100\U000e01ef\U000e0000"  # IVS selectors
    "\u309a\u4e00\u9fff\u3400\uf900\U00020000\U0002a6df\U00030000\U0001f600"
    "０９ＡＺ"
)
text = st.text(alphabet=st.sampled_from(EDGE_CHARS), max_size=8)
digits = st.text(alphabet=st.sampled_from("0123456789"), min_size=1, max_size=16)
two = st.integers(0, 99).map(lambda v: f"{v:02d}")
dates = st.one_of(
    st.builds(lambda y, m, d: f"{y:04d}-{m}-{d}", st.integers(0, 2100), two, two),
    st.sampled_from(
        [
            "1868-01-01",
            "1867-12-31",
            "1989-01-07",
            "1989-01-08",
            "2019-04-30",
            "2019-05-01",
            "1900-02-29",
            "2000-02-29",
            "1935-00-00",
            "1935-04-00",
            "1935-00-05",
            "2024-1-01",
            "２０２４-01-01",
            "2024-01-01\n",
        ]
    ),
)
valid_numbers = st.one_of(
    st.builds(lambda b: make_valid("kojin_bango", b), st.text("0123456789", min_size=11, max_size=11)),
    st.builds(lambda b: make_valid("atena_mod11", b), st.text("0123456789", min_size=1, max_size=14)),
    st.builds(lambda b: make_valid("hokenja_bango", b), st.sampled_from(["13815", "3312001"])),
    st.builds(lambda b: make_valid("hojin_bango", b), st.text("0123456789", min_size=12, max_size=12)),
    st.builds(lambda b: make_valid("dantai_code", b), st.text("0123456789", min_size=5, max_size=5)),
)
ANY_VALUE = st.one_of(
    text,
    digits,
    dates,
    valid_numbers,
    st.sampled_from(["", "0", "1", "2", "01", "03", "04", "05", "09", "-1", "1.5", "12:00:00"]),
)
ITEMS = list(GOOD)
records = st.lists(
    st.dictionaries(st.sampled_from(ITEMS), ANY_VALUE, max_size=6).map(lambda ch: {**GOOD, **ch}),
    min_size=1,
    max_size=40,
)


@given(records)
def test_vectorized_equals_oracle(jumin: CompiledLayout, rows: list[dict[str, str]]) -> None:
    got = jumin.record_verdicts(batch_of(jumin.layout, rows))
    for row, v in zip(rows, got, strict=True):
        assert v == oracle_verdict(row), row


_CHECKER: list[RecordChecker] = []


def oracle_verdict(row: dict[str, str]) -> dict[str, set[str]]:
    if not _CHECKER:
        _CHECKER.append(RecordChecker(GOOD_LAYOUT(), code_tables()))
    out: dict[str, set[str]] = {}
    for loc, code in _CHECKER[0].findings(row):
        out.setdefault(loc, set()).add(code)
    return out
