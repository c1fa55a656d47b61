"""The date routes (:mod:`chukan_layout.adapt.transforms._datepaths`): the word-at-a-time and the
fixed-width fast paths settle what the general (RE2) path would, and nothing else — 和暦 boundary
days of every era under every era code, 不詳 forms, near-digits, sentinels and odd widths."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.adapt.transforms.base import Context
from chukan_layout.adapt.transforms.dates import Seireki, Wareki
from chukan_layout.adapt.transforms.text import trim_column
from chukan_layout.findings import FindingSet
from chukan_layout.spec import wareki as wk

ERAS = {"1": "明治", "2": "大正", "3": "昭和", "4": "平成", "5": "令和", "S": "昭和"}
two = st.integers(0, 99).map(lambda v: f"{v:02d}")
gyymmdd = st.tuples(st.sampled_from([*ERAS, "0", "9", "x"]), two, st.integers(0, 13).map(lambda v: f"{v:02d}"),
                    st.integers(0, 32).map(lambda v: f"{v:02d}")).map("".join)  # fmt: skip
yyyymmdd = st.tuples(st.integers(0, 9999).map(lambda v: f"{v:04d}"), st.integers(0, 13).map(lambda v: f"{v:02d}"),
                     st.integers(0, 32).map(lambda v: f"{v:02d}")).map("".join)  # fmt: skip


def _boundary_values() -> list[str]:
    """Each era code with the days around every era start and end, and their 不詳 forms."""
    out = []
    for code, name in ERAS.items():
        era = wk.get_era(name)
        for e in wk.ERAS:
            for day in (e.start - timedelta(days=1), e.start, e.start + timedelta(days=1)):
                yy = day.year - era.start.year + 1
                if 0 <= yy <= 99:
                    out += [f"{code}{yy:02d}{day:%m%d}", f"{code}{yy:02d}{day:%m}00", f"{code}{yy:02d}0000"]
    return out


junk7 = st.tuples(
    st.sampled_from([*ERAS, "0"]), st.text(alphabet="0123456789:;<=>?/ A\x7f", min_size=6, max_size=6)
)
junk7 = junk7.map("".join)  # near-digits around 0x30–0x39 in every position
odd = st.sampled_from(["", " ", "   3600214 ", "36O0214", "360214", "99999999", "00000000", "3６00214", "ｱ"])


def _compare_with_general_path(transform: Wareki | Seireki, vals: list[str]) -> None:
    arr = pa.array(vals, pa.string())
    fast_ctx = Context(
        "f", "l", "i", pa.array(range(1, len(vals) + 1), pa.int64()), FindingSet(max_samples=None)
    )
    slow_ctx = Context(
        "f", "l", "i", pa.array(range(1, len(vals) + 1), pa.int64()), FindingSet(max_samples=None)
    )
    fast = transform.apply([arr], fast_ctx)
    slow = transform._slow(trim_column(arr), slow_ctx)
    assert fast.to_pylist() == slow.to_pylist()
    assert {k: v.to_pylist() for k, v in fast_ctx.side.items()} == {
        k: v.to_pylist() for k, v in slow_ctx.side.items()
    }
    assert fast_ctx.findings.counts == slow_ctx.findings.counts
    for key, samples in slow_ctx.findings.samples.items():
        assert sorted(s.record for s in fast_ctx.findings.samples[key]) == sorted(s.record for s in samples)


@given(
    st.lists(st.one_of(gyymmdd, odd, st.sampled_from(_boundary_values())), max_size=16),
    st.booleans(),
    st.booleans(),
)
def test_wareki_fast_path_matches_general_path(vals: list[str], flag: bool, partial: bool) -> None:
    kw = {"flag_item": "fl", "sentinels": ["99999999", "0000000"]} if flag else {}
    _compare_with_general_path(Wareki(Wareki.Args(eras=ERAS, partial=partial, **kw)), vals)


@given(st.lists(st.one_of(gyymmdd, junk7, st.sampled_from(["", "", "3６00214", *_boundary_values()])), max_size=24),
       st.booleans(), st.booleans())  # fmt: skip
def test_wareki_word_path_matches_general_path(vals: list[str], flag: bool, partial: bool) -> None:
    """Only 7-byte values and blanks, so the word-at-a-time path applies (``3６00214`` is 9 bytes)."""
    vals = [v for v in vals if len(v.encode()) in (0, 7)]
    kw = {"flag_item": "fl", "flag_blank": ""} if flag else {}
    _compare_with_general_path(Wareki(Wareki.Args(eras=ERAS, partial=partial, **kw)), vals)


def test_wareki_word_path_is_taken() -> None:
    t = Wareki(Wareki.Args(eras=ERAS))
    s = pa.array(["3600214", "", "3640108", "4010108", "x600214", "3600230", "5010501"])
    fast = t._fast(s)
    assert fast is not None
    out, _, rest = fast
    assert out.to_pylist() == ["1985-02-14", "", "", "1989-01-08", "", "", "2019-05-01"]
    assert rest.tolist() == [2, 4, 5]  # out of era, unknown era, 2月30日: left to the general path


@given(st.lists(st.one_of(yyyymmdd, odd), max_size=16), st.booleans())
def test_seireki_fast_path_matches_general_path(vals: list[str], flag: bool) -> None:
    kw = {"flag_item": "fl", "sentinels": ["99999999", "00000000"], "flag_blank": ""} if flag else {}
    _compare_with_general_path(Seireki(Seireki.Args(format="YYYYMMDD", **kw)), vals)
    slashed = [f"{v[:4]}/{v[4:6]}/{v[6:]}" if len(v) == 8 else v for v in vals]
    _compare_with_general_path(Seireki(Seireki.Args(format="YYYY/MM/DD", **kw)), slashed)


def test_seireki_settled_column_keeps_its_offsets() -> None:
    """Every value a valid YYYY/MM/DD or blank: the output is over the input's own offsets (and a
    slice not at the start of its buffer, whose offsets do not begin at 0, takes the general layout)."""
    vals = ["1985/02/14", "", "2000/02/29", "", "", "2019/05/01", "1989/01/08"]
    want = [v.replace("/", "-") for v in vals]
    t = Seireki(Seireki.Args(format="YYYY/MM/DD"))
    _compare_with_general_path(t, vals)
    whole = pa.array(vals)
    for arr in (whole, pa.array(["1999/12/31", *vals]).slice(1), whole.slice(1)):
        c = Context("f", "l", "i", pa.array(range(len(arr)), pa.int64()), FindingSet())
        assert t.apply([arr], c).to_pylist() == want[len(vals) - len(arr) :] and c.findings.total() == 0
    out = t.apply([whole], Context("f", "l", "i", pa.array(range(7), pa.int64()), FindingSet()))
    assert out.buffers()[1].address == whole.buffers()[1].address


def test_wareki_dense_column_uses_the_byte_matrix() -> None:
    """Every value 7 bytes (no blanks), and with blanks in between: both layouts of the fast path."""
    t = Wareki(Wareki.Args(eras=ERAS))
    for vals in (["3600214", "4310430", "5010501"], ["3600214", "", "4310430", "", "5010501"]):
        c = Context("f", "l", "i", pa.array(range(len(vals)), pa.int64()), FindingSet())
        out = t.apply([pa.array(vals)], c).to_pylist()
        assert [v for v in out if v] == ["1985-02-14", "2019-04-30", "2019-05-01"] and c.findings.total() == 0


def test_wareki_word_path_rejects_near_digits_everywhere() -> None:
    """``:;<=>?`` follow ``9`` and ``/`` precedes ``0``: none may pass for a digit in any position."""
    vals = [
        v[:i] + ch + v[i + 1 :]
        for v in ("3600214", "4310430", "2641231")
        for i in range(1, 7)
        for ch in ":;<=>?/\x7f"
    ]
    _compare_with_general_path(Wareki(Wareki.Args(eras=ERAS)), vals)
    _compare_with_general_path(Wareki(Wareki.Args(eras=ERAS)), [*vals, "3600214"])
