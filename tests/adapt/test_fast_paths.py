"""The adapt fast paths give exactly the results of the reference implementations.

Random Japanese strings mixing what real exports hold: half-width kana with ﾞﾟ (composable or
not, at value starts), small kana, ASCII and full-width spaces, 外字 in the PUA, IVS selectors,
kanji, full-width alphanumerics, and padding in every arrangement; arrays sliced and with nulls.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from chukan_layout.adapt.transforms import width
from chukan_layout.adapt.transforms._datebytes import digit_fields, valid_calendar, valid_dates
from chukan_layout.adapt.transforms._dateformat import fixed_layout
from chukan_layout.adapt.transforms.text import trim_column

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
    layout = fixed_layout(fmt)
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
