"""The adapt fast paths give exactly the results of the reference implementations.

Random Japanese strings mixing what real exports hold: half-width kana with ﾞﾟ (composable or
not, at value starts), small kana, ASCII and full-width spaces, 外字 in the PUA, IVS selectors,
kanji, full-width alphanumerics, and padding in every arrangement; arrays sliced and with nulls.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.adapt.transforms import width
from chukan_layout.adapt.transforms._datebytes import digit_fields, valid_calendar, valid_dates
from chukan_layout.adapt.transforms.base import Context
from chukan_layout.adapt.transforms.dates import Seireki, Wareki, _fixed_layout
from chukan_layout.adapt.transforms.text import trim_column
from chukan_layout.findings import FindingSet
from chukan_layout.spec import wareki as wk

from . import _reference_width as ref

ALPHABET = [
    *"ｱｶｷｸｻｼﾀﾂﾃﾄﾊﾋﾌﾍﾎﾏﾔﾕﾖﾗﾜｦﾝｳｰｧｨｩｪｫｬｭｮｯﾞﾟ｡｢｣､･",  # half-width kana, small ones and marks
    *"アガパヴャュョッヵヶ゛゜ー",  # full-width kana
    " ",
    "\u3000",
    "  ",
    "\u3000\u3000",  # paddings
    *"髙﨑山田太郎葛辻",
    "\U0001f600",  # kanji, a 4-byte character
    "\ue000",
    "\uf8ff",
    "\uf040",  # 外字 (PUA; U+F040 shares the EF lead byte with ｱ)
    "\U000e0100",
    "葛\U000e0101",  # IVS
    *"019AZaz-.",
    *"０１９ＡＺａｚ－．",  # ASCII and full-width alphanumerics
    "\uff5e",
    "\u301c",
    "\uff61",  # ～ vs 〜, the first half-width kana code point
]
text = st.lists(st.sampled_from(ALPHABET), max_size=14).map("".join)
values = st.lists(st.one_of(text, st.none()), max_size=12)


def arrays(vals: list[str | None], cut: int) -> pa.Array:
    """The values as a string array behind ``cut`` leading values that a slice drops (offsets ≠ 0)."""
    return pa.array(["ｶﾞ "] * cut + vals, pa.string()).slice(cut)


def same(a: pa.Array, b: pa.Array) -> None:
    assert a.type == pa.string() and len(a) == len(b)
    assert a.to_pylist() == b.to_pylist()


@given(values, st.integers(0, 3))
def test_hankaku_to_zenkaku_matches_reference(vals: list[str | None], cut: int) -> None:
    arr = arrays(vals, cut)
    same(width.hankaku_to_zenkaku_kana(arr), ref.hankaku_to_zenkaku_kana(arr))


@given(values)
def test_zenkaku_to_hankaku_matches_reference(vals: list[str | None]) -> None:
    arr = arrays(vals, 1)
    same(width.zenkaku_to_hankaku_kana(arr), ref.zenkaku_to_hankaku_kana(arr))


@given(values, st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_alnum_both_ways_match_reference(
    vals: list[str | None], d: bool, le: bool, sy: bool, sp: bool
) -> None:
    arr = arrays(vals, 1)
    kw = {"digits": d, "letters": le, "symbols": sy, "space": sp}
    same(width.ascii_to_zenkaku(arr, **kw), ref.ascii_to_zenkaku(arr, **kw))
    same(width.zenkaku_to_ascii(arr, **kw), ref.zenkaku_to_ascii(arr, **kw))


@given(values)
def test_kana_pipeline_of_vendor_a_matches_reference(vals: list[str | None]) -> None:
    """The steps of the shipped kana items (trim → kana → alnum space) chained, as the engine runs them."""
    arr = arrays(vals, 1)
    fast = width.ascii_to_zenkaku(width.hankaku_to_zenkaku_kana(trim_column(arr)), digits=False, letters=False,
                                  space=True)  # fmt: skip
    slow = ref.ascii_to_zenkaku(ref.hankaku_to_zenkaku_kana(pc.utf8_trim(ref.as_str(arr), characters=" \u3000")),
                                digits=False, letters=False, space=True)  # fmt: skip
    same(fast, slow)


def test_rewrite_grows_and_shrinks_in_one_call() -> None:
    """One call that deletes (ﾊﾟ → パ), overwrites (ｱ → ア) and inserts (space → U+3000) bytes."""
    arr = pa.array(["ﾊﾟ ｱ", "", " ", "ﾊﾟﾊﾟ", "ｱ "])
    out = width.ascii_to_zenkaku(width.hankaku_to_zenkaku_kana(arr), digits=False, letters=False, space=True)
    assert out.to_pylist() == ["パ\u3000ア", "", "\u3000", "パパ", "ア\u3000"]


# --- dates: the fixed-width fast path settles what the general (RE2) path would, and nothing else ---

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


def test_valid_dates_is_valid_calendar() -> None:
    """The month/day table and the leap rule on 2月29日 only = the arithmetic, 不詳 forms too."""
    y, m, d = (a.ravel() for a in np.meshgrid([0, 1, 4, 100, 400, 1900, 1999, 2000, 2004, 2100, 9999],
                                              np.arange(0, 130), np.arange(0, 130), indexing="ij"))  # fmt: skip
    for partial in (False, True):
        assert (valid_dates(y, m, d, partial) == valid_calendar(y, m, d, partial)).all()


@given(st.lists(st.binary(min_size=10, max_size=10).map(lambda b: bytes(c & 0x3F | 0x20 if c & 0x80 else c for c in b))
                | st.sampled_from([b"1985/02/14", b"2000/02/29", b"0000/00/00", b"19a5/1 /3:"]), max_size=30),
       st.sampled_from(["YYYY/MM/DD", "YYYYMMDD", "GYYMMDD", "YYMMDD"]))  # fmt: skip
def test_digit_fields_match_digit_by_digit(rows: list[bytes], fmt: str) -> None:
    layout = _fixed_layout(fmt)
    assert layout is not None
    width, pos = layout
    mat = np.frombuffer(b"".join(r[:width].ljust(width, b"0") for r in rows), np.uint8).reshape(-1, width)
    got = digit_fields(mat, pos)
    assert got is not None
    y, m, d, ok = got
    z = mat.astype(np.int64) - 0x30
    cols = pos["y"] + pos["m"] + pos["d"]
    assert (ok == ((z[:, cols] >= 0) & (z[:, cols] <= 9)).all(axis=1)).all()
    for got_v, key in ((y, "y"), (m, "m"), (d, "d")):
        want = np.zeros(len(rows), np.int64)
        for p in pos[key]:
            want = want * 10 + z[:, p]
        assert (got_v[ok] == want[ok]).all()


# --- trim: every route (unpadded, dominant value, Arrow scan, U+3000 patch) equals pc.utf8_trim ---

pad = st.lists(st.sampled_from([" ", "\u3000", "  " * 8]), max_size=6).map("".join)
padded = st.tuples(pad, text, pad).map("".join)


@given(
    st.lists(padded, max_size=40),
    padded,
    st.integers(0, 400),
    st.randoms(use_true_random=False),
    st.booleans(),
)
def test_trim_matches_utf8_trim(others: list[str], dominant: str, reps: int, rnd, with_nulls: bool) -> None:
    vals: list[str | None] = [*others, *([dominant] * reps)]
    rnd.shuffle(vals)
    if with_nulls and vals:
        vals[rnd.randrange(len(vals))] = None
    arr = pa.array(["  x  ", *vals], pa.string()).slice(1)
    same(trim_column(arr), pc.utf8_trim(ref.as_str(arr), characters=" \u3000"))


_JP = ["千代田区", "　千代田区　", " 丸の内 ", "ｶﾞ", "", "山田\u3000", "ヤマダ　ハナコ"]
_ASCII = ["131016", " 0123", "0123 ", "01 23", "2024/01/02 10:11:12", ""]


@given(
    st.one_of(  # a Japanese column, an ASCII column (the reader knows), a mixed one
        *(st.lists(st.sampled_from(pool), min_size=1, max_size=60) for pool in (_JP, _ASCII, _JP + _ASCII))
    )
)
def test_trim_of_a_column_decoded_through_its_distinct_values(vals: list[str]) -> None:
    """Trimmed on the distinct values the CSV reader kept (readers.csv_decode.distinct_values), or
    by the route its codec allows (an ASCII column: spaces only; a decoded one: its ends at once)."""
    from chukan_layout.readers.csv_decode import DecodeRoutes

    routes = DecodeRoutes("cp932")
    col = routes.decode(pa.RecordBatch.from_arrays([pa.array([v.encode("cp932") for v in vals], pa.binary())],
                                                   names=["c"]))[0]  # fmt: skip
    try:
        out = trim_column(col)
        same(out, pc.utf8_trim(col, characters=" \u3000"))
        if all(v == v.strip(" \u3000") for v in vals):
            assert out is col
    finally:
        routes.close()


def test_trim_routes_on_wide_columns() -> None:
    """A blank-dominated column, a one-municipality column and a U+3000 hidden by spaces."""
    blank, name = " " * 120, "千代田区" + " " * 50
    cases = [
        [blank] * 300 + ["ﾀﾅｶ ﾀﾛｳ" + " " * 100, "\u3000髙橋\u3000" + " " * 90],
        [name] * 300 + ["港区" + " " * 56, " " * 60],
        ["山田\u3000" + " " * 40] * 10 + ["田中" + " " * 40] * 290,
    ]
    for vals in cases:
        arr = pa.array(vals)
        same(trim_column(arr), pc.utf8_trim(arr, characters=" \u3000"))


def test_wide_unpadded_columns_come_back_as_they_are() -> None:
    """A CSV's wide values (本籍, 住所: ≥ 16 bytes, no padding) are the column itself — the CSV reader's
    knowledge of it (distinct values, codec) stays with it; a padded value the sample missed is trimmed."""
    honseki = [f"東京都千代田区千代田{i}番地　髙橋方" for i in range(300)]
    arr = pa.array(honseki)
    assert trim_column(arr) is arr
    for at in (0, 1, 150, 299):  # the sample takes every 9th row: 1 and 150 are not in it
        vals = list(honseki)
        vals[at] = "　" + vals[at] + "  "
        arr = pa.array(vals)
        same(trim_column(arr), pc.utf8_trim(arr, characters=" \u3000"))


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
